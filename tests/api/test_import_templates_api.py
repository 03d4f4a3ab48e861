"""The import templates over the API: a short-lived link to the kind's CSV or Excel template,
for an operator who holds the kind's duty (administración for rosters, finanzas for orders);
anyone else is refused 403 and the refusal is in the insurer's audit log. The imports
themselves ask for the same duty: a finanzas operator imports orders but not rosters."""

from __future__ import annotations

import csv
import io

import requests

from chalicelib.imports.kinds import ORDENES, POLIZAS
from tests.api.test_operator_duties import _operator, _refused
from tests.fixtures.platform import Platform, bearer, wait_until
from tests.fixtures.uploads import upload_file

ADMIN = "admin.sec@demo.mx"
TEMPLATES = "/v1/operator/imports/templates"


def test_the_administrator_downloads_the_roster_template_as_csv_and_excel(
    platform: Platform,
) -> None:
    from openpyxl import load_workbook

    headers = bearer(platform.operator_tokens(ADMIN))

    answer = platform.get(f"{TEMPLATES}/polizas", params={"format": "csv"}, headers=headers)
    assert answer.status_code == 200, answer.text
    link = answer.json()
    assert set(link) == {"url", "expires_at"}
    downloaded = requests.get(link["url"], timeout=10)
    assert downloaded.status_code == 200
    assert downloaded.content.startswith(b"\xef\xbb\xbf")
    assert "plantilla-polizas.csv" in downloaded.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(downloaded.content.decode("utf-8-sig"), newline="")))
    assert rows == [list(POLIZAS.columns), list(POLIZAS.example)]

    # The CSV is the default format.
    default = platform.get(f"{TEMPLATES}/polizas", headers=headers)
    assert default.status_code == 200, default.text
    assert requests.get(default.json()["url"], timeout=10).content == downloaded.content

    answer = platform.get(f"{TEMPLATES}/polizas", params={"format": "xlsx"}, headers=headers)
    assert answer.status_code == 200, answer.text
    workbook = requests.get(answer.json()["url"], timeout=10)
    assert workbook.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    assert tuple(cell.value for cell in sheet[1]) == POLIZAS.columns
    assert sheet["B2"].value == "0001"
    assert sheet.column_dimensions["B"].number_format == "@"  # certificado


def test_each_kind_asks_for_its_own_duty(platform: Platform) -> None:
    admin = bearer(platform.operator_tokens(ADMIN))
    finance = _operator(platform, ["finanzas"])

    _refused(platform.get(f"{TEMPLATES}/ordenes", headers=admin), "finanzas")
    _refused(platform.get(f"{TEMPLATES}/transacciones", headers=admin), "finanzas")
    _refused(platform.get(f"{TEMPLATES}/polizas", headers=finance), "administración")
    _refused(
        platform.get(f"{TEMPLATES}/afiliados", params={"format": "xlsx"}, headers=finance),
        "administración",
    )

    # The page offers each person only the kinds their duties open.
    def offered(headers: dict[str, str]) -> list[str]:
        answer = platform.get("/v1/operator/imports/kinds", headers=headers)
        assert answer.status_code == 200, answer.text
        return [kind["name"] for kind in answer.json()["items"]]

    assert offered(admin) == ["polizas", "padecimientos", "hospitales", "afiliados", "clinicas"]
    assert offered(finance) == ["ordenes", "transacciones"]
    roster = platform.get("/v1/operator/imports/kinds", headers=admin).json()["items"][0]
    assert roster["label"] == "Pólizas (padrón de asegurados)"
    assert roster["headers"] == list(POLIZAS.headers)
    assert roster["duty"] == "administracion"

    orders = platform.get(f"{TEMPLATES}/ordenes", params={"format": "xlsx"}, headers=finance)
    assert orders.status_code == 200, orders.text
    assert (
        "plantilla-ordenes.xlsx"
        in requests.get(orders.json()["url"], timeout=10).headers["Content-Disposition"]
    )
    assert ORDENES.duty == "finanzas"

    # The refusal is in SEC's audit log like any route refused for a missing duty.
    me = platform.get("/v1/me", headers=admin).json()
    log = platform.get(
        "/v1/operator/audit",
        params={"insurer": "sec", "actor": me["id"], "action": "access.denied"},
        headers=admin,
    ).json()["items"]
    assert ("GET /v1/operator/imports/templates/{kind}", {"duty": "finanzas"}) in [
        (record["subject"], record["detail"]) for record in log
    ]


def test_an_unknown_kind_or_format_and_other_roles_are_refused(platform: Platform) -> None:
    operator = bearer(platform.operator_tokens())

    unknown = platform.get(f"{TEMPLATES}/facturas", headers=operator)
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["error"]["code"] == "not_found"

    pdf = platform.get(f"{TEMPLATES}/polizas", params={"format": "pdf"}, headers=operator)
    assert pdf.status_code == 422, pdf.text
    assert pdf.json()["error"]["code"] == "validation_error"

    insured = platform.headers("asegurado@demo.mx")
    refused = platform.get(f"{TEMPLATES}/polizas", headers=insured)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "forbidden"

    anonymous = platform.get(f"{TEMPLATES}/polizas")
    assert anonymous.status_code == 401, anonymous.text


def test_a_finanzas_operator_imports_orders_but_not_rosters(platform: Platform) -> None:
    finance = _operator(platform, ["finanzas"])
    admin = bearer(platform.operator_tokens(ADMIN))  # administración only
    row = dict(zip(ORDENES.columns, ORDENES.example, strict=True)) | {"numero_cuenta": "API-1"}
    data = f"{','.join(ORDENES.columns)}\n{','.join(row.values())}\n".encode()
    request = {
        "kind": "ordenes",
        "mode": "aplicar",
        "file": {"name": "ordenes.csv", "size": len(data), "content_type": "text/csv"},
    }
    created = platform.post("/v1/operator/imports", json=request, headers=finance)
    assert created.status_code == 201, created.text
    import_id = created.json()["import_id"]
    upload_file(created.json()["slot"], "ordenes.csv", data, "text/csv")

    def ended() -> dict[str, object] | None:
        found = platform.get(f"/v1/operator/imports/{import_id}", headers=finance).json()
        return found if found["status"] in ("terminada", "rechazada") else None

    done = wait_until(ended, platform)
    assert done is not None
    assert (done["status"], done["summary"]) == (
        "terminada",
        {"creados": 1, "actualizados": 0, "sin_cambios": 0, "rechazados": 0},
    )
    orders = platform.get("/v1/operator/care-orders", params={"insurer_id": "sec"}, headers=finance)
    assert "API-1" in [order["account_number"] for order in orders.json()["items"]]

    roster = request | {"kind": "polizas", "file": {"name": "padron.csv", "size": 10}}
    _refused(platform.post("/v1/operator/imports", json=roster, headers=finance), "administración")
    _refused(platform.post("/v1/operator/imports", json=request, headers=admin), "finanzas")
    _refused(platform.get(f"/v1/operator/imports/{import_id}", headers=admin), "finanzas")
