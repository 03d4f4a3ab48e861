"""AWS faults injected into the in-process moto (the `aws` fixture).

`faults.inject("dynamodb", "TransactWriteItems", "ThrottlingException", times=2)` makes the
next two calls of that operation answer the error as AWS would (HTTP status, protocol-shaped
body), whichever client makes them: the boto3 clients of `chalicelib.aws`, the PynamoDB
models' connections and `chalicelib.dynamo.connection()` all send through moto's
`before-send` hook, which is where the fault is answered. So botocore's own retry handlers
(`retries={"mode": "standard"}`) and `dynamo.transact`'s conflict retries see a real error
and do what they would do on AWS; only their pauses are recorded instead of slept.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.retries import standard
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from chalicelib import dynamo

# Calls botocore makes before giving up: chalicelib/aws.py's clients retry 4 times after the
# first call (`max_attempts` counts retries), PynamoDB's 3 (`max_retry_attempts`, table_meta).
CLIENT_ATTEMPTS = 5
PYNAMODB_ATTEMPTS = 4

# Status AWS answers each error code with (400 unless listed).
_STATUS = {
    "KMSInternalException": 500,
    "InternalServerError": 500,
    "InternalFailure": 500,
    "InternalError": 500,  # S3's
    "SlowDown": 503,  # S3's throttling
    "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503,
}
_XML_SERVICES = {"ses": "query", "s3": "rest-xml"}


@dataclass
class Fault:
    service: str
    operation: str
    code: str
    times: int
    reasons: list[str] | None = None
    when: Callable[[bytes], bool] | None = None
    answered: int = 0

    def matches(self, service: str, operation: str, body: bytes) -> bool:
        return (
            self.service == service
            and self.operation == operation
            and self.answered < self.times
            and (self.when is None or self.when(body))
        )

    def response(self, url: str) -> AWSResponse:
        self.answered += 1
        status = _STATUS.get(self.code, 400)
        request_id = str(uuid.uuid4())
        message = f"injected {self.code}"
        protocol = _XML_SERVICES.get(self.service, "json")
        if protocol == "query":
            body = (
                "<ErrorResponse><Error><Type>Sender</Type>"
                f"<Code>{self.code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            )
            headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}
        elif protocol == "rest-xml":
            body = f"<Error><Code>{self.code}</Code><Message>{message}</Message></Error>"
            headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
        else:
            payload: dict[str, Any] = {"__type": f"com.amazonaws#{self.code}", "message": message}
            if self.reasons is not None:
                payload["CancellationReasons"] = [{"Code": code} for code in self.reasons]
            body = json.dumps(payload)
            headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id}
        return AWSResponse(url, status, headers, MockRawResponse(body))  # type: ignore[arg-type]


@dataclass
class Faults:
    """The faults to answer, what each AWS operation was asked, and the pauses taken."""

    pending: list[Fault] = field(default_factory=list)
    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    backoffs: list[float] = field(default_factory=list)  # botocore's retry pauses
    jitters: list[float] = field(default_factory=list)  # dynamo.transact's conflict pauses

    def inject(
        self,
        service: str,
        operation: str,
        code: str,
        *,
        times: int = 1,
        reasons: list[str] | None = None,
        when: Callable[[bytes], bool] | None = None,
    ) -> Fault:
        """Answer the next `times` calls of `service.operation` (whose request body satisfies
        `when`, if given) with `code`; `reasons` are a cancelled transaction's reasons."""
        fault = Fault(service, operation, code, times, reasons, when)
        self.pending.append(fault)
        return fault

    def conflict(self, times: int = 1, items: int = 8) -> Fault:
        """A transaction cancelled for a concurrent one (moto never answers this itself)."""
        return self.inject(
            "dynamodb",
            "TransactWriteItems",
            "TransactionCanceledException",
            times=times,
            reasons=["TransactionConflict"] + ["None"] * (items - 1),
        )

    def exhaust_throughput(
        self, operation: str, when: Callable[[bytes], bool] | None = None
    ) -> Fault:
        """DynamoDB refuses `operation` for throughput on every attempt PynamoDB makes, so
        the call fails."""
        return self.inject(
            "dynamodb",
            operation,
            "ProvisionedThroughputExceededException",
            times=PYNAMODB_ATTEMPTS,
            when=when,
        )

    def count(self, service: str, operation: str) -> int:
        """Calls that reached AWS (moto), faults excluded."""
        return self.calls.get((service, operation), 0)

    def answer(self, event_name: str, request: Any) -> AWSResponse | None:
        _, service, operation = event_name.split(".", 2)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):  # a streamed upload: never matched on content
            body = b""
        for fault in self.pending:
            if fault.matches(service, operation, body):
                return fault.response(request.url)
        key = (service, operation)
        self.calls[key] = self.calls.get(key, 0) + 1
        return None


@pytest.fixture
def faults(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Faults:
    state = Faults()
    original = BotocoreStubber.__call__

    def stub(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        if self.enabled:
            injected = state.answer(event_name, request)
            if injected is not None:
                return injected
        return original(self, event_name, request, **kwargs)

    def no_backoff(self: standard.ExponentialBackoff, context: Any) -> float:
        state.backoffs.append(0.0)
        return 0.0

    monkeypatch.setattr(BotocoreStubber, "__call__", stub)
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", no_backoff)
    # dynamo's own `time` only (the module's sleep stays real for everyone else).
    monkeypatch.setattr(dynamo, "time", SimpleNamespace(sleep=state.jitters.append))
    return state
