"""Bank statement rules: legible text, CLABE, holder and a recent period."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.documents.validation import ValidationContext, validate_bytes
from chalicelib.documents.validators.bank_statement import (
    check_statement_text,
    statement_date,
)
from tests.unit.documents import builders

TODAY = date(2026, 6, 15)


def _validate(data: bytes, **declared: str) -> object:
    return validate_bytes(data, "bank_statement", ValidationContext(today=TODAY, **declared))


def test_a_recent_statement_with_the_clabe_and_holder_is_accepted() -> None:
    verdict = validate_bytes(
        builders.statement_pdf(),
        "bank_statement",
        ValidationContext(
            today=TODAY, clabe=builders.STATEMENT_CLABE, holder="jorge  alberto ramirez soto"
        ),
    )
    assert verdict.accepted, verdict.reasons
    assert verdict.facts["clabes_found"] == [builders.STATEMENT_CLABE]
    assert verdict.facts["bank"] == "Banamex"
    assert verdict.facts["statement_date"] == "2026-05-31"
    assert verdict.facts["holder_found"] is True
    assert verdict.facts["text_length"] > 100


def test_a_scanned_statement_is_illegible() -> None:
    verdict = validate_bytes(builders.scanned_pdf(), "bank_statement", ValidationContext())
    assert verdict.code == "statement_illegible"
    assert "ilegible" in verdict.reasons[0].message


def test_the_declared_clabe_must_be_on_the_statement() -> None:
    verdict = validate_bytes(
        builders.statement_pdf(),
        "bank_statement",
        ValidationContext(today=TODAY, clabe=builders.OTHER_CLABE),
    )
    assert verdict.code == "statement_clabe_mismatch"
    assert builders.OTHER_CLABE in verdict.reasons[0].message


def test_a_declared_clabe_with_a_wrong_check_digit_is_invalid() -> None:
    wrong = builders.STATEMENT_CLABE[:-1] + "0"
    verdict = validate_bytes(
        builders.statement_pdf(), "bank_statement", ValidationContext(today=TODAY, clabe=wrong)
    )
    assert verdict.code == "clabe_invalid"


def test_a_statement_without_a_valid_clabe_is_refused() -> None:
    bad = builders.STATEMENT_CLABE[:-1] + "0"
    verdict = validate_bytes(
        builders.statement_pdf(clabe=bad), "bank_statement", ValidationContext(today=TODAY)
    )
    assert verdict.code == "statement_clabe_not_found"
    assert verdict.facts["clabes_found"] == []


def test_another_holder_is_refused() -> None:
    verdict = validate_bytes(
        builders.statement_pdf(),
        "bank_statement",
        ValidationContext(today=TODAY, holder="Ana Sofía Torres Vega"),
    )
    assert verdict.code == "statement_holder_mismatch"


def test_an_old_statement_is_refused_and_today_is_injectable() -> None:
    data = builders.statement_pdf()
    assert validate_bytes(
        data, "bank_statement", ValidationContext(today=date(2026, 8, 31))
    ).accepted
    verdict = validate_bytes(data, "bank_statement", ValidationContext(today=date(2026, 9, 1)))
    assert verdict.code == "statement_out_of_date"
    assert "31/05/2026" in verdict.reasons[0].message
    future = validate_bytes(data, "bank_statement", ValidationContext(today=date(2026, 5, 30)))
    assert future.code == "statement_out_of_date"


def test_a_statement_without_a_period_is_refused() -> None:
    data = builders.statement_pdf(period="Resumen de movimientos")
    verdict = validate_bytes(data, "bank_statement", ValidationContext(today=TODAY))
    assert verdict.code == "statement_period_not_found"


def test_statement_page_cap_is_30() -> None:
    assert validate_bytes(
        builders.statement_pdf(extra_pages=29), "bank_statement", ValidationContext(today=TODAY)
    ).accepted
    verdict = validate_bytes(
        builders.statement_pdf(extra_pages=30), "bank_statement", ValidationContext(today=TODAY)
    )
    assert verdict.code == "pdf_too_many_pages"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Periodo: del 01/05/2026 al 31/05/2026", date(2026, 5, 31)),
        ("PERIODO DEL 01 AL 31 DE MAYO DE 2026", date(2026, 5, 31)),
        ("Fecha de corte: 30-abr-2026", date(2026, 4, 30)),
        ("FECHA DE CORTE 15/JUN/26", date(2026, 6, 15)),
        ("Período 01-MAY-2026 AL 31-MAY-2026", date(2026, 5, 31)),
        ("Estado de cuenta al 31 de mayo del 2026", date(2026, 5, 31)),
        ("Periodo: Mayo 2026", date(2026, 5, 31)),
        ("Fecha de corte: 28.02.2026", date(2026, 2, 28)),
        ("Periodo del 1 de septiembre de 2026", date(2026, 9, 1)),
        ("Saldo al 31/05/2026", None),  # no period keyword: not a period
        ("Periodo: 31/02/2026", None),  # not a date
    ],
)
def test_usual_mexican_period_formats(text: str, expected: date | None) -> None:
    assert statement_date(text) == expected


def test_clabes_printed_in_groups_are_found() -> None:
    grouped = "CLABE 002 180 70084563213 6\n" + "Periodo: 31/05/2026 " + "x" * 40
    reasons, facts = check_statement_text(grouped, today=TODAY, clabe=builders.STATEMENT_CLABE)
    assert reasons == []
    assert facts["clabes_found"] == [builders.STATEMENT_CLABE]
