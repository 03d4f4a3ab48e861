"""Upload slots: an owner's files checked against the limits, recorded as pending documents
and each given a presigned POST that the browser uploads to directly."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from chalicelib import aws, clock, errors
from chalicelib.config import get_settings
from chalicelib.documents import limits, rules
from chalicelib.documents.repository import Document
from chalicelib.documents.rules import DocumentOwner, FileSpec
from chalicelib.documents.schemas import SlotOut, UploadOut
from chalicelib.observability import logger

SLOT_LIFETIME: Final = timedelta(minutes=15)

# The object tag the lifecycle rule of the stack uses to remove abandoned uploads.
PENDING_UPLOAD_TAG: Final = ("upload-state", "pending")


@dataclass(frozen=True)
class Owner:
    """What documents belong to: its kind and id, the person it belongs to and the insurer."""

    kind: DocumentOwner
    id: str
    account_id: str  # the person (or operator) whose documents they are
    insurer_id: str


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
