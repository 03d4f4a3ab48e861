"""Privacy rights (ARCO) on the local stack: an insured asks for their data, the pump builds
the ZIP and the page's link downloads it; a new provider asks to delete their account, an
operator approves it in the browser and the schedule executes it; an insured with a claim and
an affiliate with a booked appointment are deleted, and a walk of every table, object version
and Cognito user finds only what the law keeps, until the moved clock's purge."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from typing import Any

import pytest
import requests

from tests.e2e.providers_helpers import open_session, register_provider, shared_operator_session
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import password_log_in
from tests.fixtures.personal_traces import find_traces, table_traces
from tests.fixtures.stack import ROOT, LocalStack

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


# --- the deletion journey: two people, every store walked ---------------------------------


def seed_people(stack: LocalStack, tag: str) -> dict[str, str]:
    """An insured (a policy of SEC's roster) and an affiliate with active accounts, and an
    agenda for tomorrow: `tests/e2e/privacy_seed.py` in its own process, on the stack's moto."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "POWERTOOLS_", "USER_POOL", "DATA_KEY"))
    }
    env.update(
        {
            **MOTO_ENV,
            "AWS_ENDPOINT_URL": stack.moto_url,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "STAGE": "local",
            "RESOURCE_PREFIX": PREFIX,
            "SITE_URL": stack.site_url,
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.privacy_seed", tag, PASSWORD],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    people: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return people


MOTO_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
PREFIX = "portal-local-"


def moto_clients(stack: LocalStack) -> Any:
    import boto3

    def client(name: str) -> Any:
        return boto3.client(
            name,
            endpoint_url=stack.moto_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client


def pool_id(stack: LocalStack) -> str:
    pools = moto_clients(stack)("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    return str(next(p["Id"] for p in pools if p["Name"] == f"{PREFIX}users"))


def traces_of(stack: LocalStack, values: list[str], seconds: float = 20) -> list[Any]:
    """What the stores still hold of `values`, once the last emails went (they are deleted
    from the outbox once sent): the outbox alone is polled until it holds none of them, then
    every store is walked once."""
    deadline = time.monotonic() + seconds
    while table_traces(moto_clients(stack), PREFIX, values, ["email_outbox"]):
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    return find_traces(moto_clients(stack), prefix=PREFIX, pool_id=pool_id(stack), values=values)


def accepted_reimbursement(
    stack: LocalStack, headers: dict[str, str], people: dict[str, str]
) -> str:
    """A reimbursement of the titular with its three documents accepted (HTTP); the
    invoice is addressed to the titular."""
    from tests.e2e.test_claims_journey import (
        report,
        slot_request,
        statement,
        wait_until_documents_accepted,
    )
    from tests.fixtures.claim_requests import reimbursement
    from tests.fixtures.uploads import upload_file
    from tests.unit.documents import builders

    created = requests.post(
        f"{stack.api_url}/v1/claims",
        json=reimbursement(people["member_id"]),
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    claim_id = str(created.json()["id"])
    invoice = builders.cfdi_expense(
        uuid=str(uuid.uuid4()).upper(),
        receiver_rfc="PRPT800101AB1",
        receiver_name=people["titular"],
    )
    files = [
        ("informe.pdf", "informe_medico", report(), "application/pdf"),
        ("factura.xml", "cfdi_expense", invoice, "application/xml"),
        ("estado.pdf", "bank_statement", statement(people["titular"]), "application/pdf"),
    ]
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


def test_deletion_closes_both_accounts_at_once_blocks_the_clinical_file_and_purges_it(
    local_stack: LocalStack, page: Any
) -> None:
    api = local_stack.api_url
    tag = uuid.uuid4().hex[:8].upper()
    people = seed_people(local_stack, tag)
    insured = log_in(local_stack, people["insured_email"], PASSWORD)
    claim_id = accepted_reimbursement(local_stack, bearer(insured), people)
    folio = requests.post(f"{api}/v1/claims/{claim_id}/folio", headers=bearer(insured), timeout=20)
    assert folio.status_code == 200, folio.text
    message = f"Mensaje de privacidad {tag}: mi reembolso tarda."
    contact = requests.post(
        f"{api}/v1/contact",
        json={"subject": f"Queja {tag}", "message": message, "kind": "queja"},
        headers=bearer(insured),
        timeout=10,
    )
    assert contact.status_code == 201, contact.text
    affiliate = log_in(local_stack, people["affiliate_email"], PASSWORD)
    booked = requests.post(
        f"{api}/v1/appointments",
        json={"slot_id": people["slot_id"], "patient_id": people["affiliate_member"]},
        headers=bearer(affiliate),
        timeout=10,
    )
    assert booked.status_code == 201, booked.text

    # An export taken before the deletion lists every kind of record the person has.
    export = requests.post(
        f"{api}/v1/me/data-requests", json={"type": "export"}, headers=bearer(insured), timeout=10
    )
    assert export.status_code == 202, export.text
    export_id = export.json()["request_id"]
    ready = wait_for(local_stack, bearer(insured), export_id, "lista")
    archive = zipfile.ZipFile(io.BytesIO(requests.get(ready["url"], timeout=10).content))
    data = json.loads(archive.read("datos.json"))
    assert data["cuenta"]["correo"] == people["insured_email"]
    assert [c["claim_id"] for c in data["tramites"]] == [claim_id]
    assert data["poliza"]["personas"][0]["nombre"] == people["titular"]
    assert data["avisos_y_mensajes"]["notificaciones"]
    assert data["avisos_y_mensajes"]["mensajes_de_contacto"][0]["mensaje"] == message
    assert {"quejas@portal-medico.mx", people["insured_email"]} <= {
        a for e in data["correos"] for a in e["para"]
    }
    assert len([n for n in archive.namelist() if n.startswith("documentos/")]) == 3

    # The insured asks in Mi cuenta; the affiliate over the API.
    open_session(page, local_stack, insured, "asegurado")
    page.goto(f"{local_stack.site_url}/cuenta.html#mis-datos")
    page.get_by_label("Entiendo que mi cuenta y mis datos se eliminarán").check()
    page.get_by_role("button", name="Solicitar la eliminación de mi cuenta").click()
    page.get_by_role("status").filter(has_text="Recibimos tu solicitud de eliminación").wait_for()
    mine = requests.get(f"{api}/v1/me/data-requests", headers=bearer(insured), timeout=10)
    insured_request = next(r["request_id"] for r in mine.json()["items"] if r["type"] == "deletion")
    page.locator(f'[data-request="{insured_request}"]').get_by_text("Recibida").wait_for()
    asked = requests.post(
        f"{api}/v1/me/data-requests",
        json={"type": "deletion"},
        headers=bearer(affiliate),
        timeout=10,
    )
    assert asked.status_code == 202, asked.text
    affiliate_request = asked.json()["request_id"]

    operator = shared_operator_session(local_stack)
    open_session(page, local_stack, operator, "operador")
    page.goto(f"{local_stack.site_url}/operadores/solicitudes-datos.html")
    item = page.locator(f'[data-request="{insured_request}"]')
    item.locator("summary").click()
    item.get_by_text(people["insured_email"]).wait_for()
    item.get_by_role("radio", name="Aprobar la eliminación").check()
    item.get_by_role("button", name="Registrar decisión").click()
    page.get_by_role("status").filter(has_text="Eliminación aprobada").wait_for()
    approved = requests.post(
        f"{api}/v1/operator/data-requests/{affiliate_request}/decision",
        json={"decision": "aprobar", "reason": ""},
        headers=bearer(operator),
        timeout=10,
    )
    assert approved.status_code == 200, approved.text

    # Closed at once: the id tokens issued before are refused on every route, log-in too.
    for route in (f"/v1/me/data-requests/{export_id}", "/v1/claims", "/v1/notifications"):
        refused = requests.get(f"{api}{route}", headers=bearer(insured), timeout=10)
        assert refused.status_code == 401, (route, refused.text)
    refused = requests.get(f"{api}/v1/appointments", headers=bearer(affiliate), timeout=10)
    assert refused.status_code == 401
    for email in (people["insured_email"], people["affiliate_email"]):
        login = requests.post(
            f"{api}/v1/auth/login", json={"identifier": email, "password": PASSWORD}, timeout=10
        )
        assert login.status_code == 401, login.text
    route = "/v1/operator/data-requests"
    done = wait_for(local_stack, bearer(operator), insured_request, "completada", route)
    assert (
        wait_for(local_stack, bearer(operator), affiliate_request, "completada", route)["retained"]
        == []
    )  # the appointment was still to come: cancelled, no clinical act to keep
    [clinical] = done["retained"]
    assert clinical["count"] == 1
    assert "NOM-004" in clinical["legal_basis"]
    screenshot(page, "privacidad-4-eliminacion-completada")

    # Nothing the law does not keep remains anywhere: the only traces are the blocked
    # claim's own files (the bank statement names the titular).
    values = [
        people["insured_email"],
        people["affiliate_email"],
        people["titular"],
        people["affiliate_name"],
        people["nss"],
        people["serial"],
        message,
        f"Queja {tag}",
    ]
    left = traces_of(local_stack, values)
    assert {t.store for t in left} <= {f"s3:{PREFIX}documents"}, left
    assert all(f"/{claim_id}/" in t.where for t in left), left
    assert not any(t.where.startswith(f"exports/privacy/{export_id}/") for t in left)

    # Past the retention record's date, the purge leaves nothing.
    moved = requests.post(
        f"{local_stack.site_url}/__local/clock",
        json={"to": clinical["until"], "back": True},
        timeout=120,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["now"][:10] == clinical["until"]
    assert moved.json()["back"]
    # Only the folio's guard (a folio is never given twice) names the purged claim's id.
    left = traces_of(local_stack, [*values, claim_id])
    assert [(t.store, t.where.split("#")[0]) for t in left] == [("dynamodb:claims", "FOLIO")], left
    purged = wait_for(local_stack, bearer(operator), insured_request, "completada", route)
    assert purged["retained"][0]["purged_at"] == clinical["until"]
