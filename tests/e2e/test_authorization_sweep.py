"""Authorization sweep over the live OpenAPI document on the local stack.

For every route whose path carries an id (every method on it) a factory below creates the
resource as its owner, then the route is called as another user of the same role, as a user
of another role, as an operator of another insurer, and anonymously. API.md: another user's
(or another insurer's) resource answers 404 `not_found`, the wrong role 403 `forbidden`, no
token 401 `unauthorized`; no answer carries the owner's data, and after the attempts on a
mutating route the owner re-reads the resource unchanged. Then the owner's own call must
succeed, so a route that answered 404 to everybody would fail here too.

A route with an id that has no factory fails the sweep: new routes cannot slip past it.

Fresh accounts own everything (registered and activated through the API and the local
outbox); the demo operators (SEC and ADN) are used read-mostly and signed in through the
shared TOTP coordinator; the demo Chilean provider's past settlements are only read.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

import pytest
import requests
from stdnum import luhn

from tests.api.test_payments_http import unique_rfc as membership_rfc
from tests.e2e.providers_helpers import (
    care_orders,
    order_invoice,
    registered_provider,
    shared_operator_session,
    unique_uuid,
)
from tests.e2e.test_account_journeys import activation_link
from tests.e2e.test_appointments_journey import clinic_id, weekdays_ahead
from tests.e2e.test_claims_journey import accepted_reimbursement, report
from tests.fixtures.operators import bearer, password_log_in
from tests.fixtures.stack import LocalStack
from tests.fixtures.uploads import upload_file

pytestmark = pytest.mark.e2e

PASSWORD = "barrido de permisos 2026"
DEMO_PASSWORD = "Demo-Portal-2026"
TIMEOUT = 30
# Free demo policies and affiliates this sweep registers (other tests take lower numbers; a
# taken one is skipped by looking at the email the registration sends).
INSURED_POLICIES = [f"GMM-2026-0090{n:03d}" for n in range(100, 80, -1)]
ADN_POLICIES = [f"NTE-2026-{n:07d}" for n in range(20, 10, -1)]
AFFILIATE_BASES = [f"90000000{n:02d}" for n in range(99, 79, -1)]


@dataclass(frozen=True)
class Actor:
    name: str
    headers: dict[str, str]


ANONYMOUS = Actor("anonymous", {})
CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found"}


@dataclass
class Case:
    """One route with its resource: who owns it, who must be refused, what must not leak."""

    params: dict[str, str]
    owner: Actor
    same_role: Actor
    other_role: Actor
    other_insurer: Actor | None
    secrets: list[str]
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None
    owner_body: dict[str, Any] | None = None  # when the owner's call differs (e.g. a valid seal)
    owner_query: dict[str, str] | None = None
    owner_status: tuple[int, ...] = (200,)
    expected: dict[str, int] = field(
        default_factory=lambda: {
            "same_role": 404,
            "other_role": 403,
            "other_insurer_operator": 403,
            "anonymous": 401,
            "tampered_token": 401,
        }
    )
    # Public routes (anonymous allowed by API.md): every caller is answered, none sees data.
    public: bool = False
    public_statuses: tuple[int, ...] = ()
    snapshot: Callable[[], Any] | None = None  # the owner's view, re-read after the attempts
    skipped: dict[str, str] = field(default_factory=dict)  # actor kind → why it is not tried
    # DESIGN.md: operators reach records only through operator routes, so even the operator
    # of the resource's own insurer is refused on the routes of the insured, providers and
    # affiliates (403, the wrong role; `expected` may say otherwise).
    insurer_operator: Actor | None = None
    # Platform administrators run the insurers and read none of their records: refused (403)
    # on every route but the platform's own (set by the sweep on every other non-public case).
    platform_admin: Actor | None = None


class World:
    """Accounts and resources, created once and on first use."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.api = stack.api_url
        self.tag = uuid.uuid4().hex[:6].upper()

    # --- HTTP ---------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        actor: Actor,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
    ) -> requests.Response:
        return requests.request(
            method,
            f"{self.api}{path}",
            json=body,
            params=query,
            headers=actor.headers,
            timeout=TIMEOUT,
        )

    def ok(self, method: str, path: str, actor: Actor, body: Any = None, **kw: Any) -> Any:
        answer = self.call(method, path, actor, body, kw.get("query"))
        assert answer.status_code in (200, 201, 202, 204), f"{method} {path}: {answer.text}"
        return answer.json() if answer.content else None

    def login(self, identifier: str, password: str) -> dict[str, str]:
        return bearer(password_log_in(self.stack, identifier, password, timeout=TIMEOUT))

    def activate(self, email: str) -> None:
        token = activation_link(self.stack, email).rsplit("#token=", 1)[1]
        activated = requests.post(
            f"{self.api}/v1/accounts/activate",
            json={"token": token, "password": PASSWORD},
            timeout=TIMEOUT,
        )
        assert activated.status_code == 200, activated.text

    def has_activation(self, email: str, seconds: float = 15) -> bool:
        """Whether the registration email to `email` carries an activation link (a taken
        policy or NSS gets an email that says so instead)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            messages = requests.get(f"{self.stack.site_url}/__local/outbox.json", timeout=5).json()
            mine = [m for m in messages if email in m["to"]]
            if mine:
                return any(re.search(r"activar\.html#token=", m["text"]) for m in mine)
            time.sleep(0.3)
        return False

    # --- accounts -----------------------------------------------------------------------------

    def _insured(self, policies: list[str] = INSURED_POLICIES) -> tuple[Actor, str]:
        while policies:
            policy = policies.pop(0)
            name = (
                f"ASEGURADO NORTE {policy[-2:]}"
                if policy.startswith("NTE")
                else f"ASEGURADO PRUEBA {policy[-3:]}"
            )
            email = f"barrido-aseg-{uuid.uuid4().hex[:8]}@example.mx"
            self.ok(
                "POST",
                "/v1/accounts/insured",
                ANONYMOUS,
                {
                    "full_name": name,
                    "policy_number": policy,
                    "email": email,
                    "accept_privacy_broker": True,
                    "accept_privacy_insurer": True,
                },
            )
            if self.has_activation(email):
                self.activate(email)
                return Actor(f"asegurado {policy}", self.login(email, PASSWORD)), name
        raise AssertionError("no free demo policy left for the sweep")

    def _affiliate(self) -> tuple[Actor, str]:
        while AFFILIATE_BASES:
            base = AFFILIATE_BASES.pop(0)
            nss = base + luhn.calc_check_digit(base)
            email = f"barrido-afil-{uuid.uuid4().hex[:8]}@example.mx"
            self.ok(
                "POST",
                "/v1/accounts/affiliates",
                ANONYMOUS,
                {
                    "nss": nss,
                    "credential_serial": f"S{base}",
                    "phone": "5512345678",
                    "email": email,
                },
            )
            if self.has_activation(email):
                self.activate(email)
                return Actor(f"afiliado {nss}", self.login(email, PASSWORD)), nss
        raise AssertionError("no free demo affiliate left for the sweep")

    @cached_property
    def insured_a(self) -> tuple[Actor, str]:
        return self._insured()

    @cached_property
    def insured_b(self) -> Actor:
        return self._insured()[0]

    @cached_property
    def affiliate_a(self) -> tuple[Actor, str]:
        return self._affiliate()

    @cached_property
    def affiliate_b(self) -> Actor:
        return self._affiliate()[0]

    @cached_property
    def provider_a(self) -> tuple[Actor, str, str]:
        name = f"BARRIDO PRESTADOR {self.tag}"
        rfc, headers = registered_provider(self.stack, name, PASSWORD)
        return Actor(f"prestador {rfc}", headers), rfc, name

    @cached_property
    def provider_b(self) -> Actor:
        rfc, headers = registered_provider(self.stack, "Otra Prestadora Barrido", PASSWORD)
        return Actor(f"prestador {rfc}", headers)

    @cached_property
    def operator_sec(self) -> Actor:
        return Actor("operador SEC", bearer(shared_operator_session(self.stack)))

    @cached_property
    def operator_adn(self) -> Actor:
        tokens = shared_operator_session(self.stack, "operador.norte@demo.mx")
        return Actor("operador ADN", bearer(tokens))

    @cached_property
    def platform_admin(self) -> Actor:
        tokens = shared_operator_session(self.stack, "plataforma@demo.mx")
        return Actor("plataforma demo", bearer(tokens))

    @cached_property
    def insurer(self) -> dict[str, Any]:
        """An insurer the platform administrator creates for the sweep."""
        insurer_id = f"barrido-{self.tag.lower()}"
        return dict(
            self.ok(
                "POST",
                "/v1/platform/insurers",
                self.platform_admin,
                {
                    "id": insurer_id,
                    "legal_name": f"ASEGURADORA BARRIDO {self.tag}",
                    "rfc": "ABA050101AA4",
                    "display_name": f"Barrido {self.tag}",
                },
            )
        )

    def insurer_view(self) -> Any:
        return self.ok("GET", f"/v1/platform/insurers/{self.insurer['id']}", self.platform_admin)

    @cached_property
    def provider_cl(self) -> Actor:
        return Actor("prestador.cl demo", self.login("prestador.cl@demo.mx", DEMO_PASSWORD))

    # --- claims ---------------------------------------------------------------------------------

    @cached_property
    def claim(self) -> dict[str, Any]:
        owner, name = self.insured_a
        claim_id = accepted_reimbursement(self.stack, owner.headers, name)
        claim = self.ok("GET", f"/v1/claims/{claim_id}", owner)
        report_doc = next(d for d in claim["documents"] if d["doc_type"] == "informe_medico")
        return {"id": claim_id, "name": name, "claim": claim, "document_id": report_doc["id"]}

    def claim_secrets(self) -> list[str]:
        return [self.claim["id"], self.claim["name"], self.claim["document_id"]]

    def claim_view(self) -> Any:
        claim = self.ok("GET", f"/v1/claims/{self.claim['id']}", self.insured_a[0])
        return {
            k: claim[k] for k in ("status", "folio", "history", "documents", "requested_documents")
        }

    @cached_property
    def extra_document(self) -> str:
        """A slot of a second report in the draft claim (never uploaded): the one deleted."""
        slots = self.ok(
            "POST",
            f"/v1/claims/{self.claim['id']}/documents",
            self.insured_a[0],
            {"files": [{"name": "otro-informe.pdf", "size": 2000, "doc_type": "informe_medico"}]},
        )
        return str(slots["items"][0]["document_id"])

    def folio(self) -> str:
        answer = self.ok("POST", f"/v1/claims/{self.claim['id']}/folio", self.insured_a[0])
        return str(answer["folio"])

    @cached_property
    def pending_claim(self) -> dict[str, Any]:
        """The claim in `pendiente_documentos`, asking for a new medical report."""
        self.folio()
        claim_id = self.claim["id"]
        status = self.claim_view()["status"]
        if status == "registrado":
            self.ok(
                "POST",
                f"/v1/operator/claims/{claim_id}/transitions",
                self.operator_sec,
                {"to": "en_revision"},
            )
        self.ok(
            "POST",
            f"/v1/operator/claims/{claim_id}/transitions",
            self.operator_sec,
            {
                "to": "pendiente_documentos",
                "note": "Falta un informe médico actualizado.",
                "requested_documents": ["informe_medico"],
            },
        )
        return {"id": claim_id}

    @cached_property
    def notification_id(self) -> str:
        self.pending_claim  # noqa: B018  (the transition notifies the insured)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            items = self.ok("GET", "/v1/notifications", self.insured_a[0])["items"]
            mine = [n for n in items if n["claim_id"] == self.claim["id"] and not n["read"]]
            if mine:
                return str(mine[0]["id"])
            time.sleep(0.3)
        raise AssertionError("the pending-documents transition left no notification")

    @cached_property
    def pending_upload(self) -> str:
        """The new report, uploaded into the pending claim and accepted by the pipeline."""
        self.pending_claim  # noqa: B018
        data = report()
        slots = self.ok(
            "POST",
            f"/v1/claims/{self.claim['id']}/documents",
            self.insured_a[0],
            {
                "files": [
                    {"name": "informe-nuevo.pdf", "size": len(data), "doc_type": "informe_medico"}
                ]
            },
        )
        slot = slots["items"][0]
        self.upload(slot, "informe-nuevo.pdf", data, "application/pdf")
        self.wait_document(slot["document_id"], self.insured_a[0], "aceptado")
        return str(slot["document_id"])

    def upload(self, slot: dict[str, Any], name: str, data: bytes, content_type: str) -> None:
        upload_file(slot, name, data, content_type, timeout=TIMEOUT)

    def wait_document(self, document_id: str, owner: Actor, status: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document = self.ok("GET", f"/v1/documents/{document_id}", owner)
            if document["status"] != "pendiente":
                assert document["status"] == status, document
                return
            time.sleep(0.3)
        raise AssertionError(f"document {document_id} was never judged")

    # --- providers ----------------------------------------------------------------------------

    @cached_property
    def orders(self) -> list[dict[str, Any]]:
        _, rfc, _ = self.provider_a
        loaded = self.ok(
            "POST",
            "/v1/operator/care-orders",
            self.operator_sec,
            care_orders(rfc, [f"BA-{self.tag}-{n}" for n in range(2)], amount="1234.00"),
        )
        return list(loaded["items"])

    @cached_property
    def traditional_order(self) -> dict[str, Any]:
        """A traditional order with its one merged PDF, accepted: its format is ready."""
        owner = self.provider_a[0]
        data = report()
        created = self.ok(
            "POST",
            "/v1/care-orders/traditional",
            owner,
            {
                "insurer_id": "sec",
                "account_number": f"BT-{self.tag}",
                "patient_name": "ANA SOFIA TORRES VEGA",
                "service": "consulta",
                "date": "2026-11-20",
                "amount": {"amount": "1234.00", "currency": "MXN"},
                "files": [
                    {"name": "orden.pdf", "size": len(data), "content_type": "application/pdf"}
                ],
            },
        )
        order_id = created["order"]["id"]
        self.upload(created["slots"][0], "orden.pdf", data, "application/pdf")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            order = self.ok("GET", f"/v1/care-orders/{order_id}", owner)
            if order["format"]["status"] != "pendiente":
                assert order["format"]["status"] == "aceptado", order
                return dict(order)
            time.sleep(0.3)
        raise AssertionError("the traditional order's PDF was never judged")

    def order_secrets(self, order: dict[str, Any]) -> list[str]:
        return [order["id"], order["account_number"], self.provider_a[2], "1234.00"]

    @cached_property
    def invoice(self) -> dict[str, Any]:
        """An invoice of the first order, uploaded and accepted."""
        owner, rfc, _ = self.provider_a
        order = self.orders[0]
        folio = unique_uuid()
        data = order_invoice(
            [(order["account_number"], "ANA SOFIA TORRES VEGA", "1234.00")],
            issuer_rfc=rfc,
            uuid=folio,
        )
        created = self.ok(
            "POST",
            "/v1/invoices",
            owner,
            {
                "care_order_ids": [order["id"]],
                "file": {"name": "factura.xml", "size": len(data), "content_type": "text/xml"},
            },
        )
        self.upload(created["slot"], "factura.xml", data, "text/xml")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            invoice = self.ok("GET", f"/v1/invoices/{created['invoice_id']}", owner)
            if invoice["status"] != "en_validacion":
                assert invoice["status"] == "aceptada", invoice
                return {"id": created["invoice_id"], "uuid": folio, "invoice": invoice}
            time.sleep(0.3)
        raise AssertionError("the invoice was never judged")

    def invoice_secrets(self) -> list[str]:
        return [self.invoice["id"], self.invoice["uuid"], self.provider_a[2]]

    def invoice_view(self) -> Any:
        invoice = self.ok("GET", f"/v1/invoices/{self.invoice['id']}", self.provider_a[0])
        # SAT's status is asked by the worker whenever it likes: not a change anyone made.
        return {k: v for k, v in invoice.items() if k not in {"reasons", "sat"}}

    # --- memberships --------------------------------------------------------------------------

    @cached_property
    def membership(self) -> dict[str, Any]:
        owner, _ = self.affiliate_a
        plans = self.ok("GET", "/v1/plans", ANONYMOUS)["items"]
        basic = next(p for p in plans if p["name"] == "Básico Individual")
        rfc = membership_rfc()
        name = f"Titular Barrido {self.tag}"
        email = f"barrido-membresia-{self.tag.lower()}@example.mx"
        created = self.ok(
            "POST",
            "/v1/memberships",
            owner,
            {
                "plan_id": basic["id"],
                "rfc": rfc,
                "full_name": name,
                "email": email,
                "phone": "5512345678",
            },
        )
        return {
            "id": created["id"],
            "secrets": [rfc, name, name.upper(), email, created["member_number"]],
        }

    def membership_view(self) -> Any:
        return self.ok("GET", f"/v1/memberships/{self.membership['id']}", self.affiliate_a[0])

    # --- affiliate services -------------------------------------------------------------------

    @cached_property
    def appointment(self) -> str:
        owner, _ = self.affiliate_a
        family = self.ok("GET", "/v1/family", owner)["items"]
        self_id = next(m["id"] for m in family if m["is_self"])
        day = weekdays_ahead(6)[5]
        agenda = self.ok(
            "POST",
            "/v1/operator/agendas",
            self.operator_sec,
            {
                "clinic_id": clinic_id(self.stack, owner.headers),
                "doctor": f"DR. BARRIDO {self.tag}",
                "date": day.isoformat(),
                "shift": "vespertino",
                "slot_times": ["19:00", "19:20"],
                "internet_quota": 2,
            },
        )
        booked = self.ok(
            "POST",
            "/v1/appointments",
            owner,
            {"slot_id": agenda["slots"][0]["id"], "patient_id": self_id},
        )
        return str(booked["id"])

    def appointment_view(self) -> Any:
        items = self.ok("GET", "/v1/appointments", self.affiliate_a[0], query={"view": "proximas"})
        return [a for a in items["items"] if a["id"] == self.appointment]

    def sick_leave(self, *, authorize: bool) -> dict[str, Any]:
        _, nss = self.affiliate_a
        return dict(
            self.ok(
                "POST",
                "/v1/operator/sick-leaves",
                self.operator_sec,
                {
                    "nss": nss,
                    "kind": "enfermedad_general",
                    "start_date": (date.today() - timedelta(days=2)).isoformat(),
                    "days": 3,
                    "doctor": f"DRA. BARRIDO {self.tag}",
                    "clinic": "UMF 20 Vallejo",
                    "authorize": authorize,
                },
            )
        )

    @cached_property
    def sealed_sick_leave(self) -> dict[str, Any]:
        return self.sick_leave(authorize=True)

    @cached_property
    def issued_sick_leave(self) -> dict[str, Any]:
        return self.sick_leave(authorize=False)

    def sick_leave_secrets(self, leave: dict[str, Any]) -> list[str]:
        return [leave["patient_name"], self.affiliate_a[1], f"DRA. BARRIDO {self.tag}"]

    def my_sick_leaves(self) -> Any:
        items = self.ok("GET", "/v1/sick-leaves", self.affiliate_a[0])["items"]
        return sorted((s["id"], s["status"]) for s in items)

    # --- privacy rights -----------------------------------------------------------------------

    @cached_property
    def insured_adn(self) -> Actor:
        """An insured of ADN: its requests are its insurer's to answer, not SEC's."""
        return self._insured(ADN_POLICIES)[0]

    @cached_property
    def data_request(self) -> str:
        created = self.ok("POST", "/v1/me/data-requests", self.insured_adn, {"type": "deletion"})
        return str(created["request_id"])

    def data_request_view(self) -> Any:
        found = self.ok("GET", f"/v1/me/data-requests/{self.data_request}", self.insured_adn)
        return {k: found[k] for k in ("status", "reason", "due_at", "updated_at")}

    # --- an insurer's staff ---------------------------------------------------------------------

    @cached_property
    def staff_member(self) -> str:
        """An operator SEC's administrator invited, who activated the account."""
        email = f"personal-{self.tag.lower()}@example.mx"
        invited = self.ok(
            "POST",
            "/v1/operator/staff",
            self.operator_sec,
            {"email": email, "full_name": "PERSONAL DEL BARRIDO", "duties": ["dictamen"]},
        )
        self.activate(email)
        return str(invited["id"])

    def staff_view(self) -> Any:
        listed = self.ok("GET", "/v1/operator/staff", self.operator_sec, query={"limit": "100"})
        found = next(p for p in listed["items"] if p["id"] == self.staff_member)
        return {k: found[k] for k in ("duties", "status", "totp_enrolled")}

    # --- imports ------------------------------------------------------------------------------

    @cached_property
    def roster_import(self) -> str:
        """A roster validation SEC's administrator asked for (its file is never uploaded)."""
        file = {"name": f"padron-{self.tag.lower()}.csv", "size": 1024, "content_type": "text/csv"}
        created = self.ok(
            "POST",
            "/v1/operator/imports",
            self.operator_sec,
            {"kind": "polizas", "mode": "validar", "file": file},
        )
        return str(created["import_id"])

    def import_view(self) -> Any:
        found = self.ok("GET", f"/v1/operator/imports/{self.roster_import}", self.operator_sec)
        return {k: found[k] for k in ("status", "mode", "summary")}

    # --- settlement ---------------------------------------------------------------------------

    @cached_property
    def settlement(self) -> dict[str, Any]:
        """One of the demo Chilean provider's past settlements (only read)."""
        year = datetime.now(UTC).year
        for y in (year, year - 1):
            items = self.ok("GET", "/v1/settlements", self.provider_cl, query={"year": str(y)})
            if items["items"]:
                found = items["items"][0]
                return {"folio": found["folio"], "total": found["total"]["amount"]}
        raise AssertionError("the demo Chilean provider has no settlement")

    @cached_property
    def run_id(self) -> str:
        """A run of SEC over a period long closed: it settles nothing anybody else expects."""
        started = self.ok(
            "POST", "/v1/operator/settlements/run", self.operator_sec, {"period_end": "2020-01-02"}
        )
        return str(started["run_id"])


# Routes under /v1/operator/: the other insurer's operator (also "the same role") is told the
# resource does not exist; everybody else has the wrong role.
OPERATOR_ROUTE = {
    "same_role": 404,
    "other_role": 403,
    "other_insurer_operator": 404,
    "anonymous": 401,
}

# --- the table of factories: (method, path) → Case, in the order the sweep runs them ----------

Factory = Callable[[World], Case]


def _sec_case(
    w: World,
    role: str,
    params: dict[str, str],
    secrets: list[str],
    *,
    other_role: Actor | None = None,
) -> Case:
    """A route of `role` ("insured", "affiliate" or "provider") on a resource one of SEC's owns:
    another of that role is told it does not exist; someone of another role (by default an
    affiliate for the insured, else an insured) and both insurers' operators are refused."""
    if role == "insured":
        owner, same_role = w.insured_a[0], w.insured_b
        other_role = other_role or w.affiliate_b
    elif role == "affiliate":
        owner, same_role = w.affiliate_a[0], w.affiliate_b
        other_role = other_role or w.insured_b
    else:
        owner, same_role = w.provider_cl, w.provider_b
        other_role = other_role or w.insured_b
    # other_insurer: ADN's operator.
    case = Case(params, owner, same_role, other_role, w.operator_adn, secrets)
    case.insurer_operator = w.operator_sec
    return case


def _operator_case(
    owner: Actor,
    other_insurer: Actor,
    other_role: Actor,
    params: dict[str, str],
    secrets: list[str],
) -> Case:
    """A route under /v1/operator/ on a resource of `owner`'s insurer: the other insurer's
    operator (tried as the same role and as another insurer) is told it does not exist and
    `other_role` has the wrong role (OPERATOR_ROUTE)."""
    # Case's first fields in order: params, owner, same_role, other_role, other_insurer, secrets.
    case = Case(params, owner, other_insurer, other_role, other_insurer, secrets)
    case.expected = OPERATOR_ROUTE
    return case


def _claim(w: World) -> Case:
    return _sec_case(w, "insured", {"claim_id": w.claim["id"]}, w.claim_secrets())


def _document(w: World) -> Case:
    params = {"document_id": w.claim["document_id"]}
    case = _sec_case(w, "insured", params, w.claim_secrets(), other_role=w.provider_b)
    # Documents belong to insured, providers and operators (their uploads) alike: the route
    # is open to every role and someone else's document is simply not found, even by the
    # operator of its insurer (who reads claims' files through the audited operator route).
    case.expected = {
        "insurer_operator": 404,
        "same_role": 404,
        "other_role": 404,
        "other_insurer_operator": 404,
        "anonymous": 401,
    }
    return case


def _download(w: World) -> Case:
    case = _document(w)
    case.query = {"disposition": "attachment"}
    return case


def _delete_document(w: World) -> Case:
    case = _document(w)
    case.params = {"document_id": w.extra_document}
    case.secrets = [*w.claim_secrets(), w.extra_document]
    case.owner_status = (204,)
    case.snapshot = w.claim_view
    return case


def _folio(w: World) -> Case:
    case = _claim(w)
    case.snapshot = w.claim_view
    return case


def _claim_documents(w: World) -> Case:
    w.pending_claim  # noqa: B018  (slots are only given while documents may be added)
    case = _claim(w)
    case.body = {"files": [{"name": "extra.pdf", "size": 1500, "doc_type": "informe_medico"}]}
    case.owner_status = (201,)
    case.snapshot = w.claim_view
    return case


def _pending_response(w: World) -> Case:
    document_id = w.pending_upload
    case = _claim(w)
    case.body = {"observations": "Adjunto el informe.", "document_ids": [document_id]}
    case.secrets = [*w.claim_secrets(), document_id]
    case.snapshot = w.claim_view
    return case


def _notification(w: World) -> Case:
    notification_id = w.notification_id

    def unread() -> Any:
        items = w.ok("GET", "/v1/notifications", w.insured_a[0])["items"]
        return [n for n in items if n["id"] == notification_id]

    secrets = [notification_id, w.claim["id"], w.claim["name"]]
    case = _sec_case(w, "insured", {"notification_id": notification_id}, secrets)
    case.snapshot = unread
    return case


def _operator_claim(w: World) -> Case:
    folio = w.folio()
    params = {"claim_id": w.claim["id"]}
    secrets = [*w.claim_secrets(), folio]
    return _operator_case(w.operator_sec, w.operator_adn, w.insured_b, params, secrets)


def _operator_claim_download(w: World) -> Case:
    case = _operator_claim(w)
    case.params = {"claim_id": w.claim["id"], "document_id": w.claim["document_id"]}
    return case


def _transition(w: World) -> Case:
    case = _operator_claim(w)
    case.body = {"to": "en_revision", "note": "Revisión iniciada."}
    case.snapshot = w.claim_view
    return case


def _care_order(w: World) -> Case:
    order = w.orders[0]
    return Case(
        params={"order_id": order["id"]},
        owner=w.provider_a[0],
        same_role=w.provider_b,
        other_role=w.insured_b,
        other_insurer=w.operator_adn,
        secrets=w.order_secrets(order),
        # Operators of the order's insurer read it too: another insurer's operator is told
        # it does not exist.
        expected={
            "same_role": 404,
            "other_role": 403,
            "other_insurer_operator": 404,
            "anonymous": 401,
        },
    )


def _care_order_format(w: World) -> Case:
    order = w.traditional_order
    case = _care_order(w)
    case.params = {"order_id": order["id"]}
    case.secrets = w.order_secrets(order)
    return case


def _invoice(w: World) -> Case:
    case = _care_order(w)
    case.params = {"invoice_id": w.invoice["id"]}
    case.secrets = [*w.invoice_secrets(), *w.order_secrets(w.orders[0])]
    return case


def _invoice_sat_check(w: World) -> Case:
    # Only an operator of the invoice's insurer asks SAT again; its provider cannot.
    params = {"invoice_id": w.invoice["id"]}
    case = _operator_case(
        w.operator_sec, w.operator_adn, w.provider_a[0], params, w.invoice_secrets()
    )
    case.snapshot = w.invoice_view
    return case


def _invoice_payment(w: World) -> Case:
    invoice = w.invoice
    # Even the invoice's own provider cannot record a payment.
    params = {"invoice_id": invoice["id"]}
    case = _operator_case(
        w.operator_sec, w.operator_adn, w.provider_a[0], params, w.invoice_secrets()
    )
    case.body = {
        "amount": invoice["invoice"]["total"],
        "paid_on": datetime.now(UTC).date().isoformat(),
    }
    case.snapshot = w.invoice_view
    return case


def _payment_complement(w: World) -> Case:
    case = _care_order(w)
    case.params = {"invoice_id": w.invoice["id"]}
    case.secrets = w.invoice_secrets()
    case.body = {"file": {"name": "complemento.xml", "size": 3000, "content_type": "text/xml"}}
    case.owner_status = (201,)
    case.expected = {**case.expected, "other_insurer_operator": 403}
    case.insurer_operator = w.operator_sec  # providers only, even the insurer's operator
    case.snapshot = w.invoice_view
    return case


def _membership(w: World) -> Case:
    return _sec_case(w, "affiliate", {"membership_id": w.membership["id"]}, w.membership["secrets"])


def _payment_reference(w: World) -> Case:
    case = _membership(w)
    case.body = {"method": "tienda", "months": 1}
    case.owner_status = (201,)
    case.public = True
    # A reference is asked again while one is valid: the same one comes back, nothing new.
    case.public_statuses = (201,)
    case.snapshot = w.membership_view
    case.owner_body = {"method": "banco", "months": 1}
    # A reference encodes who pays (the member number), by design: not a leak here.
    case.secrets = w.membership["secrets"][:4]
    return case


def _card_payment(w: World) -> Case:
    case = _membership(w)
    case.public = True
    case.public_statuses = (201,)
    # Whoever pays, a declined card changes nothing; the owner's approved card is applied.
    case.body = {"card_token": f"tok_sandbox_declined_{uuid.uuid4().hex}", "months": 1}
    case.owner_body = {"card_token": f"tok_sandbox_approved_{uuid.uuid4().hex}", "months": 1}
    case.owner_status = (201,)
    case.snapshot = w.membership_view
    case.secrets = w.membership["secrets"][:4]
    return case


def _appointment(w: World) -> Case:
    secrets = [w.appointment, f"DR. BARRIDO {w.tag}"]
    case = _sec_case(w, "affiliate", {"appointment_id": w.appointment}, secrets)
    case.snapshot = w.appointment_view
    return case


def _certificate(w: World) -> Case:
    leave = w.sealed_sick_leave
    return _sec_case(w, "affiliate", {"sick_leave_id": leave["id"]}, w.sick_leave_secrets(leave))


def _verify(w: World) -> Case:
    leave = w.sealed_sick_leave
    case = _certificate(w)
    case.public = True
    case.public_statuses = (200,)
    # Without the seal printed on the certificate nobody learns anything from an id.
    case.query = {"seal": "A" * len(leave["seal"])}
    case.owner_query = {"seal": leave["seal"]}
    return case


def _authorize(w: World) -> Case:
    leave = w.issued_sick_leave
    # The worker is an affiliate of SEC's plan: ADN's operator is told it does not exist, and
    # the other role is not even the patient.
    params = {"sick_leave_id": leave["id"]}
    secrets = w.sick_leave_secrets(leave)
    case = _operator_case(w.operator_sec, w.operator_adn, w.affiliate_a[0], params, secrets)
    case.snapshot = w.my_sick_leaves
    return case


def _settlement(w: World) -> Case:
    secrets = [w.settlement["folio"], w.settlement["total"], "CENTRO MEDICO DEMO"]
    return _sec_case(w, "provider", {"folio": w.settlement["folio"]}, secrets)


def _run(w: World) -> Case:
    params = {"run_id": w.run_id}
    return _operator_case(w.operator_sec, w.operator_adn, w.provider_cl, params, [w.run_id])


def _platform_invoice(w: World) -> Case:
    year = str(datetime.now(UTC).year)
    [invoice, *_] = w.ok(
        "GET", "/v1/provider/platform-invoices", w.provider_cl, query={"year": year}
    )["items"]
    case = _sec_case(w, "provider", {"folio": invoice["folio"]}, [invoice["folio"]])
    case.query = {"issued_on": invoice["issued_on"]}
    return case


def _my_data_request(w: World) -> Case:
    return Case(
        insurer_operator=w.operator_adn,
        params={"request_id": w.data_request},
        owner=w.insured_adn,
        same_role=w.insured_b,
        other_role=w.affiliate_b,
        other_insurer=w.operator_sec,
        secrets=[w.data_request],
        # Every role may ask for its data: someone else's request is simply not found.
        expected={
            "insurer_operator": 404,
            "same_role": 404,
            "other_role": 404,
            "other_insurer_operator": 404,
            "anonymous": 401,
        },
    )


def _operator_data_request(w: World) -> Case:
    # The other role is not even the person who asked.
    params = {"request_id": w.data_request}
    secrets = [w.data_request]
    return _operator_case(w.operator_adn, w.operator_sec, w.insured_adn, params, secrets)


def _data_request_decision(w: World) -> Case:
    case = _operator_data_request(w)
    case.body = {"decision": "rechazar", "reason": "Trámite con folio en curso."}
    case.snapshot = w.data_request_view
    return case


# Routes of platform administrators: every insurer's staff, every other role and anonymous
# callers are refused; an insurer's own administrator too (its route is /v1/operator/insurer).
PLATFORM_ROUTE = {
    "same_role": 403,
    "other_role": 403,
    "other_insurer_operator": 403,
    "anonymous": 401,
}


def _platform_insurer(w: World) -> Case:
    insurer = w.insurer
    case = Case(
        params={"insurer_id": insurer["id"]},
        owner=w.platform_admin,
        same_role=w.operator_sec,
        other_role=w.insured_b,
        other_insurer=w.operator_adn,
        secrets=[insurer["legal_name"], insurer["rfc"]],
    )
    case.expected = PLATFORM_ROUTE
    return case


def _platform_insurer_change(w: World) -> Case:
    case = _platform_insurer(w)
    case.body = {"version": 1, "display_name": "Cambiada por otro"}
    case.owner_body = {"version": w.insurer_view()["version"], "brand_color": "#123456"}
    case.snapshot = w.insurer_view
    return case


def _platform_insurer_admin(w: World) -> Case:
    case = _platform_insurer(w)
    case.body = {"email": f"intruso-{w.tag.lower()}@example.mx", "full_name": "INTRUSO"}
    case.owner_body = {"email": f"admin-{w.tag.lower()}@example.mx", "full_name": "ADMIN"}
    case.owner_status = (202,)
    case.snapshot = w.insurer_view
    return case


def _platform_insurer_logo(w: World) -> Case:
    case = _platform_insurer(w)
    logo = {"name": "logo.png", "size": 2048, "content_type": "image/png"}
    case.body = case.owner_body = {"file": logo}
    case.owner_status = (201,)
    case.snapshot = w.insurer_view
    return case


def _platform_insurer_logo_upload(w: World) -> Case:
    case = _platform_insurer(w)
    logo = {"name": "logo.png", "size": 2048, "content_type": "image/png"}
    path = f"/v1/platform/insurers/{w.insurer['id']}/logo"
    slot = w.ok("POST", path, w.platform_admin, {"file": logo})
    case.params = {**case.params, "document_id": slot["document_id"]}
    return case


def _public_insurer(w: World) -> Case:
    case = _platform_insurer(w)
    case.secrets = [w.insurer["legal_name"], w.insurer["rfc"]]  # shown only to the platform
    case.public = True
    case.public_statuses = (200,)
    return case


def _public_insurer_logo(w: World) -> Case:
    # The sweep's insurer has no logo: everyone gets the same 404 (an image or its redirect
    # once it has one); never its legal name or RFC.
    case = _public_insurer(w)
    case.public_statuses = (200, 302, 404)
    case.owner_status = (200, 302, 404)
    return case


def _staff_member(w: World) -> Case:
    params = {"account_id": w.staff_member}
    secrets = [f"personal-{w.tag.lower()}@example.mx"]
    case = _operator_case(w.operator_sec, w.operator_adn, w.insured_b, params, secrets)
    case.body = {"active": False}
    case.owner_body = {"duties": ["dictamen", "finanzas"]}
    case.snapshot = w.staff_view
    return case


def _staff_totp_reset(w: World) -> Case:
    case = _staff_member(w)
    case.body = case.owner_body = {}
    return case


def _roster_import(w: World) -> Case:
    secrets = [f"padron-{w.tag.lower()}.csv"]
    case = _operator_case(
        w.operator_sec, w.operator_adn, w.insured_b, {"import_id": w.roster_import}, secrets
    )
    case.snapshot = w.import_view
    return case


def _apply_import(w: World) -> Case:
    case = _roster_import(w)
    case.body = case.owner_body = {}
    # Its own validation is not finished (no file arrived): the owner is told so, not "not
    # found", which proves the route reached the record.
    case.owner_status = (409,)
    return case


def _import_template(w: World) -> Case:
    """A kind's template holds no insurer's data: every operator with the kind's duty gets it,
    other roles are refused and anonymous callers must sign in."""
    case = _operator_case(w.operator_sec, w.operator_adn, w.insured_b, {"kind": "polizas"}, [])
    case.query = case.owner_query = {"format": "csv"}
    shared = "a template holds no insurer's data: every operator with the kind's duty gets it"
    case.skipped = {"same_role": shared, "other_insurer_operator": shared}
    return case


FACTORIES: dict[tuple[str, str], Factory] = {
    ("GET", "/v1/claims/{claim_id}"): _claim,
    ("GET", "/v1/documents/{document_id}"): _document,
    ("GET", "/v1/documents/{document_id}/download"): _download,
    ("DELETE", "/v1/documents/{document_id}"): _delete_document,
    ("POST", "/v1/claims/{claim_id}/folio"): _folio,
    ("GET", "/v1/operator/claims/{claim_id}"): _operator_claim,
    ("GET", "/v1/operator/claims/{claim_id}/documents/{document_id}/download"): (
        _operator_claim_download
    ),
    ("POST", "/v1/operator/claims/{claim_id}/transitions"): _transition,
    ("POST", "/v1/claims/{claim_id}/documents"): _claim_documents,
    ("POST", "/v1/notifications/{notification_id}/read"): _notification,
    ("POST", "/v1/claims/{claim_id}/pending-response"): _pending_response,
    ("GET", "/v1/care-orders/{order_id}"): _care_order,
    ("GET", "/v1/care-orders/{order_id}/format"): _care_order_format,
    ("GET", "/v1/invoices/{invoice_id}"): _invoice,
    ("POST", "/v1/operator/invoices/{invoice_id}/payments"): _invoice_payment,
    ("POST", "/v1/operator/invoices/{invoice_id}/sat-check"): _invoice_sat_check,
    ("POST", "/v1/invoices/{invoice_id}/payment-complement"): _payment_complement,
    ("GET", "/v1/memberships/{membership_id}"): _membership,
    ("GET", "/v1/memberships/{membership_id}/card"): _membership,
    ("POST", "/v1/memberships/{membership_id}/payment-references"): _payment_reference,
    ("POST", "/v1/memberships/{membership_id}/card-payments"): _card_payment,
    ("DELETE", "/v1/appointments/{appointment_id}"): _appointment,
    ("GET", "/v1/sick-leaves/{sick_leave_id}/certificate"): _certificate,
    ("GET", "/v1/verify/sick-leaves/{sick_leave_id}"): _verify,
    ("POST", "/v1/operator/sick-leaves/{sick_leave_id}/authorize"): _authorize,
    ("GET", "/v1/settlements/{folio}"): _settlement,
    ("GET", "/v1/settlements/{folio}/transactions"): _settlement,
    ("GET", "/v1/operator/settlements/runs/{run_id}"): _run,
    ("GET", "/v1/operator/settlements/runs/{run_id}/settlements"): _run,
    ("GET", "/v1/provider/platform-invoices/{folio}"): _platform_invoice,
    ("GET", "/v1/me/data-requests/{request_id}"): _my_data_request,
    ("GET", "/v1/operator/data-requests/{request_id}"): _operator_data_request,
    ("POST", "/v1/operator/data-requests/{request_id}/decision"): _data_request_decision,
    ("PATCH", "/v1/operator/staff/{account_id}"): _staff_member,
    ("POST", "/v1/operator/staff/{account_id}/totp-reset"): _staff_totp_reset,
    ("GET", "/v1/operator/imports/{import_id}"): _roster_import,
    ("POST", "/v1/operator/imports/{import_id}/apply"): _apply_import,
    ("GET", "/v1/operator/imports/templates/{kind}"): _import_template,
    ("GET", "/v1/platform/insurers/{insurer_id}"): _platform_insurer,
    ("PATCH", "/v1/platform/insurers/{insurer_id}"): _platform_insurer_change,
    ("GET", "/v1/platform/insurers/{insurer_id}/versions"): _platform_insurer,
    ("POST", "/v1/platform/insurers/{insurer_id}/admins"): _platform_insurer_admin,
    ("POST", "/v1/platform/insurers/{insurer_id}/logo"): _platform_insurer_logo,
    ("GET", "/v1/platform/insurers/{insurer_id}/logo/{document_id}"): (
        _platform_insurer_logo_upload
    ),
    ("GET", "/v1/insurers/{insurer_id}/public"): _public_insurer,
    ("GET", "/v1/insurers/{insurer_id}/logo"): _public_insurer_logo,
}

METHODS = ("get", "put", "post", "patch", "delete")


def routes_with_ids(stack: LocalStack) -> list[tuple[str, str]]:
    document = requests.get(f"{stack.api_url}/v1/openapi.json", timeout=TIMEOUT).json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if "{" in path
        for method in operations
        if method in METHODS
    ]


def test_every_route_with_an_id_has_a_factory(local_stack: LocalStack) -> None:
    live = routes_with_ids(local_stack)
    assert live, "the OpenAPI document lists no route with an id"
    missing = [f"{m} {p}" for m, p in live if (m, p) not in FACTORIES]
    assert not missing, f"routes with an id and no factory in the sweep: {missing}"
    gone = [f"{m} {p}" for m, p in FACTORIES if (m, p) not in live]
    assert not gone, f"factories for routes the API no longer has: {gone}"


def _ghost(value: str) -> str:
    """An id of the same shape that names nothing: its last six letters or digits shifted."""
    chars = list(value)
    changed = 0
    for index in range(len(chars) - 1, -1, -1):
        char = chars[index]
        if changed == 6:
            break
        if char.isdigit():
            chars[index] = str((int(char) + 1) % 10)
        elif char in "abcdef":
            chars[index] = "abcdef"["abcdef".index(char) - 1]
        elif char in "ABCDEF":
            chars[index] = "ABCDEF"["ABCDEF".index(char) - 1]
        elif char.isalpha():
            chars[index] = "b" if char.lower() == "a" else "a"
        else:
            continue
        changed += 1
    return "".join(chars)


def _forged(owner: Actor, attacker: Actor) -> Actor:
    """The owner's claims under the attacker's signature: a tampered token (401)."""
    header, claims, _ = owner.headers["Authorization"].removeprefix("Bearer ").split(".")
    signature = attacker.headers["Authorization"].rsplit(".", 1)[1]
    return Actor("tampered token", {"Authorization": f"Bearer {header}.{claims}.{signature}"})


def _error(answer: requests.Response) -> tuple[int, Any]:
    """The status and the error object (None when the body is not our JSON error)."""
    try:
        body = answer.json()
    except ValueError:
        return answer.status_code, None
    return answer.status_code, body.get("error") if isinstance(body, dict) else None


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in text]


def _sweep(world: World, method: str, path: str, case: Case) -> tuple[Counter[str], list[str]]:
    """Try one route as every actor; answers (calls made by kind, problems found)."""
    assert method == "GET" or case.snapshot is not None, (
        f"{method} {path} changes things: its factory must give the owner's view to re-read"
    )
    url = path.format(**case.params)
    problems: list[str] = []
    checks: Counter[str] = Counter()
    actors: list[tuple[str, Actor | None]] = [
        ("same_role", case.same_role),
        ("other_role", case.other_role),
        ("other_insurer_operator", case.other_insurer),
        ("anonymous", ANONYMOUS),
    ]
    if case.insurer_operator is not None:
        actors.append(("insurer_operator", case.insurer_operator))
    if case.platform_admin is not None:
        actors.append(("platform_admin", case.platform_admin))
    if not case.public:
        actors.append(("tampered_token", _forged(case.owner, case.same_role)))
    before = case.snapshot() if case.snapshot else None
    for kind, actor in actors:
        if kind in case.skipped or actor is None:
            assert kind in case.skipped, f"{method} {path}: no {kind} and no reason why"
            continue
        answer = world.call(method, url, actor, case.body, case.query)
        checks["route × actor"] += 1
        label = f"{method} {path} as {kind} ({actor.name})"
        if case.public:
            if answer.status_code not in case.public_statuses:
                problems.append(f"{label}: {answer.status_code} {answer.text[:200]}")
        else:
            expected = case.expected.get(kind, 401 if kind == "tampered_token" else 403)
            if answer.status_code != expected:
                problems.append(f"{label}: {answer.status_code}, expected {expected}")
            elif (_error(answer)[1] or {}).get("code") != CODES[expected]:
                problems.append(f"{label}: code {answer.text[:200]}")
            elif expected == 404:
                # Not revealing existence: the same answer as for an id that names nothing.
                ghost = path.format(**{k: _ghost(v) for k, v in case.params.items()})
                unknown = world.call(method, ghost, actor, case.body, case.query)
                checks["404 against an unknown id"] += 1
                if _error(unknown) != _error(answer):
                    problems.append(
                        f"{label}: {_error(answer)} differs from an unknown id's {_error(unknown)}"
                    )
        leaked = _leaks(answer.text, case.secrets)
        if leaked:
            problems.append(f"{label}: the answer carries {leaked}")
    if case.snapshot:
        after = case.snapshot()
        if after != before:
            problems.append(f"{method} {path}: the resource changed: {before} → {after}")
    owner = world.call(
        method,
        url,
        case.owner,
        case.owner_body if case.owner_body is not None else case.body,
        case.owner_query if case.owner_query is not None else case.query,
    )
    checks["owner"] += 1
    if owner.status_code not in case.owner_status:
        problems.append(
            f"{method} {path} as the owner ({case.owner.name}): {owner.status_code} "
            f"{owner.text[:300]}"
        )
    return checks, problems


def test_every_route_with_an_id_refuses_everyone_but_its_owner(local_stack: LocalStack) -> None:
    started = time.monotonic()
    live = set(routes_with_ids(local_stack))
    missing = sorted(f"{m} {p}" for m, p in live if (m, p) not in FACTORIES)
    assert not missing, f"routes with an id and no factory in the sweep: {missing}"
    world = World(local_stack)
    checks: Counter[str] = Counter()
    problems: list[str] = []
    for (method, path), factory in FACTORIES.items():
        if (method, path) not in live:
            continue
        case = factory(world)
        if not case.public and not path.startswith("/v1/platform/"):
            case.platform_admin = world.platform_admin
        made, found = _sweep(world, method, path, case)
        checks += made
        problems += found
    # The figures a report quotes (shown with -s).
    print(
        f"authorization sweep: {len(live)} routes, {dict(checks)}, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert not problems, "\n".join(problems)
    assert checks["owner"] == len(live)
    assert checks["route × actor"] >= 4 * len(live)


def test_affiliate_services_are_scoped_to_the_operators_insurer(local_stack: LocalStack) -> None:
    """The operator routes of affiliate services that carry no id in their path: the demo
    clinic and affiliates are SEC's, so ADN's operator is answered as if they did not exist
    (the same 404 as for a clinic or NSS nobody has), changes nothing and lists none of them."""
    w = World(local_stack)
    sec, adn = w.operator_sec, w.operator_adn
    owner, nss = w.affiliate_a
    clinic = clinic_id(local_stack, owner.headers)
    day = weekdays_ahead(6)[5].isoformat()
    unregistered = "99999999999"

    def refused(method: str, path: str, body: Any, ghost: Any, query: Any = None) -> None:
        answer = w.call(method, path, adn, body, query)
        assert answer.status_code == 404, f"{method} {path}: {answer.text}"
        unknown = w.call(method, path, adn, ghost, query)
        assert _error(answer) == _error(unknown), (answer.text, unknown.text)
        assert not _leaks(answer.text, [nss, clinic, f"BARRIDO NORTE {w.tag}"])

    # Lists: ADN's clinics are not SEC's, and SEC's clinic's agendas are not found.
    listed = w.ok("GET", "/v1/clinics", adn)["items"]
    assert clinic not in [c["id"] for c in listed]
    assert clinic in [c["id"] for c in w.ok("GET", "/v1/clinics", sec)["items"]]
    answer = w.call("GET", "/v1/agenda", adn, query={"clinic": clinic, "date": day})
    assert answer.status_code == 404, answer.text
    assert _error(answer) == _error(
        w.call("GET", "/v1/agenda", adn, query={"clinic": _ghost(clinic), "date": day})
    )

    agenda = {
        "clinic_id": clinic,
        "doctor": f"DR. BARRIDO NORTE {w.tag}",
        "date": day,
        "shift": "vespertino",
        "slot_times": ["19:40"],
        "internet_quota": 1,
    }
    refused("POST", "/v1/operator/agendas", agenda, {**agenda, "clinic_id": _ghost(clinic)})
    prescription = {
        "nss": nss,
        "doctor": f"DRA. BARRIDO NORTE {w.tag}",
        "clinic": "UMF Norte",
        "date": date.today().isoformat(),
        "medicines": [{"name": "Paracetamol 500 mg", "dose": "1 cada 8 horas", "quantity": 1}],
    }
    before = w.ok("GET", "/v1/prescriptions", owner)["items"]
    refused(
        "POST", "/v1/operator/prescriptions", prescription, {**prescription, "nss": unregistered}
    )
    leave = {
        "nss": nss,
        "kind": "enfermedad_general",
        "start_date": date.today().isoformat(),
        "days": 1,
        "doctor": f"DRA. BARRIDO NORTE {w.tag}",
        "clinic": "UMF Norte",
        "authorize": True,
    }
    sick_before = w.my_sick_leaves()
    refused("POST", "/v1/operator/sick-leaves", leave, {**leave, "nss": unregistered})
    assert w.ok("GET", "/v1/prescriptions", owner)["items"] == before
    assert w.my_sick_leaves() == sick_before
    # Nothing ADN tried was loaded: SEC's agenda for that shift is still free to create.
    made = w.ok("POST", "/v1/operator/agendas", sec, agenda)
    assert made["doctor"] == agenda["doctor"]

    # Payment exceptions: a confirmation SEC's membership could not take is SEC's alone.
    reference = w.ok(
        "POST",
        f"/v1/memberships/{w.membership['id']}/payment-references",
        ANONYMOUS,
        {"method": "banco", "months": 2},
    )["reference"]
    simulated = w.ok(
        "POST",
        "/v1/operator/payments/simulations",
        sec,
        {"reference": reference, "amount": "1.00"},
    )
    assert simulated["answer"]["outcome"] == "excepcion", simulated
    seen_by_sec = w.ok("GET", "/v1/operator/payments/exceptions", sec, query={"limit": "100"})
    assert reference in [e["reference"] for e in seen_by_sec["items"]]
    seen_by_adn = w.call("GET", "/v1/operator/payments/exceptions", adn, query={"limit": "100"})
    assert seen_by_adn.status_code == 200, seen_by_adn.text
    assert reference not in seen_by_adn.text
    other = w.call("GET", "/v1/operator/payments/exceptions", adn, query={"insurer_id": "sec"})
    assert other.status_code == 404, other.text
    assert reference not in other.text
