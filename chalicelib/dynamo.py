"""DynamoDB plumbing shared by the repositories: table metadata, transactions, cursors.

Repositories turn what DynamoDB says (a failed condition, a cancelled transaction) into
domain errors here, at the edge, so services never see botocore or PynamoDB exceptions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from chalicelib import errors
from chalicelib.config import MissingSecret, get_settings
from chalicelib.observability import install_aws_timing

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from pynamodb.connection import Connection
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

# PynamoDB (and botocore with it) is imported inside the functions: the API's import path
# must not pay for it (see bench/cold_start.py).

T = TypeVar("T")
R = TypeVar("R", bound="DataclassInstance")
P = ParamSpec("P")

_CONFLICT_RETRIES = 4
# Cancellation reasons of a transaction DynamoDB refused for load, not for its conditions:
# botocore never retries a TransactionCanceledException, so `transact` does.
_THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})


def table_meta(logical: str) -> Any:
    """PynamoDB `Meta` for a table of the resource definition (read at class creation)."""
    # Before the model's connection builds its botocore session, which then times its calls.
    install_aws_timing()
    settings = get_settings()
    return type(
        "Meta",
        (),
        {
            "table_name": settings.table_name(logical),
            "region": settings.region,
            "host": settings.aws_endpoint_url,
            "billing_mode": "PAY_PER_REQUEST",
            "max_retry_attempts": 3,
        },
    )


_connections: dict[tuple[str, str | None], Connection] = {}
_connections_lock = threading.Lock()


def connection() -> Connection:
    """The connection for transactions, one per endpoint and process.

    Each new PynamoDB `Connection` builds its own botocore client, which parses botocore's
    JSON models again: measured at 150-300 ms per transaction. One shared connection (its
    botocore client is thread-safe, as PynamoDB's models already share theirs) makes that a
    one-time cost per container.
    """
    from pynamodb.connection import Connection

    install_aws_timing()
    settings = get_settings()
    key = (settings.region, settings.aws_endpoint_url)
    with _connections_lock:
        found = _connections.get(key)
        if found is None:
            found = _connections[key] = Connection(
                region=settings.region, host=settings.aws_endpoint_url
            )
    return found


def is_condition_failure(exc: Exception) -> bool:
    from pynamodb.exceptions import DeleteError, PutError, UpdateError

    return (
        isinstance(exc, (DeleteError, PutError, UpdateError))
        and exc.cause_response_code == "ConditionalCheckFailedException"
    )


def try_write(write: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> bool:
    """Make one conditional write (an item's `save`, `update` or `delete` with its
    `condition=`): True when it was made, False when its condition failed."""
    try:
        write(*args, **kwargs)
    except Exception as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def update_existing(model: Any, key: tuple[str, str], actions: list[Any]) -> None:
    """Update the item of `model` at `key` with `actions`, only if it exists: a missing item
    raises PynamoDB's `UpdateError` (its condition failed) instead of being created."""
    model(*key).update(actions=actions, condition=model.pk.exists())


def cancellation_codes(exc: TransactWriteError) -> list[str | None]:
    return [reason.code if reason else None for reason in exc.cancellation_reasons or []]


def transact(build: Callable[[TransactWrite], T], *, conflict: errors.DomainError) -> T:
    """Run one DynamoDB transaction built by `build`.

    A condition that fails raises `conflict`; a cancellation for a concurrent transaction
    (`TransactionConflict`) is retried with jittered backoff, then answered with `conflict`.
    A cancellation for throttling is retried the same way, then answered with
    `errors.ServiceUnavailable` (503), as is throttling that outlasted botocore's retries.
    A transaction is all or nothing, so none of these leaves anything half-written.
    """
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    throttled = False
    for attempt in range(_CONFLICT_RETRIES):
        try:
            with TransactWrite(connection=connection()) as transaction:
                result = build(transaction)
            return result
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            if "ConditionalCheckFailed" in codes:
                raise conflict from None
            throttled = bool(_THROTTLED_REASONS.intersection(codes))
            if (
                throttled
                or "TransactionConflict" in codes
                or exc.cause_response_code
                in {"TransactionConflictException", "TransactionInProgressException"}
            ):
                time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter only
                continue
            if exc.cause_response_code in {
                "ThrottlingException",
                "ProvisionedThroughputExceededException",
                "RequestLimitExceeded",
            }:
                raise errors.ServiceUnavailable() from exc
            raise
    if throttled:
        raise errors.ServiceUnavailable()
    raise conflict


# --- records to and from items ---------------------------------------------------------------


def record_from(record_type: type[R], item: object, **converted: Any) -> R:
    """The `record_type` dataclass of an item: each field is the item's attribute of that name,
    but for the `converted` ones, given as the record holds them (an int, a list for None, …)."""
    read = {f.name: getattr(item, f.name) for f in fields(record_type) if f.name not in converted}
    return record_type(**read, **converted)


def attributes_of(
    record: DataclassInstance, *, omit: tuple[str, ...] = (), **converted: Any
) -> dict[str, Any]:
    """A dataclass record's fields by name, for a model whose attributes bear the same names,
    but for the `converted` ones, given as the model stores them, and the `omit` ones, which
    the model does not store (the item's key or an index tells them)."""
    kept = {f.name: getattr(record, f.name) for f in fields(record) if f.name not in omit}
    return kept | converted


def newest_first(
    index: Any,
    hash_key: str,
    convert: Callable[[Any], T],
    *,
    limit: int,
    cursor: dict[str, Any] | None,
    **conditions: Any,
) -> tuple[list[T], dict[str, Any] | None]:
    """One read of a Query on `index` (a model or one of its indexes) under `hash_key`, newest
    first, from `cursor`: its items converted and the key after them. `conditions` are the
    Query's `range_key_condition` and `filter_condition`."""
    result = index.query(
        hash_key, scan_index_forward=False, limit=limit, last_evaluated_key=cursor, **conditions
    )
    return [convert(item) for item in result], result.last_evaluated_key


# --- opaque, tamper-proof cursors ------------------------------------------------------------


def _cursor_key() -> bytes:
    secret = get_settings().cursor_secret
    if not secret:
        # Only a packaging run gets this far without one (see chalicelib/config.py).
        raise MissingSecret("CURSOR_SECRET is empty: cursors cannot be signed.")
    return hashlib.sha256(secret.encode("utf-8")).digest()


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode())
    mac = hmac.new(_cursor_key(), payload, hashlib.sha256).hexdigest()[:32]
    return f"{payload.decode()}.{mac}"


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    payload, _, mac = cursor.rpartition(".")
    # A tampered cursor may hold any text: compare bytes (compare_digest refuses non-ASCII
    # str) and never fail on encoding it.
    raw = payload.encode("utf-8", "replace")
    expected = hmac.new(_cursor_key(), raw, hashlib.sha256).hexdigest()[:32].encode()
    if not payload or not hmac.compare_digest(mac.encode("utf-8", "replace"), expected):
        raise errors.BadRequest("El cursor de paginación no es válido.", code="invalid_cursor")
    try:
        value = json.loads(base64.urlsafe_b64decode(raw))
    except ValueError:
        raise errors.BadRequest(
            "El cursor de paginación no es válido.", code="invalid_cursor"
        ) from None
    if not isinstance(value, dict):
        raise errors.BadRequest("El cursor de paginación no es válido.", code="invalid_cursor")
    return value
