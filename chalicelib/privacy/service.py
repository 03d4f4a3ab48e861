"""Privacy rights (Mexican ARCO): a person asks for an export of their data or for the
deletion of their account; operators of the person's insurer see and answer the requests.

An export needs no decision: the API enqueues it on SQS `data-requests`, the consumer packs
a ZIP under `exports/` (the bucket's lifecycle removes it after a day) and emails the person;
the download link is made on each read and lasts 5 minutes. A deletion waits for an
operator's approval, then for the insurer's retention period (`retention_settings.json`); the
`run_data_requests` schedule executes those due (a Query on the sparse work index). Other
contexts hand over their records through their own `personal_data` / erase functions.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, Final

from chalicelib import aws, clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, require_insurer, require_owner, require_role
from chalicelib.claims import service as claims
from chalicelib.config import get_settings
from chalicelib.documents import service as documents
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.observability import logger
from chalicelib.payments import service as payments
from chalicelib.personal_data import FISCAL, PersonalData, Retained, Retention
from chalicelib.prescriptions import service as prescriptions
from chalicelib.privacy import export, repository, rules
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.schemas import (
    DataRequestCreated,
    DataRequestIn,
    DataRequestListOut,
    DataRequestOut,
    DecisionIn,
    ListQuery,
    OperatorDataRequestListOut,
    OperatorDataRequestOut,
    OperatorQuery,
    RetainedOut,
)
from chalicelib.providers import service as providers
from chalicelib.settlement import service as settlement

QUEUE: Final = "data-requests"
DOWNLOAD_LIFETIME: Final = timedelta(minutes=5)
# An export not built by then (a lost message, a failing build) is enqueued again.
EXPORT_RETRY_AFTER: Final = timedelta(minutes=15)
EXPORT_GIVE_UP_AFTER: Final = timedelta(hours=24)
_BATCH: Final = 25

Collector = Callable[[str], PersonalData]
Eraser = Callable[[str, Retention], list[Retained]]
Purger = Callable[[list[str]], int]


class NotPending(errors.Conflict):
    code = "data_request_not_pending"
    message = "Esta solicitud ya fue atendida o no necesita una decisión."


def _collectors(role: str) -> list[Collector]:
    """Which contexts hold records of a person of this role."""
    by_role: dict[str, list[Collector]] = {
        "asegurado": [claims.personal_data],
        "prestador": [providers.personal_data, settlement.personal_data],
        "afiliado": [
            payments.personal_data,
            appointments.personal_data,
            prescriptions.personal_data,
        ],
    }
    return [accounts.personal_data, *by_role.get(role, [])]


def _erasers(role: str) -> list[tuple[str, Eraser]]:
    """Which contexts erase (or keep, anonymised, while the law requires) a person's records;
    the name says whose `purge_retained` deletes what they kept once its period ends."""
    by_role: dict[str, list[tuple[str, Eraser]]] = {
        "asegurado": [("claims", claims.erase_personal_data)],
        "prestador": [("providers", providers.erase_personal_data)],
        "afiliado": [
            ("payments", payments.erase_personal_data),
            ("appointments", appointments.erase_personal_data),
            ("prescriptions", prescriptions.erase_personal_data),
        ],
    }
    return by_role.get(role, [])


def _purgers() -> dict[str, Purger]:
    """Each context deletes by id what a deletion kept, once the period ends; the account is
    anonymised by then, so the ids are all that finds the records."""
    return {
        "appointments": appointments.purge_retained,
        "claims": claims.purge_retained,
        "providers": providers.purge_retained,
        "documents": documents.purge_retained,
        "payments": payments.purge_retained,
        "prescriptions": prescriptions.purge_retained,
    }


def _insurer_of(principal: Principal) -> str:
    return principal.insurer_ids[0] if principal.insurer_ids else rules.default_insurer()


def _link() -> str:
    return f"{get_settings().site_url}/cuenta.html#mis-datos"


def _when(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M UTC")


def _move(request: DataRequest, status: str, actor: str, note: str | None = None) -> None:
    if not rules.can_move(request.request_type, request.status, status):
        raise NotPending()
    now = clock.iso(clock.now())
    request.history.append({"status": status, "at": now, "actor": actor, "note": note})
    request.status = status
    request.updated_at = now


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
        _enqueue(request.request_id)
    logger.info("data request", extra={"request_id": request.request_id, "type": body.type})
    return DataRequestCreated(request_id=request.request_id)


def _enqueue(request_id: str) -> None:
    """A failure here only delays the export: the schedule enqueues it again."""
    try:
        queue_url = aws.sqs().get_queue_url(QueueName=get_settings().queue_name(QUEUE))
        aws.sqs().send_message(QueueUrl=queue_url["QueueUrl"], MessageBody=request_id)
    except Exception:
        logger.exception("could not enqueue export", extra={"request_id": request_id})


def _available_until(request: DataRequest) -> datetime | None:
    if request.status != "lista" or not request.completed_at:
        return None
    hours = rules.policy_for(request.insurer_id).export_available_hours
    return datetime.fromisoformat(request.completed_at) + timedelta(hours=hours)


def _out_fields(request: DataRequest, *, with_link: bool) -> dict[str, Any]:
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
    until = _available_until(request)
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
    request = repository.get(request_id) if _valid_id(request_id) else None
    if request is None:
        raise errors.NotFound()
    require_owner(principal, request.account_id)
    return request


def _valid_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def my_request(principal: Principal, request_id: str) -> DataRequestOut:
    """One of the person's requests; an export ready to download carries a 5-minute link."""
    return DataRequestOut(**_out_fields(_own(principal, request_id), with_link=True))


def my_requests(principal: Principal, query: ListQuery) -> DataRequestListOut:
    """The person's requests, newest first (links only on the single read)."""
    items, next_cursor = repository.of_account(
        principal.account_id, query.limit, dynamo.decode_cursor(query.cursor)
    )
    return DataRequestListOut(
        items=[DataRequestOut(**_out_fields(r, with_link=False)) for r in items],
        next_cursor=next_cursor,
    )


# --- operators -----------------------------------------------------------------------------


def _operator_out(request: DataRequest) -> OperatorDataRequestOut:
    return OperatorDataRequestOut(
        **_out_fields(request, with_link=False),
        account_id=request.account_id,
        role=request.role,
        insurer_id=request.insurer_id,
        history=request.history,
    )


def operator_requests(
    principal: Principal, query: OperatorQuery, source_ip: str | None
) -> OperatorDataRequestListOut:
    """The operator's insurer's requests in one status, oldest first (the read is audited)."""
    require_role(principal, "operador")
    if not principal.insurer_ids:
        raise errors.NotFound()
    insurer_id = query.insurer or principal.insurer_ids[0]
    require_insurer(principal, insurer_id)
    items, next_cursor = repository.of_insurer(
        insurer_id, query.status, query.limit, dynamo.decode_cursor(query.cursor)
    )
    audit.record(
        principal.account_id,
        insurer_id,
        "data_requests.list",
        f"data_requests:{query.status}",
        source_ip=source_ip,
        detail={"requests": [r.request_id for r in items]},
    )
    return OperatorDataRequestListOut(
        items=[_operator_out(r) for r in items], next_cursor=next_cursor
    )


def _operator_request(principal: Principal, request_id: str) -> DataRequest:
    require_role(principal, "operador")
    request = repository.get(request_id) if _valid_id(request_id) else None
    if request is None:
        raise errors.NotFound()
    require_insurer(principal, request.insurer_id)
    return request


def operator_request(
    principal: Principal, request_id: str, source_ip: str | None
) -> OperatorDataRequestOut:
    """One request of the operator's insurer (the read is audited)."""
    request = _operator_request(principal, request_id)
    audit.record(
        principal.account_id,
        request.insurer_id,
        "data_request.read",
        request.request_id,
        source_ip=source_ip,
        detail={"type": request.request_type, "status": request.status},
    )
    answer = _operator_out(request)
    try:
        person = accounts.contact(Principal(request.account_id, request.role))
    except errors.DomainError:
        return answer  # a completed deletion left nobody to show
    return answer.model_copy(update={"full_name": person.full_name, "email": person.email})


def _last_activity(account_id: str, role: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for collect in _collectors(role):
        for category, iso in collect(account_id).last_activity.items():
            if iso and iso > latest.get(category, ""):
                latest[category] = iso
    return latest


def decide(
    principal: Principal, request_id: str, body: DecisionIn, source_ip: str | None
) -> OperatorDataRequestOut:
    """Approve (it runs once the retention period allows) or reject a deletion request."""
    request = _operator_request(principal, request_id)
    if request.request_type != rules.DELETION or request.status != "pendiente":
        raise NotPending()
    person = accounts.contact(Principal(request.account_id, request.role))
    now = clock.now()
    if body.decision == "aprobar":
        policy = rules.policy_for(request.insurer_id)
        due = rules.deletion_due(now, _last_activity(request.account_id, request.role), policy)
        _move(request, "aprobada", principal.account_id, body.reason or None)
        request.due_at = clock.iso(due)
        request.work_due = request.due_at
        sentence = (
            "Aprobamos tu solicitud. Eliminaremos tu cuenta y tus datos el "
            f"{_when(request.due_at)}; la fecha considera los plazos que la ley nos obliga a "
            "conservar tu expediente."
        )
    else:
        _move(request, "rechazada", principal.account_id, body.reason)
        sentence = "No podemos eliminar tu cuenta por ahora."
    request.decided_by = principal.account_id
    request.decided_at = clock.iso(now)
    request.reason = body.reason or None
    email = Email(
        person.addresses,
        "data_deletion_decided",
        {
            "name": person.full_name,
            "decision": "aprobada" if body.decision == "aprobar" else "rechazada",
            "sentence": sentence,
            "reason_line": f"Motivo: {body.reason}" if body.reason else "",
            "link": _link(),
        },
    )
    ids = repository.save(request, release_guard=body.decision == "rechazar", emails=[email])
    notifications.dispatch(ids)
    audit.record(
        principal.account_id,
        request.insurer_id,
        "data_request.decision",
        request.request_id,
        source_ip=source_ip,
        detail={"decision": body.decision, "due_at": request.due_at},
    )
    return _operator_out(request)


# --- the export (SQS consumer) -------------------------------------------------------------


def _collect(account_id: str, role: str) -> list[PersonalData]:
    return [collect(account_id) for collect in _collectors(role)]


def _files(docs: list[Any]) -> Iterator[export.ExportFile]:
    for document in docs:
        yield export.ExportFile(
            document.document_id, document.name, documents.file_content(document)
        )


def handle_export_message(body: str) -> None:
    """Build the export a message names, once (a repeated message finds it built)."""
    request = repository.get(body.strip()) if _valid_id(body.strip()) else None
    if request is None or request.request_type != rules.EXPORT:
        return
    if request.status not in {"pendiente", "en_proceso"}:
        return
    person = accounts.contact(Principal(request.account_id, request.role))
    sections = _collect(request.account_id, request.role)
    owners = [owner for section in sections for owner in section.document_owners]
    docs = documents.personal_files(request.account_id, owners)
    generated_at = clock.iso(clock.now())
    data: dict[str, Any] = {
        "solicitud": request.request_id,
        "generado": generated_at,
        **{section.section: section.records for section in sections},
        "documentos": [documents.to_out(d).model_dump(mode="json") for d in docs],
    }
    key = f"exports/privacy/{request.request_id}/mis-datos.zip"
    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as target:
        count = export.write_zip(
            target,
            request_id=request.request_id,
            generated_at=generated_at,
            data=data,
            files=_files(docs),
        )
        size = target.tell()
        target.seek(0)
        aws.s3().upload_fileobj(
            target,
            get_settings().documents_bucket,
            key,
            ExtraArgs={"ContentType": "application/zip"},
        )
    if request.status == "pendiente":
        _move(request, "en_proceso", "sistema")
    _move(request, "lista", "sistema")
    request.completed_at = clock.iso(clock.now())
    request.export_key, request.export_size, request.export_files = key, size, count
    request.work_due = None
    until = _available_until(request)
    email = Email(
        person.addresses,
        "data_export_ready",
        {
            "name": person.full_name,
            "link": _link(),
            "available_until": _when(clock.iso(until)) if until else "",
        },
    )
    try:
        ids = repository.save(request, release_guard=True, emails=[email])
    except repository.StaleRequest:
        return  # another delivery finished it first; its email went
    notifications.dispatch(ids)
    logger.info("export ready", extra={"request_id": request.request_id, "files": count})


# --- the deletion (schedule) ---------------------------------------------------------------


def _retention_record(
    items: list[tuple[str, Retained]], request_id: str, insurer_id: str, executed_at: datetime
) -> tuple[list[dict[str, Any]], list[repository.Purge]]:
    """The record for the person (what, why, until when) and, per entry, the purge that
    deletes those records by id on that day."""
    policy = rules.policy_for(insurer_id)
    record: list[dict[str, Any]] = []
    purges: list[repository.Purge] = []
    purgers = _purgers()
    for context, item in items:
        until = rules.retained_until(item, policy, executed_at)
        if not item.count or until <= executed_at.date():
            # Contexts keep only records still in their period; this guards the promise the
            # record makes to the person: nothing is listed as kept past its date.
            logger.warning("retained item past its date", extra={"what": item.what})
            continue
        record.append(
            {
                "what": item.what,
                "count": item.count,
                "legal_basis": rules.legal_basis(item, policy),
                "until": until.isoformat(),
            }
        )
        if context in purgers and item.ids:
            purges += repository.purges_for(
                request_id, len(record) - 1, context, list(item.ids), until.isoformat()
            )
        else:
            logger.warning("kept records without a purge", extra={"what": item.what})
    return record, purges


def execute_deletion(request: DataRequest) -> None:
    """Erase the person's data and files (every stored version); keep what the law requires
    with a record of what, why and until when. Each step can run again after a failure."""
    try:
        person = accounts.contact(Principal(request.account_id, request.role))
        recipients, name = list(person.addresses), person.full_name
    except errors.DomainError:
        recipients, name = [], ""  # an earlier attempt already anonymised the account
    now = clock.now()
    retention = rules.retention(rules.policy_for(request.insurer_id), now.date())
    sections = _collect(request.account_id, request.role)
    owners = [owner for section in sections for owner in section.document_owners]
    erased, kept_files = documents.erase_files(request.account_id, owners, retention)
    kept: list[tuple[str, Retained]] = []
    for context, erase in _erasers(request.role):
        kept += [(context, item) for item in erase(request.account_id, retention)]
    if kept_files:
        kept.append(
            (
                "documents",
                Retained(
                    what="Archivos XML de facturas y comprobantes fiscales (CFDI)",
                    category=FISCAL,
                    count=len(kept_files),
                    last_activity=max(d.created_at for d in kept_files),
                    ids=tuple(d.document_id for d in kept_files),
                ),
            )
        )
    accounts.erase_personal_data(request.account_id)
    _move(request, "completada", "sistema")
    request.completed_at = clock.iso(now)
    request.retained, purges = _retention_record(kept, request.request_id, request.insurer_id, now)
    request.work_due = None
    lines = "\n".join(
        f"- {r['what']} ({r['count']}): hasta el {r['until']}. {r['legal_basis']}"
        for r in request.retained
    )
    emails = (
        [
            Email(
                recipients,
                "data_deletion_done",
                {"name": name, "retained": lines or "- Ninguno."},
            )
        ]
        if recipients
        else []
    )
    ids = repository.save(request, release_guard=True, emails=emails, purges=purges)
    notifications.dispatch(ids)
    logger.info(
        "deletion executed",
        extra={"request_id": request.request_id, "files_erased": erased, "kept": len(kept)},
    )


def _mark_purged(request_id: str, entry: int, day: str) -> None:
    """Note in the retention record the day the entry's records went (the first such day:
    a repeated purge keeps it)."""
    for _ in range(5):
        request = repository.get(request_id)
        if request is None or entry >= len(request.retained):
            return
        if request.retained[entry].get("purged_at"):
            return
        request.retained[entry] = {**request.retained[entry], "purged_at": day}
        try:
            repository.save(request, release_guard=False, emails=[])
        except repository.StaleRequest:
            continue
        return
    raise repository.StaleRequest()


def purge_due() -> int:
    """Delete the records deletions kept whose period has ended, with their files (every
    version), and mark them purged in the retention record. Each step is repeatable: a run
    after a failure deletes nothing twice, and once a purge is done its item is gone."""
    today = clock.now().date().isoformat()
    purgers = _purgers()
    done = 0
    for purge in repository.due_purges(today, _BATCH):
        try:
            purgers[purge.context](purge.ids)
            if not repository.other_chunks_left(purge):
                _mark_purged(purge.request_id, purge.entry, today)
            repository.drop_purge(purge)
            done += 1
        except Exception:
            # The item stays: the next run tries again.
            logger.exception(
                "purge failed", extra={"request_id": purge.request_id, "entry": purge.entry}
            )
    return done


def run_due() -> dict[str, int]:
    """Execute the approved deletions that are due; enqueue again exports still unbuilt;
    delete the kept records whose retention period has ended."""
    now = clock.now()
    done = {"deletions": 0, "exports_enqueued": 0, "exports_failed": 0, "purges": 0}
    for request in repository.due_work(rules.DELETION, clock.iso(now), _BATCH):
        if request.status != "aprobada":
            continue
        try:
            execute_deletion(request)
            done["deletions"] += 1
        except Exception:
            # The next run tries again; each step of a deletion is repeatable.
            logger.exception("deletion failed", extra={"request_id": request.request_id})
    for request in repository.due_work(rules.EXPORT, clock.iso(now), _BATCH):
        if now - datetime.fromisoformat(request.created_at) > EXPORT_GIVE_UP_AFTER:
            if rules.can_move(rules.EXPORT, request.status, "fallida"):
                _move(request, "fallida", "sistema")
                request.work_due = None
                repository.save(request, release_guard=True, emails=[])
                done["exports_failed"] += 1
            continue
        request.work_due = clock.iso(now + EXPORT_RETRY_AFTER)
        try:
            repository.save(request, release_guard=False, emails=[])
        except repository.StaleRequest:
            continue
        _enqueue(request.request_id)
        done["exports_enqueued"] += 1
    done["purges"] = purge_due()
    return done
