"""Documents persistence: the only module that touches the documents table's models.

It returns `Document` (the context's own object) and turns failed conditions into plain
outcomes or domain errors, so the service never sees PynamoDB or botocore exceptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.transactions import TransactWrite

    from chalicelib.documents.models import DocumentModel

PENDING = "pendiente"


@dataclass(frozen=True)
class Document:
    document_id: str
    owner_kind: str
    owner_id: str
    account_id: str
    insurer_id: str
    uploaded_by: str
    name: str
    doc_type: str
    kind: str
    size: int
    content_type: str
    object_key: str
    created_at: str
    status: str = PENDING
    declared: dict[str, Any] = field(default_factory=dict)
    reasons: list[dict[str, str]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    stored_size: int | None = None
    version_id: str | None = None
    etag: str | None = None
    validated_content_type: str | None = None
    derived_key: str | None = None
    reserved_uuid: str | None = None
    owner_notified: bool = False
    validated_at: str | None = None
    deleted_at: str | None = None


@dataclass(frozen=True)
class StoredVerdict:
    status: str
    reasons: list[dict[str, str]]
    facts: dict[str, Any]
    stored_size: int
    version_id: str | None
    etag: str
    validated_content_type: str | None
    derived_key: str | None
    validated_at: str
    reserve_uuid: str | None = None  # a CFDI UUID to reserve with an acceptance


class VerdictOutcome(StrEnum):
    STORED = "stored"
    ALREADY_JUDGED = "already_judged"  # another delivery stored it first, or it was deleted
    UUID_TAKEN = "uuid_taken"  # another accepted document holds the CFDI UUID


class LimitsChanged(errors.Conflict):
    """Another request added files to the same owner at the same moment."""

    code = "conflict"
    message = "Otra carga de archivos se hizo al mismo tiempo. Intenta de nuevo."


def _document_key(document_id: str) -> tuple[str, str]:
    return f"DOC#{document_id}", "DOC"


def _usage_key(owner_kind: str, owner_id: str) -> tuple[str, str]:
    return f"OWNER#{owner_kind}#{owner_id}", "USAGE"


def _cfdi_key(uuid: str) -> tuple[str, str]:
    return f"CFDI#{uuid}", "CFDI"


def _owner_partition(owner_kind: str, owner_id: str) -> str:
    return f"OWNER#{owner_kind}#{owner_id}"


def _deleted_partition(owner_kind: str, owner_id: str) -> str:
    return f"DELETED#{_owner_partition(owner_kind, owner_id)}"


def _json(value: Any) -> str:
    # Facts may carry Decimal amounts or dates; they are kept as their text.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _to_document(item: DocumentModel) -> Document:
    return dynamo.record_from(
        Document,
        item,
        size=int(item.size),
        declared=json.loads(item.declared) if item.declared else {},
        reasons=json.loads(item.reasons) if item.reasons else [],
        facts=json.loads(item.facts) if item.facts else {},
        stored_size=int(item.stored_size) if item.stored_size is not None else None,
        owner_notified=bool(item.owner_notified),
    )


def usage(owner_kind: str, owner_id: str) -> tuple[int, int]:
    """Files and bytes the owner holds (documents not deleted), from its usage item."""
    from chalicelib.documents.models import UsageModel

    item = UsageModel.find(*_usage_key(owner_kind, owner_id), consistent_read=True)
    if item is None:
        return 0, 0
    return int(item.files or 0), int(item.bytes or 0)


def create(documents: list[Document], *, max_files: int, max_bytes: int) -> None:
    """Write new pending documents of one owner and count them, within the owner's limits.

    One transaction: the usage item grows only if it stays within `max_files`/`max_bytes`,
    so two requests at the same moment cannot both pass the limits.
    """
    from chalicelib.documents.models import DocumentModel, UsageModel

    if not documents:
        return
    owner_kind, owner_id = documents[0].owner_kind, documents[0].owner_id
    added_files = len(documents)
    added_bytes = sum(document.size for document in documents)

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            UsageModel(*_usage_key(owner_kind, owner_id)),
            actions=[UsageModel.files.add(added_files), UsageModel.bytes.add(added_bytes)],
            condition=(
                UsageModel.files.does_not_exist() | (UsageModel.files <= max_files - added_files)
            )
            & (UsageModel.bytes.does_not_exist() | (UsageModel.bytes <= max_bytes - added_bytes)),
        )
        for document in documents:
            pk, sk = _document_key(document.document_id)
            item = DocumentModel(
                pk=pk,
                sk=sk,
                gsi1pk=_owner_partition(owner_kind, owner_id),
                gsi1sk=f"{document.created_at}#{document.document_id}",
                # A new document is pending: no verdict (reasons, facts) and nobody told yet.
                **dynamo.attributes_of(
                    document,
                    declared=_json(document.declared) if document.declared else None,
                    status=PENDING,
                    reasons=None,
                    facts=None,
                    owner_notified=None,
                ),
            )
            transaction.save(item, condition=DocumentModel.pk.does_not_exist())

    dynamo.transact(build, conflict=LimitsChanged())


def get(document_id: str, *, include_deleted: bool = False) -> Document | None:
    from chalicelib.documents.models import DocumentModel

    item = DocumentModel.find(*_document_key(document_id), consistent_read=True)
    if item is None:
        return None
    document = _to_document(item)
    if document.deleted_at and not include_deleted:
        return None
    return document


def list_for_owner(owner_kind: str, owner_id: str) -> list[Document]:
    """The owner's documents not deleted, oldest first (a Query on gsi1; at most 50)."""
    from chalicelib.documents.models import DocumentModel

    return [
        _to_document(item)
        for item in DocumentModel.by_owner.query(_owner_partition(owner_kind, owner_id))
    ]


def list_deleted_for_owner(owner_kind: str, owner_id: str) -> list[Document]:
    """The owner's deleted documents whose records remain (a Query on gsi1)."""
    from chalicelib.documents.models import DocumentModel

    return [
        _to_document(item)
        for item in DocumentModel.by_owner.query(_deleted_partition(owner_kind, owner_id))
    ]


def forget(document: Document) -> None:
    """Delete a deleted document's record (its files are gone): no name, size or hash stays.
    Repeatable."""
    from chalicelib.documents.models import DocumentModel

    DocumentModel(*_document_key(document.document_id)).delete()


def strip_extracted(document: Document) -> None:
    """A blocked document keeps its file and what identifies the file; what was read from
    it or declared with it (names, RFCs, CLABE, amounts) goes from the record."""
    from chalicelib.documents.models import DocumentModel

    dynamo.update_existing(
        DocumentModel,
        _document_key(document.document_id),
        [DocumentModel.declared.remove(), DocumentModel.facts.remove()],
    )


def forget_usage(owner_kind: str, owner_id: str) -> None:
    """Delete an owner's usage counters once none of its documents remains."""
    from chalicelib.documents.models import UsageModel

    UsageModel(*_usage_key(owner_kind, owner_id)).delete()


def store_verdict(document_id: str, verdict: StoredVerdict) -> VerdictOutcome:
    """Pending → judged, once: the condition makes a duplicate delivery a no-op."""
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.documents.models import CfdiReservationModel, DocumentModel

    item = DocumentModel(*_document_key(document_id))
    actions: list[Action] = [
        DocumentModel.status.set(verdict.status),
        DocumentModel.reasons.set(_json(verdict.reasons)),
        DocumentModel.facts.set(_json(verdict.facts)),
        DocumentModel.stored_size.set(verdict.stored_size),
        DocumentModel.etag.set(verdict.etag),
        DocumentModel.validated_at.set(verdict.validated_at),
        DocumentModel.owner_notified.set(False),
    ]
    if verdict.version_id:
        actions.append(DocumentModel.version_id.set(verdict.version_id))
    if verdict.validated_content_type:
        actions.append(DocumentModel.validated_content_type.set(verdict.validated_content_type))
    if verdict.derived_key:
        actions.append(DocumentModel.derived_key.set(verdict.derived_key))
    if verdict.reserve_uuid:
        actions.append(DocumentModel.reserved_uuid.set(verdict.reserve_uuid))
    condition = (DocumentModel.status == PENDING) & DocumentModel.deleted_at.does_not_exist()
    if verdict.reserve_uuid is None:
        if dynamo.try_write(item.update, actions=actions, condition=condition):
            return VerdictOutcome.STORED
        return VerdictOutcome.ALREADY_JUDGED
    reservation = CfdiReservationModel(
        *_cfdi_key(verdict.reserve_uuid),
        document_id=document_id,
        reserved_at=verdict.validated_at,
    )
    try:
        with TransactWrite(connection=dynamo.connection()) as transaction:
            transaction.update(item, actions=actions, condition=condition)
            transaction.save(reservation, condition=CfdiReservationModel.pk.does_not_exist())
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" not in dynamo.cancellation_codes(exc):
            raise
        # Which condition failed: the order of reasons follows PynamoDB's grouping of
        # operations, not ours, so the document itself tells.
        current = get(document_id)
        if current is None or current.status != PENDING:
            return VerdictOutcome.ALREADY_JUDGED
        return VerdictOutcome.UUID_TAKEN
    return VerdictOutcome.STORED


def mark_owner_notified(document_id: str) -> None:
    from chalicelib.documents.models import DocumentModel

    DocumentModel(*_document_key(document_id)).update(
        actions=[DocumentModel.owner_notified.set(True)],
        condition=DocumentModel.pk.exists(),
    )


def mark_deleted(document: Document, now: str) -> bool:
    """Mark deleted, give its room back to the owner and free its CFDI UUID. False if it
    was already deleted."""

    from chalicelib.documents.models import CfdiReservationModel, DocumentModel, UsageModel

    reserved = document.reserved_uuid

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            DocumentModel(*_document_key(document.document_id)),
            actions=[
                DocumentModel.deleted_at.set(now),
                # Off the owner's list, onto its deleted ones: the stored copy is still the
                # person's data (their export lists it, their deletion erases it).
                DocumentModel.gsi1pk.set(
                    _deleted_partition(document.owner_kind, document.owner_id)
                ),
            ],
            condition=DocumentModel.deleted_at.does_not_exist(),
        )
        transaction.update(
            UsageModel(*_usage_key(document.owner_kind, document.owner_id)),
            actions=[UsageModel.files.add(-1), UsageModel.bytes.add(-document.size)],
        )
        if reserved:
            transaction.delete(
                CfdiReservationModel(*_cfdi_key(reserved)),
                condition=CfdiReservationModel.document_id == document.document_id,
            )

    class _AlreadyDeleted(errors.Conflict):
        pass

    try:
        dynamo.transact(build, conflict=_AlreadyDeleted())
    except _AlreadyDeleted:
        return False
    return True


def with_status(document: Document, **changes: Any) -> Document:
    """A copy with `changes` (what the service hands listeners after a write)."""
    return replace(document, **changes)


__all__ = [
    "Document",
    "LimitsChanged",
    "StoredVerdict",
    "VerdictOutcome",
    "create",
    "get",
    "list_for_owner",
    "mark_deleted",
    "mark_owner_notified",
    "store_verdict",
    "usage",
    "with_status",
]
