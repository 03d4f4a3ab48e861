"""Audit of operators' reads and changes of people's health and money data, and of the
insurer's staff and settings.

Other contexts call `record` for each operator access or change; the insurer's
administrators list their own records (`records`) and download them as CSV (`export`). A
record's key starts with the insurer, so an operator reaches only its insurers' records.
The Spanish name of each action lives in actions.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from chalicelib import clock, downloads, dynamo, errors, spreadsheets
from chalicelib.audit import csv_export, repository
from chalicelib.audit.actions import ACTION_LABELS, action_label
from chalicelib.audit.repository import AuditRecord
from chalicelib.audit.schemas import (
    AuditActionOut,
    AuditActionsOut,
    AuditActionsQuery,
    AuditExportOut,
    AuditExportQuery,
    AuditFilters,
    AuditListOut,
    AuditQuery,
    AuditRecordOut,
)
from chalicelib.auth import DutyNeed, Principal, require_duty, viewed_insurer

__all__ = ["ACTION_LABELS", "AuditRecord", "action_label", "actions", "export", "record", "records"]

MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
# A CSV beyond this many records is refused: the person narrows the dates instead.
MAX_EXPORT_ROWS: Final = 50_000
# Records read per Query page while an export collects them.
EXPORT_PAGE: Final = 1_000


def record(
    actor_id: str,
    insurer_id: str,
    action: str,
    subject: str,
    *,
    source_ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one audit record (who, what, on what, when, from where)."""
    repository.save(
        AuditRecord(
            record_id=str(uuid.uuid4()),
            insurer_id=insurer_id,
            actor_id=actor_id,
            action=action,
            subject=subject,
            # Milliseconds: records of the same second still list newest first.
            at=clock.now().astimezone(UTC).isoformat(timespec="milliseconds"),
            source_ip=source_ip,
            detail=detail or {},
        )
    )


def staff_event(account_id: str, insurer_ids: list[str] | tuple[str, ...], action: str) -> None:
    """Something a staff member did to their own account (activation, enrolling a second
    factor), in the log of every insurer they work for."""
    for insurer_id in insurer_ids:
        record(account_id, insurer_id, action, account_id)


def duty_refused(principal: Principal, method: str, path: str, duty: DutyNeed) -> None:
    """An operator asked for a route of a duty they do not hold: the refusal is in the log of
    each insurer they work for, with the route (its template, never ids or a body)."""
    for insurer_id in principal.insurer_ids:
        record(
            principal.account_id,
            insurer_id,
            "access.denied",
            f"{method} {path}",
            detail={"duty": duty if isinstance(duty, str) else " ".join(duty)},
        )


def require_duty_logged(principal: Principal, need: DutyNeed, route: str) -> None:
    """A duty a service checks itself (one the request names, such as an import's kind),
    refused like a route's: 403, and the refusal in the insurer's log under `route`
    (`METHOD /path template`)."""
    try:
        require_duty(principal, need)
    except errors.Forbidden:
        method, path = route.split(" ", 1)
        duty_refused(principal, method, path, need)
        raise


@dataclass(frozen=True)
class _Window:
    """What the filters ask the audit table for."""

    insurer_id: str
    since: str
    until: str
    subject: str | None
    actor_id: str | None
    action: str | None
    # The actor filter named an e-mail no account has: no record can match.
    matches_nothing: bool = False

    def read(self, limit: int, cursor: str | None) -> tuple[list[AuditRecord], str | None]:
        if self.matches_nothing:
            dynamo.decode_cursor(cursor)  # a tampered cursor is refused all the same
            return [], None
        return repository.query(
            self.insurer_id,
            since=self.since,
            until=self.until,
            subject=self.subject,
            actor_id=self.actor_id,
            action=self.action,
            limit=limit,
            cursor=cursor,
        )


def _refused(field: str, code: str, message: str) -> errors.BadRequest:
    return errors.BadRequest(message, code=code, details=[errors.ErrorDetail(field, code, message)])


def _start_of(day: date) -> str:
    """The first instant of a Mexico City calendar day, as the table's keys write it."""
    return clock.iso(datetime.combine(day, time.min, MEXICO_CITY))


def _actor_id(actor: str) -> str | None:
    """The account behind the actor filter: an e-mail is looked up (None when no account
    has it: the filter then matches nothing); anything else must be an account id."""
    if "@" in actor:
        from chalicelib.accounts import service as accounts

        return accounts.account_id_for_email(actor) or ""
    try:
        return str(uuid.UUID(actor))
    except ValueError:
        raise _refused(
            "actor",
            "invalid_actor",
            "Escribe el correo o el identificador de cuenta de quien actuó.",
        ) from None


def _window(principal: Principal, filters: AuditFilters) -> _Window:
    """The insurer (one the operator works for) and the filters as the table's keys."""
    insurer_id = viewed_insurer(principal, filters.insurer)
    if filters.since and filters.until and filters.since > filters.until:
        raise _refused("from", "range_invalid", "La fecha inicial es posterior a la final.")
    if filters.action and filters.action not in ACTION_LABELS:
        raise _refused("action", "unknown_action", "Elige una de las acciones de la lista.")
    actor_id = _actor_id(filters.actor.strip()) if filters.actor else None
    return _Window(
        insurer_id=insurer_id,
        since=_start_of(filters.since) if filters.since else "0",
        # `to` is included: the window ends where the next day begins.
        until=(
            _start_of(filters.until + timedelta(days=1))
            if filters.until and filters.until < date.max
            else "9"
        ),
        subject=filters.subject,
        actor_id=actor_id,
        action=filters.action,
        matches_nothing=actor_id == "",
    )


def _names(items: list[AuditRecord]) -> dict[str, tuple[str, str]]:
    from chalicelib.accounts import service as accounts

    found = accounts.staff_names(item.actor_id for item in items)
    return {account_id: (n.email, n.full_name) for account_id, n in found.items()}


def records(principal: Principal, query: AuditQuery) -> AuditListOut:
    """An operator's view of its insurer's audit records, newest first."""
    items, next_cursor = _window(principal, query).read(query.limit, query.cursor)
    names = _names(items)
    return AuditListOut(
        items=[
            AuditRecordOut(
                id=item.record_id,
                insurer_id=item.insurer_id,
                actor_id=item.actor_id,
                actor_email=names.get(item.actor_id, (None, None))[0],
                actor_name=names.get(item.actor_id, (None, None))[1],
                action=item.action,
                action_label=action_label(item.action),
                subject=item.subject,
                at=item.at,
                source_ip=item.source_ip,
                detail=item.detail,
            )
            for item in items
        ],
        next_cursor=next_cursor,
    )


def actions(principal: Principal, query: AuditActionsQuery) -> AuditActionsOut:
    """The actions the audit knows, with their labels (the page's action filter)."""
    from chalicelib import paging

    viewed_insurer(principal, None)
    known = sorted(ACTION_LABELS.items(), key=lambda pair: pair[1])
    page, next_cursor = paging.page_in_memory(known, query.limit, query.cursor)
    return AuditActionsOut(
        items=[AuditActionOut(action=action, label=label) for action, label in page],
        next_cursor=next_cursor,
    )


def export(principal: Principal, query: AuditExportQuery, source_ip: str | None) -> AuditExportOut:
    """The filtered records as a CSV file behind a short-lived link (the export is audited)."""
    window = _window(principal, query)
    found: list[AuditRecord] = []
    cursor: str | None = None
    while True:
        page, cursor = window.read(EXPORT_PAGE, cursor)
        found += page
        if len(found) > MAX_EXPORT_ROWS:
            raise errors.BadRequest(
                f"Hay más de {MAX_EXPORT_ROWS:,} registros con esos filtros; acota las fechas "
                "para exportarlos.",
                code="export_too_large",
            )
        if cursor is None:
            break
    body = csv_export.csv_bytes(found, _names(found))
    stamp = clock.now().astimezone(MEXICO_CITY).strftime("%Y%m%d-%H%M%S")
    link = downloads.store_for_download(
        principal.account_id,
        f"auditoria-{window.insurer_id}-{stamp}.csv",
        body,
        spreadsheets.CSV_CONTENT_TYPE,
    )
    record(
        principal.account_id,
        window.insurer_id,
        "audit.export",
        "audit",
        source_ip=source_ip,
        detail={
            "filters": query.model_dump(mode="json", by_alias=True, exclude_none=True),
            "rows": len(found),
        },
    )
    return AuditExportOut(url=link.url, expires_at=link.expires_at, rows=len(found))
