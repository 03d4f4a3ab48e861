"""Privacy rights (ARCO) on the local stack: an insured asks for their data, the pump builds
the ZIP and the page's link downloads it; a new provider asks to delete their account, an
operator approves it in the browser and the schedule executes it."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import open_session, register_provider, shared_operator_session
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import password_log_in
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Demo-Portal-2026"
PASSWORD = "mi frase de acceso 2026"


def log_in(stack: LocalStack, identifier: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    return password_log_in(stack, identifier, password)


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['id_token']}"}


def wait_for(
    stack: LocalStack,
    headers: dict[str, str],
    request_id: str,
    status: str,
    route: str = "/v1/me/data-requests",
) -> Any:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        answer = requests.get(f"{stack.api_url}{route}/{request_id}", headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        if answer.json()["status"] == status:
            return answer.json()
        time.sleep(0.5)
    raise AssertionError(f"request {request_id} never reached {status}:\n{stack.log()[-3000:]}")


def new_provider(stack: LocalStack) -> tuple[str, dict[str, Any]]:
    _, email = register_provider(stack, "Médica Arco Pérez", PASSWORD)
    return email, log_in(stack, email, PASSWORD)


def test_export_is_built_by_the_pump_and_downloaded_from_mi_cuenta(
    local_stack: LocalStack, page: Any
) -> None:
    insured = log_in(local_stack, "asegurado@demo.mx")
    created = requests.post(
        f"{local_stack.api_url}/v1/me/data-requests",
        json={"type": "export"},
        headers=bearer(insured),
        timeout=10,
    )
    assert created.status_code == 202, created.text
    request_id = created.json()["request_id"]
    provider = log_in(local_stack, "prestador@demo.mx")
    stranger = requests.get(
        f"{local_stack.api_url}/v1/me/data-requests/{request_id}",
        headers=bearer(provider),
        timeout=10,
    )
    assert stranger.status_code == 404

    ready = wait_for(local_stack, bearer(insured), request_id, "lista")
    download = requests.get(ready["url"], timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    data = json.loads(archive.read("datos.json"))
    assert data["cuenta"]["correo"] == "asegurado@demo.mx"
    assert len(data["documentos"]) == ready["files"]
    assert len([n for n in archive.namelist() if n.startswith("documentos/")]) == ready["files"]

    open_session(page, local_stack, insured, "asegurado")
    page.goto(f"{local_stack.site_url}/cuenta.html#mis-datos")
    item = page.locator(f'[data-request="{request_id}"]')
    item.get_by_text("Lista para descargar").wait_for()
    screenshot(page, "privacidad-1-mis-datos")
    with page.expect_download() as got:
        item.get_by_role("button", name="Descargar archivo ZIP").click()
    saved = got.value
    assert saved.suggested_filename.startswith("mis-datos-")
    assert saved.suggested_filename.endswith(".zip")


def test_deletion_asked_in_mi_cuenta_is_approved_by_an_operator_and_executed(
    local_stack: LocalStack, page: Any
) -> None:
    email, provider = new_provider(local_stack)
    open_session(page, local_stack, provider, "prestador")
    page.goto(f"{local_stack.site_url}/cuenta.html#mis-datos")
    page.get_by_role("button", name="Solicitar la eliminación de mi cuenta").click()
    page.get_by_text("Marca esta casilla para continuar.").wait_for()
    page.get_by_label("Entiendo que mi cuenta y mis datos se eliminarán").check()
    page.get_by_role("button", name="Solicitar la eliminación de mi cuenta").click()
    page.get_by_role("status").filter(has_text="Recibimos tu solicitud de eliminación").wait_for()
    page.locator("[data-request]").get_by_text("Recibida").wait_for()
    request_id = page.locator("[data-request]").first.get_attribute("data-request")
    assert request_id
    screenshot(page, "privacidad-2-eliminacion-solicitada")
    again = requests.post(
        f"{local_stack.api_url}/v1/me/data-requests",
        json={"type": "deletion"},
        headers=bearer(provider),
        timeout=10,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "data_request_open"

    operator = shared_operator_session(local_stack)
    open_session(page, local_stack, operator, "operador")
    page.goto(f"{local_stack.site_url}/operadores/")
    page.get_by_role("link", name="Solicitudes de datos personales (ARCO)").click()
    item = page.locator(f'[data-request="{request_id}"]')
    item.locator("summary").click()
    item.get_by_text(email).wait_for()  # the audited detail names the person to verify
    item.get_by_role("radio", name="Aprobar la eliminación").check()
    item.get_by_label("Motivo").fill("Identidad verificada por teléfono.")
    screenshot(page, "privacidad-3-operador-decide")
    item.get_by_role("button", name="Registrar decisión").click()
    page.get_by_role("status").filter(has_text="Eliminación aprobada").wait_for()

    # No records to keep: due at once; the local schedule runs every 5 s. The person's own
    # session ends with the account, so the operator's view follows the request.
    done = wait_for(
        local_stack, bearer(operator), request_id, "completada", "/v1/operator/data-requests"
    )
    assert done["retained"] == []
    gone = requests.get(
        f"{local_stack.api_url}/v1/me/data-requests/{request_id}",
        headers=bearer(provider),
        timeout=10,
    )
    assert gone.status_code == 401
    refused = requests.post(
        f"{local_stack.api_url}/v1/auth/login",
        json={"identifier": email, "password": PASSWORD},
        timeout=10,
    )
    assert refused.status_code == 401
