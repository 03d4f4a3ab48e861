"""Folios: format, check digits (ISO 7064 MOD 97-10), and what a typo does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.claims.folios import FolioParts, make_folio, normalize, parse_folio


def test_format() -> None:
    folio = make_folio("reembolso", "sec", 2026, 123)
    assert folio[:-2] == "RE-SEC-2026-000123-"
    assert make_folio("programacion", "adn", 2027, 1).startswith("PR-ADN-2027-000001-")
    assert make_folio("menores", "sec", 2026, 1_234_567).startswith("GM-SEC-2026-1234567-")
    assert parse_folio(folio) is not None
    assert parse_folio(" " + folio.lower() + " ") is not None
    assert normalize(" re-sec ") == "RE-SEC"


sequences = st.integers(min_value=1, max_value=9_999_999)
types = st.sampled_from(["reembolso", "programacion", "menores"])


@given(types, st.sampled_from(["sec", "adn"]), st.integers(2024, 2099), sequences)
def test_round_trip(claim_type: str, insurer: str, year: int, sequence: int) -> None:
    parts = parse_folio(make_folio(claim_type, insurer, year, sequence))
    assert parts is not None
    assert (parts.insurer, parts.year, parts.sequence) == (insurer.upper(), year, sequence)


@given(sequences, st.data())
def test_any_single_digit_typo_is_caught(sequence: int, data: st.DataObject) -> None:
    folio = make_folio("reembolso", "sec", 2026, sequence)
    positions = [i for i, c in enumerate(folio) if c.isdigit()]
    position = data.draw(st.sampled_from(positions))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != folio[position]]))
    typo = folio[:position] + replacement + folio[position + 1 :]
    assert parse_folio(typo) is None


@given(sequences, st.data())
def test_adjacent_transpositions_are_caught(sequence: int, data: st.DataObject) -> None:
    folio = make_folio("reembolso", "sec", 2026, sequence)
    pairs = [
        i
        for i in range(len(folio) - 1)
        if folio[i].isdigit() and folio[i + 1].isdigit() and folio[i] != folio[i + 1]
    ]
    i = data.draw(st.sampled_from(pairs))
    swapped = folio[:i] + folio[i + 1] + folio[i] + folio[i + 2 :]
    assert parse_folio(swapped) is None


def test_malformed_folios() -> None:
    for text in ("", "RE-SEC-2026-12-00", "XX-SEC-2026-000001-00", "RE-SEC-2026-000001"):
        assert parse_folio(text) is None
    folio = make_folio("reembolso", "sec", 2026, 7)
    assert parse_folio("PR" + folio[2:]) is None  # a mistyped prefix


def test_sequences_start_at_one() -> None:
    with pytest.raises(ValueError, match=r"^sequences start at 1$"):
        make_folio("reembolso", "sec", 2026, 0)
    assert make_folio("reembolso", "sec", 2026, 1).startswith("RE-SEC-2026-000001-")


def test_the_insurer_part_keeps_ten_letters_and_digits_only() -> None:
    assert make_folio("reembolso", "s.e-c", 2026, 5).startswith("RE-SEC-2026-000005-")
    folio = make_folio("reembolso", "abcdefghijkl", 2026, 5)
    assert folio.startswith("RE-ABCDEFGHIJ-2026-000005-")
    parts = parse_folio(folio)
    assert parts == FolioParts("RE", "ABCDEFGHIJ", 2026, 5)


def test_what_a_person_types_is_read_without_spaces_and_in_capitals() -> None:
    assert normalize(" re - sec 2026 ") == "RE-SEC2026"
    folio = make_folio("menores", "sec", 2026, 42)
    spaced = " ".join(folio.lower())
    assert parse_folio(spaced) == FolioParts("GM", "SEC", 2026, 42)
