"""Documents: upload slots, the validating pipeline, reading, downloading and deleting.

The only door into the documents context. Owning contexts (claims, bank accounts, care
orders, invoices, operators' transaction files) call `create_slots` for their owner and
declare hooks for their owner kind (`DocumentHooks`, from their service's `document_hooks()`),
which `chalicelib/wiring.py` registers at start-up; this context never imports them:

- `register_verdict_listener(kind, listener)`: called with the `Document` once its verdict
  is stored. At least once: a listener that raises makes the message come back and the
  listener is called again (never the validation), so listeners must be idempotent.
- `register_delete_guard(kind, guard)`: asked before a person deletes a document; it answers
  None to allow, or a Spanish sentence saying why not (409). An owner kind without a guard
  keeps its documents (deletion refused).
- `register_verdict_check(kind, check)`: the owner's own rules on a file the pipeline accepted
  (a provider's invoice must match its care orders). Asked with the document and the
  verdict's facts before the verdict is stored, so a file it rejects never reserves its CFDI
  UUID and can be corrected and uploaded again. It answers `[(code, message), …]`; empty
  accepts.

Reading: through /v1/documents only the person the document belongs to (`account_id`).
An operator of its insurer reads and downloads it only through its owner's operator route
(`download` from e.g. /v1/operator/claims/…), which checks what the operator may see (never
a draft claim) and audits the read. Anyone else gets 404, so ids cannot be probed.

Idempotency of the pipeline: a conditional write on the document record (pending → judged,
for the object's ETag/version), not a separate idempotency table. A redelivered or duplicated
notification finds the verdict stored and stops before reading the object; two deliveries
racing may both validate, but only one stores the verdict and notifies the owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal, require_insurer, require_owner
from chalicelib.config import get_settings
from chalicelib.documents import limits, rules
from chalicelib.documents.repository import Document, StoredVerdict, VerdictOutcome
from chalicelib.documents.retention import (
    RetentionLine,
    RetentionRule,
    RetentionTable,
    default_table,
    retention_lines,
)
from chalicelib.documents.rules import Declared, DocumentOwner, FileSpec
from chalicelib.documents.s3_events import CreatedObject, created_objects
from chalicelib.documents.schemas import DocumentOut, DownloadOut, ReasonOut, SlotOut, UploadOut
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, Retention

# The retention table (RetentionLine … retention_lines) is this context's data; owners compute
# payment details with it rather than keep a second table.
__all__ = [
    "Declared",
    "Document",
    "DocumentHooks",
    "DocumentOwner",
    "FileSpec",
    "Owner",
    "RetentionLine",
    "RetentionRule",
    "RetentionTable",
    "create_slots",
    "default_table",
    "delete_document",
    "documents_of",
    "download",
    "handle_upload_notification",
    "read_document",
    "register_delete_guard",
    "register_verdict_check",
    "register_verdict_listener",
    "retention_lines",
]

SLOT_LIFETIME: Final = timedelta(minutes=15)
DOWNLOAD_LIFETIME: Final = timedelta(minutes=5)
MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
# The object tag the lifecycle rule of the stack uses to remove abandoned uploads.
PENDING_UPLOAD_TAG: Final = ("upload-state", "pending")
CFDI_KINDS: Final = frozenset({"cfdi_invoice", "cfdi_expense", "cfdi_payment"})

VerdictListener = Callable[[Document], None]
DeleteGuard = Callable[[Document], str | None]
VerdictCheck = Callable[[Document, dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class DocumentHooks:
    """What an owning context answers for its owner kind (see the module's docstring)."""

    listener: VerdictListener | None = None
    guard: DeleteGuard | None = None
    check: VerdictCheck | None = None


_listeners: dict[str, VerdictListener] = {}
_guards: dict[str, DeleteGuard] = {}
_checks: dict[str, VerdictCheck] = {}


@dataclass(frozen=True)
class Owner:
    """What documents belong to: its kind and id, the person it belongs to and the insurer."""

    kind: DocumentOwner
    id: str
    account_id: str  # the person (or operator) whose documents they are
    insurer_id: str


class DocumentPending(errors.Conflict):
    code = "document_pending"
    message = "El documento aún se está revisando. Intenta de nuevo en unos segundos."


class DocumentNotAccepted(errors.Conflict):
    code = "document_not_accepted"
    message = "Solo se pueden ver en el navegador los documentos aceptados. Descárgalo."


class InlineNotAvailable(errors.InvalidInput):
    code = "inline_not_available"
    message = "Este tipo de archivo no se puede ver en el navegador. Descárgalo."


class DeleteRefused(errors.Conflict):
    code = "document_locked"
    message = "Este documento ya no se puede eliminar."


# --- hooks of the owning contexts ------------------------------------------------------------


def register_verdict_listener(owner_kind: DocumentOwner, listener: VerdictListener) -> None:
    """Call `listener(document)` when a document of `owner_kind` gets its verdict."""
    _listeners[str(owner_kind)] = listener


def register_delete_guard(owner_kind: DocumentOwner, guard: DeleteGuard) -> None:
    """Ask `guard(document)` before deleting a document of `owner_kind` (None allows)."""
    _guards[str(owner_kind)] = guard


def register_verdict_check(owner_kind: DocumentOwner, check: VerdictCheck) -> None:
    """Ask `check(document, facts)` about an accepted file before its verdict is stored."""
    _checks[str(owner_kind)] = check


def _owner_check(document: Document, verdict: Any) -> Any:
    """The owner's rules on an accepted verdict: its reasons reject the file."""
    from chalicelib.documents.verdict import Reason, judge

    check = _checks.get(document.owner_kind)
    if check is None or not verdict.accepted:
        return verdict
    found = check(document, dict(verdict.facts))
    if not found:
        return verdict
    return judge((Reason(code, message) for code, message in found), dict(verdict.facts))


# --- slots -------------------------------------------------------------------------------------


def _slot_problem(owner: Owner, problem: rules.SlotProblem) -> errors.DomainError:
    if problem.code == "too_many_files":
        return errors.Conflict(problem.message, code=problem.code, details=problem.details)
    if problem.code == "upload_too_large":
        code = "claim_too_large" if owner.kind is DocumentOwner.CLAIM else problem.code
        return errors.PayloadTooLarge(problem.message, code=code, details=problem.details)
    if problem.code == "file_too_large":
        return errors.PayloadTooLarge(problem.message, code=problem.code, details=problem.details)
    return errors.InvalidInput(problem.message, code=problem.code, details=problem.details)


def _plan(owner: Owner, files: list[FileSpec]) -> list[rules.PlannedFile]:
    from chalicelib.documents import repository

    existing_files, existing_bytes = repository.usage(owner.kind, owner.id)
    try:
        return rules.plan_files(
            owner.kind, files, existing_files=existing_files, existing_bytes=existing_bytes
        )
    except rules.SlotProblem as problem:
        raise _slot_problem(owner, problem) from None


def _presigned_post(document: Document, expires: timedelta) -> dict[str, Any]:
    tag, value = PENDING_UPLOAD_TAG
    tagging = (
        f"<Tagging><TagSet><Tag><Key>{tag}</Key><Value>{value}</Value></Tag></TagSet></Tagging>"
    )
    result: dict[str, Any] = aws.s3().generate_presigned_post(
        Bucket=get_settings().documents_bucket,
        Key=document.object_key,
        Fields={"Content-Type": document.content_type, "tagging": tagging},
        Conditions=[
            {"Content-Type": document.content_type},
            {"tagging": tagging},
            ["content-length-range", 1, document.size],
        ],
        ExpiresIn=int(expires.total_seconds()),
    )
    return result


def create_slots(owner: Owner, files: list[FileSpec], principal_account_id: str) -> list[SlotOut]:
    """Check the limits, record pending documents and sign one upload per file."""
    from chalicelib.documents import repository

    if not (rules.check_id(owner.id) and owner.account_id and owner.insurer_id):
        raise errors.BadRequest()
    planned = _plan(owner, files)
    now = clock.now()
    expires_at = now + SLOT_LIFETIME
    documents = [
        Document(
            document_id=(document_id := str(uuid.uuid4())),
            owner_kind=str(owner.kind),
            owner_id=owner.id,
            account_id=owner.account_id,
            insurer_id=owner.insurer_id,
            uploaded_by=principal_account_id,
            name=item.spec.name,
            doc_type=item.spec.doc_type,
            kind=item.kind,
            size=item.spec.size,
            content_type=item.content_type,
            object_key=rules.upload_key(owner.kind, owner.id, document_id, item.spec.name),
            created_at=clock.iso(now),
            declared=item.spec.declared.as_dict() if item.spec.declared else {},
        )
        for item in planned
    ]
    try:
        repository.create(
            documents,
            max_files=limits.MAX_FILES_PER_OWNER,
            max_bytes=limits.MAX_BYTES_PER_OWNER,
        )
    except repository.LimitsChanged:
        _plan(owner, files)  # another upload took the room: say which limit, if one is hit
        raise
    slots = []
    for document in documents:
        post = _presigned_post(document, SLOT_LIFETIME)
        slots.append(
            SlotOut(
                document_id=document.document_id,
                name=document.name,
                upload=UploadOut(url=post["url"], fields=dict(post["fields"])),
                expires_at=clock.iso(expires_at),
            )
        )
    logger.info(
        "upload slots",
        extra={"owner_kind": str(owner.kind), "owner_id": owner.id, "files": len(slots)},
    )
    return slots


def documents_of(owner_kind: DocumentOwner, owner_id: str) -> list[Document]:
    """The owner's documents that are not deleted (for its own rules, e.g. a folio)."""
    from chalicelib.documents import repository

    return repository.list_for_owner(owner_kind, owner_id)


# --- reading, downloading, deleting -----------------------------------------------------------


def _readable(
    principal: Principal, document_id: str, *, insurer_operators: bool = False
) -> Document:
    from chalicelib.documents import repository

    document = repository.get(document_id) if rules.check_id(document_id) else None
    if document is None:
        raise errors.NotFound()
    if principal.account_id == document.account_id:
        return document
    if insurer_operators and principal.role == "operador":
        require_insurer(principal, document.insurer_id)
        return document
    raise errors.NotFound()


def to_out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.document_id,
        name=document.name,
        doc_type=document.doc_type,
        size=document.stored_size if document.stored_size is not None else document.size,
        status=document.status,  # type: ignore[arg-type]  # one of the three, by construction
        reasons=[ReasonOut(**reason) for reason in document.reasons],
        facts=document.facts,
        content_type=document.validated_content_type,
        created_at=document.created_at,
        validated_at=document.validated_at,
    )


def read_document(principal: Principal, document_id: str) -> DocumentOut:
    """A document of the caller's own (GET /v1/documents/{id})."""
    return to_out(_readable(principal, document_id))


def download_own(principal: Principal, document_id: str, disposition: str) -> DownloadOut:
    """A link to a document of the caller's own (GET /v1/documents/{id}/download)."""
    return _download(_readable(principal, document_id), disposition)


def download(principal: Principal, document_id: str, disposition: str) -> DownloadOut:
    """A link for the owner or an operator of the document's insurer: only for operator
    routes, which decide what the operator may see and audit the read."""
    return _download(_readable(principal, document_id, insurer_operators=True), disposition)


def _download(document: Document, disposition: str) -> DownloadOut:
    """A short presigned GET; `inline` only for accepted PDFs and JPEGs."""
    if document.status == "pendiente":
        raise DocumentPending()
    accepted = document.status == "aceptado"
    if disposition == "inline":
        if not accepted:
            raise DocumentNotAccepted()
        if document.kind not in rules.INLINE_KINDS:
            raise InlineNotAvailable()
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket}
    name = document.name
    if accepted and document.derived_key:
        # The clean copy (no EXIF/GPS) is what anyone gets of an accepted photo.
        params["Key"] = document.derived_key
        name = document.derived_key.rsplit("/", 1)[-1]
    else:
        params["Key"] = document.object_key
        if document.version_id:
            params["VersionId"] = document.version_id  # the version that was validated
    content_type = (
        document.validated_content_type
        if accepted and document.validated_content_type
        else "application/octet-stream"
    )
    params["ResponseContentType"] = content_type
    params["ResponseContentDisposition"] = (
        f'{disposition}; filename="{rules.attachment_filename(name)}"'
    )
    url = aws.s3().generate_presigned_url(
        "get_object", Params=params, ExpiresIn=int(DOWNLOAD_LIFETIME.total_seconds())
    )
    return DownloadOut(url=url, expires_at=clock.iso(clock.now() + DOWNLOAD_LIFETIME))


def delete_document(principal: Principal, document_id: str) -> None:
    """Delete a document of the caller's while its owner allows it."""
    from chalicelib.documents import repository

    document = _readable(principal, document_id)
    require_owner(principal, document.account_id)  # operators read, they do not delete
    guard = _guards.get(document.owner_kind)
    refusal = guard(document) if guard else DeleteRefused.message
    if refusal:
        raise DeleteRefused(refusal)
    bucket = get_settings().documents_bucket
    # The objects first: a retried DELETE finishes what a failure left, never the reverse.
    aws.s3().delete_object(Bucket=bucket, Key=document.object_key)
    if document.derived_key:
        aws.s3().delete_object(Bucket=bucket, Key=document.derived_key)
    repository.mark_deleted(document, clock.iso(clock.now()))
    logger.info("document deleted", extra={"document_id": document_id})


# --- the validating pipeline --------------------------------------------------------------------


def handle_upload_notification(body: str) -> None:
    """Validate every object an S3 notification (an SQS record's body) reports."""
    for created in created_objects(body):
        validate_created_object(created)


def _validation_context(document: Document) -> Any:
    from chalicelib.documents.context import ValidationContext

    declared = document.declared
    cedular = declared.get("jalisco_cedular")
    return ValidationContext(
        clabe=declared.get("clabe"),
        holder=declared.get("holder"),
        issuer_rfc=declared.get("issuer_rfc"),
        receiver_rfc=declared.get("receiver_rfc"),
        invoice_uuid=declared.get("invoice_uuid"),
        jalisco_cedular=cedular if isinstance(cedular, bool) else None,
        today=clock.now().astimezone(MEXICO_CITY).date(),
    )


def _notify_owner(document: Document) -> None:
    from chalicelib.documents import repository

    listener = _listeners.get(document.owner_kind)
    if listener is not None:
        listener(document)
    repository.mark_owner_notified(document.document_id)


def _known_document(created: CreatedObject) -> Document | None:
    from chalicelib.documents import repository

    if created.bucket != get_settings().documents_bucket:
        logger.warning("object of another bucket ignored", extra={"bucket": created.bucket})
        return None
    parts = rules.parse_upload_key(created.key)
    document = repository.get(parts.document_id, include_deleted=True) if parts else None
    if document is None or document.object_key != created.key or document.deleted_at:
        # Not a key this server handed out (or its document is gone): never validated,
        # never shown. This function may not delete under uploads/; the stack's lifecycle
        # removes objects still tagged pending.
        logger.warning("object without a pending document ignored", extra={"key": created.key})
        return None
    return document


def _size_verdict(document: Document, stored_size: int) -> tuple[str, str] | None:
    """A reason to refuse the object by its stored size alone, before reading it."""
    cap = limits.MAX_FILE_BYTES[document.kind]
    if stored_size == 0:
        return "file_empty", "El archivo está vacío."
    if stored_size > cap:
        return (
            "file_too_large",
            f"El archivo pesa {stored_size / limits.MIB:.1f} MB; el máximo para este documento "
            f"es {cap / limits.MIB:.0f} MB.",
        )
    if stored_size > document.size:
        # The upload policy caps the object at the declared size; only a bypassed policy
        # gets here, and the owner's byte count relies on it.
        return (
            "file_size_mismatch",
            f"El archivo subido ({stored_size} bytes) es más grande que el que se declaró "
            f"({document.size} bytes). Súbelo de nuevo.",
        )
    return None


def _keep_object(key: str, version_id: str | None) -> None:
    """A judged upload is the document's copy: drop the pending tag, so the lifecycle rule
    that removes abandoned uploads never removes it."""
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": key}
    if version_id:
        params["VersionId"] = version_id
    aws.s3().delete_object_tagging(**params)


def validate_created_object(created: CreatedObject) -> None:
    """Judge one uploaded object of a pending document, store the verdict, tell the owner."""
    from chalicelib.documents import repository
    from chalicelib.documents.validation import validate_bytes
    from chalicelib.documents.verdict import Reason, Verdict

    document = _known_document(created)
    if document is None:
        return
    if document.status != "pendiente":
        if created.etag and created.etag == document.etag:
            _keep_object(created.key, document.version_id)
            if not document.owner_notified:
                _notify_owner(document)  # the verdict was stored, the owner not yet told
            logger.info("duplicate notification", extra={"document_id": document.document_id})
        else:
            logger.warning(
                "object replaced after its verdict ignored; the verdict's version is served",
                extra={"document_id": document.document_id},
            )
        return
    s3 = aws.s3()
    bucket = get_settings().documents_bucket
    head_params: dict[str, Any] = {"Bucket": bucket, "Key": created.key}
    if created.version_id:
        head_params["VersionId"] = created.version_id
    try:
        head = s3.head_object(**head_params)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NoSuchVersion"}:
            logger.warning("object gone before validation", extra={"key": created.key})
            return
        raise
    etag = str(head.get("ETag", "")).strip('"')
    if created.etag and etag != created.etag:
        # A newer upload replaced this one; its own notification validates it.
        logger.info("stale notification ignored", extra={"key": created.key})
        return
    version_id = head.get("VersionId") or created.version_id
    stored_size = int(head["ContentLength"])
    refusal = _size_verdict(document, stored_size)
    derived_key: str | None = None
    if refusal is not None:
        verdict = Verdict(
            status="rechazado", reasons=(Reason(*refusal),), facts={"size": stored_size}
        )
    else:
        get_params: dict[str, Any] = {"Bucket": bucket, "Key": created.key}
        if version_id and version_id != "null":
            get_params["VersionId"] = version_id
        body = s3.get_object(**get_params)["Body"]
        try:
            data = body.read(limits.MAX_FILE_BYTES[document.kind] + 1)
        finally:
            body.close()
        verdict = _owner_check(
            document, validate_bytes(data, document.kind, _validation_context(document))
        )
        if verdict.accepted and verdict.derived is not None:
            derived_key = rules.derived_key(
                document.owner_kind, document.owner_id, document.document_id, document.name
            )
            s3.put_object(
                Bucket=bucket,
                Key=derived_key,
                Body=verdict.derived,
                ContentType=verdict.derived_content_type or "application/octet-stream",
            )
    validated_content_type = (
        rules.VALIDATED_CONTENT_TYPES[document.kind] if verdict.accepted else None
    )
    facts = {**verdict.facts, "stored_size": stored_size}
    if validated_content_type:
        facts["content_type"] = validated_content_type
    cfdi_uuid = facts.get("uuid") if document.kind in CFDI_KINDS and verdict.accepted else None
    stored = StoredVerdict(
        status=verdict.status,
        reasons=[reason.as_dict() for reason in verdict.reasons],
        facts=facts,
        stored_size=stored_size,
        version_id=version_id,
        etag=etag,
        validated_content_type=validated_content_type,
        derived_key=derived_key,
        validated_at=clock.iso(clock.now()),
        reserve_uuid=str(cfdi_uuid) if isinstance(cfdi_uuid, str) else None,
    )
    outcome = repository.store_verdict(document.document_id, stored)
    if outcome is VerdictOutcome.UUID_TAKEN:
        duplicate = Reason(
            "cfdi_uuid_duplicate",
            f"El CFDI con folio fiscal {cfdi_uuid} ya se presentó en otro documento.",
        )
        stored = StoredVerdict(
            status="rechazado",
            reasons=[duplicate.as_dict()],
            facts=facts,
            stored_size=stored_size,
            version_id=version_id,
            etag=etag,
            validated_content_type=None,
            derived_key=None,
            validated_at=stored.validated_at,
        )
        outcome = repository.store_verdict(document.document_id, stored)
    _keep_object(created.key, version_id)
    if outcome is VerdictOutcome.ALREADY_JUDGED:
        logger.info("verdict already stored", extra={"document_id": document.document_id})
        return
    judged = repository.with_status(
        document,
        status=stored.status,
        reasons=stored.reasons,
        facts=stored.facts,
        stored_size=stored_size,
        version_id=version_id,
        etag=etag,
        validated_content_type=stored.validated_content_type,
        derived_key=stored.derived_key,
        reserved_uuid=stored.reserve_uuid,
        validated_at=stored.validated_at,
    )
    logger.info(
        "document judged",
        extra={
            "document_id": document.document_id,
            "kind": document.kind,
            "status": stored.status,
            "code": stored.reasons[0]["code"] if stored.reasons else "ok",
        },
    )
    _notify_owner(judged)


# --- privacy rights (ARCO) ------------------------------------------------------------------

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
