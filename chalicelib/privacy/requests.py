"""A data request and its states: opening one, the moves along the status machine, what a
request shows (with its download link), and the person's own reads."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Final

from chalicelib import aws, clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal, require_owner
from chalicelib.config import get_settings
from chalicelib.kernel import formats
from chalicelib.observability import logger
from chalicelib.privacy import repository, rules
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.schemas import (
    DataRequestCreated,
    DataRequestIn,
    DataRequestListOut,
    DataRequestOut,
    RetainedOut,
)
from chalicelib.schema import ListQuery

QUEUE: Final = "data-requests"
DOWNLOAD_LIFETIME: Final = timedelta(minutes=5)
# An export not built by then (a lost message, a failing build) is enqueued again.
EXPORT_RETRY_AFTER: Final = timedelta(minutes=15)
EXPORT_GIVE_UP_AFTER: Final = timedelta(hours=24)


class NotPending(errors.Conflict):
    code = "data_request_not_pending"
    message = "Esta solicitud ya fue atendida o no necesita una decisión."


def _insurer_of(principal: Principal) -> str:
    return principal.insurer_ids[0] if principal.insurer_ids else rules.default_insurer()


def link() -> str:
    """Where the person sees their requests (the emails point there)."""
    return f"{get_settings().site_url}/cuenta.html#mis-datos"


def when(iso: str) -> str:
    """A moment as the emails write it: `7 dic 2026, 14:48 h (hora del centro de México)`."""
    return f"{formats.moment(iso)} (hora del centro de México)"


def move(request: DataRequest, status: str, actor: str, note: str | None = None) -> None:
    """Move the request to `status`, with its history line; NotPending if the machine
    does not allow it."""
    if not rules.can_move(request.request_type, request.status, status):
        raise NotPending()
    now = clock.iso(clock.now())
    request.history.append({"status": status, "at": now, "actor": actor, "note": note})
    request.status = status
    request.updated_at = now


def export_prefix(request_id: str) -> str:
    """Where an export's files are written (the ZIP): one prefix per request."""
    return f"exports/privacy/{request_id}/"


def valid_id(value: str) -> bool:
    """Whether `value` is a request id as this context makes them (a canonical UUID)."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


# --- the person ----------------------------------------------------------------------------


def create_request(principal: Principal, body: DataRequestIn) -> DataRequestCreated:
    """Open an export or a deletion request (one open request per type and person)."""
    accounts.contact(principal)  # an active account only
    now = clock.now()
    request = DataRequest(
        request_id=str(uuid.uuid4()),
        account_id=principal.account_id,
        role=principal.role,
        insurer_id=_insurer_of(principal),
        request_type=body.type,
        status="pendiente",
        created_at=clock.iso(now),
        updated_at=clock.iso(now),
        history=[{"status": "pendiente", "at": clock.iso(now), "actor": "persona", "note": None}],
        work_due=clock.iso(now + EXPORT_RETRY_AFTER) if body.type == rules.EXPORT else None,
    )
    repository.create(request)
    if body.type == rules.EXPORT:
        enqueue(request.request_id)
    logger.info("data request", extra={"request_id": request.request_id, "type": body.type})
    return DataRequestCreated(request_id=request.request_id)


def enqueue(request_id: str) -> None:
    """Ask the consumer to build an export. A failure here only delays the export: the
    schedule enqueues it again."""
    try:
        queue_url = aws.sqs().get_queue_url(QueueName=get_settings().queue_name(QUEUE))
        aws.sqs().send_message(QueueUrl=queue_url["QueueUrl"], MessageBody=request_id)
    except Exception:
        logger.exception("could not enqueue export", extra={"request_id": request_id})


def available_until(request: DataRequest) -> datetime | None:
    """Until when a built export can be downloaded (None while it is not ready)."""
    if request.status != "lista" or not request.completed_at:
        return None
    hours = rules.policy_for(request.insurer_id).export_available_hours
    return datetime.fromisoformat(request.completed_at) + timedelta(hours=hours)


def out_fields(request: DataRequest, *, with_link: bool) -> dict[str, Any]:
    """What a request shows; `with_link` adds a short-lived link to a ready export."""
    label = rules.LABELS[request.status]
    fields: dict[str, Any] = {
        "request_id": request.request_id,
        "type": request.request_type,
        "type_label": rules.TYPE_LABELS[request.request_type],
        "status": request.status,
        "status_label": label,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "due_at": request.due_at,
        "reason": request.reason,
        "completed_at": request.completed_at,
        "size": request.export_size,
        "files": request.export_files,
        "retained": [RetainedOut(**r) for r in request.retained],
    }
    until = available_until(request)
    if until is not None:
        fields["available_until"] = clock.iso(until)
        if clock.now() >= until:
            fields["status_label"] = rules.LABELS["vencida"]
        elif with_link and request.export_key:
            fields["url"] = aws.s3().generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": get_settings().documents_bucket,
                    "Key": request.export_key,
                    "ResponseContentType": "application/zip",
                    "ResponseContentDisposition": (
                        f'attachment; filename="mis-datos-{clock.iso(until)[:10]}.zip"'
                    ),
                },
                ExpiresIn=int(DOWNLOAD_LIFETIME.total_seconds()),
            )
            fields["expires_at"] = clock.iso(clock.now() + DOWNLOAD_LIFETIME)
    return fields


def _own(principal: Principal, request_id: str) -> DataRequest:
    request = repository.get(request_id) if valid_id(request_id) else None
    if request is None:
        raise errors.NotFound()
    require_owner(principal, request.account_id)
    return request


def my_request(principal: Principal, request_id: str) -> DataRequestOut:
    """One of the person's requests; an export ready to download carries a 5-minute link."""
    return DataRequestOut(**out_fields(_own(principal, request_id), with_link=True))


def my_requests(principal: Principal, query: ListQuery) -> DataRequestListOut:
    """The person's requests, newest first (links only on the single read)."""
    items, next_cursor = repository.of_account(
        principal.account_id, query.limit, dynamo.decode_cursor(query.cursor)
    )
    return DataRequestListOut(
        items=[DataRequestOut(**out_fields(r, with_link=False)) for r in items],
        next_cursor=next_cursor,
    )
