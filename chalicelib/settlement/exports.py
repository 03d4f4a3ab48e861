"""Report files, built in memory by the platform's one spreadsheet writer.

Amounts are whole pesos written as numbers with a peso format, so Excel can add them; the
header row is bold and frozen, and the last row holds the totals.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from chalicelib import spreadsheets

XLSX_TYPE: Final = spreadsheets.XLSX_CONTENT_TYPE
CSV_TYPE: Final = spreadsheets.CSV_CONTENT_TYPE
CLP_FORMAT: Final = '"$"#,##0'
DATE_FORMAT: Final = "dd-mm-yyyy"
NUMBER_FORMATS: Final = {"clp": CLP_FORMAT, "date": DATE_FORMAT, "int": "0"}

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
    title: str,
    columns: list[tuple[str, str]],
    rows: list[list[Any]],
    totals: list[Any],
    preamble: list[list[Any]] | None = None,
) -> bytes:
    """One sheet; `preamble` lines (what the file is about) go above the header."""
    table = _table(title, columns, rows, totals)
    if preamble:
        table = replace(table, preamble=preamble)
    return spreadsheets.xlsx_bytes(table)


def csv_bytes(columns: list[tuple[str, str]], rows: list[list[Any]], totals: list[Any]) -> bytes:
    return spreadsheets.csv_bytes(_table("", columns, rows, totals))


def _table(
    title: str, columns: list[tuple[str, str]], rows: list[list[Any]], totals: list[Any]
) -> spreadsheets.Table:
    return spreadsheets.Table(
        title=title,
        columns=[
            spreadsheets.Column(
                name, width=max(12, len(name) + 4), number_format=NUMBER_FORMATS.get(kind)
            )
            for name, kind in columns
        ],
        rows=rows,
        totals=totals,
        freeze_header=True,
    )
