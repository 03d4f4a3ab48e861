"""The audit log in the browser: the demo operator (every duty, TOTP log-in) opens Auditoría
from the operators' home, filters by an action, sees the records with their Spanish labels,
gets a filter it cannot use refused beside its field, and downloads the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.providers_helpers import open_session, shared_operator_session
from tests.fixtures.browser import screenshot
from tests.fixtures.operators import bearer
from tests.fixtures.stack import LocalStack

pytestmark = pytest.mark.e2e

QUEUE_LABEL = "Consultó la bandeja de trámites"


def test_an_administrator_filters_the_audit_log_and_exports_it(
    page: Any, local_stack: LocalStack
) -> None:
    tokens = shared_operator_session(local_stack)
    # Two audited reads of the claims queue, as the operators' claims page makes them.
    for status in ("en_revision", "aprobado"):
        answer = requests.get(
            f"{local_stack.api_url}/v1/operator/claims",
            params={"status": status},
            headers=bearer(tokens),
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
    open_session(page, local_stack, tokens, "operador")
    site = local_stack.site_url

    page.goto(f"{site}/operadores/")
    page.get_by_role("link", name="Registro de auditoría").click()
    page.wait_for_url(f"{site}/operadores/auditoria.html")
    page.get_by_role("heading", name="Registro de auditoría").wait_for()
    rows = page.locator("[data-records] tbody tr")
    rows.first.wait_for()

    page.get_by_label("Acción").select_option(label=QUEUE_LABEL)
    page.get_by_role("button", name="Buscar").click()
    expect(rows.filter(has_not_text=QUEUE_LABEL)).to_have_count(0)
    page.locator("[data-records] tbody tr", has_text="queue:aprobado").wait_for()
    texts = rows.all_inner_texts()
    assert len(texts) >= 2
    assert all(QUEUE_LABEL in text for text in texts), texts
    # Other tests' operators of SEC read the queue too: the demo operator's two reads are
    # there, with who made them, the newer first.
    ours = [t for t in texts if "operador@demo.mx" in t]
    newer = next(i for i, t in enumerate(ours) if "queue:aprobado" in t)
    older = next(i for i, t in enumerate(ours) if "queue:en_revision" in t)
    assert newer < older, ours
    screenshot(page, "auditoria-1-filtrada")

    # A person the filter cannot read: the message stands beside the field.
    page.get_by_label("Quién (correo o identificador de cuenta)").fill("Juan")
    page.get_by_role("button", name="Buscar").click()
    page.locator("#actor-error").wait_for()
    assert "correo" in page.locator("#actor-error").inner_text()
    assert page.locator("#actor").get_attribute("aria-invalid") == "true"
    page.get_by_label("Quién (correo o identificador de cuenta)").fill("operador@demo.mx")
    page.get_by_role("button", name="Buscar").click()
    page.locator("#actor-error").wait_for(state="detached")
    rows.first.wait_for()

    page.get_by_role("button", name="Exportar CSV").click()
    link = page.get_by_role("link", name="Descargar el archivo CSV")
    link.wait_for()
    screenshot(page, "auditoria-2-exportada")
    downloaded = requests.get(str(link.get_attribute("href")), timeout=10)
    assert downloaded.status_code == 200
    assert "attachment" in downloaded.headers.get("Content-Disposition", "")
    header, *lines = list(csv.reader(io.StringIO(downloaded.content.decode("utf-8-sig"))))
    assert header[0] == "Fecha y hora (Ciudad de México)"
    assert lines
    assert {line[4] for line in lines} == {QUEUE_LABEL}
    assert {line[1] for line in lines} == {"operador@demo.mx"}

    # The export is in the log itself.
    page.get_by_label("Quién (correo o identificador de cuenta)").fill("")
    page.get_by_label("Acción").select_option(label="Exportó el registro de auditoría")
    page.get_by_role("button", name="Buscar").click()
    expect(rows.filter(has_not_text="Exportó el registro de auditoría")).to_have_count(0)
    expect(rows).not_to_have_count(0)
