"""The provider's journey in headless Chromium on the local stack: register and activate,
register a bank account with its statement (accepted), an operator loads a digital order,
the provider sees what to invoice, uploads a mismatching CFDI (rejected with the reason) and
a matching one (accepted), the operator records the payment, the provider uploads the payment
complement, and the statement shows the order complete."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.e2e.providers_helpers import (
    cfdi_payment,
    open_session,
    order_invoice,
    recent_statement,
    shared_operator_session,
    unique_rfc,
    unique_uuid,
)
from tests.e2e.test_account_journeys import PASSWORD, activate_in_page
from tests.fixtures.browser import screenshot
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

NAME = "Rosa María Peña Ibarra"
CLABE = "002180700845632136"


def xml_file(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/xml", "buffer": data}


def test_provider_invoices_a_digital_order_and_completes_it(
    local_stack: LocalStack, page: Any, browser: Any
) -> None:
    site = local_stack.site_url
    rfc = unique_rfc()
    email = f"medico-{uuid.uuid4().hex[:6]}@example.mx"
    account = f"E2E-{uuid.uuid4().hex[:8].upper()}"

    # Register and activate.
    page.goto(f"{site}/registro/prestadores.html")
    page.fill("#rfc", rfc)
    page.fill("#full_name", NAME)
    page.fill("#email", email)
    page.select_option("#fiscal_regime", "612")
    page.click("#register-form button[type=submit]")
    page.get_by_role("status").filter(has_text="Revisa tu correo").wait_for()
    activate_in_page(page, local_stack, email, PASSWORD).click()
    page.fill("#identifier", email)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{site}/prestadores/")

    # Bank account with its statement: validated and active.
    page.get_by_role("link", name="Mi cuenta bancaria").click()
    page.get_by_text("Aún no registras una cuenta bancaria").wait_for()
    page.fill("#clabe", CLABE)
    page.set_input_files(
        "#statement",
        files=[
            {
                "name": "estado.pdf",
                "mimeType": "application/pdf",
                "buffer": recent_statement(CLABE, NAME.upper()),
            }
        ],
    )
    page.click("#bank-form button[type=submit]")
    page.get_by_text("tu cuenta bancaria quedó activa").wait_for(timeout=45_000)
    page.locator("[data-accounts][data-status=activa]").wait_for()
    screenshot(page, "prestador-mx-1-cuenta-bancaria")

    # An operator loads a digital order for this provider, on the operators' page.
    operator = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    desk = operator.new_page()
    open_session(desk, local_stack, shared_operator_session(local_stack), "operador")
    desk.goto(f"{site}/operadores/prestadores.html")
    desk.locator("#insurer option").first.wait_for(state="attached")
    desk.fill("#provider_rfc", rfc)
    desk.fill("#account_number", account)
    desk.fill("#patient_name", "Ana Sofía Torres Vega")
    desk.fill("#amount", "1500.00")
    desk.fill("#coinsurance", "300.00")
    desk.check("#insured_signature")
    desk.check("#doctor_signature")
    desk.click("#order-form button[type=submit]")
    desk.get_by_text(f"Orden {account} cargada: el prestador facturará $1,350.00.").wait_for()
    screenshot(desk, "operador-prestadores-1-orden")

    # The provider sees what to invoice, with the retention explained.
    page.goto(f"{site}/prestadores/ordenes.html")
    row = page.locator(f"tr[data-order='{account}']")
    row.wait_for()
    assert "$1,350.00" in row.inner_text()
    row.get_by_role("link", name=account).click()
    page.locator("[data-to-invoice]").wait_for()
    assert page.locator("[data-to-invoice]").inner_text() == "$1,350.00"
    assert "ISR 10% = $150.00" in page.locator("[data-explanation]").inner_text()
    screenshot(page, "prestador-mx-2-detalle-de-pago")

    # A CFDI whose concept names another patient: rejected, saying what to fix.
    page.goto(f"{site}/prestadores/ordenes.html")
    invoice_uuid = unique_uuid()
    common = {"issuer_rfc": rfc, "uuid": invoice_uuid}
    page.locator(f"tr[data-order='{account}'] input[type=checkbox]").check()
    page.set_input_files(
        "#invoice-file",
        files=[
            xml_file(
                "factura.xml", order_invoice([(account, "OTRO PACIENTE", "1500.00")], **common)
            )
        ],
    )
    page.click("#invoice-form button[type=submit]")
    rejection = page.locator("[data-verdict] li[data-code=invoice_concept_missing]")
    rejection.wait_for(timeout=45_000)
    assert f"Ningún concepto menciona la cuenta {account}" in rejection.inner_text()
    screenshot(page, "prestador-mx-3-factura-rechazada")

    # The corrected CFDI (same folio fiscal: a rejection does not hold it) is accepted.
    page.locator(f"tr[data-order='{account}'] input[type=checkbox]").check()
    page.set_input_files(
        "#invoice-file",
        files=[
            xml_file(
                "factura.xml",
                order_invoice([(account, "ANA SOFIA TORRES VEGA", "1500.00")], **common),
            )
        ],
    )
    page.click("#invoice-form button[type=submit]")
    page.get_by_text("¡Factura aceptada!").wait_for(timeout=45_000)
    screenshot(page, "prestador-mx-4-factura-aceptada")

    # The operator records the payment (checked with the SAT fake first).
    desk.reload()
    pay = desk.locator("tr", has_text=invoice_uuid).locator("form[data-pay]")
    pay.wait_for()
    assert pay.locator("input[name=amount]").input_value() == "1350.00"
    pay.get_by_role("button", name="Registrar pago").click()
    desk.locator("tr", has_text=invoice_uuid).get_by_text(
        "Pagada · falta el complemento"
    ).wait_for()
    screenshot(desk, "operador-prestadores-2-pago")
    operator.close()

    # The statement shows the complement due; the provider uploads it from the invoice.
    page.goto(f"{site}/prestadores/estado-de-cuenta.html")
    page.locator("[data-total=complements_due] strong").filter(has_text="1").wait_for()
    page.locator(f"tr[data-order='{account}']").get_by_role(
        "link", name="Subir complemento"
    ).click()
    page.locator("[data-complement-section]").wait_for()
    page.set_input_files(
        "#complement-file",
        files=[
            xml_file(
                "complemento.xml",
                cfdi_payment(
                    related_uuid=invoice_uuid,
                    previous="1350.00",
                    paid="1350.00",
                    balance="0.00",
                    uuid=unique_uuid(),
                    issuer_rfc=rfc,
                ),
            )
        ],
    )
    page.click("#complement-form button[type=submit]")
    page.get_by_text("¡Complemento recibido!").wait_for(timeout=45_000)
    screenshot(page, "prestador-mx-5-complemento")

    page.goto(f"{site}/prestadores/estado-de-cuenta.html")
    complete = page.locator(f"tr[data-order='{account}']")
    complete.get_by_text("Completa").wait_for()
    assert page.locator("[data-total=complements_due] strong").inner_text() == "0"
    assert page.locator("[data-total=paid] strong").inner_text() == "$1,350.00"
    assert re.search(r"\$1,350\.00", complete.inner_text())
    screenshot(page, "prestador-mx-6-estado-de-cuenta")


def test_three_pdfs_become_the_format_of_a_traditional_order(
    local_stack: LocalStack, page: Any
) -> None:
    from tests.e2e.test_account_journeys import log_in
    from tests.e2e.test_documents_pipeline import PASSWORD as DEMO_PASSWORD
    from tests.unit.documents.builders import make_pdf

    site = local_stack.site_url
    account = f"T-{uuid.uuid4().hex[:8].upper()}"
    log_in(page, local_stack, "prestador@demo.mx", DEMO_PASSWORD)
    page.wait_for_url(f"{site}/prestadores/")
    page.goto(f"{site}/prestadores/orden-tradicional.html")
    page.locator("#insurer_id option").first.wait_for(state="attached")
    page.fill("#account_number", account)
    page.fill("#patient_name", "Luis Torres Vega")
    page.select_option("#service", "honorarios_quirurgicos")
    page.fill("#amount", "8000.00")
    for part, text in (
        ("carta", "Carta"),
        ("estado_cuenta", "Estado"),
        ("constancia_fiscal", "Constancia"),
    ):
        page.set_input_files(
            f"#{part}",
            files=[
                {"name": f"{part}.pdf", "mimeType": "application/pdf", "buffer": make_pdf([[text]])}
            ],
        )
    page.click("#traditional-form button[type=submit]")
    page.get_by_text(f"Orden {account} registrada: revisamos tus PDF y los unimos").wait_for(
        timeout=60_000
    )
    screenshot(page, "prestador-mx-7-orden-tradicional")
    page.get_by_role("link", name="Ver la orden").click()
    page.get_by_role("button", name="Descargar el formato en PDF").wait_for()
    assert page.locator("[data-to-invoice]").inner_text() == "$7,200.00"
