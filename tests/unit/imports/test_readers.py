"""Import files read row by row: CSV encodings and delimiters, exact headers, XLSX cells as
shown, formulas refused, and an XLSX whose parts would decompress past the caps refused from
its zip directory before openpyxl opens it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from chalicelib.imports import readers
from chalicelib.imports.kinds import POLIZAS
from chalicelib.imports.readers import FileRefused

HEADER = ",".join(POLIZAS.headers)
ROW = ",".join(POLIZAS.example)


def _csv(data: bytes) -> list[readers.Row]:
    return list(readers.csv_rows(POLIZAS, io.BytesIO(data)))


def _refusal(read: object) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        list(read)  # type: ignore[call-overload]
    return refused.value


def test_csv_with_and_without_bom_comma_or_semicolon() -> None:
    for data in (
        f"{HEADER}\n{ROW}\n".encode(),
        b"\xef\xbb\xbf" + f"{HEADER}\r\n{ROW}\r\n".encode(),
        f"{HEADER}\n{ROW}\n".replace(",", ";").encode(),
    ):
        (row,) = _csv(data)
        assert row.number == 2
        assert row.values == POLIZAS.example
        assert row.get(POLIZAS, "certificado") == "0001"  # leading zeros are text in a CSV


def test_row_numbers_are_spreadsheet_rows_and_blank_lines_are_skipped() -> None:
    rows = _csv(f"{HEADER}\n{ROW}\n\n,,,\n{ROW}\n".encode())
    assert [row.number for row in rows] == [2, 5]


def test_a_csv_that_is_not_utf8_is_refused_with_how_to_save_it() -> None:
    data = f"{HEADER}\n{ROW.replace('María', 'María')}\n".encode("latin-1")
    refused = _refusal(readers.csv_rows(POLIZAS, io.BytesIO(data)))
    assert refused.code == "not_utf8"
    assert "guárdalo como CSV UTF-8" in refused.message


def test_wrong_and_extra_headers_are_refused_with_a_reason() -> None:
    wrong = _refusal(
        readers.csv_rows(POLIZAS, io.BytesIO(HEADER.replace("certificado", "cert").encode()))
    )
    assert wrong.code == "header_mismatch"
    assert "«certificado»" in wrong.message
    assert "«cert»" in wrong.message
    extra = _refusal(readers.csv_rows(POLIZAS, io.BytesIO(f"{HEADER},notas\n".encode())))
    assert extra.code == "too_many_columns"
    assert "notas" in extra.message


def test_a_row_longer_than_the_header_is_an_error_of_that_row() -> None:
    (row,) = _csv(f"{HEADER}\n{ROW},sobra\n".encode())
    assert row.problems
    assert "más columnas" in row.problems[0][2]


def _xlsx(tmp_path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> str:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    path = tmp_path / "padron.xlsx"
    workbook.save(path)
    return str(path)


def test_xlsx_cells_are_read_as_they_show(tmp_path: Path) -> None:
    from datetime import datetime

    values: list[object] = list(POLIZAS.example)
    values[1] = 7  # a certificate typed as a number, shown as 0007
    values[4] = datetime(1985, 4, 12)
    path = _xlsx(tmp_path, [list(POLIZAS.headers), values], {"B2": "0000"})
    (row,) = list(readers.xlsx_rows(POLIZAS, path))
    assert row.get(POLIZAS, "certificado") == "0007"
    assert row.get(POLIZAS, "fecha_nacimiento") == "1985-04-12"
    assert row.problems == ()


def test_an_identifier_that_lost_its_leading_zeros_says_so(tmp_path: Path) -> None:
    values: list[object] = list(POLIZAS.example)
    values[1] = 1  # "0001" typed into a General cell: Excel keeps 1
    path = _xlsx(tmp_path, [list(POLIZAS.headers), values])
    (row,) = list(readers.xlsx_rows(POLIZAS, path))
    assert row.get(POLIZAS, "certificado") == "1"
    assert row.problems[0][0] == "certificado"
    assert "ceros a la izquierda" in row.problems[0][2]


def test_an_xlsx_with_a_formula_is_refused(tmp_path: Path) -> None:
    values: list[object] = list(POLIZAS.example)
    values[3] = '=HYPERLINK("http://example.com","x")'
    path = _xlsx(tmp_path, [list(POLIZAS.headers), list(POLIZAS.example), values])
    refused = _refusal(readers.xlsx_rows(POLIZAS, path))
    assert refused.code == "xlsx_formula"
    assert "D3" in refused.message


def test_huge_declared_shared_strings_are_refused_before_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomba.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        chunk = "<si><t>" + "A" * 1000 + "</t></si>"
        archive.writestr("xl/sharedStrings.xml", "<sst>" + chunk * 20_000 + "</sst>")
    assert path.stat().st_size < 1024 * 1024  # a small file that claims ~20 MB of text

    import openpyxl

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl opened a workbook the caps refuse")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    refused = _refusal(readers.xlsx_rows(POLIZAS, str(path)))
    assert refused.code == "xlsx_too_large"


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "falso.xlsx"
    path.write_bytes(b"poliza,certificado\n")
    assert _refusal(readers.xlsx_rows(POLIZAS, str(path))).code == "not_an_xlsx"
