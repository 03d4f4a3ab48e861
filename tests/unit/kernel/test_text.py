"""Shared text rules: name keys, search folding, NSS masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.kernel.text import display_name, mask_nss, name_key, search_fold, strip_accents


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("María Fernanda  López Hernández", "MARIA FERNANDA LOPEZ HERNANDEZ"),
        ("  ana sofía torres vega ", "ANA SOFIA TORRES VEGA"),
        ("José\tLuis", "JOSE LUIS"),
        ("  José   María  Núñez ", "JOSE MARIA NUNEZ"),
    ],
)
def test_names_compare_without_case_accents_or_repeated_spaces(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


def test_different_names_stay_different() -> None:
    assert name_key("Ana Torres") != name_key("Ana Torre")


def test_name_key_is_the_compared_form_and_display_name_the_stored_one() -> None:
    assert name_key(" Iñaki  Peña ") == "INAKI PENA"
    # A name keeps its accents and case where it is kept and shown ("NUNEZ" was a bug).
    assert display_name(" José   Núñez\tPeña ") == "José Núñez Peña"


def test_search_fold_ignores_case_and_accents_and_keeps_spacing() -> None:
    assert search_fold("PERÍODO  del") == "periodo  del"
    assert search_fold("Período") == search_fold("PERIODO")
    assert "angeles" in search_fold("Hospital Ángeles, Ciudad de México")


def test_strip_accents_keeps_letters_without_accents() -> None:
    assert strip_accents("Núñez Ürdiales Çedric") == "Nunez Urdiales Cedric"


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)
    assert search_fold(search_fold(text)) == search_fold(text)


def test_nss_mask_shows_only_the_last_four_digits() -> None:
    assert mask_nss("01234567897") == "•••••••7897"
