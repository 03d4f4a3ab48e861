"""The pager behind lists that are not one plain DynamoDB page: followed from the first page to
the last, it answers every kept item once, in order, at most `limit` a page, and never hands
out a cursor that leads to an empty page."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib import dynamo, errors, paging


def _reader(
    items: list[int], size: int, key_at_the_end: bool, *, as_wanted: bool = False
) -> paging.Read[int]:
    """Reads of `size` items (or as many as wanted), like a Query; DynamoDB may give a key
    after the last item too."""

    def read(key: dict[str, Any] | None, wanted: int) -> tuple[list[int], dict[str, Any] | None]:
        start = int((key or {}).get("at", 0))
        end = start + (wanted if as_wanted else size)
        more = end < len(items) or (key_at_the_end and end == len(items))
        return items[start:end], {"at": end} if more else None

    return read


def _walk(page: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor: str | None = None
    while True:
        found, cursor = page(cursor)
        pages.append(found)
        if cursor is None:
            return pages
        assert len(pages) < 500


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.integers(0, 9), max_size=30),
    size=st.integers(1, 7),
    limit=st.integers(1, 5),
    key_at_the_end=st.booleans(),
    as_wanted=st.booleans(),
    kept=st.sets(st.integers(0, 9)),
    limits=st.lists(st.integers(1, 5), min_size=1, max_size=5),
)
def test_a_filtered_query_pages_every_kept_item_once(
    items: list[int],
    size: int,
    limit: int,
    key_at_the_end: bool,
    as_wanted: bool,
    kept: set[int],
    limits: list[int],
) -> None:
    """Also when each page asks for another limit (a read sized to the page then differs)."""
    read = _reader(items, size, key_at_the_end, as_wanted=as_wanted)
    asked = iter([*limits, *[limit] * 100])
    sizes: list[int] = []

    def page(cursor: str | None) -> tuple[list[int], str | None]:
        sizes.append(next(asked))
        return paging.page_through(read, sizes[-1], cursor, lambda i: i in kept)

    pages = _walk(page)
    assert [i for page in pages for i in page] == [i for i in items if i in kept]
    assert all(len(page) <= size for page, size in zip(pages, sizes, strict=True))
    assert all(pages[1:]), "a cursor led to an empty page"


def test_a_smaller_limit_after_a_larger_page_neither_skips_nor_repeats() -> None:
    read = _reader(list(range(10)), 0, False, as_wanted=True)
    first, cursor = paging.page_through(read, 5, None)
    rest: list[int] = []
    while cursor:
        page, cursor = paging.page_through(read, 1, cursor)
        rest += page
    assert (first, rest) == ([0, 1, 2, 3, 4], [5, 6, 7, 8, 9])


@settings(max_examples=100, deadline=None)
@given(items=st.lists(st.integers(), max_size=20), limit=st.integers(1, 6))
def test_a_list_read_whole_pages_by_position(items: list[int], limit: int) -> None:
    pages = _walk(lambda cursor: paging.page_in_memory(items, limit, cursor))
    assert [i for page in pages for i in page] == items
    assert all(len(page) <= limit for page in pages)
    assert all(pages[1:])


@pytest.mark.parametrize(
    "payload", [{"offset": -1}, {"offset": "3"}, {"offset": True}, {"pk": "A", "sk": "B"}]
)
def test_a_cursor_of_another_list_is_a_bad_request(payload: dict[str, Any]) -> None:
    with pytest.raises(errors.BadRequest):
        paging.page_in_memory([1, 2, 3], 1, dynamo.encode_cursor(payload))


@pytest.mark.parametrize("payload", [{"key": "x", "skip": 0}, {"key": None, "skip": -2}])
def test_a_position_of_another_shape_is_a_bad_request(payload: dict[str, Any]) -> None:
    with pytest.raises(errors.BadRequest):
        paging.page_through(_reader([1, 2], 1, False), 1, dynamo.encode_cursor(payload))
