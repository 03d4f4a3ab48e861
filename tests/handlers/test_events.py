"""SQS batches with partial failures through a Chalice handler, with real-shaped events."""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalice.app import Chalice, SQSEvent

from chalicelib.events import process_sqs_batch
from infrastructure.local.pump import LambdaContext


def sqs_event(bodies: list[str]) -> dict[str, Any]:
    """A Lambda SQS event with a unique message id per record (unlike generate_sqs_event)."""
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:portal-test-q",
                "awsRegion": "us-east-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


def make_handler(seen: list[str]) -> Any:
    app = Chalice(app_name="events-test")

    @app.on_sqs_message(queue="q", batch_size=10)
    def consume(event: SQSEvent) -> dict[str, Any]:
        def handle(record: Any) -> None:
            payload = json.loads(record.body)
            if payload.get("fail"):
                raise ValueError("cannot handle")
            seen.append(payload["n"])

        return process_sqs_batch(event, handle)

    return consume


def test_only_failing_records_are_reported() -> None:
    seen: list[str] = []
    event = sqs_event(
        [json.dumps({"n": "a"}), json.dumps({"n": "b", "fail": True}), json.dumps({"n": "c"})]
    )
    result = make_handler(seen)(event, LambdaContext("consume"))
    assert seen == ["a", "c"]
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}


def test_a_batch_where_everything_fails_reports_every_record() -> None:
    event = sqs_event([json.dumps({"fail": True}), "not json"])
    result = make_handler([])(event, LambdaContext("consume"))
    reported = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    assert reported == {record["messageId"] for record in event["Records"]}


def test_a_clean_batch_reports_nothing() -> None:
    result = make_handler([])(sqs_event([json.dumps({"n": "x"})]), LambdaContext("consume"))
    assert result == {"batchItemFailures": []}
