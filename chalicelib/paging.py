"""API.md's list contract for lists that are not one plain DynamoDB page.

A list route answers `{items, next_cursor}`: at most `limit` items, and a `next_cursor` only
when another item exists, so a cursor never leads to an empty page. A plain Query page
gets that from DynamoDB's own `last_evaluated_key`; these helpers serve the other lists with
the same signed cursors (chalicelib/dynamo.py):

- `page_in_memory`: a list bounded by nature (plans, family members, a year of settlements)
  read whole and cut by position;
- `page_through`: a Query whose items are filtered or flattened after reading (vouchers of a
  place, the rows of settlement chunks). The cursor holds the Query's start key and how many
  of that read's items were already answered, so filters run before the page is cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chalicelib import dynamo, errors

T = TypeVar("T")

# read(start_key, wanted) -> (items, key after them): `wanted` is how many items from that key
# would fill the page and show whether more follow (a reader may read more, or a fixed size).
Read = Callable[[dict[str, Any] | None, int], tuple[Sequence[T], dict[str, Any] | None]]


def _invalid() -> errors.BadRequest:
    return errors.BadRequest("El cursor de paginación no es válido.", code="invalid_cursor")


def page_in_memory(
    items: Sequence[T], limit: int, cursor: str | None
) -> tuple[list[T], str | None]:
    """Items `[offset, offset + limit)` of a list read whole, and the cursor to the rest."""
    position = dynamo.decode_cursor(cursor) or {"offset": 0}
    offset = position.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise _invalid()
    end = offset + limit
    next_cursor = dynamo.encode_cursor({"offset": end}) if end < len(items) else None
    return list(items[offset:end]), next_cursor


def page_through(
    read: Read[T],
    limit: int,
    cursor: str | None,
    keep: Callable[[T], bool] | None = None,
) -> tuple[list[T], str | None]:
    """Up to `limit` kept items from successive reads, and a cursor to the next kept item.

    `read(start_key, wanted)` returns one read's items and the key after them (None at the
    end); reads from the same key must start with the same items, and a read must hold the
    position a cursor points at (read `wanted` or more, or always the same number). The page
    is cut only after one more kept item was found, so a cursor always leads to something.
    """
    position = dynamo.decode_cursor(cursor) or {"key": None, "skip": 0}
    key, skip = position.get("key"), position.get("skip")
    if (key is not None and not isinstance(key, dict)) or not isinstance(skip, int) or skip < 0:
        raise _invalid()
    found: list[T] = []
    while True:
        items, next_key = read(key, skip + limit - len(found) + 1)
        for index in range(skip, len(items)):
            item = items[index]
            if keep is not None and not keep(item):
                continue
            if len(found) == limit:
                return found, dynamo.encode_cursor({"key": key, "skip": index})
            found.append(item)
        if next_key is None:
            return found, None
        key, skip = next_key, 0
