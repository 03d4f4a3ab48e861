"""Audit records: the only module that touches the audit table's model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import dynamo


@dataclass(frozen=True)
class AuditRecord:
    record_id: str
    insurer_id: str
    actor_id: str
    action: str
    subject: str
    at: str
    source_ip: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def save(record: AuditRecord) -> None:
    from chalicelib.audit.models import AuditModel

    sort_key = f"{record.at}#{record.record_id}"
    AuditModel(
        pk=f"INSURER#{record.insurer_id}",
        sk=sort_key,
        gsi1pk=f"SUBJECT#{record.insurer_id}#{record.subject}",
        gsi1sk=sort_key,
        **dynamo.attributes_of(record, omit=("record_id",), detail=record.detail or None),
    ).save(condition=AuditModel.pk.does_not_exist())


def query(
    insurer_id: str,
    *,
    subject: str | None,
    since: str,
    until: str,
    limit: int,
    cursor: dict[str, Any] | None,
) -> tuple[list[AuditRecord], str | None]:
    """Newest first, between `since` and `until` (ISO instants; `until` exclusive)."""
    from chalicelib.audit.models import AuditModel

    def to_record(item: AuditModel) -> AuditRecord:
        return dynamo.record_from(
            AuditRecord, item, record_id=item.sk.rsplit("#", 1)[-1], detail=dict(item.detail or {})
        )

    # A subject's entries are on gsi1; all of an insurer's, in the table itself.
    index: Any = AuditModel.by_subject if subject else AuditModel
    hash_key = f"SUBJECT#{insurer_id}#{subject}" if subject else f"INSURER#{insurer_id}"
    instant = AuditModel.gsi1sk if subject else AuditModel.sk
    items, last_key = dynamo.newest_first(
        index,
        hash_key,
        to_record,
        limit=limit,
        cursor=cursor,
        range_key_condition=instant.between(since, until),
    )
    return items, dynamo.encode_cursor(last_key)
