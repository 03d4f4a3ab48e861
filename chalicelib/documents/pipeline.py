"""The validating pipeline: every object S3 reports under uploads/ is matched to its pending
document, judged by its stored size and then by its bytes (and by the owner's own check),
and the verdict is stored once, for the object's version, before the owner is told.

The owners' hooks are registered in `service.py`, the context's one door, and are read from
there when a verdict needs them, so a registry replaced there (as a test does) is the one used.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final
from zoneinfo import ZoneInfo

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.documents import limits, rules
from chalicelib.documents.repository import Document, StoredVerdict, VerdictOutcome
from chalicelib.documents.s3_events import CreatedObject, created_objects
from chalicelib.observability import logger

MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")

CFDI_KINDS: Final = frozenset({"cfdi_invoice", "cfdi_expense", "cfdi_payment"})


def _reservation(facts: dict[str, Any]) -> str:
    """What an accepted CFDI reserves: its UUID for its issuer and its receiver. Only a CFDI
    whose seal verified is accepted, so nobody else's CFDI can take (or squat) it; a CFDI
    sealed by another issuer that copies the UUID into its stamp reserves its own triple."""
    return f"{facts['uuid']}#{facts.get('issuer_rfc', '')}#{facts.get('receiver_rfc', '')}"


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


def _owner_check(document: Document, verdict: Any) -> Any:
    """The owner's rules on an accepted verdict: its reasons reject the file."""
    from chalicelib.documents import service
    from chalicelib.documents.verdict import Reason, judge

    check = service.hooks_for(document.owner_kind).check
    if check is None or not verdict.accepted:
        return verdict
    found = check(document, dict(verdict.facts))
    if not found:
        return verdict
    return judge((Reason(code, message) for code, message in found), dict(verdict.facts))


def _notify_owner(document: Document) -> None:
    from chalicelib.documents import repository, service

    listener = service.hooks_for(document.owner_kind).listener
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
    elif document.kind in rules.STREAMED_KINDS:
        # Its owner reads it as a stream and judges its content itself.
        verdict = Verdict(status="aceptado", reasons=(), facts={"size": stored_size})
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
            derived_type = verdict.derived_content_type or "image/jpeg"
            derived_key = rules.derived_key(
                document.owner_kind,
                document.owner_id,
                document.document_id,
                document.name,
                derived_type,
            )
            s3.put_object(
                Bucket=bucket, Key=derived_key, Body=verdict.derived, ContentType=derived_type
            )
    validated_content_type = (
        (verdict.derived_content_type or rules.VALIDATED_CONTENT_TYPES[document.kind])
        if verdict.accepted
        else None
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
        reserve_uuid=_reservation(facts) if isinstance(cfdi_uuid, str) else None,
    )
    outcome = repository.store_verdict(document.document_id, stored)
    if outcome is VerdictOutcome.UUID_TAKEN:
        # Says nothing of who presented it, nor where.
        duplicate = Reason(
            "cfdi_uuid_duplicate",
            "Este CFDI ya se presentó antes y no puede presentarse otra vez. Si no lo "
            "presentaste tú, comunícate con la aseguradora.",
        )
        # The same reading of the file, rejected: nothing derived from it is kept.
        stored = replace(
            stored,
            status="rechazado",
            reasons=[duplicate.as_dict()],
            validated_content_type=None,
            derived_key=None,
            reserve_uuid=None,
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
