"""The settlement journey in headless Chromium on the local stack: the operator loads a CSV of
transactions and runs the settlement; the Chilean provider sees it, opens its detail and
transactions, and downloads the Excel report, whose totals match the API."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.settlement_helpers import (
    DEMO_PASSWORD,
    days_ago,
    headers,
    today,
    totp_codes,
)
from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

HEADER = (
    "tipo,id_transaccion,rut_prestador,fecha,valor_total,aporte_financiador,aporte_seguro,"
    "copago,monto,cuotas,comision_emisor,respuesta_emisor,lugar,financiador\n"
)


def log_in(page: Any, stack: LocalStack, identifier: str) -> None:
    page.goto(f"{stack.site_url}/entrar.html")
    page.fill("#identifier", identifier)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")


def operator_log_in(page: Any, stack: LocalStack) -> None:
    log_in(page, stack, "operador@demo.mx")
    page.locator("#totp-form").wait_for()
    for code in totp_codes():
        page.fill("#code", code)
        page.click("#totp-form button[type=submit]")
        try:
            page.wait_for_url(f"{stack.site_url}/operadores/", timeout=5000)
            return
        except Exception:  # noqa: S112 - that step was used: try the next one
            continue
    raise AssertionError("the operator could not log in")


def test_operator_settles_and_the_provider_downloads_the_excel(
    local_stack: LocalStack, page: Any
) -> None:
    from openpyxl import load_workbook

    tag = uuid.uuid4().hex[:6].upper()
    period_end = days_ago(1)
    when = days_ago(1).isoformat()
    rows = [
        f"bono,J{tag}-1,76.123.456-0,{when},41000,20000,15000,6000,,,,,Providencia,Fonasa",
        f"bono,J{tag}-2,76.123.456-0,{when},30000,15000,9000,6000,,,,,Ñuñoa,Isapre Colmena",
        f"tarjeta,J{tag}-3,76.123.456-0,{when},,,,,120000,6,1800,aprobada,Las Condes,",
        f"bono,J{tag}-4,76.123.456-0,{when},1,1,1,1,,,,,Providencia,Fonasa",  # does not add up
    ]
    csv_file = ("\ufeff" + HEADER + "\n".join(rows) + "\n").encode("utf-8")

    # The operator loads the file and runs the settlement up to yesterday.
    operator_log_in(page, local_stack)
    page.click("text=Transacciones y liquidaciones")
    page.wait_for_url("**/operadores/liquidaciones.html")
    page.set_input_files(
        "#file", files=[{"name": "transacciones.csv", "mimeType": "text/csv", "buffer": csv_file}]
    )
    page.click("#load-form button[type=submit]")
    page.get_by_text("Transacciones cargadas: 3 de 4. Filas rechazadas: 1.").wait_for()
    page.get_by_text("amounts_mismatch").wait_for()
    page.fill("#period_end", period_end.isoformat())
    page.click("#run-form button[type=submit]")
    page.get_by_text("Liquidación terminada").wait_for(timeout=60_000)
    screenshot(page, "liquidacion-1-operador")
    page.click("text=Salir") if page.locator("text=Salir").count() else None
    page.context.clear_cookies()
    page.evaluate("sessionStorage.clear()")

    # The provider logs in with the RUT and finds the settlement.
    log_in(page, local_stack, "76.123.456-0")
    page.wait_for_url(f"{local_stack.site_url}/prestadores/")
    page.click("text=Mis liquidaciones")
    page.wait_for_url("**/prestadores/liquidaciones.html")
    folio = f"LQ-SEC-{period_end:%Y%m%d}-761234560"
    page.select_option("#year", str(today().year))
    page.click("#filter-form button[type=submit]")
    page.get_by_role("link", name=folio).wait_for()
    screenshot(page, "liquidacion-2-lista")
    page.get_by_role("link", name=folio).click()
    page.wait_for_url(f"**/prestadores/liquidacion.html?folio={folio}")
    page.get_by_text("Total de la liquidación").wait_for()
    page.get_by_role("cell", name=f"J{tag}-1").wait_for()
    page.get_by_role("cell", name=f"J{tag}-3").wait_for()
    assert page.get_by_role("cell", name=f"J{tag}-4").count() == 0
    page.select_option("#type", "tarjetas")
    page.get_by_role("cell", name=f"J{tag}-2").wait_for(state="detached")
    page.get_by_role("cell", name=f"J{tag}-3").wait_for()
    screenshot(page, "liquidacion-3-detalle")

    # The 120.000 card: 1.800 issuer, 300 platform (0,25 %), 0 cost → 117.900 credited.
    auth = headers(local_stack, "prestador.cl@demo.mx")
    cards = requests.get(
        f"{local_stack.api_url}/v1/settlements/{folio}/transactions",
        params={"type": "tarjetas", "limit": 500},
        headers=auth,
        timeout=30,
    ).json()["items"]
    ours = next(t for t in cards if t["id"] == f"J{tag}-3")
    assert ours["platform_commission"]["amount"] == "300"
    assert ours["credit"]["amount"] == "117900"
    assert page.get_by_role("row").filter(has_text=f"J{tag}-3").filter(has_text="$117.900").count()

    # Reports: the chart and the Excel download.
    page.goto(f"{local_stack.site_url}/prestadores/reportes.html")
    page.locator("[data-chart] svg").wait_for()
    heights = page.locator("[data-chart] rect[data-bar]").evaluate_all(
        "bars => bars.map(bar => Number(bar.getAttribute('height')))"
    )
    assert len(heights) == 6  # the last six months by default
    assert max(heights) > 0
    page.fill("#from", f"{today().year}-01")
    page.fill("#to", f"{today().year}-12")
    page.click("#period-form button[type=submit]")
    page.locator("[data-period] tfoot").wait_for()
    screenshot(page, "liquidacion-4-reportes")
    with page.expect_download() as downloading:
        page.click("#period-form [data-export=xlsx]")
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    path = Path(download.path())
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    report = requests.get(
        f"{local_stack.api_url}/v1/reports/period",
        params={"from": f"{today().year}-01", "to": f"{today().year}-12"},
        headers=auth,
        timeout=30,
    ).json()
    assert values[0][2] == "Monto (CLP)"
    assert values[-1][2] == int(report["total"]["amount"]) > 0
    assert sum(v[3] for v in values[1:-1]) == sum(i["settlements"] for i in report["items"])

    page.goto(f"{local_stack.site_url}/prestadores/datos-liquidacion.html")
    page.get_by_text("Banco de Chile").wait_for()
    page.get_by_text("No (se descuenta)").wait_for()
    screenshot(page, "liquidacion-5-datos")
