"""The operators' side: their insurer's requests (reads are audited) and the decision on a
deletion request, with the email that tells the person."""

from __future__ import annotations

from chalicelib import clock, dynamo, errors
from chalicelib.accounts import service as accounts
from chalicelib.audit import service as audit
from chalicelib.auth import Principal, require_insurer, require_role, viewed_insurer
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email
from chalicelib.privacy import repository, rules
from chalicelib.privacy.repository import DataRequest
from chalicelib.privacy.requests import NotPending, link, move, out_fields, valid_id, when
from chalicelib.privacy.schemas import (
    DecisionIn,
    OperatorDataRequestListOut,
    OperatorDataRequestOut,
    OperatorQuery,
)


def _operator_out(request: DataRequest) -> OperatorDataRequestOut:
    return OperatorDataRequestOut(
        **out_fields(request, with_link=False),
        account_id=request.account_id,
        role=request.role,
        insurer_id=request.insurer_id,
        history=request.history,
    )


def operator_requests(
    principal: Principal, query: OperatorQuery, source_ip: str | None
) -> OperatorDataRequestListOut:
    """The operator's insurer's requests in one status, oldest first (the read is audited)."""
    insurer_id = viewed_insurer(principal, query.insurer)
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
    request = repository.get(request_id) if valid_id(request_id) else None
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
        due = rules.deletion_due(now, policy)
        move(request, "aprobada", principal.account_id, body.reason or None)
        request.due_at = clock.iso(due)
        request.work_due = request.due_at
        sentence = (
            "Aprobamos tu solicitud. El "
            f"{when(request.due_at)} cerraremos tu cuenta y eliminaremos tus datos; lo que "
            "la ley nos obliga a conservar (expediente clínico, comprobantes fiscales) quedará "
            "bloqueado, sin tu nombre, y se eliminará al terminar su plazo."
        )
    else:
        move(request, "rechazada", principal.account_id, body.reason)
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
            "link": link(),
        },
    )
    ids = repository.save(request, release_guard=body.decision == "rechazar", emails=[email])
    notifications.dispatch(ids)
    if body.decision == "aprobar" and due <= now:
        # No grace days: the account closes now (sessions end, log-in refused); the schedule
        # erases the rest on its next run.
        accounts.close_access(request.account_id)
    audit.record(
        principal.account_id,
        request.insurer_id,
        "data_request.decision",
        request.request_id,
        source_ip=source_ip,
        detail={"decision": body.decision, "due_at": request.due_at},
    )
    return _operator_out(request)
