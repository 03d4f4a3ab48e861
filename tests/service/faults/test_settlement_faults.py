"""The weekly settlement under faults: the `settlement-tasks` consumer of app.py, the schedule
and the CLI either complete on retry or stop with nothing half-written. After every fault a
provider sees no settlement without all its details, no transaction is in two settlements,
and each settlement's totals are the sum of its details."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import errors
from chalicelib.config import get_settings
from chalicelib.settlement import __main__ as cli
from chalicelib.settlement import repository, runs, service
from chalicelib.settlement.schemas import PeriodQuery
from infrastructure.local.pump import LambdaContext
from tests.service.faults.conftest import CLIENT_ATTEMPTS, PYNAMODB_ATTEMPTS, Faults
from tests.service.faults.helpers import answered_status
from tests.service.settlement.conftest import RUT, World, world
from tests.service.settlement.test_settlement import (
    WEEK_END,
    all_rows,
    folio_count,
    week_of_transactions,
)

__all__ = ["world"]

FOLIO = service.folio_for("sec", RUT, WEEK_END)


class WorkerDied(BaseException):
    """The Lambda ran out of time or its process was killed: no handler of ours runs."""


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runs, "PAGE_SIZE", 5)  # 12 transactions: three chunks of details


def _load(world: World, count: int = 12, prefix: str = "F") -> list[str]:
    items = week_of_transactions(count, prefix=prefix)
    assert service.load_transactions_by_operator(world.operator, items).accepted == count
    return [i["id"] for i in items]


def _message(run_id: str, period_end: date = WEEK_END) -> str:
    return json.dumps(
        {"run_id": run_id, "insurer_id": "sec", "rut": RUT, "period_end": period_end.isoformat()}
    )


def _deliver(body: str, message_id: str) -> list[str]:
    """One delivery of a task to app.py's consumer; the message ids it reports as failed
    (those SQS delivers again after the visibility timeout; the rest it deletes)."""
    import app as app_module

    event = {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": str(uuid.uuid4()),
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:settlement-tasks",
                "awsRegion": "us-east-1",
            }
        ]
    }
    answer = app_module.settle_provider(event, LambdaContext("settle_provider"))
    return [f["itemIdentifier"] for f in answer["batchItemFailures"]]


def _half_written(world: World, folio: str, chunks_in: int) -> None:
    """Stopped mid-run: in progress, unseen by the provider, its lease let go."""
    header = repository.get_header(folio)
    assert header is not None
    assert (header.state, header.next_chunk) == ("en_proceso", chunks_in)
    assert service.settlements(world.provider, 2026, None).items == []
    with pytest.raises(errors.NotFound):
        service.settlement_detail(world.provider, folio)


def _settled_once(world: World, ids: list[str], settlements: int = 1) -> None:
    counts = folio_count(ids)
    assert set(counts.values()) == {1}, "a transaction is in two settlements, or in none"
    listed = service.settlements(world.provider, 2026, None).items
    assert len(listed) == settlements
    for summary in listed:
        rows = all_rows(world, summary.folio)
        detail = service.settlement_detail(world.provider, summary.folio)
        assert detail.transactions == len(rows)
        assert int(detail.total.amount) == sum(int(r.credit.amount) for r in rows)
        by_type = {c.type: int(c.amount.amount) for c in detail.credits}
        assert by_type["seguros"] == sum(int(r.credit.amount) for r in rows if r.type == "seguros")
    assert repository.open_settlements("sec", RUT, "9999") == []  # nothing left in progress


def _chunk_write(number: int) -> Any:
    """Matches the PutItem of chunk `number`'s details (any credit type)."""
    return lambda body: b"CHUNK#" in body and f"#{number:06d}".encode() in body


def _header_advance(body: bytes) -> bool:
    """The UpdateItem that moves the header past a chunk (with the running figures)."""
    return b"HEADER" in body and b"next_chunk" in body and b"figures" in body


# --- DynamoDB throttling ----------------------------------------------------------------------


def test_throttling_that_clears_is_retried_and_exhausted_throttling_mid_details_is_redelivered(
    world: World, faults: Faults
) -> None:
    ids = _load(world)
    started, _ = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)

    # Throttling that clears within botocore's retries: the run never notices.
    faults.inject("dynamodb", "UpdateItem", "ThrottlingException", times=2)
    faults.inject(
        "dynamodb", "PutItem", "ProvisionedThroughputExceededException", when=_chunk_write(0)
    )
    # Exhausted on the second chunk of details: the task fails, its lease is let go.
    exhausted = faults.exhaust_throughput("PutItem", when=_chunk_write(1))
    assert _deliver(_message(started.run_id), "m-1") == ["m-1"]  # reported, so redelivered
    assert exhausted.answered == PYNAMODB_ATTEMPTS
    assert len(faults.backoffs) >= 3 + PYNAMODB_ATTEMPTS - 1
    _half_written(world, FOLIO, chunks_in=1)
    header = repository.get_header(FOLIO)
    assert header is not None
    assert header.lease_owner is None
    assert service.run_progress(world.operator, started.run_id).done == 0

    # The redelivery resumes with the chunk claimed but not written, and completes.
    assert _deliver(_message(started.run_id), "m-1") == []
    _settled_once(world, ids)
    # SQS delivers at least once: further copies change nothing and count once.
    assert _deliver(_message(started.run_id), "m-1") == []
    assert _deliver(_message(started.run_id), "m-1-copy") == []
    _settled_once(world, ids)
    progress = service.run_progress(world.operator, started.run_id)
    assert (progress.done, progress.settled, progress.finished) == (1, 1, True)


# --- TransactionConflict ----------------------------------------------------------------------


def test_a_transaction_conflict_on_the_header_leaves_no_chunk_counted_and_the_retry_completes(
    world: World, faults: Faults
) -> None:
    ids = _load(world)
    started, _ = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)
    # A single-item write to an item a concurrent transaction holds answers
    # TransactionConflictException, which botocore does not retry: the chunk-2 details are
    # written, the header's figures are not advanced past them.
    seen = {"n": 0}

    def third_advance(body: bytes) -> bool:
        if _header_advance(body):
            seen["n"] += 1
            return seen["n"] == 3
        return False

    faults.inject("dynamodb", "UpdateItem", "TransactionConflictException", when=third_advance)
    assert _deliver(_message(started.run_id), "m-2") == ["m-2"]
    _half_written(world, FOLIO, chunks_in=2)
    # The redelivery writes the same chunk again (same keys) and counts it once.
    assert _deliver(_message(started.run_id), "m-2") == []
    _settled_once(world, ids)
    header = repository.get_header(FOLIO)
    assert header is not None
    assert header.next_chunk == 3


# --- a worker that dies ------------------------------------------------------------------------


def _die_on_chunk(monkeypatch: pytest.MonkeyPatch, number: int) -> None:
    real_write = repository.write_chunk

    def write(header: Any, *args: Any, **kwargs: Any) -> None:
        if header.next_chunk == number:
            raise WorkerDied()  # claimed its transactions, wrote none of their details
        real_write(header, *args, **kwargs)

    monkeypatch.setattr(repository, "write_chunk", write)


def _deliver_to_a_worker_that_dies(
    monkeypatch: pytest.MonkeyPatch, run_id: str, message_id: str, *, chunk: int
) -> None:
    """The run's task, delivered to a worker that dies writing chunk `chunk`."""
    with monkeypatch.context() as patch:
        _die_on_chunk(patch, chunk)
        with pytest.raises(WorkerDied):
            _deliver(_message(run_id), message_id)


def test_a_worker_that_dies_keeps_its_task_until_the_lease_expires_then_it_completes_once(
    world: World, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _load(world)
    started, _ = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)
    _deliver_to_a_worker_that_dies(monkeypatch, started.run_id, "m-3", chunk=1)
    _half_written(world, FOLIO, chunks_in=1)

    # Fixed: a delivery while the dead worker's lease lasts answered success, so SQS deleted
    # the only task that could finish it and the settlement stayed en_proceso for good. Now
    # it is reported failed and comes back after the visibility timeout…
    assert _deliver(_message(started.run_id), "m-3") == ["m-3"]
    _half_written(world, FOLIO, chunks_in=1)
    # …which on AWS is longer than the lease, so the next delivery takes it over.
    from infrastructure.definition import AWS, QUEUES

    queue = next(q for q in QUEUES if q.name == "settlement-tasks")
    assert AWS.visibility_timeout(queue) > service.LEASE.total_seconds()
    world.clock.advance(seconds=AWS.visibility_timeout(queue))
    assert _deliver(_message(started.run_id), "m-3") == []
    _settled_once(world, ids)
    assert service.run_progress(world.operator, started.run_id).settled == 1


def test_a_settlement_whose_task_was_lost_is_finished_by_the_next_weekly_schedule(
    world: World, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app as app_module

    week_one = _load(world)
    started, _ = service.start_run(WEEK_END, ["sec"], "test", enqueue=False)
    _deliver_to_a_worker_that_dies(monkeypatch, started.run_id, "m-4", chunk=2)
    _half_written(world, FOLIO, chunks_in=2)
    # Its task ended in the dead-letter queue. A week later, with new activity:
    world.clock.advance(days=7)
    week_two = [f"N{n}" for n in range(3)]
    service.load_transactions_by_operator(
        world.operator,
        [
            {**item, "id": new_id, "occurred_at": "2026-11-24"}
            for item, new_id in zip(week_of_transactions(3), week_two, strict=True)
        ],
    )
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().queue_name("settlement-tasks"))["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    app_module.weekly_settlement(
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": datetime.now(UTC).isoformat(),
            "region": "us-east-1",
            "resources": [],
            "detail": {},
        },
        LambdaContext("weekly_settlement"),
    )
    tasks = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert len(tasks) == 1  # the provider is still on the weekly list
    assert json.loads(tasks[0]["Body"])["period_end"] == "2026-11-26"
    assert _deliver(tasks[0]["Body"], tasks[0]["MessageId"]) == []

    _settled_once(world, week_one + week_two, settlements=2)
    old = all_rows(world, FOLIO)
    assert sorted(r.id for r in old) == sorted(week_one)  # the first week's, and only those


# --- the CLI -------------------------------------------------------------------------------------


def test_the_cli_exits_1_with_nothing_visible_and_its_rerun_completes_once(
    world: World, faults: Faults, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _load(world)
    argv = ["run", "--period-end", WEEK_END.isoformat(), "--insurer", "sec", "--quiet"]
    faults.inject(
        "dynamodb",
        "PutItem",
        "ThrottlingException",
        times=PYNAMODB_ATTEMPTS,
        when=_chunk_write(2),
    )
    assert cli.main(argv) == 1
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (first["providers"], first["done"], first["finished"]) == (1, 0, False)
    _half_written(world, FOLIO, chunks_in=2)

    assert cli.main(argv) == 0  # run it again: it resumes the same settlement
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (again["providers"], again["settled"], again["finished"]) == (1, 1, True)
    _settled_once(world, ids)


# --- S3: the Excel report ------------------------------------------------------------------------


def _exports() -> list[str]:
    listing = boto3.client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=service.EXPORTS_PREFIX
    )
    return [o["Key"] for o in listing.get("Contents", [])]


def test_the_excel_report_with_s3_down_answers_503_and_stores_nothing(
    world: World, faults: Faults
) -> None:
    ids = _load(world)
    service.run_inline(WEEK_END, ["sec"])
    query = PeriodQuery.model_validate({"from": "2026-11", "to": "2026-11", "format": "xlsx"})

    faults.inject("s3", "PutObject", "InternalError", times=CLIENT_ATTEMPTS)
    with pytest.raises(ClientError) as failed:
        service.period_export(world.provider, query)
    assert answered_status(failed.value) == 503
    assert _exports() == []

    assert len(faults.backoffs) == CLIENT_ATTEMPTS - 1  # botocore retried S3's 500s

    faults.inject("s3", "PutObject", "SlowDown", times=2)  # clears within the retries
    exported = service.period_export(world.provider, query)
    assert exported.rows == 1
    assert len(_exports()) == 1
    _settled_once(world, ids)  # the report reads settlements; it never changes them
