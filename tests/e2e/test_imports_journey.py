"""SEC's administrator imports a roster in the browser: downloads the template, validates a
file of 1,000 rows with 3 bad ones (997 valid, a report naming the 3 rows and columns),
applies the validation; a person of that roster registers in the insured portal and starts a
claim; a second import marks that person baja, and the portal refuses a new claim with a
clear message while the first claim stays."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from chalicelib.imports.kinds import POLIZAS
from tests.e2e.providers_helpers import open_session
from tests.e2e.test_account_journeys import activate_in_page, log_in
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import operator_tokens
from tests.fixtures.stack import LocalStack
from tests.unit.documents import builders

pytestmark = pytest.mark.e2e

ADMIN = "admin.sec@demo.mx"
PASSWORD = "mi frase de acceso 2026"
ROWS = 1000
# Data rows (0-based) made wrong in one column each; the spreadsheet row is index + 2.
BAD = {
    9: ("parentesco", "primo"),
    499: ("fecha_nacimiento", "1985-13-40"),
    998: ("coberturas", "dental"),
}
# Finishing 1,000 rows on the local stack takes seconds; the margin is for a busy machine.
IMPORT_SECONDS = 180


def _roster(tag: str, rows: dict[int, dict[str, str]]) -> bytes:
    """A roster CSV (UTF-8 with BOM, as Excel saves it) with the template's header."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=POLIZAS.columns)
    writer.writeheader()
    for index in sorted(rows):
        writer.writerow(rows[index])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _person(tag: str, index: int, status: str = "vigente") -> dict[str, str]:
    today = date.today()
    return {
        "poliza": f"IMP-{tag}-{index + 1:04d}",
        "certificado": "0001",
        "parentesco": "titular",
        "nombre": f"ASEGURADA IMPORTADA {tag} {index + 1:04d}",
        "fecha_nacimiento": "1985-04-12",
        "rfc": "",
        "coberturas": "gmm_mayores|gmm_menores",
        "vigencia_inicio": (today - timedelta(days=30)).isoformat(),
        "vigencia_fin": (today + timedelta(days=335)).isoformat(),
        "estatus": status,
    }


def _wait_for_end(page: Any, mode: str) -> Any:
    result = page.locator(f"[data-result][data-status=terminada][data-mode={mode}]")
    result.wait_for(timeout=IMPORT_SECONDS * 1000)
    return result


def _upload(page: Any, name: str, body: bytes, mode: str) -> None:
    page.get_by_label("Tipo de archivo").select_option("polizas")
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": body}])
    page.get_by_label(
        re.compile("^Validar sin cambiar nada" if mode == "validar" else "^Aplicar")
    ).check()
    page.get_by_role("button", name="Subir archivo").click()


def test_the_administrator_imports_a_roster_and_its_people_register_claim_and_leave(
    page: Any, browser: Any, local_stack: LocalStack
) -> None:
    from openpyxl import load_workbook

    site = local_stack.site_url
    tag = uuid.uuid4().hex[:6].upper()
    open_session(page, local_stack, operator_tokens(local_stack, ADMIN), "operador")

    # The page, from the operators' home.
    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name=re.compile("^Importaciones")).click()
    page.get_by_role("heading", name="Importaciones", exact=True).wait_for()
    page.locator("#kind option[value=polizas]").wait_for(state="attached")
    offered = page.locator("#kind option").evaluate_all("(options) => options.map((o) => o.value)")
    assert offered == ["polizas", "padecimientos", "hospitales", "afiliados", "clinicas"]

    # The roster template, in Excel: the exact header, the example, certificado as text.
    page.get_by_label("Tipo de archivo").select_option("polizas")
    page.get_by_role("button", name="Descargar plantilla Excel").click()
    link = page.get_by_role("link", name="Descargar plantilla-polizas.xlsx")
    link.wait_for()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "plantilla-polizas.xlsx"
    with open(download.path(), "rb") as saved:
        sheet: Any = load_workbook(io.BytesIO(saved.read())).active
    assert tuple(cell.value for cell in sheet[1]) == POLIZAS.columns
    assert sheet["B2"].value == "0001"
    assert sheet.column_dimensions["B"].number_format == "@"
    screenshot(page, "importaciones-1-plantilla")

    # 1,000 rows, 3 of them wrong in one column each, validated without changing anything.
    rows = {index: _person(tag, index) for index in range(ROWS)}
    for index, (column, value) in BAD.items():
        rows[index][column] = value
    _upload(page, f"padron-{tag}.csv", _roster(tag, rows), "validar")
    validated = _wait_for_end(page, "validar")
    assert (
        "997 filas correctas y 3 con errores" in validated.locator("[data-headline]").inner_text()
    )
    assert validated.locator("[data-creados] strong").inner_text() == "997"
    assert validated.locator("[data-rechazados] strong").inner_text() == "3"
    assert validated.locator("progress").get_attribute("value") is not None
    screenshot(page, "importaciones-2-validacion")

    report = requests.get(
        validated.locator("[data-report]").get_attribute("href") or "", timeout=20
    )
    assert report.status_code == 200
    lines = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"), newline="")))
    assert {(line["fila"], line["columna"]) for line in lines} == {
        (str(index + 2), column) for index, (column, _) in BAD.items()
    }
    assert all(line["mensaje"] for line in lines)

    person = rows[0]

    # Applied from the validation, without uploading again.
    validated.get_by_role("button", name="Aplicar esta validación").click()
    applied = _wait_for_end(page, "aplicar")
    assert applied.locator("[data-creados] strong").inner_text() == "997"
    assert applied.locator("[data-rechazados] strong").inner_text() == "3"
    history = page.locator("[data-history] [data-import]")
    history.nth(1).wait_for()
    assert history.count() >= 2
    assert f"padron-{tag}.csv" in history.first.inner_text()
    screenshot(page, "importaciones-3-aplicada")

    # A person of that roster registers in the insured portal and starts a claim.
    insured = browser.new_page(locale="es-MX")
    email = f"importada-{tag.lower()}@example.mx"
    insured.goto(f"{site}/registro/asegurados.html")
    insured.fill("#full_name", person["nombre"].title())
    insured.fill("#policy_number", person["poliza"])
    insured.fill("#email", email)
    insured.check("#accept_privacy_broker")
    insured.check("#accept_privacy_insurer")
    insured.click("#register-form button[type=submit]")
    insured.get_by_role("status").filter(has_text="Revisa tu correo").wait_for()
    activate_in_page(insured, local_stack, email, PASSWORD).wait_for()
    log_in(insured, local_stack, email, PASSWORD)
    insured.wait_for_url(f"{site}/asegurados/")
    insured.get_by_role("link", name="Nuevo trámite").click()
    insured.wait_for_url(re.compile(r"tramite-nuevo\.html"))
    insured.select_option("#coverage", "gmm_mayores")
    insured.select_option("#type", "reembolso")
    insured.fill("#payout_clabe", builders.STATEMENT_CLABE)
    insured.check("#consent")
    with insured.expect_response(
        lambda answer: answer.url.endswith("/v1/claims") and answer.request.method == "POST"
    ) as created_info:
        insured.click("#claim-form button[type=submit]")
    created = created_info.value
    assert created.status == 201, created.text()
    claim_id = created.json()["id"]
    insured.locator("[data-step='2']").wait_for()
    screenshot(insured, "importaciones-4-tramite")

    # A second import (applied directly) marks that person baja.
    page.get_by_role("heading", name="Importaciones", exact=True).wait_for()
    leaving = {0: _person(tag, 0, status="baja")}
    _upload(page, f"bajas-{tag}.csv", _roster(tag, leaving), "aplicar")
    page.locator("[data-result][data-status=terminada][data-mode=aplicar]").filter(
        has_text=f"bajas-{tag}.csv"
    ).wait_for(timeout=IMPORT_SECONDS * 1000)
    assert page.locator("[data-result] [data-actualizados] strong").inner_text() == "1"
    screenshot(page, "importaciones-5-baja")

    # The portal refuses a new claim, saying why beside the person; the first claim stays.
    insured.goto(f"{site}/asegurados/tramite-nuevo.html")
    insured.select_option("#coverage", "gmm_mayores")
    insured.select_option("#type", "reembolso")
    insured.fill("#payout_clabe", builders.STATEMENT_CLABE)
    insured.check("#consent")
    insured.click("#claim-form button[type=submit]")
    refusal = insured.locator("#member_id-error")
    refusal.wait_for()
    assert "dado de baja" in refusal.inner_text()
    assert "Sus trámites anteriores siguen disponibles" in refusal.inner_text()
    screenshot(insured, "importaciones-6-rechazo")
    token = insured.evaluate("sessionStorage.getItem('portal.id_token')")
    kept = requests.get(
        f"{local_stack.api_url}/v1/claims/{claim_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["id"] == claim_id
    insured.close()


def test_a_refused_file_shows_its_reasons_and_a_wrong_file_type_is_said_beside_the_field(
    page: Any, local_stack: LocalStack
) -> None:
    open_session(page, local_stack, operator_tokens(local_stack, ADMIN), "operador")
    page.goto(f"{local_stack.site_url}/operadores/importaciones.html")
    page.locator("#kind option[value=polizas]").wait_for(state="attached")

    page.set_input_files(
        "#file", files=[{"name": "padron.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}]
    )
    page.get_by_role("button", name="Subir archivo").click()
    beside = page.locator("#file-error")
    beside.wait_for()
    assert "CSV o Excel" in beside.inner_text()

    wrong = b"poliza,nombre,certificado\nSEC-1,ANA,0001\n"
    _upload(page, "columnas.csv", wrong, "validar")
    refused = page.locator("[data-result][data-status=rechazada]")
    refused.wait_for(timeout=IMPORT_SECONDS * 1000)
    reasons = refused.locator("[data-reasons]")
    assert reasons.get_by_role("listitem").count() >= 1
    assert "No pudimos leer el archivo" in reasons.inner_text()
    assert refused.get_by_role("button", name="Aplicar esta validación").count() == 0
    screenshot(page, "importaciones-7-rechazada")
