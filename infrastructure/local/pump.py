"""The local event pump: what Lambda's SQS event source mapping does on AWS.

It long-polls each queue that `app.py` consumes, builds a real Lambda SQS event from the
real messages (real `messageId`, `receiptHandle`, `eventSourceARN`), invokes the handler and
deletes only the messages not reported in `batchItemFailures`. A handler that raises fails
the whole batch (as on Lambda). Redelivery and the DLQ redrive stay the queue's own.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("local.pump")

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class QueueRoute:
    queue_url: str
    queue_arn: str
    handler: Handler
    batch_size: int = 10


@dataclass(frozen=True)
class TimerRoute:
    """A scheduled handler, run every `interval_seconds` on the local stack."""

    name: str
    handler: Handler
    interval_seconds: int


def scheduled_event(name: str, region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/{name}"],
        "detail": {},
    }


class LambdaContext:
    """The attributes handlers and Powertools read from a Lambda context."""

    def __init__(self, function_name: str, timeout_seconds: int = 60) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """A Lambda SQS event, record for record, from `ReceiveMessage` output."""
    records = []
    for message in messages:
        attributes = message.get("MessageAttributes", {})
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "binaryValue": value.get("BinaryValue"),
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": value.get("DataType", "String"),
                    }
                    for name, value in attributes.items()
                },
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def failed_ids(result: Any) -> set[str]:
    if isinstance(result, dict):
        return {
            str(item.get("itemIdentifier"))
            for item in result.get("batchItemFailures", [])
            if isinstance(item, dict)
        }
    return set()


class EventPump:
    def __init__(
        self,
        sqs: Any,
        routes: list[QueueRoute],
        *,
        region: str = "us-east-1",
        wait_seconds: int = 1,
        timers: list[TimerRoute] | None = None,
    ) -> None:
        self._sqs = sqs
        self._routes = routes
        self._timers = timers or []
        self._region = region
        self._wait_seconds = wait_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def poll_once(self, route: QueueRoute) -> int:
        """Receive one batch, invoke the handler, delete what succeeded. Returns the count."""
        received = self._sqs.receive_message(
            QueueUrl=route.queue_url,
            MaxNumberOfMessages=route.batch_size,
            WaitTimeSeconds=self._wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return 0
        event = lambda_event(messages, route.queue_arn, self._region)
        name = route.queue_arn.rsplit(":", 1)[-1]
        try:
            failures = failed_ids(route.handler(event, LambdaContext(name)))
        except Exception:
            log.exception("handler for %s raised; the batch will be redelivered", name)
            return len(messages)
        done = [m for m in messages if m["MessageId"] not in failures]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=route.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        return len(messages)

    def _loop(self, route: QueueRoute) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once(route)
            except Exception:
                log.exception("polling %s failed", route.queue_url)
                self._stop.wait(1)

    def _tick(self, timer: TimerRoute) -> None:
        while not self._stop.wait(timer.interval_seconds):
            try:
                timer.handler(scheduled_event(timer.name, self._region), LambdaContext(timer.name))
            except Exception:
                log.exception("scheduled %s failed", timer.name)

    def start(self) -> None:
        for route in self._routes:
            thread = threading.Thread(
                target=self._loop, args=(route,), name=f"pump:{route.queue_arn}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        for timer in self._timers:
            thread = threading.Thread(
                target=self._tick, args=(timer,), name=f"timer:{timer.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self._wait_seconds + 5)


def routes_for_app(app_module: Any, sqs: Any, prefix: str) -> list[QueueRoute]:
    """A route for every `@app.on_sqs_message` handler of a Chalice app module."""
    from chalice.app import SQSEventConfig

    routes = []
    for source in app_module.app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        queue_name = source.queue or str(source.queue_arn).rsplit(":", 1)[-1]
        if not queue_name.startswith(prefix):
            queue_name = prefix + queue_name
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        routes.append(QueueRoute(url, arn, getattr(app_module, source.name), source.batch_size))
    return routes


def timers_for_app(app_module: Any, schedules: tuple[Any, ...]) -> list[TimerRoute]:
    """A timer for each scheduled handler that the definition runs on the local stack."""
    from chalice.app import ScheduledEventConfig

    scheduled = {
        source.name
        for source in app_module.app.event_sources
        if isinstance(source, ScheduledEventConfig)
    }
    return [
        TimerRoute(s.consumer, getattr(app_module, s.consumer), s.local_interval_seconds)
        for s in schedules
        if s.local_interval_seconds and s.consumer in scheduled
    ]
