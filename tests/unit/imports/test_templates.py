"""The import templates: each kind's exact columns and its example row, a CSV that Excel
reads as UTF-8, and an Excel file whose identifier columns are text down the whole column."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib.imports import kinds, templates
from chalicelib.imports.kinds import KINDS, POLIZAS


def _sheet(kind: kinds.Kind) -> Any:
    from openpyxl import load_workbook

    built = templates.template_file(kind, "xlsx")
    sheet = load_workbook(io.BytesIO(built.body)).active
    assert sheet is not None
    return sheet


def test_the_roster_csv_has_the_exact_headers_one_example_row_and_a_bom() -> None:
    built = templates.template_file(POLIZAS, "csv")

    assert built.body.startswith(b"\xef\xbb\xbf")
    assert built.filename == "plantilla-polizas.csv"
    assert built.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(built.body.decode("utf-8-sig"), newline="")))
    # The headers exactly as API.md gives them ("Insurers, staff and imports").
    spec = (
        "poliza,certificado,parentesco,nombre,fecha_nacimiento,rfc,coberturas,"
        "vigencia_inicio,vigencia_fin,estatus"
    )
    assert rows[0] == spec.split(",")
    assert rows[1] == list(POLIZAS.example)
    assert len(rows) == 2
    # The accents survive: the BOM is what makes Excel read the file as UTF-8.
    assert "María López Hernández" in rows[1]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kinds_csv_holds_its_columns_and_a_full_example_row(name: str) -> None:
    kind = KINDS[name]
    body = templates.template_file(kind, "csv").body.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(body, newline="")))

    assert tuple(header) == kind.columns
    assert len(example) == len(kind.columns)
    assert kind.accepts_header(header)


def test_the_roster_workbook_keeps_identifiers_as_text_down_the_whole_column() -> None:
    sheet = _sheet(POLIZAS)
    header = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[2]]

    assert tuple(header) == POLIZAS.columns
    assert example == list(POLIZAS.example)
    assert sheet.max_row == 2
    for index, name in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        below = sheet.cell(row=2, column=index)
        if name in {"poliza", "certificado", "rfc"}:
            assert below.number_format == "@", name
            assert below.data_type == "s", name
            # Rows typed later take the column's format: leading zeros survive there too.
            assert sheet.column_dimensions[letter].number_format == "@", name
        else:
            assert sheet.column_dimensions[letter].number_format == "General", name
    # "0001" stays the text it is, not the number 1.
    assert sheet["B2"].value == "0001"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kinds_workbook_marks_exactly_its_identifier_columns(name: str) -> None:
    kind = KINDS[name]
    sheet = _sheet(kind)
    header = [cell.value for cell in sheet[1]]
    text_columns = {
        header[index - 1]
        for index in range(1, len(header) + 1)
        if sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].number_format
        == "@"
    }

    assert tuple(header) == kind.columns
    assert text_columns == set(kind.identifiers)
    assert sheet.title == kind.name


def test_the_affiliates_workbook_keeps_the_nss_leading_zero() -> None:
    sheet = _sheet(kinds.AFILIADOS)
    assert sheet["A1"].value == "nss"
    assert sheet["A2"].value == "01234567890"
    assert sheet["A2"].number_format == "@"
