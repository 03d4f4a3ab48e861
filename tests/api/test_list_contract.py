"""Every list route keeps API.md's list contract, checked by walking the OpenAPI document.

A GET route is a list route when its answer is an object with an `items` array; a route that
answers a bare array is refused outright. Each list route is called with `limit=1` as a
person who owns at least two items (the local demo data, loaded through the services on moto
in-process, plus a few more records), through Chalice's test client and the real authorizer,
and its `next_cursor` is followed to the end: every page holds at most one item, no cursor
leads to an empty page, no item comes twice, and the last page has no `next_cursor`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests
from chalice.test import Client

import app as app_module
from chalicelib.accounts import jwt_verify
from tests.fixtures.totp import next_code

PASSWORD = "Demo-Portal-2026"  # the documented local-only demo password

# Who owns at least two items of each list route, once the demo data is loaded.
CALLER = {
    "asegurado": "asegurado@demo.mx",
    "prestador": "prestador@demo.mx",
    "prestador_cl": "prestador.cl@demo.mx",
    "afiliado": "afiliado@demo.mx",
    "operador": "operador@demo.mx",
    "plataforma": "plataforma@demo.mx",
}

SECOND_CLINIC = "UMF 2 DEMO"

# Query parameters a list route needs besides limit and cursor, and who calls it.
YEAR = date.today().year
CALLS: dict[str, tuple[str, dict[str, str]]] = {
    "/v1/plans": ("", {}),
    "/v1/memberships": ("afiliado", {}),
    "/v1/family": ("afiliado", {}),
    "/v1/provider/platform-invoices": ("prestador_cl", {"year": str(YEAR)}),
    "/v1/settlements": ("prestador_cl", {}),
    "/v1/settlements/{folio}/transactions": ("prestador_cl", {}),
    "/v1/reports/period": ("prestador_cl", {"from": f"{YEAR - 1}-01", "to": f"{YEAR}-12"}),
    "/v1/reports/vouchers": (
        "prestador_cl",
        {"from": f"{YEAR - 1}-01-01", "to": f"{YEAR + 1}-12-31"},
    ),
    "/v1/reports/lme": (
        "prestador_cl",
        {"by": "professional", "from": f"{YEAR - 1}-01-01", "to": f"{YEAR + 1}-12-31"},
    ),
    "/v1/care-orders": ("prestador", {}),
    "/v1/invoices": ("prestador", {"status": "en_validacion"}),
    "/v1/operator/care-orders": ("operador", {"insurer_id": "sec"}),
    "/v1/operator/invoices": ("operador", {"insurer_id": "sec", "status": "en_validacion"}),
    "/v1/clinics": ("afiliado", {}),
    "/v1/agenda": ("afiliado", {}),
    "/v1/prescriptions": ("afiliado", {}),
    "/v1/catalog/claims": ("asegurado", {}),
    "/v1/hospitals": ("asegurado", {}),
    "/v1/forms": ("asegurado", {}),
    "/v1/claims": ("asegurado", {}),
    "/v1/appointments": ("afiliado", {}),
    "/v1/operator/audit": ("operador", {}),
    "/v1/operator/audit/actions": ("operador", {}),
    "/v1/sick-leaves": ("afiliado", {}),
    "/v1/me/data-requests": ("asegurado", {}),
    "/v1/operator/data-requests": ("operador", {}),
    "/v1/operator/staff": ("operador", {}),  # SEC's operators: operador@ and admin.sec@
    "/v1/platform/insurers": ("plataforma", {}),  # SEC and ADN
    "/v1/platform/insurers/{insurer_id}/versions": ("plataforma", {}),  # SEC's, see below
    "/v1/operator/imports/kinds": ("operador", {}),  # the seven kinds, every duty held
    "/v1/operator/transactions": (
        "operador",
        {
            "provider": "76.123.456-0",
            "from": str(date.today() - timedelta(days=60)),
            "to": str(date.today()),
        },
    ),
}


# List routes walked with what the demo data gives them (fewer than two items): their seeding
# (claims with a folio and their notifications, a payment that does not match) is longer.
FEWER_THAN_TWO: frozenset[str] = frozenset(
    {
        "/v1/operator/claims",
        "/v1/notifications",
        "/v1/operator/payments/exceptions",
        "/v1/operator/imports",  # an insurer's imports: tests/service/imports
        # A run started here and not drained has no settlement: tests/api/test_settlement_api
        "/v1/operator/settlements/runs/{run_id}/settlements",
    }
)


def _list_routes(
    document: dict[str, Any],
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Each GET route whose answer is an object with an `items` array: its path, operation
    and answer schema. A route that answers a bare array fails here."""
    schemas = document["components"]["schemas"]
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
        assert schema.get("type") != "array", f"GET {path} answers a bare list"
        items = schema.get("properties", {}).get("items", {})
        if items.get("type") == "array":
            yield path, operation, schema


def test_every_list_route_declares_limit_cursor_and_next_cursor() -> None:
    document = app_module.api.openapi()
    broken = []
    for path, operation, schema in _list_routes(document):
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if not {"limit", "cursor"} <= names:
            broken.append(f"GET {path} takes no limit/cursor")
        if "next_cursor" not in schema.get("properties", {}):
            broken.append(f"GET {path} answers no next_cursor")
    assert not broken, "\n".join(broken)


@pytest.fixture
def client(aws: dict[str, Any]) -> Iterator[Client]:
    from infrastructure.local.demo import load_demo_data

    # moto serves the pool's JWKS to the requests library it mocks.
    jwt_verify.fetch_jwks = lambda url: requests.get(url, timeout=5).json()
    jwt_verify.reset_cache()
    load_demo_data()
    _more_than_the_demo_data()
    try:
        with Client(app_module.app) as test_client:
            yield test_client
    finally:
        jwt_verify.fetch_jwks = None
        jwt_verify.reset_cache()


def _more_than_the_demo_data() -> None:
    """A second membership for the affiliate and a second clinic; three invoices of the demo
    provider, the oldest rejected (so a filter on the state has something to leave out after
    the others)."""
    import boto3

    from chalicelib.accounts import service as accounts
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import AgendaQuery, BookingIn, ClinicIn, ClinicsQuery
    from chalicelib.audit import service as audit
    from chalicelib.auth import Principal
    from chalicelib.claims import service as claims
    from chalicelib.claims.schemas import ClaimIn
    from chalicelib.documents import service as documents
    from chalicelib.payments import service as payments
    from chalicelib.payments.schemas import Enrolment
    from chalicelib.policies import service as policies
    from chalicelib.prescriptions import service as prescriptions
    from chalicelib.prescriptions.schemas import SickLeaveIn
    from chalicelib.privacy import service as privacy
    from chalicelib.privacy.schemas import DataRequestIn
    from chalicelib.providers import schemas as s
    from chalicelib.providers import service as providers
    from infrastructure.local.demo_affiliates import AFFILIATE_NSS, _operator
    from infrastructure.local.demo_claims import DEMO_POLICY
    from infrastructure.local.demo_payments import DEMO_RFC

    affiliate = Principal(str(accounts.account_id_for_email(CALLER["afiliado"])), "afiliado")
    payments.enrol(
        affiliate,
        Enrolment(
            plan_id="basico-individual",
            rfc=DEMO_RFC,
            full_name="MARIA GUADALUPE HERNANDEZ RUIZ",
            email=CALLER["afiliado"],
            phone="5512345678",
        ),
    )
    insured = Principal(str(accounts.account_id_for_email(CALLER["asegurado"])), "asegurado")
    titular = policies.get_policy("sec", DEMO_POLICY).members[0]  # type: ignore[union-attr]
    for _ in range(2):
        claims.create_claim(
            insured,
            ClaimIn(
                member_id=titular.id,
                coverage="gmm_mayores",
                type="reembolso",
                stage="inicial",
                payout_clabe="002010077777777771",
                consent=True,
            ),
        )
    for kind in ("export", "deletion"):
        privacy.create_request(insured, DataRequestIn(type=kind))
    for subject in (f"account:{insured.account_id}", "claim:demo"):
        audit.record(_operator().account_id, "sec", "read", subject)
    # Two appointments of the affiliate's family the next weekday, one more sealed sick leave.
    demo_clinic = appointments.clinics(affiliate, ClinicsQuery()).items[0]
    agendas = appointments.agenda(
        affiliate, AgendaQuery(date=date.fromisoformat(_a_weekday()), clinic=demo_clinic.id)
    ).items
    family = appointments.family(affiliate).items
    for member, agenda in zip(family[:2], agendas, strict=False):
        slot = next(s for s in agenda.slots if s.available)
        appointments.book(affiliate, BookingIn(slot_id=slot.id, patient_id=member.id))
    prescriptions.issue_sick_leave(
        _operator(),
        SickLeaveIn(
            nss=AFFILIATE_NSS,
            kind="enfermedad_general",
            start_date=date.today() - timedelta(days=20),
            days=2,
            doctor="DRA. DEMO",
            clinic=demo_clinic.name,
            authorize=True,
        ),
    )
    appointments.create_clinic(
        _operator(), ClinicIn(name=SECOND_CLINIC, address="Avenida Cuauhtémoc 330, CDMX")
    )
    provider = Principal(str(accounts.account_id_for_email(CALLER["prestador"])), "prestador")
    orders = providers.care_orders(provider, s.CareOrdersQuery()).items
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    for index, order in enumerate(reversed(orders)):
        created = providers.create_invoice(
            provider,
            s.InvoiceIn(
                care_order_ids=[order.id],
                file=s.UploadFile(name="factura.xml", size=4, content_type="text/xml"),
            ),
        )
        if index == 0:
            fields = created.slot.upload.fields
            s3.put_object(
                Bucket="portal-test-documents",
                Key=fields["key"],
                Body=b"<x/>",
                ContentType=fields["Content-Type"],
            )
            url = sqs.get_queue_url(QueueName="portal-test-document-uploaded")["QueueUrl"]
            for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
                if "Records" in json.loads(message["Body"]):
                    documents.handle_upload_notification(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    _second_version_of_sec()


def _second_version_of_sec() -> None:
    """SEC's record changed once after the demo data created it: two versions."""
    from chalicelib.auth import Principal
    from chalicelib.insurers import service as insurers
    from chalicelib.insurers.schemas import InsurerPatch

    admin = Principal("list-contract-platform", "plataforma")
    change = InsurerPatch.model_validate({"version": 1, "brand_color": "#123456"})
    insurers.update(admin, "sec", change)


def _call(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    send = getattr(client.http, method)
    if body is None:
        response = send(path, headers=headers)
    else:
        response = send(
            path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers}
        )
    assert response.status_code < 300, (path, response.status_code, response.body)
    return json.loads(response.body) if response.body else None


def _log_in(client: Client, email: str) -> dict[str, str]:
    answer = _call(client, "post", "/v1/auth/login", {"identifier": email, "password": PASSWORD})
    if answer.get("challenge") == "totp":
        answer = _call(
            client, "post", "/v1/auth/totp", {"session": answer["session"], "code": next_code()}
        )
    return {"Authorization": f"Bearer {answer['id_token']}"}


def _a_weekday() -> str:
    """A day with the demo clinic's agendas: the demo loads two doctors on weekdays ahead."""
    from zoneinfo import ZoneInfo

    from chalicelib import clock

    day = clock.now().astimezone(ZoneInfo("America/Mexico_City")).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


def _year_of_the_settlements(client: Client, headers: dict[str, str]) -> str:
    """The year holding most of the demo's two past settlements (early in January the
    demo's weeks may reach back into the year before)."""
    count = {
        year: len(_call(client, "get", f"/v1/settlements?year={year}", **headers)["items"])
        for year in (YEAR, YEAR - 1)
    }
    return str(max(count, key=lambda year: count[year]))


def _walk(client: Client, path: str, params: dict[str, str], headers: dict[str, str]) -> list[Any]:
    from urllib.parse import urlencode

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(200):
        query = {**params, "limit": "1", **({"cursor": cursor} if cursor else {})}
        response = client.http.get(f"{path}?{urlencode(query)}", headers=headers)
        assert response.status_code == 200, (path, cursor, response.status_code, response.body)
        page = json.loads(response.body)
        assert isinstance(page.get("items"), list), (path, page)
        assert len(page["items"]) <= 1, (path, len(page["items"]))
        if cursor is not None:
            assert page["items"], f"{path}: a cursor led to an empty page"
        for item in page["items"]:
            key = json.dumps(item, sort_keys=True)
            assert key not in seen, f"{path}: an item came twice"
            seen.append(key)
        cursor = page.get("next_cursor")
        if not cursor:
            return [json.loads(s) for s in seen]
    raise AssertionError(f"{path}: no end after 200 pages")


def test_every_list_route_pages_one_by_one_to_the_end(client: Client) -> None:
    document = app_module.api.openapi()
    roles = {(e.path, e.method): e.roles for e in app_module.api.endpoints}
    tokens: dict[str, dict[str, str]] = {}
    failures: list[str] = []
    folio = clinic = ""
    walked = 0
    for path, _, _ in _list_routes(document):
        caller, params = CALLS.get(path, ("", {}))
        if path == "/v1/agenda":
            caller, params = "afiliado", {"clinic": clinic, "date": _a_weekday()}
        if not caller and roles.get((path, "GET")):
            caller = str(roles[(path, "GET")][0])
        if caller and caller not in tokens:
            tokens[caller] = _log_in(client, CALLER[caller])
        headers = tokens.get(caller, {})
        if path == "/v1/settlements":
            params = {"year": _year_of_the_settlements(client, headers)}
        if "{folio}" in path and not folio:
            year = _year_of_the_settlements(client, headers)
            listing = _call(client, "get", f"/v1/settlements?year={year}", **headers)
            folio = listing["items"][0]["folio"]
        url = path.replace("{folio}", folio).replace("{insurer_id}", "sec")
        if "{run_id}" in path:
            started = _call(client, "post", "/v1/operator/settlements/run", body={}, **headers)
            url = url.replace("{run_id}", started["run_id"])
        try:
            items = _walk(client, url, params, headers)
        except AssertionError as exc:
            failures.append(str(exc))
            continue
        if path not in CALLS and path not in FEWER_THAN_TWO:
            failures.append(f"{path}: a new list route; say who owns two items in CALLS")
        if path in CALLS and len(items) < 2:
            failures.append(f"{path}: the caller owns fewer than two items ({len(items)})")
        if path == "/v1/clinics" and items:
            clinic = next(c["id"] for c in items if c["name"] != SECOND_CLINIC)
        walked += 1
    assert not failures, "\n".join(f.splitlines()[0] for f in failures)
    assert walked >= len(CALLS)
