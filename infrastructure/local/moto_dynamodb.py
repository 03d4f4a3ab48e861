"""Make the local DynamoDB (moto's server) atomic under concurrent requests.

moto runs a transaction by deep-copying every table it touches and restoring the copies if a
condition fails; under threads that copy races other requests (a 500 from the copy, or a
restored table that drops a concurrent write). DynamoDB itself never does either, so the
local stack serialises moto's data operations with one lock. The code under test is the
same: its conditions and transactions still decide every race.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_OPERATIONS = (
    "put_item",
    "get_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
    "transact_write_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)
_lock = threading.RLock()
_applied = False


def serialise_dynamodb() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name in _OPERATIONS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _applied = True
