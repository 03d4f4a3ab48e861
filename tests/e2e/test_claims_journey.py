"""The insured's claim journey in headless Chromium on the local stack.

Register and activate, create a reimbursement, upload the required documents (one rejected
and replaced), generate the folio, find it in tracking; an operator requests a pending
document, the insured answers, the operator approves; the insured sees the new status and
the email. Screenshots go to tests/output/.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests

from tests.e2e.test_account_journeys import activate_in_page, log_in
from tests.fixtures.browser import screenshot
from tests.fixtures.claim_requests import reimbursement
from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import LocalStack
from tests.fixtures.uploads import upload_file
from tests.unit.documents import builders

pytestmark = pytest.mark.e2e

PASSWORD = "mi frase de acceso 2026"
CLABE = builders.STATEMENT_CLABE


def statement(holder: str) -> bytes:
    month = date.today().replace(day=1)
    previous = date.fromordinal(month.toordinal() - 1)
    period = f"Periodo: del 01/{previous:%m/%Y} al {previous:%d/%m/%Y}"
    return builders.statement_pdf(clabe=CLABE, holder=holder, period=period)


def expense(receiver: str = "ANA SOFIA TORRES VEGA") -> bytes:
    """A pharmacy's invoice addressed to `receiver` (a claim takes only the titular's or the
    affected person's)."""
    return builders.cfdi_expense(uuid=str(uuid.uuid4()).upper(), receiver_name=receiver)


def report() -> bytes:
    return builders.make_pdf([["Informe médico", "Diagnóstico: faringitis aguda"]])


def reimbursement_files(holder: str) -> list[tuple[str, str, bytes, str]]:
    """The three documents a reimbursement needs: (name, doc_type, data, content type)."""
    return [
        ("informe.pdf", "informe_medico", report(), "application/pdf"),
        ("factura.xml", "cfdi_expense", expense(holder), "application/xml"),
        ("estado.pdf", "bank_statement", statement(holder), "application/pdf"),
    ]


def slot_request(files: list[tuple[str, str, bytes, str]]) -> dict[str, Any]:
    """The body asking upload slots for `files`."""
    return {"files": [{"name": n, "size": len(d), "doc_type": t} for n, t, d, _ in files]}


def wait_until_documents_accepted(read_claim: Callable[[], dict[str, Any]]) -> None:
    """Read the claim until its documents are accepted and a folio can be generated."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        claim = read_claim()
        if claim["can_generate_folio"]:
            return
        time.sleep(0.5)
    raise AssertionError(f"documents not accepted: {claim['documents']}")


def accepted_reimbursement(stack: LocalStack, headers: dict[str, str], holder: str) -> str:
    """A reimbursement of the titular with its three required documents accepted (HTTP)."""
    policy = requests.get(f"{stack.api_url}/v1/policy", headers=headers, timeout=10).json()
    titular = next(m for m in policy["members"] if m["relationship"] == "titular")
    created = requests.post(
        f"{stack.api_url}/v1/claims",
        json=reimbursement(titular["id"]),
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    claim_id = str(created.json()["id"])
    files = reimbursement_files(holder)
    slots = requests.post(
        f"{stack.api_url}/v1/claims/{claim_id}/documents",
        json=slot_request(files),
        headers=headers,
        timeout=10,
    )
    assert slots.status_code == 201, slots.text
    for slot, (name, _, data, content_type) in zip(slots.json()["items"], files, strict=True):
        upload_file(slot, name, data, content_type)
    url = f"{stack.api_url}/v1/claims/{claim_id}"
    wait_until_documents_accepted(lambda: requests.get(url, headers=headers, timeout=10).json())
    return claim_id


def upload(page: Any, doc_type: str, name: str, data: bytes, mime: str) -> None:
    page.set_input_files(
        f"#file-{doc_type}", files=[{"name": name, "mimeType": mime, "buffer": data}]
    )


def outbox(stack: LocalStack, address: str, pattern: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json():
            if address in message["to"] and re.search(pattern, message["subject"]):
                return message
        time.sleep(0.5)
    raise AssertionError(f"no email «{pattern}» to {address}")


def operator_page(browser: Any, stack: LocalStack) -> Any:
    """A page signed in as the demo operator of SEC (tokens from the API's TOTP log-in)."""
    tokens = operator_tokens(stack, "operador@demo.mx")
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{stack.site_url}/")
    page.evaluate(
        """(tokens) => {
            sessionStorage.setItem("portal.id_token", tokens.id_token);
            sessionStorage.setItem("portal.session", JSON.stringify({
                role: "operador", refreshToken: tokens.refresh_token,
                expiresAt: Date.now() + tokens.expires_in * 1000}));
        }""",
        tokens,
    )
    return page


def test_insured_claim_journey(local_stack: LocalStack, page: Any, browser: Any) -> None:
    site = local_stack.site_url
    email = f"reembolso-{uuid.uuid4().hex[:6]}@example.mx"
    holder = "ASEGURADO PRUEBA 077"

    # Register and activate.
    page.goto(f"{site}/registro/asegurados.html")
    page.fill("#full_name", "Asegurado Prueba 077")
    page.fill("#policy_number", "GMM-2026-0090077")
    page.fill("#email", email)
    page.check("#accept_privacy_broker")
    page.check("#accept_privacy_insurer")
    page.click("#register-form button[type=submit]")
    page.get_by_role("status").filter(has_text="Revisa tu correo").wait_for()
    activate_in_page(page, local_stack, email, PASSWORD).wait_for()
    log_in(page, local_stack, email, PASSWORD)
    page.wait_for_url(f"{site}/asegurados/")

    # Step 1.
    page.get_by_role("link", name="Nuevo trámite").click()
    page.wait_for_url(re.compile(r"tramite-nuevo\.html"))
    page.select_option("#coverage", "gmm_mayores")
    page.select_option("#type", "reembolso")
    page.get_by_text("Parentesco: Titular").wait_for()
    page.click("#claim-form button[type=submit]")
    page.locator("#payout_clabe-error").wait_for()  # no CLABE yet: said next to the field
    page.fill("#payout_clabe", "002180700845632137")
    page.click("#claim-form button[type=submit]")
    page.locator("#payout_clabe-error").get_by_text("La CLABE no es válida").wait_for()
    page.fill("#payout_clabe", CLABE)
    page.check("#consent")
    screenshot(page, "tramite-1-informacion")
    page.click("#claim-form button[type=submit]")
    page.locator("[data-step='2']").wait_for()

    # Step 2: a broken report is rejected, deleted and replaced.
    upload(
        page,
        "informe_medico",
        "informe.pdf",
        b"%PDF-1.7\nno es un PDF de verdad",
        "application/pdf",
    )
    rejected = page.locator("[data-kind=informe_medico] .document-rechazado")
    rejected.wait_for(timeout=60_000)
    screenshot(page, "tramite-2-rechazado")
    rejected.get_by_role("button", name=re.compile("Eliminar")).click()
    rejected.wait_for(state="detached")
    upload(page, "informe_medico", "informe_medico.pdf", report(), "application/pdf")
    page.locator("[data-kind=informe_medico]").get_by_text(
        "¡Documento cargado correctamente!"
    ).wait_for(timeout=60_000)
    page.locator("[data-kind=informe_medico]").get_by_role("button", name="Vista previa").click()
    page.locator("[data-kind=informe_medico] iframe.preview-frame").wait_for()
    page.get_by_role("button", name="Generar folio").click()
    page.get_by_text("Faltan documentos o alguno fue rechazado").wait_for()
    upload(page, "cfdi_expense", "FAR0101017Z5_F123.xml", expense(holder), "application/xml")
    page.locator("[data-kind=cfdi_expense]").get_by_text(
        "¡Documento cargado correctamente!"
    ).wait_for(timeout=60_000)
    upload(page, "bank_statement", "estado_de_cuenta.pdf", statement(holder), "application/pdf")
    page.locator("[data-kind=bank_statement]").get_by_text(
        "¡Documento cargado correctamente!"
    ).wait_for(timeout=60_000)
    page.get_by_text("Todo listo: revisa la lista y genera tu folio.").wait_for()
    files = page.locator("[data-all-files] li")
    assert files.count() == 3
    screenshot(page, "tramite-3-documentos")

    # The folio.
    page.get_by_role("button", name="Generar folio").click()
    folio = page.locator("[data-folio]")
    folio.wait_for()
    folio_text = folio.inner_text().strip()
    assert re.fullmatch(r"RE-SEC-\d{4}-\d{6}-\d{2}", folio_text), folio_text
    screenshot(page, "tramite-4-folio")
    registered = outbox(local_stack, email, re.escape(folio_text))
    assert "estado_de_cuenta.pdf" in registered["text"]
    assert "FAR0101017Z5_F123.xml" in registered["text"]

    # Tracking: current claims, the in-progress tab and the search by folio.
    page.goto(f"{site}/asegurados/tramites.html")
    page.locator("[data-current]").get_by_text(folio_text).wait_for()
    page.get_by_role("button", name="Mostrar más trámites").click()
    page.locator("[data-in-progress]").get_by_text(folio_text).wait_for()
    page.get_by_role("tab", name="Historial").click()
    page.fill("#s-folio", folio_text[:-1] + str((int(folio_text[-1]) + 1) % 10))
    page.click("#search-form button[type=submit]")
    page.locator("[data-search-error]").get_by_text("Ese folio no es válido").wait_for()
    page.fill("#s-folio", folio_text.lower())
    page.click("#search-form button[type=submit]")
    page.locator("[data-history]").get_by_text(folio_text).wait_for()
    screenshot(page, "tramite-5-seguimiento")
    claim_url = page.locator("[data-current] a", has_text="Detalle").first.get_attribute("href")
    claim_id = claim_url.split("id=")[1]

    # The operator reviews and asks for a prescription.
    operator = operator_page(browser, local_stack)
    operator.goto(f"{site}/operadores/tramites.html")
    operator.get_by_role("link", name=f"Revisar {folio_text}").click()
    operator.get_by_role("heading", name=f"Trámite {folio_text}").wait_for()
    operator.select_option("#to", "en_revision")
    operator.click("#transition-form button[type=submit]")
    operator.locator("[data-status]").get_by_text("En revisión").wait_for()
    operator.select_option("#to", "pendiente_documentos")
    operator.get_by_label("Recetas médicas").check()
    operator.fill("#note", "Envía la receta del medicamento de la factura.")
    screenshot(operator, "tramite-6-operador-pide")
    operator.click("#transition-form button[type=submit]")
    operator.locator("[data-status]").get_by_text("Pendiente de documentos").wait_for()
    outbox(local_stack, email, "documentos adicionales")

    # The insured answers.
    page.goto(f"{site}/asegurados/tramite.html?id={claim_id}")
    page.locator("[data-pending-note]").get_by_text("Envía la receta del medicamento").wait_for()
    upload(page, "recetas", "receta.pdf", report(), "application/pdf")
    page.locator("[data-pending]").get_by_text("¡Documento cargado correctamente!").wait_for(
        timeout=60_000
    )
    page.fill("#observations", "Adjunto la receta firmada por mi médico.")
    screenshot(page, "tramite-7-respuesta")
    page.get_by_role("button", name="Enviar documentos").click()
    page.locator("[data-status]").get_by_text("En revisión").wait_for()

    # The operator approves; the audit has every read.
    operator.reload()
    operator.locator("[data-status]").get_by_text("En revisión").wait_for()
    operator.locator("[data-history]").get_by_text("Adjunto la receta firmada").wait_for()
    operator.select_option("#to", "aprobado")
    # The approval's amounts: a deductible and coinsurance above the approved amount are
    # refused beside the field; the net shows as the operator types.
    operator.fill("#approved_amount", "1000")
    operator.fill("#deductible", "900")
    operator.fill("#coinsurance", "200")
    operator.click("#transition-form button[type=submit]")
    operator.locator("#coinsurance[aria-invalid=true]").wait_for()
    operator.fill("#approved_amount", "12500.00")
    operator.fill("#deductible", "1000")
    operator.fill("#coinsurance", "1150.50")
    operator.locator("[data-net]").get_by_text("$10,349.50").wait_for()
    operator.fill("#note", "Procede el reembolso.")
    operator.click("#transition-form button[type=submit]")
    operator.locator("[data-status]").get_by_text("Aprobado").wait_for()
    screenshot(operator, "tramite-8-operador-aprueba")
    tokens = operator.evaluate("() => sessionStorage.getItem('portal.id_token')")
    audit = requests.get(
        f"{local_stack.api_url}/v1/operator/audit",
        params={"subject": claim_id},
        headers=bearer({"id_token": tokens}),
        timeout=10,
    ).json()["items"]
    assert {"claim.read", "claim.transition"} <= {r["action"] for r in audit}
    operator.context.close()

    # The insured sees the new status and the email.
    page.reload()
    page.locator("[data-status]").get_by_text("Aprobado").wait_for()
    page.locator("[data-history]").get_by_text("Procede el reembolso.").wait_for()
    # The insured sees what was approved and the net to be paid, and no estimate left to wait.
    assert page.locator("[data-decision-approved]").inner_text() == "$12,500.00"
    assert page.locator("[data-decision-deductible]").inner_text() == "− $1,000.00"
    assert page.locator("[data-decision-coinsurance]").inner_text() == "− $1,150.50"
    assert page.locator("[data-decision-net]").inner_text() == "$10,349.50"
    assert "Resuelto el" in page.locator("[data-due]").inner_text()
    assert page.get_by_text("Respuesta estimada").count() == 0
    screenshot(page, "tramite-9-aprobado")
    approved = outbox(local_stack, email, f"{re.escape(folio_text)}: Aprobado")
    assert "Procede el reembolso." in approved["text"]
    # (The local outbox page renders emails with their inline styles, which this site's CSP
    # refuses, so the email is read from outbox.json above; the page shows the notification.)
    page.goto(f"{site}/asegurados/notificaciones.html")
    page.get_by_text(f"Folio {folio_text}: Aprobado").wait_for()
    page.get_by_role("button", name="Marcar como leída").first.click()
    page.get_by_text("Leída").first.wait_for()
    screenshot(page, "tramite-10-notificaciones")
