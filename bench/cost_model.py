"""The counting and pricing of bench/cost.py: what one operation used, and what that costs.

Every botocore call is counted by service and operation with botocore's event hooks
(`before-call`, `after-call`, `before-parameter-build`), registered on every client any
botocore session creates: the boto3 clients of `chalicelib/aws.py` and PynamoDB's connections
(`chalicelib/dynamo.py`, the models' own). DynamoDB request units are computed from item sizes
(moto's `ReturnConsumedCapacity` answers a constant, whatever the size, so it is not used):
writes 1 WRU per KB of the larger of the old and the new item, 2x inside transactions, plus one
write per GSI the item is in (every index projects ALL); reads 1 RRU per 4 KB strongly
consistent, half that eventually consistent, 2x in transactions; Query sums the sizes of the
items it returns. Sizes come from moto's stored items (`Item.size()`: names + values).

Prices are data: `cost_prices.json`, with the date and region they were read for.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

# --- prices ----------------------------------------------------------------------------------

PRICE_FILE = Path(__file__).resolve().with_name("cost_prices.json")


def load_prices(path: Path = PRICE_FILE) -> tuple[dict[str, Decimal], dict[str, Any]]:
    """USD per unit by price name (exact decimals), and the file's date, region and notes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    prices = {name: Decimal(entry["usd"]) / entry["per"] for name, entry in data["prices"].items()}
    return prices, data


PRICES, _PRICE_DATA = load_prices()
PRICES_AS_OF: str = _PRICE_DATA["as_of"]
PRICES_REGION: str = _PRICE_DATA["region"]
PRICE_NOTES: dict[str, str] = _PRICE_DATA["notes"]

LAMBDA_MEMORY_GB = Decimal(512) / Decimal(1024)
# The stack's (infrastructure/packaging.py ARCHITECTURE): its GB-second price is used.
LAMBDA_ARCHITECTURE = "arm64"
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
        + quantities["lambda_gb_seconds"] * p[f"lambda_gb_second_{LAMBDA_ARCHITECTURE}"],
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
