"""The one writer of the CSV and Excel files the platform hands out.

Much of what these files hold was typed by someone else: a place loaded by an insurer, a
patient's name on a care order. A spreadsheet reads a cell that starts with `=`, `+`, `-`
or `@` (or with a tab or carriage return before one) as a formula, and a formula can call
out to the network (`HYPERLINK`, `WEBSERVICE`) or run commands (DDE) when the file is
opened. So text that starts with one of those characters is always written as text
(OWASP, "CSV Injection"):

- CSV: the cell gets a leading single quote, `'=SUM(1,1)`; a spreadsheet then shows the
  cell as text, quote included, and evaluates nothing.
- Excel: the cell is an explicit string cell (openpyxl would otherwise store any text that
  starts with `=` as a formula) with the quote-prefix flag of its style (ECMA-376,
  `xf/@quotePrefix`): the format's own mark for text typed after a leading quote, so it is
  shown as it is and editing the cell does not turn it into a formula. No literal quote is
  added there: a string cell would show it.

Numbers (int, Decimal; negative ones too) stay numbers and dates stay dates: only text is
ever changed. openpyxl is imported inside the functions that need it, not at import time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE: Final = "text/csv; charset=utf-8"
# The characters OWASP lists as starting a formula in Excel, LibreOffice or Google Sheets.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses a sheet title longer than this.
SHEET_TITLE_LIMIT: Final = 31
# Excel's number format for text: what is typed is kept as typed.
TEXT_FORMAT: Final = "@"


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """A cell as the CSV gets it: formula-like text quoted, dates in ISO-8601, the rest as is."""
    if isinstance(value, str):
        return f"'{value}" if starts_like_formula(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    # Applied to every cell below the header, the totals row included.
    number_format: str | None = None
    # The whole column is text ("@"), rows a person adds later included: identifiers (NSS,
    # RFC, CLABE, a certificate number) keep their leading zeros when typed into the file.
    text: bool = False


@dataclass(frozen=True)
class Table:
    """One sheet: optional lines above the header, the header, the rows and a totals row.

    The header and totals are bold; `preamble` lines (a title, when it was generated; an
    empty line for a gap) appear only in the Excel file.
    """

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    totals: Sequence[Any] | None = None
    preamble: Sequence[Sequence[Any]] = field(default_factory=tuple)
    freeze_header: bool = False


def csv_bytes(table: Table) -> bytes:
    """The header, the rows and the totals as UTF-8 CSV, with a BOM so Excel reads accents."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    lines = [[column.title for column in table.columns], *table.rows]
    if table.totals is not None:
        lines.append(table.totals)
    for line in lines:
        writer.writerow([csv_value(value) for value in line])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    """The table as a one-sheet Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = table.title[:SHEET_TITLE_LIMIT]
    row_number = 0
    for line in table.preamble:
        row_number += 1
        _write_row(sheet, row_number, line)
    row_number += 1
    header_row = row_number
    _write_row(sheet, header_row, [column.title for column in table.columns])
    for line in table.rows:
        row_number += 1
        _write_row(sheet, row_number, line)
    bold_rows = [header_row]
    if table.totals is not None:
        row_number += 1
        _write_row(sheet, row_number, table.totals)
        bold_rows.append(row_number)
    for bold_row in bold_rows:
        for index in range(1, len(table.columns) + 1):
            sheet.cell(row=bold_row, column=index).font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        cell_format = TEXT_FORMAT if column.text else column.number_format
        if column.text:
            dimension.number_format = TEXT_FORMAT
        if cell_format:
            for below in range(header_row + 1, row_number + 1):
                sheet.cell(row=below, column=index).number_format = cell_format
    if table.freeze_header:
        sheet.freeze_panes = f"A{header_row + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet: Worksheet, row_number: int, values: Sequence[Any]) -> None:
    from openpyxl.cell.cell import Cell

    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=row_number, column=index)
        assert isinstance(cell, Cell)  # nothing here merges cells
        write_cell(cell, value)


def write_cell(cell: Cell, value: Any) -> None:
    """Put a value in an openpyxl cell; text is always a string cell, never a formula."""
    cell.value = value
    if isinstance(value, str):
        # openpyxl makes any text that starts with "=" a formula (and "#N/A" an error):
        # the type is forced back to string after the value is set.
        cell.data_type = "s"
        if starts_like_formula(value):
            cell.quotePrefix = True
