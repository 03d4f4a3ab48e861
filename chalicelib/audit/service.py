"""Audit of operators' reads and changes of people's health and money data.

Other contexts call `record` for each operator access; the insurer queries its own records.
A record's key starts with the insurer, so an operator reaches only its insurers' records.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from chalicelib import clock, dynamo, errors
from chalicelib.audit import repository
from chalicelib.audit.repository import AuditRecord
from chalicelib.audit.schemas import AuditListOut, AuditQuery, AuditRecordOut
from chalicelib.auth import Principal, viewed_insurer

__all__ = ["AuditRecord", "record", "records"]


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
            at=clock.iso(clock.now()),
            source_ip=source_ip,
            detail=detail or {},
        )
    )


def records(principal: Principal, query: AuditQuery) -> AuditListOut:
    """An operator's view of its insurer's audit records, newest first."""
    insurer_id = viewed_insurer(principal, query.insurer)
    if query.since and query.until and query.since > query.until:
        raise errors.InvalidInput(
            details=[
                errors.ErrorDetail(
                    "from", "range_invalid", "La fecha inicial es posterior a la final."
                )
            ]
        )
    since = clock.iso(datetime.combine(query.since, time.min, UTC)) if query.since else "0"
    until = (
        clock.iso(datetime.combine(query.until + timedelta(days=1), time.min, UTC))
        if query.until
        else "9"
    )
    items, next_cursor = repository.query(
        insurer_id,
        subject=query.subject,
        since=since,
        until=until,
        limit=query.limit,
        cursor=dynamo.decode_cursor(query.cursor),
    )
    return AuditListOut(
        items=[
            AuditRecordOut(
                id=item.record_id,
                insurer_id=item.insurer_id,
                actor_id=item.actor_id,
                action=item.action,
                subject=item.subject,
                at=item.at,
                source_ip=item.source_ip,
                detail=item.detail,
            )
            for item in items
        ],
        next_cursor=next_cursor,
    )
