"""Imports and their row errors: the only module that touches their PynamoDB models.

Every change of an import's progress is a conditional write on its `position` (the data
rows consumed): two deliveries of the same message may both read a chunk, but only one
moves the import past it, and the other stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, paging

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.imports.models import ImportModel

COUNTS = ("creados", "actualizados", "sin_cambios", "rechazados")


@dataclass(frozen=True)
class ImportRecord:
    import_id: str
    insurer_id: str
    kind: str
    mode: str
    status: str
    file_name: str
    file_type: str
    document_id: str
    object_key: str
    requested_by: str
    requester_email: str
    requester_name: str
    created_at: str
    updated_at: str
    version_id: str | None = None
    source_import_id: str | None = None
    position: int = 0
    rows_read: int = 0
    rows_total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors_reported: int = 0
    reasons: list[dict[str, str]] = field(default_factory=list)
    report_key: str | None = None
    finished_at: str | None = None


def _key(import_id: str) -> tuple[str, str]:
    return f"IMPORT#{import_id}", "IMPORT"


def _record(item: ImportModel) -> ImportRecord:
    return dynamo.record_from(
        ImportRecord,
        item,
        position=int(item.position or 0),
        rows_read=int(item.rows_read or 0),
        rows_total=None if item.rows_total is None else int(item.rows_total),
        counts={name: int((item.counts or {}).get(name, 0)) for name in COUNTS},
        errors_reported=int(item.errors_reported or 0),
        reasons=list(item.reasons or []),
    )


def create(record: ImportRecord) -> None:
    from chalicelib.imports.models import ImportModel

    pk, sk = _key(record.import_id)
    ImportModel(
        pk,
        sk,
        gsi1pk=f"INSURER#{record.insurer_id}",
        gsi1sk=f"{record.created_at}#{record.import_id}",
        **dynamo.attributes_of(record),
    ).save(condition=ImportModel.pk.does_not_exist())


def get(import_id: str, *, consistent: bool = False) -> ImportRecord | None:
    from chalicelib.imports.models import ImportModel

    item = ImportModel.find(*_key(import_id), consistent_read=consistent)
    return None if item is None else _record(item)


def of_insurer(
    insurer_id: str, kinds: frozenset[str], limit: int, cursor: str | None
) -> tuple[list[ImportRecord], Any]:
    """An insurer's imports of these kinds, newest first (API.md's list contract)."""
    from chalicelib.imports.models import ImportModel

    def read(key: dict[str, Any] | None, wanted: int) -> tuple[list[ImportRecord], Any]:
        results = ImportModel.by_insurer.query(
            f"INSURER#{insurer_id}",
            scan_index_forward=False,
            limit=wanted,
            last_evaluated_key=key,
        )
        return [_record(item) for item in results], results.last_evaluated_key

    return paging.page_through(read, limit, cursor, keep=lambda record: record.kind in kinds)


def set_version(import_id: str, version_id: str | None) -> None:
    """The stored object version every read of the file uses (while still pending)."""
    from chalicelib.imports.models import ImportModel

    dynamo.try_write(
        ImportModel(*_key(import_id)).update,
        actions=[ImportModel.version_id.set(version_id or "null")],
        condition=(ImportModel.status == "pendiente"),
    )


def start(import_id: str, version_id: str | None, rows_total: int, now: str) -> bool:
    """pendiente → en_proceso for the file's version; False when it already started."""
    from chalicelib.imports.models import ImportModel

    return dynamo.try_write(
        ImportModel(*_key(import_id)).update,
        actions=[
            ImportModel.status.set("en_proceso"),
            ImportModel.version_id.set(version_id or "null"),
            ImportModel.rows_total.set(rows_total),
            ImportModel.updated_at.set(now),
        ],
        condition=(ImportModel.status == "pendiente"),
    )


def checkpoint(
    import_id: str,
    expected_position: int,
    position: int,
    rows_read: int,
    counts: dict[str, int],
    errors_reported: int,
    now: str,
) -> bool:
    """Move the import from `expected_position` to `position` with its running totals; False
    when another delivery moved it first (or it ended)."""
    from chalicelib.imports.models import ImportModel

    return dynamo.try_write(
        ImportModel(*_key(import_id)).update,
        actions=[
            ImportModel.position.set(position),
            ImportModel.rows_read.set(rows_read),
            ImportModel.counts.set(counts),
            ImportModel.errors_reported.set(errors_reported),
            ImportModel.updated_at.set(now),
        ],
        condition=(ImportModel.status == "en_proceso")
        & (ImportModel.position == expected_position),
    )


def finish(
    transaction: TransactWrite,
    import_id: str,
    *,
    expected_status: str,
    expected_position: int | None,
    status: str,
    reasons: list[dict[str, str]],
    report_key: str | None,
    now: str,
) -> None:
    """End the import (terminada or rechazada) inside `transaction`, once."""
    from chalicelib.imports.models import ImportModel

    condition: Any = ImportModel.status == expected_status
    if expected_position is not None:
        condition = condition & (ImportModel.position == expected_position)
    transaction.update(
        ImportModel(*_key(import_id)),
        actions=[
            ImportModel.status.set(status),
            ImportModel.reasons.set(reasons),
            ImportModel.updated_at.set(now),
            ImportModel.finished_at.set(now),
            *([ImportModel.report_key.set(report_key)] if report_key else []),
        ],
        condition=condition,
    )


def keep_outcome(
    import_id: str, position: int, errors: list[list[Any]], counts: dict[str, int]
) -> tuple[list[list[Any]], dict[str, int]]:
    """Keep the outcome (row errors, counts) of the chunk that starts at `position`, unless
    one is kept already (a redo of the chunk): the outcome that stays."""
    from chalicelib.imports.models import ImportErrorsModel

    item = ImportErrorsModel(
        f"IMPORT#{import_id}", f"ERRORS#{position:09d}", errors=errors, counts=counts
    )
    if dynamo.try_write(item.save, condition=ImportErrorsModel.pk.does_not_exist()):
        return errors, counts
    kept = ImportErrorsModel.get(item.pk, item.sk, consistent_read=True)
    return list(kept.errors or []), {name: int((kept.counts or {}).get(name, 0)) for name in COUNTS}


def errors_of(import_id: str) -> Iterator[list[Any]]:
    """Every stored row error of the import, in file order (one Query of its partition)."""
    from chalicelib.imports.models import ImportErrorsModel

    for item in ImportErrorsModel.query(
        f"IMPORT#{import_id}", ImportErrorsModel.sk.startswith("ERRORS#")
    ):
        yield from item.errors or []
