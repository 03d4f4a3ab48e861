"""Pagination cursors: whatever text a client sends back as `?cursor=`, the answer is the
cursor it was given or a 400 `invalid_cursor`, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib import dynamo, errors


def test_a_cursor_round_trips() -> None:
    key = {"pk": "CLAIM#1", "sk": "META"}
    assert dynamo.decode_cursor(dynamo.encode_cursor(key)) == key


def test_a_non_ascii_cursor_is_a_bad_request_not_a_server_error() -> None:
    # Found by the API fuzz on GET /v1/operator/data-requests: hmac.compare_digest raised
    # TypeError on a cursor holding "ü" and the list answered 500.
    with pytest.raises(errors.BadRequest) as raised:
        dynamo.decode_cursor("\x0e\x10üê.L\U000db7c30±ñ")
    assert raised.value.error_code == "invalid_cursor"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_tampered_cursor_is_refused_cleanly(cursor: str) -> None:
    genuine = dynamo.encode_cursor({"pk": "A", "sk": "B"})
    if not cursor or cursor == genuine:
        return
    with pytest.raises(errors.BadRequest, match="cursor"):
        dynamo.decode_cursor(cursor)


@given(st.text(alphabet="abcdefABCDEF0123456789=._-", min_size=1))
def test_a_cursor_signed_elsewhere_is_refused(cursor: str) -> None:
    with pytest.raises(errors.BadRequest):
        dynamo.decode_cursor(cursor + ".0123456789abcdef0123456789abcdef")
