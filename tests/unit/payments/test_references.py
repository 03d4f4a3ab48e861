"""Reference formats: round trip, and the check digits catch the typos people make."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.payments import references

member_numbers = st.integers(10**7, 10**8 - 1).map(str)
months = st.integers(1, 12)
methods = st.sampled_from(["tienda", "banco"])


@given(methods, member_numbers, months)
def test_a_reference_parses_back_to_what_it_encodes(method: str, member: str, n: int) -> None:
    reference = references.build(method, member, n)  # type: ignore[arg-type]
    parsed = references.parse(reference)
    assert parsed is not None
    assert (parsed.method, parsed.member_number, parsed.months) == (method, member, n)
    assert len(reference) == (16 if method == "tienda" else 18)
    assert references.parse(references.grouped(reference)) == parsed


@given(methods, member_numbers, months, st.data())
def test_a_single_digit_typo_is_caught(
    method: str, member: str, n: int, data: st.DataObject
) -> None:
    reference = references.build(method, member, n)  # type: ignore[arg-type]
    position = data.draw(st.integers(1, len(reference) - 1))
    typo = data.draw(st.sampled_from([d for d in "0123456789" if d != reference[position]]))
    assert references.parse(reference[:position] + typo + reference[position + 1 :]) is None


@given(member_numbers, months, st.data())
def test_bank_references_catch_every_adjacent_transposition(
    member: str, n: int, data: st.DataObject
) -> None:
    reference = references.build("banco", member, n)
    position = data.draw(st.integers(1, len(reference) - 2))
    a, b = reference[position], reference[position + 1]
    swapped = reference[:position] + b + a + reference[position + 2 :]
    assert (references.parse(swapped) is None) == (a != b)


def test_store_references_catch_a_transposition() -> None:
    reference = references.build("tienda", "48291356", 3, serial="0341")
    assert reference == "7482913560303410"
    swapped = reference[:3] + reference[4] + reference[3] + reference[5:]
    assert reference[3] != reference[4]
    assert references.parse(reference) is not None
    assert references.parse(swapped) is None


@pytest.mark.parametrize(
    "value",
    ["", "abc", "7", "9482913560303412", "74829135600034120", "748291356000341", "8" * 18],
)
def test_malformed_references_parse_to_nothing(value: str) -> None:
    assert references.parse(value) is None


def test_the_documented_examples_are_valid() -> None:
    store = references.build("tienda", "48291356", 3, serial="0341")
    bank = references.build("banco", "48291356", 3, serial="03412")
    assert references.__doc__ is not None
    assert store in references.__doc__
    assert bank in references.__doc__
