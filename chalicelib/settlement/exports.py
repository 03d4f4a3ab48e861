"""Report files: Excel (openpyxl, imported here only) and CSV, built in memory.

Amounts are whole pesos written as numbers with a peso format, so Excel can add them; the
header row is bold and frozen, and the last row holds the totals.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Final

XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLP_FORMAT: Final = '"$"#,##0'
DATE_FORMAT: Final = "dd-mm-yyyy"

VOUCHER_COLUMNS: Final = [
    ("Folio bono", "text"),
    ("Fecha de emisión", "date"),
    ("Estado", "text"),
    ("N.º liquidación", "text"),
    ("Financiador", "text"),
    ("Valor total (CLP)", "clp"),
    ("Aporte financiador (CLP)", "clp"),
    ("Aporte seguro (CLP)", "clp"),
    ("Copago (CLP)", "clp"),
    ("Aseguradora", "text"),
    ("Lugar de atención", "text"),
]


def xlsx(
    title: str, columns: list[tuple[str, str]], rows: list[list[Any]], totals: list[Any]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([name for name, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.append(totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, (name, kind) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(name) + 4)
        number_format = {"clp": CLP_FORMAT, "date": DATE_FORMAT, "int": "0"}.get(kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(columns: list[tuple[str, str]], rows: list[list[Any]], totals: list[Any]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in columns])
    for row in [*rows, totals]:
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
    # A BOM so Excel opens the accents right.
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
