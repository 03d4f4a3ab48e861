"""Privacy rights (ARCO): the person's files for their export, and their erasure with every
stored version, keeping the fiscal ones for their legal period."""

from __future__ import annotations

from typing import Any, Final

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.documents.repository import Document
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, Retention

# CFDI files prove income, payments and deductions: the tax law keeps them (CFF art. 30).
FISCAL_KINDS: Final = frozenset({"cfdi_invoice", "cfdi_payment", "cfdi_expense"})


def personal_files(account_id: str, owners: list[tuple[str, str]]) -> list[Document]:
    """The person's documents (not deleted) under the owners their contexts name."""
    from chalicelib.documents import repository

    found: list[Document] = []
    for kind, owner_id in owners:
        found += [
            d for d in repository.list_for_owner(kind, owner_id) if d.account_id == account_id
        ]
    return found


def file_content(document: Document) -> bytes:
    """The stored bytes of a document (the version that was validated, when known)."""
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id:
        params["VersionId"] = document.version_id
    body: bytes = aws.s3().get_object(**params)["Body"].read()
    return body


def _delete_every_version(key: str) -> int:
    """Delete every version and delete marker of exactly `key`: a plain DELETE on a
    versioned bucket only hides the object behind a marker."""
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            if entry["Key"] == key:
                s3.delete_object(Bucket=bucket, Key=key, VersionId=entry["VersionId"])
                removed += 1
    return removed


def erase_stored_object(key: str) -> int:
    """Delete every stored version of a file another context derived into the documents
    bucket (a printed certificate, say) when the person's data goes. Repeatable."""
    return _delete_every_version(key)


def erase_files(
    account_id: str, owners: list[tuple[str, str]], retention: Retention | None = None
) -> tuple[int, list[Document]]:
    """Delete the person's documents with all their stored versions; keep the fiscal ones
    still in their period (all of them when no retention is given). Answers how many were
    erased and which were kept."""
    from chalicelib.documents import repository

    erased, kept = 0, []
    for document in personal_files(account_id, owners):
        if document.kind in FISCAL_KINDS and (
            retention is None or retention.keeps(FISCAL, document.created_at)
        ):
            kept.append(document)
            continue
        for key in filter(None, [document.object_key, document.derived_key]):
            _delete_every_version(key)
        repository.mark_deleted(document, clock.iso(clock.now()))
        erased += 1
    logger.info("documents erased", extra={"erased": erased, "kept": len(kept)})
    return erased, kept


def purge_retained(document_ids: list[str]) -> int:
    """Delete the fiscal files a deletion kept, every stored version, once their period
    ended (by id: the account is anonymised by then). Repeatable: the versions of a file
    already purged are gone and its record is already marked deleted."""
    from chalicelib.documents import repository

    purged = 0
    for document_id in document_ids:
        document = repository.get(document_id, include_deleted=True)
        if document is None:
            continue
        for key in filter(None, [document.object_key, document.derived_key]):
            purged += _delete_every_version(key) > 0
        if document.deleted_at is None:
            repository.mark_deleted(document, clock.iso(clock.now()))
    logger.info("retained documents purged", extra={"documents": len(document_ids)})
    return purged
