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
# Those the platform keeps on its own account: a provider's invoices and payment complements
# (the insurer's accounting). An expense invoice in a claim is kept with its claim when the
# claim is kept (the claims context names it), and goes with a draft no law keeps.
KEPT_ON_THEIR_OWN: Final = frozenset({"cfdi_invoice", "cfdi_payment"})


def personal_files(
    account_id: str, owners: list[tuple[str, str]], *, include_deleted: bool = False
) -> list[Document]:
    """The person's documents under the owners their contexts name; with `include_deleted`,
    also those they deleted whose stored copy remains (an export lists it, a deletion
    erases it)."""
    from chalicelib.documents import repository

    found: list[Document] = []
    for kind, owner_id in owners:
        listed = repository.list_for_owner(kind, owner_id)
        if include_deleted:
            listed += repository.list_deleted_for_owner(kind, owner_id)
        found += [d for d in listed if d.account_id == account_id]
    return found


def file_content(document: Document) -> bytes:
    """The stored bytes of a document (the version that was validated, when known)."""
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id:
        params["VersionId"] = document.version_id
    body: bytes = aws.s3().get_object(**params)["Body"].read()
    return body


def stored_content(document: Document) -> bytes | None:
    """A document's stored bytes, or None when no stored copy remains (a deleted document
    whose versions are gone)."""
    from botocore.exceptions import ClientError

    try:
        return file_content(document)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "NoSuchVersion", "404"}:
            return None
        raise


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


def _erase(document: Document) -> None:
    """Every stored version of the document's files, then its record. Repeatable."""
    from chalicelib.documents import repository

    for key in filter(None, [document.object_key, document.derived_key]):
        _delete_every_version(key)
    if document.deleted_at is None:
        repository.mark_deleted(document, clock.iso(clock.now()))
    repository.forget(document)


def erase_files(
    account_id: str,
    owners: list[tuple[str, str]],
    retention: Retention | None = None,
    *,
    keep_owners: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[int, list[Document]]:
    """Delete the person's documents (those they had deleted too) with every stored version
    and their records; keep the fiscal ones still in their period (all of them when no
    retention is given) and those of `keep_owners` (records another context keeps, such as a
    claim's clinical file, whose purge takes its files). Answers how many were erased and
    which fiscal ones were kept."""
    from chalicelib.documents import repository

    erased, kept = 0, []
    for document in personal_files(account_id, owners, include_deleted=True):
        if (document.owner_kind, document.owner_id) in keep_owners:
            if document.deleted_at is None:
                repository.strip_extracted(document)  # blocked: the file stays, not its facts
                continue
            _erase(document)  # deleted by the person: no record keeps it
            erased += 1
            continue
        if (
            document.deleted_at is None
            and document.kind in KEPT_ON_THEIR_OWN
            and (retention is None or retention.keeps(FISCAL, document.created_at))
        ):
            kept.append(document)
            continue
        _erase(document)
        erased += 1
    for kind, owner_id in owners:
        if (kind, owner_id) not in keep_owners and not repository.list_for_owner(kind, owner_id):
            repository.forget_usage(kind, owner_id)
    logger.info("documents erased", extra={"erased": erased, "kept": len(kept)})
    return erased, kept


def purge_owner(owner_kind: str, owner_id: str) -> int:
    """Delete every document of an owner another context kept after a deletion (a claim's
    clinical file), every stored version and record, once its period ended. Repeatable."""
    from chalicelib.documents import repository

    documents = repository.list_for_owner(owner_kind, owner_id)
    documents += repository.list_deleted_for_owner(owner_kind, owner_id)
    for document in documents:
        _erase(document)
    repository.forget_usage(owner_kind, owner_id)
    return len(documents)


def purge_retained(document_ids: list[str]) -> int:
    """Delete the fiscal files a deletion kept, every stored version and their records, once
    their period ended (by id: the account is anonymised by then). Repeatable."""
    from chalicelib.documents import repository

    purged = 0
    for document_id in document_ids:
        document = repository.get(document_id, include_deleted=True)
        if document is None:
            continue
        _erase(document)
        purged += 1
    logger.info("retained documents purged", extra={"documents": len(document_ids)})
    return purged
