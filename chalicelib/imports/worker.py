"""The import worker: one message = read the file from a row position, chunk by chunk, until
the end or the time budget; then continue in another message.

The file is always the same stored object version (recorded on the import when its upload
was judged). A CSV streams from S3; an XLSX is copied to local disk in blocks (a zip needs
to seek) and read row by row. Before the first change the whole file is surveyed once
(encoding, header, formulas, row count) so a file refused as a whole changes nothing.

Exactly once, per chunk: its outcome (row errors and counts) is kept under its position
(the first kept wins, so a redo reports what the first pass found), its rows are upserted by
natural key (writing the same values again changes nothing), then the import's position
moves past it with a write conditioned on the position it read.
A second delivery that lost that race stops; a message for a position the import already
passed is stale and ignored, unless the import stalled there (its continuation was lost),
in which case it sends the continuation again.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Final

from chalicelib import aws, clock
from chalicelib.config import get_settings
from chalicelib.imports import (
    affiliates,
    clinics,
    conditions,
    hospitals,
    kinds,
    orders,
    readers,
    repository,
    roster,
    transactions,
)
from chalicelib.imports.outcome import COUNTS, ChunkContext, ChunkResult
from chalicelib.imports.readers import FileRefused, Row
from chalicelib.imports.repository import ImportRecord
from chalicelib.observability import logger

QUEUE: Final = "imports"
# Rows per chunk (a chunk is read and written in batches, and checkpointed once).
CHUNK_ROWS: Final = 500
# Row errors kept for the report: per chunk (one item) and in all.
MAX_ERRORS_PER_CHUNK: Final = 800
MAX_ERRORS_REPORTED: Final = 50_000
_BLOCK: Final = 1024 * 1024

ChunkHandler = Callable[[ChunkContext, list[Row]], ChunkResult]

# What each kind does with a chunk, and which column keeps a group of rows in one chunk.
HANDLERS: dict[str, tuple[ChunkHandler, Callable[[Row], str] | None]] = {
    "polizas": (roster.chunk, roster.group_key),
    "padecimientos": (conditions.chunk, None),
    "hospitales": (hospitals.chunk, None),
    "afiliados": (affiliates.chunk, None),
    "clinicas": (clinics.chunk, None),
    "ordenes": (orders.chunk, None),
    "transacciones": (transactions.chunk, None),
}


def send(import_id: str, position: int) -> None:
    """Queue the work of an import from `position` (the first message, or a continuation)."""
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queue_name(QUEUE))["QueueUrl"]
    sqs.send_message(
        QueueUrl=url, MessageBody=json.dumps({"import_id": import_id, "position": position})
    )


@contextmanager
def open_rows(record: ImportRecord) -> Iterator[Iterator[Row]]:
    """The file's data rows, from the import's stored object version."""
    kind = kinds.KINDS[record.kind]
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": record.object_key}
    if record.version_id and record.version_id != "null":
        params["VersionId"] = record.version_id
    body = aws.s3().get_object(**params)["Body"]
    try:
        if record.file_type == "csv":
            yield readers.csv_rows(kind, body)
            return
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            while block := body.read(_BLOCK):
                copy.write(block)
            copy.flush()
            yield readers.xlsx_rows(kind, copy.name)
    finally:
        body.close()


def _chunks(rows: Iterator[Row], group: Callable[[Row], str] | None) -> Iterator[list[Row]]:
    """Rows in chunks of about CHUNK_ROWS, never splitting a group that comes together (up
    to twice the size)."""
    current: list[Row] = []
    for row in rows:
        if len(current) >= CHUNK_ROWS and (
            group is None or len(current) >= 2 * CHUNK_ROWS or group(row) != group(current[-1])
        ):
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _skip(rows: Iterator[Row], count: int) -> None:
    for _ in range(count):
        if next(rows, None) is None:
            return


def survey(record: ImportRecord) -> int:
    """Read the whole file once: the number of data rows, or FileRefused."""
    with open_rows(record) as rows:
        return sum(1 for _ in rows)


def _stalled(record: ImportRecord, budget_seconds: float) -> bool:
    """Nobody moved the import for well over a budget: its continuation was lost."""
    updated = datetime.fromisoformat(record.updated_at)
    return clock.now() - updated > timedelta(seconds=2 * budget_seconds + 60)


def today() -> date:
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo("America/Mexico_City")).date()


def run(
    import_id: str,
    position: int,
    *,
    budget_seconds: float,
    finish: Callable[[ImportRecord], None],
    refuse: Callable[[ImportRecord, FileRefused], None],
) -> None:
    """Work on the import from `position` until its end (then `finish`) or the budget."""
    record = repository.get(import_id, consistent=True)
    if record is None or record.status in ("terminada", "rechazada"):
        return
    if record.status == "pendiente":
        if position != 0:
            return
        try:
            total = survey(record)
        except FileRefused as refused:
            refuse(record, refused)
            return
        if not repository.start(import_id, record.version_id, total, clock.iso(clock.now())):
            return
        record = repository.get(import_id, consistent=True)
        if record is None:
            return
    if position != record.position:
        if position < record.position and _stalled(record, budget_seconds):
            logger.warning("import stalled; continuing", extra={"import_id": import_id})
            send(import_id, record.position)
        return
    _work(record, budget_seconds, finish, refuse)


def _work(
    record: ImportRecord,
    budget_seconds: float,
    finish: Callable[[ImportRecord], None],
    refuse: Callable[[ImportRecord, FileRefused], None],
) -> None:
    handler, group = HANDLERS[record.kind]
    deadline = time.monotonic() + budget_seconds
    position, rows_read = record.position, record.rows_read
    counts = {name: record.counts.get(name, 0) for name in COUNTS}
    reported = record.errors_reported
    context = ChunkContext(
        record.insurer_id, record.mode == "aplicar", today(), record.requested_by
    )
    try:
        with open_rows(record) as rows:
            _skip(rows, position)
            for number, chunk in enumerate(_chunks(rows, group)):
                if number and time.monotonic() > deadline:
                    send(record.import_id, position)
                    logger.info(
                        "import continues", extra={"import_id": record.import_id, "at": position}
                    )
                    return
                result = handler(context, chunk)
                room = max(0, min(MAX_ERRORS_PER_CHUNK, MAX_ERRORS_REPORTED - reported))
                # The chunk's outcome is kept before its writes: a redo (the worker died
                # before the checkpoint) reports what the first pass found, not `sin_cambios`.
                outcome = repository.keep_outcome(
                    record.import_id, position, result.errors[:room], result.counts
                )
                kept, chunk_counts = outcome
                for write in result.writes:
                    write()
                for name in COUNTS:
                    counts[name] += chunk_counts.get(name, 0)
                moved = repository.checkpoint(
                    record.import_id,
                    position,
                    position + len(chunk),
                    rows_read + len(chunk),
                    counts,
                    reported + len(kept),
                    clock.iso(clock.now()),
                )
                if not moved:
                    logger.info("chunk taken by another delivery", extra={"at": position})
                    return
                position += len(chunk)
                rows_read += len(chunk)
                reported += len(kept)
    except FileRefused as refused:  # the same bytes passed the survey: only a replaced object
        refuse(record, refused)
        return
    done = repository.get(record.import_id, consistent=True)
    if done is not None and done.position == position and done.status == "en_proceso":
        finish(done)
