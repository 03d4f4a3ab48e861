"""Statement totals, the Excel workbook, the merged order format and CLABE checks."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib import errors
from chalicelib.providers.bank_accounts import _check_clabe
from chalicelib.providers.excel import statement_workbook
from chalicelib.providers.merge import merge_pdfs
from chalicelib.providers.statement import PAID_STATES, STATUS_LABELS, Row, totals
from tests.unit.documents.builders import make_pdf

rows = st.builds(
    Row,
    order_id=st.uuids().map(str),
    account_number=st.just("A-1"),
    patient_name=st.just("ANA"),
    service=st.just("consulta"),
    date=st.just("2026-11-01"),
    status=st.sampled_from(sorted(STATUS_LABELS)),
    amount=st.integers(0, 10**9),
    retention=st.integers(0, 10**8),
    to_invoice=st.integers(0, 10**9),
    paid=st.integers(0, 10**9),
    invoice_id=st.none(),
)


@given(st.lists(rows, max_size=30))
def test_totals_are_sums_of_the_rows(found: list[Row]) -> None:
    result = totals(found)
    assert result.orders == len(found)
    assert result.to_invoice == sum(r.to_invoice for r in found)
    assert result.paid == sum(r.paid for r in found)
    unpaid = sum(r.to_invoice for r in found if r.status not in PAID_STATES)
    assert result.pending_payment == unpaid
    assert result.complements_due == sum(r.status == "complemento_pendiente" for r in found)


def test_the_workbook_holds_every_order_and_the_totals_as_numbers() -> None:
    from decimal import Decimal

    from openpyxl import load_workbook

    found = [
        Row(
            "o1",
            "A-1",
            "ANA",
            "consulta",
            "2026-11-01",
            "registrada",
            100000,
            10000,
            90000,
            0,
            None,
        ),
        Row(
            "o2",
            "A-2",
            "LUIS",
            "consulta",
            "2026-11-02",
            "complemento_pendiente",
            55555,
            5556,
            49999,
            49999,
            "i1",
            "6F1E2D3C-4B5A-4968-8776-655443322110",
        ),
    ]
    data = statement_workbook(
        "JORGE ALBERTO RAMIREZ SOTO", "2026-11-25T17:05:00+00:00", found, totals(found)
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    # When it was made, in Mexico City's time and in words a person reads, not UTC's ISO.
    assert sheet["A2"].value == "Generado: 25 nov 2026, 11:05 h (hora del centro de México)"
    values = [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert values[0][:6] == ["A-1", "ANA", "Consulta", datetime(2026, 11, 1), "Por facturar", 1000]
    assert sheet["D5"].number_format == "dd/mm/yyyy"
    assert values[1][4] == "Pagada, complemento de pago pendiente"
    # The invoice is named by its fiscal folio (UUID), never by the platform's own id.
    assert sheet["J4"].value == "Factura (folio fiscal UUID)"
    assert values[1][9] == "6F1E2D3C-4B5A-4968-8776-655443322110"
    assert values[0][9] is None
    assert "i1" not in {str(v) for row in values for v in row}
    assert Decimal(str(values[2][7])) == Decimal("1399.99")
    assert "1 complementos pendientes" in str(values[2][4])


def test_three_pdfs_become_one_with_every_page_in_order() -> None:
    from pypdf import PdfReader

    merged = merge_pdfs(
        [make_pdf([["Carta"]]), make_pdf([["Estado 1"], ["Estado 2"]]), make_pdf([["Constancia"]])]
    )
    pages = PdfReader(io.BytesIO(merged)).pages
    assert [page.extract_text().strip() for page in pages] == [
        "Carta",
        "Estado 1",
        "Estado 2",
        "Constancia",
    ]


@pytest.mark.parametrize(
    ("clabe", "code"),
    [
        ("12345", "clabe_invalid"),
        ("0021807008456321A6", "clabe_invalid"),
        ("002180700845632137", "clabe_check_digit"),
    ],
)
def test_a_wrong_clabe_says_what_is_wrong(clabe: str, code: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        _check_clabe(clabe)
    assert caught.value.error_code == code


def test_a_good_clabe_gives_its_bank() -> None:
    assert _check_clabe("002 180 700845632136") == ("002180700845632136", "Banamex")
