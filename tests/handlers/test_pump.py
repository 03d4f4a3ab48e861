"""The local event pump behaves as Lambda's SQS event source mapping does."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from chalice.app import Chalice, SQSEvent

from infrastructure import definition as d
from infrastructure.local.pump import EventPump, QueueRoute, routes_for_app

PREFIX = "portal-test-"


class RecordingHandler:
    """Fails the records whose body says so; records every event it sees."""

    def __init__(self, raise_on: str | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.raise_on = raise_on

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        bodies = [json.loads(r["body"]) for r in event["Records"]]
        if self.raise_on and any(b.get("kind") == self.raise_on for b in bodies):
            raise RuntimeError("handler crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]}
                for r, body in zip(event["Records"], bodies, strict=True)
                if body.get("kind") == "bad"
            ]
        }

    def bodies(self) -> list[str]:
        return [json.loads(r["body"])["kind"] for e in self.events for r in e["Records"]]


def queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.get_queue_url(QueueName=PREFIX + name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def count(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def pump_until(pump: EventPump, route: QueueRoute, done: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done():
        if pump.poll_once(route) == 0:
            time.sleep(0.2)


@pytest.fixture
def sqs(aws: dict[str, Any]) -> Any:
    return boto3.client("sqs")


def test_good_record_deleted_once_failing_record_redelivered_then_dead_lettered(sqs: Any) -> None:
    url, arn = queue(sqs, "settlement-tasks")
    dlq_url, _ = queue(sqs, "settlement-tasks-dlq")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "good"}))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "bad"}))
    handler = RecordingHandler()
    route = QueueRoute(url, arn, handler)
    pump = EventPump(sqs, [route], wait_seconds=0)

    pump_until(pump, route, lambda: count(sqs, dlq_url) == 1, seconds=30)

    assert handler.bodies().count("good") == 1
    assert handler.bodies().count("bad") == d.LOCAL.max_receive_count
    assert count(sqs, url) == 0
    dead = sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    assert [json.loads(m["Body"]) for m in dead] == [{"kind": "bad"}]


def test_events_are_lambda_shaped_with_unique_message_ids(sqs: Any) -> None:
    url, arn = queue(sqs, "settlement-tasks")
    for number in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "good", "n": number}))
    handler = RecordingHandler()
    route = QueueRoute(url, arn, handler)
    pump = EventPump(sqs, [route], wait_seconds=0)
    pump_until(pump, route, lambda: count(sqs, url) == 0, seconds=10)

    records = [r for e in handler.events for r in e["Records"]]
    assert len(records) == 5
    assert len({r["messageId"] for r in records}) == 5
    for record in records:
        assert record["eventSource"] == "aws:sqs"
        assert record["eventSourceARN"] == arn
        assert record["receiptHandle"]
        assert record["attributes"]["ApproximateReceiveCount"] == "1"


def test_a_handler_that_raises_fails_the_whole_batch(sqs: Any) -> None:
    url, arn = queue(sqs, "settlement-tasks")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "good"}))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "crash"}))
    handler = RecordingHandler(raise_on="crash")
    route = QueueRoute(url, arn, handler, batch_size=10)
    pump = EventPump(sqs, [route], wait_seconds=0)
    pump.poll_once(route)
    assert count(sqs, url) == 2  # nothing deleted: both come back after the visibility timeout


def test_routes_are_found_from_the_apps_sqs_handlers_and_chalice_accepts_the_event(
    sqs: Any,
) -> None:
    import types

    app = Chalice(app_name="pump-test")
    seen: list[str] = []

    @app.on_sqs_message(queue="document-uploaded", batch_size=3)
    def validate_document(event: SQSEvent) -> dict[str, Any]:
        seen.extend(record.body for record in event)
        return {"batchItemFailures": []}

    module = types.SimpleNamespace(app=app, validate_document=validate_document)
    routes = routes_for_app(module, sqs, PREFIX)
    assert len(routes) == 1
    assert routes[0].queue_url.endswith(PREFIX + "document-uploaded")
    assert routes[0].batch_size == 3

    # S3 sent its "s3:TestEvent" when the bucket notification was configured; start clean.
    sqs.purge_queue(QueueUrl=routes[0].queue_url)
    sqs.send_message(QueueUrl=routes[0].queue_url, MessageBody="hola")
    pump = EventPump(sqs, routes, wait_seconds=0)
    pump_until(pump, routes[0], lambda: bool(seen), seconds=5)
    assert seen == ["hola"]
