"""Audit records: the only module that touches the audit table's model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib import dynamo, errors, paging

# Records one read of a listing holds. Always the same number, whatever the page's size, so
# that a cursor (a read's start key and how many of its records were answered) leads back to
# the same place and each page reads at most one block more than it answers (see
# chalicelib/paging.py); a cursor never re-reads the listing from its beginning.
READ_BLOCK: Final = 100
# Items a Query evaluates per request while a filter (actor, action) thins them out inside
# DynamoDB: a block that keeps one record in ten is then five requests, not ten.
FILTERED_READ: Final = 200


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
    since: str,
    until: str,
    subject: str | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AuditRecord], str | None]:
    """An insurer's records newest first, between `since` and `until` (ISO instants; `until`
    exclusive), and a cursor to the next one (API.md's list contract).

    One Query on the insurer's partition (a subject's records: on gsi1) bounded by the sort
    key's instants; the actor and the action are a filter inside that Query."""
    from chalicelib.audit.models import AuditModel

    def to_record(item: AuditModel) -> AuditRecord:
        return dynamo.record_from(
            AuditRecord, item, record_id=item.sk.rsplit("#", 1)[-1], detail=dict(item.detail or {})
        )

    index: Any = AuditModel.by_subject if subject else AuditModel
    hash_key = f"SUBJECT#{insurer_id}#{subject}" if subject else f"INSURER#{insurer_id}"
    instant = AuditModel.gsi1sk if subject else AuditModel.sk
    condition: Any = None
    if actor_id:
        condition = AuditModel.actor_id == actor_id
    if action:
        condition = (
            AuditModel.action == action
            if condition is None
            else condition & (AuditModel.action == action)
        )

    def read(key: dict[str, Any] | None, _wanted: int) -> tuple[list[AuditRecord], Any]:
        results = index.query(
            hash_key,
            instant.between(since, until),
            filter_condition=condition,
            scan_index_forward=False,
            limit=READ_BLOCK,
            page_size=READ_BLOCK if condition is None else FILTERED_READ,
            last_evaluated_key=key,
        )
        return [to_record(item) for item in results], results.last_evaluated_key

    _check_cursor(cursor, hash_key, since, until, by_subject=bool(subject))
    return paging.page_through(read, limit, cursor)


def _check_cursor(
    cursor: str | None, hash_key: str, since: str, until: str, *, by_subject: bool
) -> None:
    """A cursor of another listing (another insurer, subject or date range, which an
    operator of two insurers may well send) is refused, not handed to DynamoDB, which would
    answer a start key outside the Query's bounds with an error."""
    position = dynamo.decode_cursor(cursor) or {}
    key = position.get("key")
    if key is None:
        return
    hash_name, range_name = ("gsi1pk", "gsi1sk") if by_subject else ("pk", "sk")
    instant = (key.get(range_name) or {}).get("S") if isinstance(key, dict) else None
    if (
        not isinstance(key, dict)
        or key.get(hash_name) != {"S": hash_key}
        or not isinstance(instant, str)
        or not since <= instant <= until
    ):
        raise errors.BadRequest("El cursor de paginación no es válido.", code="invalid_cursor")
