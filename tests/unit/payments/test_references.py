"""Reference formats: round trip, and the check digits catch the typos people make."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.iso7064 import mod_97_10

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


@pytest.mark.parametrize("method", ["tienda", "banco"])
def test_months_go_from_1_to_99(method: str) -> None:
    for months in (1, 99):
        parsed = references.parse(references.build(method, "48291356", months))  # type: ignore[arg-type]
        assert parsed is not None
        assert parsed.months == months
    for months in (0, 100):
        with pytest.raises(ValueError, match=r"^months out of range$"):
            references.build(method, "48291356", months)  # type: ignore[arg-type]


@pytest.mark.parametrize("member", ["", "1234567", "123456789", "01234567", "1234567a"])
def test_a_member_number_is_eight_digits_not_starting_with_zero(member: str) -> None:
    with pytest.raises(ValueError, match=r"^member number must be 8 digits$"):
        references.build("tienda", member, 3)


@pytest.mark.parametrize(
    ("method", "serial"), [("tienda", "034"), ("banco", "0341"), ("tienda", "03a1")]
)
def test_a_given_serial_has_the_methods_width(method: str, serial: str) -> None:
    with pytest.raises(ValueError, match=r"^bad serial$"):
        references.build(method, "48291356", 3, serial=serial)  # type: ignore[arg-type]


def test_the_serial_is_read_back_as_given() -> None:
    store = references.parse(references.build("tienda", "48291356", 3, serial="0341"))
    bank = references.parse(references.build("banco", "48291356", 3, serial="03412"))
    assert store == references.ParsedReference("tienda", "48291356", 3, "0341")
    assert bank == references.ParsedReference("banco", "48291356", 3, "03412")


@pytest.mark.parametrize(("method", "largest"), [("tienda", "9999"), ("banco", "99999")])
def test_a_random_serial_spans_every_value_of_its_width(
    method: str, largest: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(references.secrets, "randbelow", lambda n: n - 1)
    parsed = references.parse(references.build(method, "48291356", 3))  # type: ignore[arg-type]
    assert parsed is not None
    assert parsed.serial == largest
    monkeypatch.setattr(references.secrets, "randbelow", lambda n: 0)
    parsed = references.parse(references.build(method, "48291356", 3))  # type: ignore[arg-type]
    assert parsed is not None
    assert parsed.serial == "0" * len(largest)


def test_new_member_numbers_are_eight_digits_from_10000000_to_99999999(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[int] = []

    def randbelow(n: int) -> int:
        asked.append(n)
        return n - 1 if len(asked) == 1 else 0

    monkeypatch.setattr(references.secrets, "randbelow", randbelow)
    assert references.new_member_number() == "99999999"
    assert references.new_member_number() == "10000000"
    assert asked == [9 * 10**7, 9 * 10**7]


def test_a_reference_is_only_read_by_the_method_its_prefix_names() -> None:
    assert references.normalize("") == ""
    assert references.normalize(" 7482 9135-6030 3410 ") == "7482913560303410"
    # Valid Luhn, store length, but the bank prefix; valid MOD 97-10, bank length, store prefix.
    store_body = "848291356030341"
    luhn_valid = store_body + luhn.calc_check_digit(store_body)
    assert luhn.is_valid(luhn_valid)
    assert references.parse(luhn_valid) is None
    bank_body = "7482913560303412"
    mod97_valid = bank_body + mod_97_10.calc_check_digits(bank_body)
    assert mod_97_10.is_valid(mod97_valid)
    assert references.parse(mod97_valid) is None
