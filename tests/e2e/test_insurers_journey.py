"""Insurers in the browser: the platform administrator (password and TOTP) creates an insurer
from its portal, with a refused field's message beside it, sees it listed, edits its contact,
sees the change as a new version in the history, is told to reload when someone else changed
it meanwhile, and invites its administrator; SEC's administrator edits the contact on Mi
aseguradora; the log-in page opened for SEC shows its contact channels, and opened for an
unknown insurer the platform's own (the unknown id is not remembered by the browser)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.providers_helpers import open_session
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import bearer, operator_tokens
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

PLATFORM = "plataforma@demo.mx"
ADMIN = "admin.sec@demo.mx"


def test_the_platform_administrator_creates_and_edits_an_insurer(
    page: Any, local_stack: LocalStack
) -> None:
    tokens = operator_tokens(local_stack, PLATFORM)
    open_session(page, local_stack, tokens, "plataforma")
    site = local_stack.site_url
    insurer_id = f"t{uuid.uuid4().hex[:8]}"
    name = f"Seguros Prueba {insurer_id}"

    # The portal's link in the header leads to the platform's home, where SEC is listed.
    # Mi cuenta is theirs too, without the portals' personal-data section (nothing refused).
    page.goto(f"{site}/cuenta.html")
    page.locator("#password-title").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("#mis-datos").is_hidden()
    assert page.get_by_text("No tienes acceso a esta sección").count() == 0
    page.get_by_role("banner").get_by_role("link", name="Portal de Plataforma").click()
    page.wait_for_url(f"{site}/plataforma/")
    page.locator("[data-insurer-row='sec']").wait_for()

    form = page.locator("#new-insurer")
    form.get_by_label("Identificador").fill(insurer_id)
    form.get_by_label("Razón social").fill(f"SEGUROS PRUEBA {insurer_id.upper()} SA DE CV")
    form.get_by_label("RFC o RUT").fill("PRU260101AA1")
    form.get_by_label("Nombre comercial").fill(name)
    form.get_by_label("Color de la marca").fill("azul")
    form.get_by_label("Teléfono").fill("55 1234 5678")
    form.get_by_role("button", name="Dar de alta la aseguradora").click()
    # The refused colour is explained beside its field, in plain words.
    color_error = page.locator("#f-brand_color-error")
    color_error.wait_for()
    assert "#RRGGBB" in color_error.inner_text()
    assert form.get_by_label("Color de la marca").get_attribute("aria-invalid") == "true"
    screenshot(page, "plataforma-1-error-color")

    # An RFC the API checks against the country: its message lands beside the RFC field.
    form.get_by_label("Color de la marca").fill("#1A7F5A")
    form.get_by_label("RFC o RUT").fill("PRU2601")
    form.get_by_role("button", name="Dar de alta la aseguradora").click()
    rfc_error = page.locator("#f-rfc-error")
    rfc_error.wait_for()
    assert "RFC" in rfc_error.inner_text()
    assert page.locator("#f-brand_color-error").count() == 0

    form.get_by_label("RFC o RUT").fill("PRU260101AA1")
    form.get_by_role("button", name="Dar de alta la aseguradora").click()
    page.get_by_role("status").filter(has_text=f"Dimos de alta {name}").wait_for()
    row = page.locator(f"[data-insurer-row='{insurer_id}']")
    row.wait_for()
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()] == [
        name,
        insurer_id,
        "México",
        "PRU260101AA1",
    ]
    screenshot(page, "plataforma-2-alta")

    row.get_by_role("link", name=name).click()
    page.wait_for_url(f"{site}/plataforma/aseguradora.html?id={insurer_id}")
    page.get_by_role("heading", name=name, level=1).wait_for()
    expect(page.locator("[data-version]")).to_contain_text("Versión 1")
    page.locator("[data-version-number='1']").wait_for()

    settings = page.locator("#settings-form")
    expect(settings.get_by_label("Teléfono")).to_have_value("55 1234 5678")
    settings.get_by_label("Correo electrónico").fill("contacto@prueba.mx")
    settings.get_by_label("Horario de atención").fill("Lunes a viernes de 8:00 a 16:00")
    settings.get_by_role("button", name="Guardar cambios").click()
    page.get_by_role("status").filter(has_text="versión 2").wait_for()
    latest = page.locator("[data-version-number='2']")
    latest.wait_for()
    assert "Contacto" in latest.inner_text()
    assert "contacto@prueba.mx" in latest.inner_text()
    assert "por ti" in latest.inner_text()
    screenshot(page, "plataforma-3-version")

    # Someone else saves meanwhile: this page's change, on version 2, is refused.
    other = requests.patch(
        f"{local_stack.api_url}/v1/platform/insurers/{insurer_id}",
        json={"version": 2, "display_name": f"{name} (otra)"},
        headers=bearer(tokens),
        timeout=20,
    )
    assert other.status_code == 200, other.text
    settings.get_by_label("Teléfono").fill("55 8765 4321")
    settings.get_by_role("button", name="Guardar cambios").click()
    settings.get_by_role("alert").filter(has_text="Alguien más cambió esta aseguradora").wait_for()
    settings.get_by_role("button", name="Recargar los datos").click()
    expect(settings.get_by_label("Nombre comercial")).to_have_value(f"{name} (otra)")
    expect(page.locator("[data-version]")).to_contain_text("Versión 3")
    saved = requests.get(
        f"{local_stack.api_url}/v1/platform/insurers/{insurer_id}",
        headers=bearer(tokens),
        timeout=20,
    ).json()
    assert saved["contact"]["phone"] == "55 1234 5678"

    invite = page.get_by_role("region", name="Invitar administrador")
    email = f"admin-{insurer_id}@example.mx"
    invite.get_by_label("Correo electrónico de trabajo").fill(email)
    invite.get_by_label("Nombre completo").fill("Patricia Núñez Olvera")
    invite.get_by_role("button", name="Enviar invitación").click()
    invite.get_by_role("status").filter(has_text=email).wait_for()
    screenshot(page, "plataforma-4-invitacion")

    # The logo: a GIF named .png is refused beside the file field, and the page keeps showing
    # no logo; a real PNG is checked, shown, and is the insurer's version 4.
    logo_form = page.locator("#logo-form")
    logo_form.get_by_label("Archivo del logotipo (PNG o JPEG)").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _image("GIF")}
    )
    logo_form.get_by_role("button", name="Subir logotipo").click()
    refused = page.locator("#logo-file-error")
    refused.wait_for(timeout=60_000)
    assert "no corresponde a una imagen PNG o JPEG" in refused.inner_text()
    assert page.locator("[data-logo] img").count() == 0
    logo_form.get_by_label("Archivo del logotipo (PNG o JPEG)").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _image("PNG")}
    )
    logo_form.get_by_role("button", name="Subir logotipo").click()
    page.get_by_role("status").filter(has_text="Logotipo validado y publicado").wait_for(
        timeout=60_000
    )
    shown = page.locator("[data-logo] img[data-insurer-logo]")
    expect(shown).to_have_attribute("alt", f"Logotipo de {name} (otra)")
    assert _loaded(shown) == 160
    expect(page.locator("[data-version]")).to_contain_text("Versión 4")
    assert "Logotipo" in page.locator("[data-version-number='4']").inner_text()
    screenshot(page, "plataforma-5-logotipo")

    # The log-in page opened for this insurer shows the logo (the site's CSP lets it load).
    page.goto(f"{site}/entrar.html?aseguradora={insurer_id}")
    on_login = page.locator("[data-insurer-contact] img[data-insurer-logo]")
    on_login.wait_for()
    assert _loaded(on_login) == 160


def _image(kind: str) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB" if kind == "PNG" else "P", (160, 48), (26, 127, 90)).save(out, kind)
    return out.getvalue()


def _loaded(image: Any) -> int:
    """The image's decoded width once it has loaded (0 when the browser refused it)."""
    image.evaluate(
        "(img) => img.complete || new Promise((done) => { img.onload = img.onerror = done; })"
    )
    return int(image.evaluate("(img) => img.naturalWidth"))


def test_the_insurer_administrator_edits_the_contact(page: Any, local_stack: LocalStack) -> None:
    tokens = operator_tokens(local_stack, ADMIN)
    open_session(page, local_stack, tokens, "operador")
    site = local_stack.site_url
    hours = f"Lunes a viernes de 9:00 a 18:00 ({uuid.uuid4().hex[:6]})"

    page.goto(f"{site}/operadores/")
    page.get_by_role(
        "link", name="Mi aseguradora: presentación, contacto y niveles de servicio"
    ).click()
    page.wait_for_url(f"{site}/operadores/aseguradora.html")
    form = page.locator("#settings-form")
    expect(form.get_by_label("Nombre comercial")).to_have_value("Seguros Ejemplo del Centro")
    before = page.locator("[data-version]").inner_text()

    form.get_by_label("Teléfono").fill("12")
    form.get_by_role("button", name="Guardar cambios").click()
    page.locator("#f-contact-phone-error").wait_for()
    assert "dígitos" in page.locator("#f-contact-phone-error").inner_text()

    form.get_by_label("Teléfono").fill("800 123 4567")
    form.get_by_label("Horario de atención").fill(hours)
    form.get_by_role("button", name="Guardar cambios").click()
    page.get_by_role("status").filter(has_text="Guardamos los cambios").wait_for()
    assert page.locator("[data-version]").inner_text() != before
    preview = page.locator("[data-preview]")
    expect(preview.locator("[data-channel='hours']")).to_have_text(hours)
    screenshot(page, "mi-aseguradora-1-guardada")

    public = requests.get(f"{local_stack.api_url}/v1/insurers/sec/public", timeout=20).json()
    assert public["contact"]["hours"] == hours
    assert public["contact"]["phone"] == "800 123 4567"


def test_the_log_in_page_opened_for_an_insurer_shows_its_contact(
    page: Any, local_stack: LocalStack
) -> None:
    site = local_stack.site_url
    public = requests.get(f"{local_stack.api_url}/v1/insurers/sec/public", timeout=20).json()

    page.goto(f"{site}/entrar.html?aseguradora=sec")
    contact = page.get_by_role("region", name="Contáctanos")
    contact.wait_for()
    assert public["display_name"] in contact.inner_text()
    phone = contact.locator("[data-channel='phone']")
    assert phone.get_attribute("href") == "tel:" + "".join(
        c for c in public["contact"]["phone"] if c.isdigit() or c == "+"
    )
    assert contact.locator("[data-channel='email']").get_attribute("href") == (
        f"mailto:{public['contact']['email']}"
    )
    whatsapp = contact.locator("[data-channel='whatsapp']").get_attribute("href") or ""
    assert urlsplit(whatsapp).netloc == "wa.me"
    expect(contact.locator("[data-channel='hours']")).to_have_text(public["contact"]["hours"])
    # The brand colour is the page's accent.
    accent = page.locator("main").evaluate("(m) => m.style.getPropertyValue('--accent')")
    assert accent.lower() == public["brand_color"].lower()
    screenshot(page, "entrar-aseguradora")

    # The browser remembers the insurer of the link once the API knows it.
    remembered = "() => window.localStorage.getItem('portal.aseguradora')"
    assert page.evaluate(remembered) == "sec"

    # An unknown insurer: the log-in page with the platform's own "Contáctanos", no insurer's
    # name, colour or brand, no error, and the unknown id is not remembered.
    page.goto(f"{site}/entrar.html?aseguradora=no-existe")
    page.locator("#login-form").wait_for()
    page.wait_for_load_state("networkidle")
    contact = page.get_by_role("region", name="Contáctanos")
    expect(contact).to_be_visible()
    expect(contact).to_have_attribute("data-platform-contact", "")
    assert contact.locator("[data-channel='email']").get_attribute("href") == (
        "mailto:ayuda@portal-medico.mx"
    )
    assert public["display_name"] not in contact.inner_text()
    assert contact.locator("img[data-insurer-logo]").count() == 0
    assert page.locator("main").get_attribute("data-insurer") is None
    assert page.locator("html").get_attribute("data-brand") is None
    assert page.get_by_role("alert").count() == 0
    assert page.evaluate(remembered) == "sec"
