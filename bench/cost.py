"""What the platform costs on AWS per operation, from the requests a real run makes.

    python bench/cost.py                       # make bench-cost
    BENCH_COST_PROVIDERS=5 python bench/cost.py

Everything runs in this process on moto (`mock_aws`, every resource of the definition, as the
tests' `aws` fixture builds it), through the real code paths:

- HTTP routes through Chalice's test client (`chalice.test.Client`): the same gateway code
  `chalice local` uses, with the built-in authorizer verifying real Cognito (moto) id tokens;
- the real event handlers (`validate_document` on the S3 -> SQS notifications moto sends,
  `send_email` on the outbox queue, `settle_provider` on the settlement tasks) invoked with the
  messages this script receives from the queues, as Lambda's SQS poller would;
- the browser's own S3 requests (presigned POST uploads, presigned GET downloads) made with
  boto3, since they are billed to the account like any other S3 request.

Every botocore call is counted by service and operation with botocore's event hooks
(`before-call`, `after-call`, `before-parameter-build`), registered on every client any
botocore session creates: the boto3 clients of `chalicelib/aws.py` and PynamoDB's connections
(`chalicelib/dynamo.py`, the models' own). DynamoDB request units are computed from item sizes
(moto's `ReturnConsumedCapacity` answers a constant, whatever the size, so it is not used):
writes 1 WRU per KB of the larger of the old and the new item, 2x inside transactions, plus one
write per GSI the item is in (every index projects ALL); reads 1 RRU per 4 KB strongly
consistent, half that eventually consistent, 2x in transactions; Query sums the sizes of the
items it returns. Sizes come from moto's stored items (`Item.size()`: names + values).

Lambda: one invocation per API request, one per authorizer cache miss (TTL 300 s: one per
user session here), one per SQS batch (each upload and each email arrives on its own, so one
message per batch: the worst case), one per settlement task and one for the schedule. GB-s use
the memory of `.chalice/config.json` (512 MB for every function) and the durations measured
here, each rounded up to the millisecond: the handler's own time plus moto's in-process time
for every AWS call, which stands in for the network round trips on AWS.

CloudWatch Logs: the bytes the app writes to stdout during each invocation (Powertools JSON
logs at INFO, EMF metrics) plus ~300 bytes of Lambda's START/END/REPORT lines.

Prints ONE JSON line: cost per 1,000 claims (10 documents each), per 1,000 appointments, per
settlement run of 1,000 providers (x 100 transactions), the breakdown per service, the
requests per operation, the prices with their date, and the machine.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# --- prices ----------------------------------------------------------------------------------

PRICES_AS_OF = "2026-11-26"
PRICES_REGION = "us-east-1"
# Public on-demand list prices, us-east-1, USD. DynamoDB on-demand is the price after AWS's
# November 2024 cut (from $1.25 / $0.25 per million WRU / RRU to half that).
PRICES: dict[str, Decimal] = {
    "lambda_request": Decimal("0.20") / 1_000_000,
    "lambda_gb_second": Decimal("0.0000166667"),  # x86
    "apigateway_rest_request": Decimal("3.50") / 1_000_000,
    "dynamodb_wru": Decimal("0.625") / 1_000_000,
    "dynamodb_rru": Decimal("0.125") / 1_000_000,
    "s3_put_copy_post_list": Decimal("0.005") / 1_000,
    "s3_get_and_other": Decimal("0.0004") / 1_000,
    "s3_storage_gb_month": Decimal("0.023"),
    "sqs_request": Decimal("0.40") / 1_000_000,  # standard queue, per 64 KB chunk
    "ses_email": Decimal("0.10") / 1_000,
    "kms_request": Decimal("0.03") / 10_000,
    "cloudwatch_logs_ingest_gb": Decimal("0.50"),
}
PRICE_NOTES = {
    "cognito": "excluded: Cognito is priced per monthly active user, not per operation "
    "(the first 10,000 MAU of the Lite tier are free), see cognito_requests",
    "kms": "only explicit KMS calls are counted; DynamoDB and S3 cache their data keys "
    "(SSE-KMS with bucket keys), so their KMS requests are per key and hour, not per item",
    "dynamodb": "on-demand prices after the November 2024 cut ($0.625 / $0.125 per million "
    "WRU / RRU; before: $1.25 / $0.25)",
    "lambda": "x86, 512 MB per .chalice/config.json; free tier ignored",
    "apigateway": "REST API, first 333 million requests a month",
    "s3_storage": "reported apart (per month kept), not in the per-operation cost",
}
LAMBDA_MEMORY_GB = Decimal(512) / Decimal(1024)
LAMBDA_PLATFORM_LOG_BYTES = 300
CENT = Decimal("0.000001")
S3_WRITE_OPERATIONS = {
    "PutObject",
    "CopyObject",
    "PostObject",
    "ListObjects",
    "ListObjectsV2",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "PutObjectTagging",
}
# DELETE requests (HTTP DELETE, removing a tag set included) are free on S3.
S3_FREE_OPERATIONS = {"DeleteObject", "DeleteObjects", "DeleteObjectTagging"}


def money(value: Decimal) -> str:
    """A USD amount as a string to the millionth of a dollar, half-up (the one rounding)."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class Usage:
    """What one operation used, by service, as counted here."""

    calls: Counter[str] = field(default_factory=Counter)  # "service:Operation" -> count
    wru: Decimal = Decimal(0)
    rru: Decimal = Decimal(0)
    api_requests: int = 0
    lambda_invocations: Counter[str] = field(default_factory=Counter)  # function -> count
    lambda_ms: int = 0
    log_bytes: int = 0
    s3_bytes_stored: int = 0
    sqs_chunks: int = 0  # SQS bills each 64 KB of a request as one request
    # "Operation table" -> [requests, WRU, RRU]: where the request units go.
    dynamodb_by_table: dict[str, list[Decimal]] = field(default_factory=dict)
    routes: Counter[str] = field(default_factory=Counter)  # "METHOD /path" -> requests

    def __add__(self, other: Usage) -> Usage:
        tables = {k: list(v) for k, v in self.dynamodb_by_table.items()}
        for line, values in other.dynamodb_by_table.items():
            found = tables.setdefault(line, [Decimal(0)] * 3)
            for n, value in enumerate(values):
                found[n] += value
        return Usage(
            calls=self.calls + other.calls,
            wru=self.wru + other.wru,
            rru=self.rru + other.rru,
            api_requests=self.api_requests + other.api_requests,
            lambda_invocations=self.lambda_invocations + other.lambda_invocations,
            lambda_ms=self.lambda_ms + other.lambda_ms,
            log_bytes=self.log_bytes + other.log_bytes,
            s3_bytes_stored=self.s3_bytes_stored + other.s3_bytes_stored,
            sqs_chunks=self.sqs_chunks + other.sqs_chunks,
            dynamodb_by_table=tables,
            routes=self.routes + other.routes,
        )

    def scaled(self, factor: Decimal) -> dict[str, Decimal]:
        """Billable quantities times `factor` (e.g. 1,000 operations)."""
        s3_write = sum(n for k, n in self.calls.items() if _s3_op(k) in S3_WRITE_OPERATIONS)
        s3_other = sum(
            n
            for k, n in self.calls.items()
            if k.startswith("s3:")
            and _s3_op(k) not in S3_WRITE_OPERATIONS
            and _s3_op(k) not in S3_FREE_OPERATIONS
        )
        ses = sum(n for k, n in self.calls.items() if k in {"ses:SendEmail", "ses:SendRawEmail"})
        kms = sum(n for k, n in self.calls.items() if k.startswith("kms:"))
        invocations = sum(self.lambda_invocations.values())
        gb_seconds = LAMBDA_MEMORY_GB * Decimal(self.lambda_ms) / 1000
        return {
            "lambda_requests": invocations * factor,
            "lambda_gb_seconds": gb_seconds * factor,
            "apigateway_requests": self.api_requests * factor,
            "dynamodb_wru": self.wru * factor,
            "dynamodb_rru": self.rru * factor,
            "s3_write_requests": s3_write * factor,
            "s3_read_requests": s3_other * factor,
            "sqs_requests": self.sqs_chunks * factor,
            "ses_emails": ses * factor,
            "kms_requests": kms * factor,
            "log_gb": Decimal(self.log_bytes + invocations * LAMBDA_PLATFORM_LOG_BYTES)
            / Decimal(1024**3)
            * factor,
        }


def _s3_op(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith("s3:") else ""


def price(quantities: dict[str, Decimal]) -> dict[str, Decimal]:
    """USD by service for billable quantities (Decimal throughout; rounded only for output)."""
    p = PRICES
    return {
        "lambda": quantities["lambda_requests"] * p["lambda_request"]
        + quantities["lambda_gb_seconds"] * p["lambda_gb_second"],
        "apigateway": quantities["apigateway_requests"] * p["apigateway_rest_request"],
        "dynamodb": quantities["dynamodb_wru"] * p["dynamodb_wru"]
        + quantities["dynamodb_rru"] * p["dynamodb_rru"],
        "s3_requests": quantities["s3_write_requests"] * p["s3_put_copy_post_list"]
        + quantities["s3_read_requests"] * p["s3_get_and_other"],
        "sqs": quantities["sqs_requests"] * p["sqs_request"],
        "ses": quantities["ses_emails"] * p["ses_email"],
        "kms": quantities["kms_requests"] * p["kms_request"],
        "cloudwatch_logs": quantities["log_gb"] * p["cloudwatch_logs_ingest_gb"],
    }


# --- DynamoDB item sizes and request units ---------------------------------------------------


def attribute_size(value: dict[str, Any]) -> int:
    """Approximate DynamoDB size of one attribute value in its JSON wire shape."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode("utf-8"))
    if kind == "N":
        digits = str(inner).lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes) else math.ceil(len(str(inner)) * 3 / 4)
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind in {"SS", "NS", "BS"}:
        return sum(attribute_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + attribute_size(v) for k, v in inner.items())
    return 0


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(k.encode("utf-8")) + attribute_size(v) for k, v in item.items())


def write_units(size: int) -> Decimal:
    return Decimal(max(1, math.ceil(size / 1024)))


def read_units(size: int, *, consistent: bool) -> Decimal:
    units = Decimal(max(1, math.ceil(size / 4096)))
    return units if consistent else units / 2


class MotoItems:
    """Reads moto's stored items (in this process) to size writes before and after."""

    def __init__(self) -> None:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends

        self.backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]]

    def indexes(self, table: str) -> list[str]:
        """The partition-key attribute of each GSI of `table`."""
        found = self.backend.get_table(table)
        return [
            next(k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH")
            for index in found.global_indexes
        ]

    def item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        try:
            stored = self.backend.get_item(table, key)
        except Exception:
            return None
        return stored.to_json()["Attributes"] if stored else None

    def key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        found = self.backend.get_table(table)
        names = [found.hash_key_attr] + ([found.range_key_attr] if found.range_key_attr else [])
        return {name: item[name] for name in names if name in item}


def _gsi_writes(
    indexes: list[str], old: dict[str, Any] | None, new: dict[str, Any] | None
) -> Decimal:
    """Writes to the indexes: an item entering, leaving or moving within a GSI costs one
    write per KB there (moving = delete + put)."""
    units = Decimal(0)
    for attr in indexes:
        before = (old or {}).get(attr)
        after = (new or {}).get(attr)
        if before is None and after is None:
            continue
        if before is not None and after is not None and before != after:
            units += write_units(item_size(old)) + write_units(item_size(new))
        else:
            units += write_units(max(item_size(old), item_size(new)))
    return units


# --- counting --------------------------------------------------------------------------------


class AwsCallCounter:
    """Counts every botocore call by service and operation, with botocore's event hooks.

    `install()` makes every client any botocore session creates from then on register the
    hooks (boto3's clients and PynamoDB's connections both come from
    `botocore.session.Session.create_client`); `attach(client)` does it for one client.
    Calls are recorded into the `Usage` of `recording(...)`; outside it nothing is counted.
    """

    def __init__(self, items: MotoItems | None = None) -> None:
        self.items = items
        self.usage: Usage | None = None
        self._lock = threading.Lock()

    def install(self) -> None:
        from botocore.session import Session

        original = Session.create_client
        counter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            counter.attach(client)
            return client

        Session.create_client = create_client  # type: ignore[method-assign,assignment]

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-parameter-build", self._before_build)
        events.register("before-call", self._before_call)
        events.register("after-call", self._after_call)

    @contextlib.contextmanager
    def recording(self, usage: Usage) -> Iterator[Usage]:
        previous, self.usage = self.usage, usage
        try:
            yield usage
        finally:
            self.usage = previous

    # before-parameter-build: the caller's own parameters, before serialization.
    def _before_build(self, params: dict[str, Any], model: Any, context: Any, **_: Any) -> None:
        usage = self.usage
        if usage is None:
            return
        service = model.service_model.service_name
        if service == "s3" and model.name == "PutObject":
            with self._lock:
                usage.s3_bytes_stored += _body_size(params.get("Body", b""))
        if service != "dynamodb":
            return
        context["cost_params"] = params
        writes = self._writes_of(model.name, params) if self.items else []
        if writes:
            assert self.items is not None
            context["cost_writes"] = [
                (table, key, self.items.item(table, key), factor) for table, key, factor in writes
            ]

    def _before_call(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        usage = self.usage
        if usage is None:
            return
        service = model.service_model.service_name
        with self._lock:
            usage.calls[f"{service}:{model.name}"] += 1
            if service == "sqs":
                body = params.get("body") if isinstance(params, dict) else None
                size = len(body) if isinstance(body, bytes | bytearray | str) else 0
                usage.sqs_chunks += max(1, math.ceil(size / 65536))

    def _after_call(self, model: Any, parsed: dict[str, Any], context: Any, **_: Any) -> None:
        usage = self.usage
        if usage is None or model.service_model.service_name != "dynamodb":
            return
        wru = Decimal(0)
        if self.items is not None:
            for table, key, old, factor in context.pop("cost_writes", []):
                new = self.items.item(table, key)
                wru += factor * write_units(max(item_size(old), item_size(new)))
                wru += _gsi_writes(self.items.indexes(table), old, new)
        params = context.pop("cost_params", {})
        rru = read_units_of(model.name, params, parsed)
        tables = params.get("TableName") or ",".join(
            sorted(
                {
                    next(iter(entry.values()))["TableName"]
                    for entry in params.get("TransactItems", [])
                }
                | set(params.get("RequestItems", {}))
            )
        )
        index = f"/{params['IndexName']}" if params.get("IndexName") else ""
        line = f"{model.name} {_logical(tables)}{index}"
        with self._lock:
            usage.wru += wru
            usage.rru += rru
            found = usage.dynamodb_by_table.setdefault(line, [Decimal(0)] * 3)
            found[0] += 1
            found[1] += wru
            found[2] += rru

    def _writes_of(
        self, operation: str, params: dict[str, Any]
    ) -> list[tuple[str, dict[str, Any], Decimal]]:
        assert self.items is not None
        one, two = Decimal(1), Decimal(2)
        if operation == "PutItem":
            table = params["TableName"]
            return [(table, self.items.key_of(table, params["Item"]), one)]
        if operation in {"UpdateItem", "DeleteItem"}:
            return [(params["TableName"], params["Key"], one)]
        found: list[tuple[str, dict[str, Any], Decimal]] = []
        if operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        key = self.items.key_of(table, request["PutRequest"]["Item"])
                    else:
                        key = request["DeleteRequest"]["Key"]
                    found.append((table, key, one))
        elif operation == "TransactWriteItems":
            # Every item of a transaction, a ConditionCheck included, costs two writes per KB.
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                table = body["TableName"]
                key = self.items.key_of(table, body["Item"]) if kind == "Put" else body["Key"]
                found.append((table, key, two))
        return found


def _body_size(body: Any) -> int:
    if isinstance(body, bytes | bytearray | str):
        return len(body)
    if hasattr(body, "seek") and hasattr(body, "tell"):
        position = body.tell()
        body.seek(0, os.SEEK_END)
        size = int(body.tell())
        body.seek(position)
        return size
    return 0


def _logical(tables: str) -> str:
    prefix = os.environ.get("RESOURCE_PREFIX", "")
    return ",".join(t.removeprefix(prefix) for t in tables.split(","))


def read_units_of(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> Decimal:
    """Read units from the request (consistency) and the answer (item sizes)."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "GetItem":
        return read_units(item_size(parsed.get("Item")), consistent=consistent)
    if operation == "Query":
        total = sum(item_size(i) for i in parsed.get("Items", []))
        return read_units(total, consistent=consistent)
    units = Decimal(0)
    if operation == "BatchGetItem":
        for table, items in parsed.get("Responses", {}).items():
            strong = bool(params["RequestItems"].get(table, {}).get("ConsistentRead"))
            for item in items:
                units += read_units(item_size(item), consistent=strong)
    elif operation == "TransactGetItems":
        for response in parsed.get("Responses", []):
            units += 2 * read_units(item_size(response.get("Item")), consistent=True)
    return units


# --- the run ---------------------------------------------------------------------------------

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - moto only, as the tests'
PASSWORD = "una frase larga segura"  # noqa: S105 - moto only
DOCUMENTS_PER_CLAIM = 10
PROVIDERS = int(os.environ.get("BENCH_COST_PROVIDERS", "10"))
PER_PROVIDER = int(os.environ.get("BENCH_COST_PER_PROVIDER", "100"))
SETTLEMENT_SCALE_PROVIDERS = 1000


class CountingStream(io.TextIOBase):
    """stdout during an invocation: what Lambda would ship to CloudWatch Logs, counted."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


def _environment() -> None:
    """As the tests' conftest: set before anything imports chalicelib."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "STAGE": "bench",
            "RESOURCE_PREFIX": "portal-bench-",
            "SITE_URL": "http://127.0.0.1:8080",
            "POWERTOOLS_SERVICE_NAME": "portal-medico",
            "POWERTOOLS_METRICS_NAMESPACE": "PortalMedico",
            # Production's level, so the log bytes are production's.
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "COGNITO_REVOKE_TOKENS": "false",
        }
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))


class Platform:
    """The app on moto, driven the way API Gateway, Lambda's SQS poller and a browser do."""

    def __init__(self, counter: AwsCallCounter) -> None:
        import boto3
        from chalice.test import Client

        import app as app_module
        from chalicelib.accounts import service as accounts
        from chalicelib.auth import Principal
        from chalicelib.config import get_settings
        from infrastructure import definition

        self.counter = counter
        self.app = app_module.app
        self.client = Client(self.app)
        self.client.__enter__()
        self.settings = get_settings()
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.stream = CountingStream()
        # Lambda's poller knows its queue's URL; the script looks them up before counting.
        self.queue_urls = {
            queue.name: self.sqs.get_queue_url(QueueName=self.settings.queue_name(queue.name))[
                "QueueUrl"
            ]
            for queue in definition.QUEUES
        }
        self._capture_logs()
        self.authorized_tokens: set[str] = set()
        original = accounts.authenticate_token

        # The authorizer runs for every request in Chalice's local gateway; API Gateway
        # caches its answer for 30 s per token, so (within an operation) only the first use of
        # a token invokes it. Its two reads (account and session) are counted on every request:
        # an upper bound, as the cache absorbs the reads of requests within its 30 s.
        def authenticate(id_token: str) -> Principal:
            if self.usage is not None and id_token not in self.authorized_tokens:
                self.authorized_tokens.add(id_token)
                self.usage.lambda_invocations["authorizer"] += 1
            return original(id_token)

        accounts.authenticate_token = authenticate
        self.usage: Usage | None = None

    def _capture_logs(self) -> None:
        import logging

        for name in ("portal-medico", ""):
            for handler in logging.getLogger(name).handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream in (
                    sys.stdout,
                    sys.__stdout__,
                ):
                    handler.setStream(self.stream)

    @contextlib.contextmanager
    def operation(self, usage: Usage) -> Iterator[Usage]:
        self.usage = usage
        self.authorized_tokens = set()
        with self.counter.recording(usage):
            yield usage
        self.usage = None

    @contextlib.contextmanager
    def _invocation(self, function: str) -> Iterator[None]:
        assert self.usage is not None
        before = self.stream.bytes
        started = time.perf_counter()
        with contextlib.redirect_stdout(self.stream):
            yield
        elapsed_ms = math.ceil((time.perf_counter() - started) * 1000)
        self.usage.lambda_invocations[function] += 1
        self.usage.lambda_ms += elapsed_ms
        self.usage.log_bytes += self.stream.bytes - before

    # --- API Gateway -> Lambda -------------------------------------------------------------

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> dict[str, Any]:
        assert self.usage is not None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self._invocation("api"):
            answer = self.client.http.request(
                method,
                path,
                headers=headers,
                body=json.dumps(body).encode() if body is not None else b"",
            )
        self.usage.api_requests += 1
        self.usage.routes[f"{method} {_route_of(self.app, path)}"] += 1
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {answer.status_code}: {answer.body[:400]!r}")
        return json.loads(answer.body) if answer.body else {}

    # --- SQS -> Lambda ---------------------------------------------------------------------

    def drain(self, queue: str, function: str) -> int:
        """Lambda's poller: receive, invoke the handler with one message, delete."""
        url = self.queue_urls[queue]
        handled = 0
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                # Lambda's pollers long-poll all the time; their empty receives are a fixed
                # cost per queue, not per operation (see the notes), so this one is not
                # counted.
                assert self.usage is not None
                self.usage.calls["sqs:ReceiveMessage"] -= 1
                self.usage.sqs_chunks -= 1
                return handled
            for message in messages:
                event = self.client.events.generate_sqs_event(
                    message_bodies=[message["Body"]], queue_name=queue
                )
                with self._invocation(function):
                    answer = self.client.lambda_.invoke(function, event)
                failures = (answer.payload or {}).get("batchItemFailures") or []
                if failures:
                    raise RuntimeError(f"{function} failed: {answer.payload}")
                handled += 1
            self.sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)
                ],
            )

    def emails(self) -> int:
        return self.drain("email-outbox", "send_email")

    def sent_to(self, address: str) -> list[Any]:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
        return [m for m in sent if address in m.destinations.get("ToAddresses", [])]

    # --- the browser's own S3 requests -----------------------------------------------------

    def upload(self, slot: dict[str, Any], data: bytes) -> None:
        fields = slot["upload"]["fields"]
        self.s3.put_object(
            Bucket=self.settings.documents_bucket,
            Key=fields["key"],
            Body=data,
            ContentType=fields["Content-Type"],
        )

    def download(self, url: str) -> None:
        from urllib.parse import unquote, urlparse

        parts = urlparse(url)
        path = unquote(parts.path).lstrip("/")
        bucket = self.settings.documents_bucket
        key = path[len(bucket) + 1 :] if path.startswith(bucket + "/") else path
        self.s3.get_object(Bucket=bucket, Key=key)


def _route_of(app: Any, path: str) -> str:
    """The route template a path matched (ids as {name}), for the per-route counts."""
    bare = path.split("?", 1)[0].rstrip("/").split("/")
    for template in app.routes:
        parts = template.split("/")
        if len(parts) == len(bare) and all(
            p == b or (p.startswith("{") and p.endswith("}"))
            for p, b in zip(parts, bare, strict=True)
        ):
            return str(template)
    return path


def _login(platform: Platform, identifier: str, totp: bool = False) -> str:
    answer = platform.call(
        "POST", "/v1/auth/login", {"identifier": identifier, "password": PASSWORD}
    )
    if totp:
        import pyotp

        answer = platform.call(
            "POST",
            "/v1/auth/totp",
            {"session": answer["session"], "code": pyotp.TOTP(TOTP_SECRET).now()},
        )
    return str(answer["id_token"])


def _claim_files() -> list[tuple[str, str, bytes]]:
    from tests.unit.documents import builders

    def expense() -> bytes:
        return builders.cfdi_expense(uuid=str(uuid.uuid4()).upper())

    def pdf(title: str) -> bytes:
        return builders.make_pdf([[title, "Paciente: ANA SOFIA TORRES VEGA"]])

    statement = builders.statement_pdf(
        clabe=builders.STATEMENT_CLABE,
        holder="ANA SOFIA TORRES VEGA",
        period="Periodo: del 01/10/2026 al 31/10/2026",
    )
    return [
        ("informe.pdf", "informe_medico", pdf("Informe médico")),
        ("estado_cuenta.pdf", "bank_statement", statement),
        ("identificacion.pdf", "identificacion", pdf("Identificación")),
        ("factura1.xml", "cfdi_expense", expense()),
        ("factura2.xml", "cfdi_expense", expense()),
        ("factura3.xml", "cfdi_expense", expense()),
        ("factura1.pdf", "factura_pdf", pdf("Factura 1")),
        ("factura2.pdf", "factura_pdf", pdf("Factura 2")),
        ("receta1.pdf", "recetas", pdf("Receta 1")),
        ("receta2.pdf", "recetas", pdf("Receta 2")),
    ]


def _seed_claims(n: int) -> tuple[str, str]:
    """A policy whose titular registers, and an operator of its insurer (not counted)."""
    from chalicelib.accounts import service as accounts
    from chalicelib.policies import service as policies
    from chalicelib.policies.service import Insurer, Member, Policy

    policy_number = f"GMM-BENCH-{n:07d}"
    policies.load_roster(
        Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"),
        [
            Policy(
                "sec",
                policy_number,
                "ANA SOFIA TORRES VEGA",
                [Member(f"m-bench-{n}", "ANA SOFIA TORRES VEGA", "titular")],
                ["gmm_mayores"],
            )
        ],
    )
    operator = f"dictaminador{n}@example.mx"
    accounts.seed_active_account(
        "operador",
        operator,
        "DICTAMINADOR BENCH",
        PASSWORD,
        insurer_ids=["sec"],
        totp_secret=TOTP_SECRET,
    )
    return policy_number, operator


def registration(platform: Platform, policy_number: str) -> str:
    """The titular registers and activates the account (the email's link carries the token)."""
    import re

    email = f"ana-{uuid.uuid4().hex[:8]}@example.mx"
    platform.call(
        "POST",
        "/v1/accounts/insured",
        {
            "full_name": "Ana Sofía Torres Vega",
            "policy_number": policy_number,
            "email": email,
            "accept_privacy_broker": True,
            "accept_privacy_insurer": True,
        },
    )
    platform.emails()
    [message] = platform.sent_to(email)
    token = re.search(r"#token=([\w-]+)", message.body)
    assert token, message.body
    platform.call("POST", "/v1/accounts/activate", {"token": token.group(1), "password": PASSWORD})
    platform.emails()
    return email


def claim_journey(platform: Platform, email: str, operator: str) -> dict[str, Any]:
    """Log-in, step 1, 10 slots, 10 uploads and verdicts, folio, tracking, review, emails."""
    ana = _login(platform, email)

    # The wizard: policy and catalogue, step 1, slots, uploads, verdicts.
    policy = platform.call("GET", "/v1/policy", token=ana)
    platform.call("GET", "/v1/catalog/claims", token=ana)
    member = next(m for m in policy["members"] if m["relationship"] == "titular")
    claim = platform.call(
        "POST",
        "/v1/claims",
        {
            "member_id": member["id"],
            "coverage": "gmm_mayores",
            "type": "reembolso",
            "stage": "inicial",
            "payout_clabe": _clabe(),
            "consent": True,
        },
        token=ana,
    )
    files = _claim_files()
    slots = platform.call(
        "POST",
        f"/v1/claims/{claim['id']}/documents",
        {"files": [{"name": n, "size": len(d), "doc_type": t} for n, t, d in files]},
        token=ana,
    )["items"]
    for slot, (_, _, data) in zip(slots, files, strict=True):
        platform.upload(slot, data)
        # The page asks once before the verdict and once after (it polls every 700 ms).
        platform.call("GET", f"/v1/documents/{slot['document_id']}", token=ana)
    validated = platform.drain("document-uploaded", "validate_document")
    verdicts = [
        platform.call("GET", f"/v1/documents/{slot['document_id']}", token=ana)["status"]
        for slot in slots
    ]
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    folio = platform.call("POST", f"/v1/claims/{claim['id']}/folio", token=ana)["folio"]
    platform.emails()

    # Tracking: the list, the detail, the notifications.
    platform.call("GET", "/v1/claims?view=en_tramite", token=ana)
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    platform.call("GET", "/v1/notifications", token=ana)

    # The operator's review: queue, detail, every document opened, three moves.
    op = _login(platform, operator, totp=True)
    platform.call("GET", "/v1/operator/claims", token=op)
    detail = platform.call("GET", f"/v1/operator/claims/{claim['id']}", token=op)
    for document in detail["documents"]:
        link = platform.call(
            "GET",
            f"/v1/operator/claims/{claim['id']}/documents/{document['id']}/download",
            token=op,
        )
        platform.download(link["url"])
    for status in ("en_revision", "aprobado", "pagado"):
        platform.call(
            "POST", f"/v1/operator/claims/{claim['id']}/transitions", {"to": status}, token=op
        )
        platform.emails()

    # The insured sees the outcome.
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    platform.call("GET", "/v1/notifications", token=ana)
    platform.emails()
    return {"folio": folio, "validated": validated, "verdicts": Counter(verdicts)}


def _clabe() -> str:
    from tests.unit.documents import builders

    return str(builders.STATEMENT_CLABE)


def _seed_appointments(n: int) -> tuple[str, str, str]:
    """An affiliate, a clinic and tomorrow's agenda (operators' loads, not counted)."""
    from datetime import timedelta

    from chalicelib import clock
    from chalicelib.accounts import service as accounts
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import AgendaIn, ClinicIn
    from chalicelib.auth import Principal
    from chalicelib.registry import service as registry
    from chalicelib.registry.service import AffiliateRecord

    nss = _nss(n)
    registry.load(
        [AffiliateRecord(f"m-afil-{n}", nss, f"SERIE-B{n:04d}", "MARIA HERNANDEZ", "sec")]
    )
    email = f"maria-{uuid.uuid4().hex[:8]}@example.mx"
    accounts.seed_active_account(
        "afiliado",
        email,
        "MARIA HERNANDEZ",
        PASSWORD,
        details={"nss": nss, "credential_serial": f"SERIE-B{n:04d}"},
    )
    operator = Principal("op-bench", "operador", ("sec",))
    clinic = appointments.create_clinic(operator, ClinicIn(name=f"UMF {n} Bench"))
    day = clock.now().date() + timedelta(days=1)
    appointments.create_agenda(
        operator,
        AgendaIn(
            clinic_id=clinic.id,
            doctor="DRA. LAURA MEDINA",
            date=day,
            shift="matutino",
            slot_times=[f"{h:02d}:{m:02d}" for h in range(8, 14) for m in (0, 20, 40)],
            internet_quota=10,
        ),
    )
    return email, clinic.id, day.isoformat()


def _nss(n: int) -> str:
    """A valid NSS (Luhn over the first ten digits)."""
    base = f"{70000000 + n:010d}"
    total = 0
    for i, digit in enumerate(int(c) for c in base):
        value = digit * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return base + str((10 - total % 10) % 10)


def appointment_journey(platform: Platform, email: str, clinic_id: str, day: str) -> dict[str, Any]:
    """Log-in, family, clinics, the day's agenda, the booking, the list, the email."""
    token = _login(platform, email)
    family = platform.call("GET", "/v1/family", token=token)
    platform.call("GET", "/v1/clinics", token=token)
    agenda = platform.call("GET", f"/v1/agenda?date={day}&clinic={clinic_id}", token=token)
    slot = next(s for s in agenda["items"][0]["slots"] if s["available"])
    patient = next(m for m in family["items"] if m["is_self"])
    booked = platform.call(
        "POST",
        "/v1/appointments",
        {"slot_id": slot["id"], "patient_id": patient["id"]},
        token=token,
    )
    platform.call("GET", "/v1/appointments", token=token)
    emails = platform.emails()
    return {"status": booked["status"], "emails": emails}


def _seed_settlement() -> list[dict[str, Any]]:
    """Chilean providers and a week of their transactions (generated as bench/settlement.py)."""
    import importlib.util

    from chalicelib import clock
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import calendar

    os.environ["BENCH_SETTLEMENT_PER_PROVIDER"] = str(PER_PROVIDER)
    spec = importlib.util.spec_from_file_location("settlement_bench", ROOT / "bench/settlement.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    ruts = generator._ruts(PROVIDERS)
    for n, rut in enumerate(ruts):
        accounts.seed_active_account(
            "prestador",
            f"prestador{n:05d}@example.cl",
            f"PRESTADOR BENCH {n:05d}",
            PASSWORD,
            details={"country": "CL", "rut": rut},
        )
    period_end = calendar.last_closed_period_end(clock.now())
    items: list[dict[str, Any]] = generator._week(ruts, period_end)
    return items


def settlement_load(platform: Platform, operator_token: str, items: list[dict[str, Any]]) -> int:
    """The operator's loads: POST /v1/operator/transactions, 1,000 items per request."""
    for start in range(0, len(items), 1000):
        answer = platform.call(
            "POST",
            "/v1/operator/transactions",
            {"items": items[start : start + 1000]},
            token=operator_token,
        )
        assert not answer.get("rejected"), answer
    return len(items)


def settlement_run(platform: Platform) -> int:
    """The weekly schedule (one invocation) and one consumer invocation per provider."""
    event = platform.client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    with platform._invocation("weekly_settlement"):
        platform.client.lambda_.invoke("weekly_settlement", event)
    return platform.drain("settlement-tasks", "settle_provider")


# --- the report ------------------------------------------------------------------------------


def _report(usage: Usage, per: Decimal) -> dict[str, Any]:
    """One operation's counts, and its cost for `per` operations by service."""
    quantities = usage.scaled(per)
    costs = price(quantities)
    total = sum(costs.values(), Decimal(0))
    return {
        "requests": dict(sorted((k, v) for k, v in usage.calls.items() if v)),
        "aws_requests": sum(usage.calls.values()),
        "apigateway_requests": usage.api_requests,
        "lambda_invocations": dict(usage.lambda_invocations),
        "lambda_ms": usage.lambda_ms,
        "dynamodb_wru": str(usage.wru),
        "dynamodb_rru": str(usage.rru),
        "log_bytes": usage.log_bytes,
        "api_routes": dict(usage.routes.most_common()),
        "dynamodb_by_table": {
            line: {"requests": int(n), "wru": str(w), "rru": str(r)}
            for line, (n, w, r) in sorted(
                usage.dynamodb_by_table.items(), key=lambda kv: -(kv[1][1] + kv[1][2])
            )
        },
        "s3_bytes_stored": usage.s3_bytes_stored,
        "usd_by_service": {k: money(v) for k, v in costs.items()},
        "usd": money(total),
        "_total": total,
    }


def main() -> int:
    _environment()
    import boto3
    from _machine import machine
    from moto import mock_aws

    counter = AwsCallCounter()
    counter.install()
    with mock_aws():
        from chalicelib import aws as aws_clients
        from chalicelib.config import get_settings
        from chalicelib.notifications import service as notifications
        from infrastructure import definition
        from infrastructure.local.bootstrap import bootstrap

        outputs = bootstrap(
            boto3.session.Session(),
            prefix=os.environ["RESOURCE_PREFIX"],
            region=os.environ["AWS_REGION"],
            site_origin=os.environ["SITE_URL"],
            # AWS's visibility timeouts: nothing is redelivered while this script works.
            parameters=definition.AWS,
        )
        os.environ.update(outputs)
        get_settings.cache_clear()
        aws_clients.reset_clients()
        notifications._queue_url.cache_clear()
        import requests

        from chalicelib.accounts import jwt_verify

        # moto serves the pool's JWKS to the requests library it mocks.
        jwt_verify.fetch_jwks = lambda url: requests.get(url, timeout=5).json()
        jwt_verify.reset_cache()
        counter.items = MotoItems()
        platform = Platform(counter)
        setup_started = time.perf_counter()

        # Warm-up, not counted: the first of everything imports modules and parses models.
        policy_number, operator = _seed_claims(0)
        with platform.operation(Usage()):
            claim_journey(platform, registration(platform, policy_number), operator)
        email, clinic_id, day = _seed_appointments(0)
        with platform.operation(Usage()):
            appointment_journey(platform, email, clinic_id, day)

        policy_number, operator = _seed_claims(1)
        with platform.operation(Usage()) as registration_usage:
            email = registration(platform, policy_number)
        with platform.operation(Usage()) as claim_only_usage:
            claim = claim_journey(platform, email, operator)
        claim_usage = registration_usage + claim_only_usage
        email, clinic_id, day = _seed_appointments(1)
        with platform.operation(Usage()) as appointment_usage:
            appointment = appointment_journey(platform, email, clinic_id, day)

        items = _seed_settlement()
        _, settlement_operator = _seed_claims(2)
        with platform.operation(Usage()):
            operator_token = _login(platform, settlement_operator, totp=True)
        with platform.operation(Usage()) as load_usage:
            loaded = settlement_load(platform, operator_token, items)
        with platform.operation(Usage()) as run_usage:
            settled = settlement_run(platform)
        seconds = time.perf_counter() - setup_started

    thousand = Decimal(1000)
    scale = Decimal(SETTLEMENT_SCALE_PROVIDERS) / Decimal(PROVIDERS)
    claims = _report(claim_usage, thousand)
    claims_only = _report(claim_only_usage, thousand)
    appointments = _report(appointment_usage, thousand)
    run = _report(run_usage, scale)
    load = _report(load_usage, scale)
    by_service: dict[str, dict[str, str]] = defaultdict(dict)
    for name, report in (
        ("per_1000_claims", claims),
        ("per_1000_appointments", appointments),
        ("per_settlement_run_1000_providers", run),
        ("per_week_of_loads_1000_providers", load),
    ):
        for service, usd in report["usd_by_service"].items():
            by_service[service][name] = usd
    storage_gb = Decimal(claim_usage.s3_bytes_stored) * thousand / Decimal(1024**3)
    assumed_document_bytes = 500 * 1024
    assumed_storage_gb = (
        Decimal(assumed_document_bytes * DOCUMENTS_PER_CLAIM) * thousand / Decimal(1024**3)
    )
    result = {
        "bench": "cost",
        "cost_per_1000_claims_usd": claims["usd"],
        "cost_per_1000_claims_without_registration_usd": claims_only["usd"],
        "cost_per_1000_appointments_usd": appointments["usd"],
        "cost_per_settlement_run_1000_providers_usd": run["usd"],
        "cost_per_week_of_transaction_loads_1000_providers_usd": load["usd"],
        "target_claims_at_most_1_usd": claims["_total"] <= 1,
        "breakdown_by_service_usd": dict(by_service),
        "operations": {
            "claim_10_documents": {k: v for k, v in claims.items() if k != "_total"}
            | {"outcome": {**claim, "verdicts": dict(claim["verdicts"])}},
            "appointment": {k: v for k, v in appointments.items() if k != "_total"}
            | {"outcome": appointment},
            "settlement_run": {k: v for k, v in run.items() if k != "_total"}
            | {"providers": PROVIDERS, "transactions": loaded, "providers_settled": settled},
            "settlement_load": {k: v for k, v in load.items() if k != "_total"}
            | {"transactions": loaded},
        },
        "settlement_scaled_from_providers": PROVIDERS,
        "settlement_transactions_per_provider": PER_PROVIDER,
        "s3_storage": {
            "measured_bytes_per_claim": claim_usage.s3_bytes_stored,
            "usd_per_month_per_1000_claims_measured_files": money(
                storage_gb * PRICES["s3_storage_gb_month"]
            ),
            "usd_per_month_per_1000_claims_at_500kb_per_document": money(
                assumed_storage_gb * PRICES["s3_storage_gb_month"]
            ),
        },
        "cognito_requests_per_claim": sum(
            v for k, v in claim_usage.calls.items() if k.startswith("cognito-idp:")
        ),
        "prices_as_of": PRICES_AS_OF,
        "prices_region": PRICES_REGION,
        "prices_usd": {k: str(v) for k, v in PRICES.items()},
        "price_notes": PRICE_NOTES,
        "assumptions": {
            "lambda_memory_mb": 512,
            "lambda_duration": "measured here per invocation (handler + moto in-process), "
            "rounded up to 1 ms; warm containers (a warm-up journey runs first)",
            "authorizer": "one invocation per token per operation (API Gateway caches 300 s)",
            "sqs_batches": "one message per invocation (worst case for uploads and emails)",
            "sqs_idle_polling": "not counted: a fixed cost per queue (pollers long-poll 20 s)",
            "log_bytes": f"stdout per invocation + {LAMBDA_PLATFORM_LOG_BYTES} bytes of "
            "Lambda's START/END/REPORT",
        },
        "seconds": round(seconds, 1),
        "machine": machine(),
    }
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
