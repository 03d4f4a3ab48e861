"""Request bodies: JSON read with bounded size and nesting, measured without recursion."""

from __future__ import annotations

import json
import time

import pytest

from chalicelib import errors, json_body


def test_what_json_accepts_is_read_the_same() -> None:
    value = {"a": [1, {"b": "ñ [{"}], "c": None}
    text = json.dumps(value, ensure_ascii=False)
    assert json_body.load(text) == value
    assert json_body.load(text.encode()) == value
    assert json_body.load(b"\xef\xbb\xbf" + text.encode()) == value
    assert json_body.load(text.encode("utf-16")) == value


@pytest.mark.parametrize("raw", [b"{not json", b"\xff", b'{"a": "\xff"}', b"", "[1,]"])
def test_what_is_not_json_is_a_bad_request(raw: bytes | str) -> None:
    with pytest.raises(errors.BadRequest) as caught:
        json_body.load(raw)
    assert caught.value.error_code == "bad_request"
    assert caught.value.error_message == "El cuerpo de la solicitud no es JSON válido."


def test_depth_is_counted_on_arrays_and_objects_but_not_inside_strings() -> None:
    assert not json_body.too_deep("[" * 64 + "]" * 64)
    assert json_body.too_deep("[" * 65 + "]" * 65)
    assert json_body.too_deep('{"a":' * 65 + "1" + "}" * 65)
    assert json_body.too_deep("[{" * 33)
    assert not json_body.too_deep(json.dumps(["[" * 1000, "{" * 1000]))
    # An escaped quote does not end a string; an escaped backslash does not escape the quote.
    assert not json_body.too_deep(json.dumps('\\"' + "[" * 100))
    assert json_body.too_deep(json.dumps("\\") + "," + "[" * 65)
    # A string left open hides nothing after it: the parser refuses the text anyway.
    assert not json_body.too_deep('["' + "[" * 100)


def test_a_deep_body_is_refused_before_json_parses_it() -> None:
    for raw in ("[" * 5000 + "]" * 5000, "[" * 1_000_000):
        with pytest.raises(errors.BadRequest) as caught:
            json_body.load(raw)
        assert caught.value.error_code == "bad_request"
        assert "niveles anidados" in caught.value.error_message


def test_size_is_counted_in_bytes_and_the_limit_itself_passes() -> None:
    limit = json_body.MAX_BODY_BYTES
    assert limit == 4 * 1024 * 1024
    at_limit = b'"' + b"a" * (limit - 2) + b'"'
    assert len(json_body.load(at_limit)) == limit - 2
    for raw in (at_limit + b" ", '"' + "ñ" * (limit // 2) + '"'):
        with pytest.raises(errors.BadRequest) as caught:
            json_body.load(raw)
        assert caught.value.error_message == (
            "La solicitud es demasiado grande: envía como máximo 4 MB."
        )


@pytest.mark.parametrize(
    "raw",
    [
        '"' + '\\"' * 1_300_000,  # one string that never closes
        '"\\' + '"\\' * 1_300_000,  # quotes and backslashes alternating
        "[]," * 1_300_000,  # millions of brackets, none deep
    ],
    ids=["open-string", "alternating", "flat-brackets"],
)
def test_the_scan_stays_linear_on_hostile_text(raw: str) -> None:
    started = time.perf_counter()
    with pytest.raises(errors.BadRequest):
        json_body.load(raw)
    assert time.perf_counter() - started < 3
