"""The journeys that bench/cost.py counts, and the platform they run on.

`Platform` drives the app on moto (`mock_aws`, every resource of the definition, as the tests'
`aws` fixture builds it) through the real code paths:

- HTTP routes through Chalice's test client (`chalice.test.Client`): the same gateway code
  `chalice local` uses, with the built-in authorizer verifying real Cognito (moto) id tokens;
- the real event handlers (`validate_document` on the S3 -> SQS notifications moto sends,
  `send_email` on the outbox queue, `settle_provider` on the settlement tasks) invoked with the
  messages this script receives from the queues, as Lambda's SQS poller would;
- the browser's own S3 requests (presigned POST uploads, presigned GET downloads) made with
  boto3, since they are billed to the account like any other S3 request.

Each invocation is timed and its stdout counted (what Lambda would ship to CloudWatch Logs).
The seeds (`seed_*`) load what an operator or a batch would, outside any counted operation.
Nothing here imports chalicelib at module level: the environment is set first (cost.py).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cost_model import AwsCallCounter, Usage

ROOT = Path(__file__).resolve().parents[1]

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - moto only, as the tests'
PASSWORD = "una frase larga segura"  # noqa: S105 - moto only
DOCUMENTS_PER_CLAIM = 10
PROVIDERS = int(os.environ.get("BENCH_COST_PROVIDERS", "10"))
PER_PROVIDER = int(os.environ.get("BENCH_COST_PER_PROVIDER", "100"))
SETTLEMENT_SCALE_PROVIDERS = 1000


class CountingStream(io.TextIOBase):
    """stdout during an invocation: what Lambda would ship to CloudWatch Logs, counted."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return len(text)


class Platform:
    """The app on moto, driven the way API Gateway, Lambda's SQS poller and a browser do."""

    def __init__(self, counter: AwsCallCounter) -> None:
        import boto3
        from chalice.test import Client

        import app as app_module
        from chalicelib.accounts import service as accounts
        from chalicelib.auth import Principal
        from chalicelib.config import get_settings
        from infrastructure import definition

        self.counter = counter
        self.app = app_module.app
        self.client = Client(self.app)
        self.client.__enter__()
        self.settings = get_settings()
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.stream = CountingStream()
        # Lambda's poller knows its queue's URL; the script looks them up before counting.
        self.queue_urls = {
            queue.name: self.sqs.get_queue_url(QueueName=self.settings.queue_name(queue.name))[
                "QueueUrl"
            ]
            for queue in definition.QUEUES
        }
        self._capture_logs()
        self.authorized_tokens: set[str] = set()
        original = accounts.authenticate_token

        # The authorizer runs for every request in Chalice's local gateway; API Gateway
        # caches its answer for 30 s per token, so (within an operation) only the first use of
        # a token invokes it. Its two reads (account and session) are counted on every request:
        # an upper bound, as the cache absorbs the reads of requests within its 30 s.
        def authenticate(id_token: str) -> Principal:
            if self.usage is not None and id_token not in self.authorized_tokens:
                self.authorized_tokens.add(id_token)
                self.usage.lambda_invocations["authorizer"] += 1
            return original(id_token)

        accounts.authenticate_token = authenticate
        self.usage: Usage | None = None

    def _capture_logs(self) -> None:
        import logging

        for name in ("portal-medico", ""):
            for handler in logging.getLogger(name).handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream in (
                    sys.stdout,
                    sys.__stdout__,
                ):
                    handler.setStream(self.stream)

    @contextlib.contextmanager
    def operation(self, usage: Usage) -> Iterator[Usage]:
        self.usage = usage
        self.authorized_tokens = set()
        with self.counter.recording(usage):
            yield usage
        self.usage = None

    @contextlib.contextmanager
    def _invocation(self, function: str) -> Iterator[None]:
        assert self.usage is not None
        before = self.stream.bytes
        started = time.perf_counter()
        with contextlib.redirect_stdout(self.stream):
            yield
        elapsed_ms = math.ceil((time.perf_counter() - started) * 1000)
        self.usage.lambda_invocations[function] += 1
        self.usage.lambda_ms += elapsed_ms
        self.usage.log_bytes += self.stream.bytes - before

    # --- API Gateway -> Lambda -------------------------------------------------------------

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> dict[str, Any]:
        assert self.usage is not None
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self._invocation("api"):
            answer = self.client.http.request(
                method,
                path,
                headers=headers,
                body=json.dumps(body).encode() if body is not None else b"",
            )
        self.usage.api_requests += 1
        self.usage.routes[f"{method} {_route_of(self.app, path)}"] += 1
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {answer.status_code}: {answer.body[:400]!r}")
        return json.loads(answer.body) if answer.body else {}

    # --- SQS -> Lambda ---------------------------------------------------------------------

    def drain(self, queue: str, function: str) -> int:
        """Lambda's poller: receive, invoke the handler with one message, delete."""
        url = self.queue_urls[queue]
        handled = 0
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                # Lambda's pollers long-poll all the time; their empty receives are a fixed
                # cost per queue, not per operation (see the notes), so this one is not
                # counted.
                assert self.usage is not None
                self.usage.calls["sqs:ReceiveMessage"] -= 1
                self.usage.sqs_chunks -= 1
                return handled
            for message in messages:
                event = self.client.events.generate_sqs_event(
                    message_bodies=[message["Body"]], queue_name=queue
                )
                with self._invocation(function):
                    answer = self.client.lambda_.invoke(function, event)
                failures = (answer.payload or {}).get("batchItemFailures") or []
                if failures:
                    raise RuntimeError(f"{function} failed: {answer.payload}")
                handled += 1
            self.sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(messages)
                ],
            )

    def emails(self) -> int:
        return self.drain("email-outbox", "send_email")

    def sent_to(self, address: str) -> list[Any]:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
        return [m for m in sent if address in m.destinations.get("ToAddresses", [])]

    # --- the browser's own S3 requests -----------------------------------------------------

    def upload(self, slot: dict[str, Any], data: bytes) -> None:
        fields = slot["upload"]["fields"]
        self.s3.put_object(
            Bucket=self.settings.documents_bucket,
            Key=fields["key"],
            Body=data,
            ContentType=fields["Content-Type"],
        )

    def download(self, url: str) -> None:
        from urllib.parse import unquote, urlparse

        parts = urlparse(url)
        path = unquote(parts.path).lstrip("/")
        bucket = self.settings.documents_bucket
        key = path[len(bucket) + 1 :] if path.startswith(bucket + "/") else path
        self.s3.get_object(Bucket=bucket, Key=key)


def _route_of(app: Any, path: str) -> str:
    """The route template a path matched (ids as {name}), for the per-route counts."""
    bare = path.split("?", 1)[0].rstrip("/").split("/")
    for template in app.routes:
        parts = template.split("/")
        if len(parts) == len(bare) and all(
            p == b or (p.startswith("{") and p.endswith("}"))
            for p, b in zip(parts, bare, strict=True)
        ):
            return str(template)
    return path


def login(platform: Platform, identifier: str, totp: bool = False) -> str:
    answer = platform.call(
        "POST", "/v1/auth/login", {"identifier": identifier, "password": PASSWORD}
    )
    if totp:
        import pyotp

        answer = platform.call(
            "POST",
            "/v1/auth/totp",
            {"session": answer["session"], "code": pyotp.TOTP(TOTP_SECRET).now()},
        )
    return str(answer["id_token"])


def _claim_files() -> list[tuple[str, str, bytes]]:
    from tests.unit.documents import builders

    def expense() -> bytes:
        return builders.cfdi_expense(uuid=str(uuid.uuid4()).upper())

    def pdf(title: str) -> bytes:
        return builders.make_pdf([[title, "Paciente: ANA SOFIA TORRES VEGA"]])

    statement = builders.statement_pdf(
        clabe=builders.STATEMENT_CLABE,
        holder="ANA SOFIA TORRES VEGA",
        period="Periodo: del 01/10/2026 al 31/10/2026",
    )
    return [
        ("informe.pdf", "informe_medico", pdf("Informe médico")),
        ("estado_cuenta.pdf", "bank_statement", statement),
        ("identificacion.pdf", "identificacion", pdf("Identificación")),
        ("factura1.xml", "cfdi_expense", expense()),
        ("factura2.xml", "cfdi_expense", expense()),
        ("factura3.xml", "cfdi_expense", expense()),
        ("factura1.pdf", "factura_pdf", pdf("Factura 1")),
        ("factura2.pdf", "factura_pdf", pdf("Factura 2")),
        ("receta1.pdf", "recetas", pdf("Receta 1")),
        ("receta2.pdf", "recetas", pdf("Receta 2")),
    ]


def seed_claims(n: int) -> tuple[str, str]:
    """A policy whose titular registers, and an operator of its insurer (not counted)."""
    from chalicelib.accounts import service as accounts
    from chalicelib.policies import service as policies
    from chalicelib.policies.service import Insurer, Member, Policy

    policy_number = f"GMM-BENCH-{n:07d}"
    policies.load_roster(
        Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"),
        [
            Policy(
                "sec",
                policy_number,
                "ANA SOFIA TORRES VEGA",
                [Member(f"m-bench-{n}", "ANA SOFIA TORRES VEGA", "titular")],
                ["gmm_mayores"],
            )
        ],
    )
    operator = f"dictaminador{n}@example.mx"
    accounts.seed_active_account(
        "operador",
        operator,
        "DICTAMINADOR BENCH",
        PASSWORD,
        insurer_ids=["sec"],
        totp_secret=TOTP_SECRET,
    )
    return policy_number, operator


def registration(platform: Platform, policy_number: str) -> str:
    """The titular registers and activates the account (the email's link carries the token)."""
    import re

    email = f"ana-{uuid.uuid4().hex[:8]}@example.mx"
    platform.call(
        "POST",
        "/v1/accounts/insured",
        {
            "full_name": "Ana Sofía Torres Vega",
            "policy_number": policy_number,
            "email": email,
            "accept_privacy_broker": True,
            "accept_privacy_insurer": True,
        },
    )
    platform.emails()
    [message] = platform.sent_to(email)
    token = re.search(r"#token=([\w-]+)", message.body)
    assert token, message.body
    platform.call("POST", "/v1/accounts/activate", {"token": token.group(1), "password": PASSWORD})
    platform.emails()
    return email


def claim_journey(platform: Platform, email: str, operator: str) -> dict[str, Any]:
    """Log-in, step 1, 10 slots, 10 uploads and verdicts, folio, tracking, review, emails."""
    ana = login(platform, email)

    # The wizard: policy and catalogue, step 1, slots, uploads, verdicts.
    policy = platform.call("GET", "/v1/policy", token=ana)
    platform.call("GET", "/v1/catalog/claims", token=ana)
    member = next(m for m in policy["members"] if m["relationship"] == "titular")
    claim = platform.call(
        "POST",
        "/v1/claims",
        {
            "member_id": member["id"],
            "coverage": "gmm_mayores",
            "type": "reembolso",
            "stage": "inicial",
            "payout_clabe": _clabe(),
            "consent": True,
        },
        token=ana,
    )
    files = _claim_files()
    slots = platform.call(
        "POST",
        f"/v1/claims/{claim['id']}/documents",
        {"files": [{"name": n, "size": len(d), "doc_type": t} for n, t, d in files]},
        token=ana,
    )["items"]
    for slot, (_, _, data) in zip(slots, files, strict=True):
        platform.upload(slot, data)
        # The page asks once before the verdict and once after (it polls every 700 ms).
        platform.call("GET", f"/v1/documents/{slot['document_id']}", token=ana)
    validated = platform.drain("document-uploaded", "validate_document")
    verdicts = [
        platform.call("GET", f"/v1/documents/{slot['document_id']}", token=ana)["status"]
        for slot in slots
    ]
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    folio = platform.call("POST", f"/v1/claims/{claim['id']}/folio", token=ana)["folio"]
    platform.emails()

    # Tracking: the list, the detail, the notifications.
    platform.call("GET", "/v1/claims?view=en_tramite", token=ana)
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    platform.call("GET", "/v1/notifications", token=ana)

    # The operator's review: queue, detail, every document opened, three moves.
    op = login(platform, operator, totp=True)
    platform.call("GET", "/v1/operator/claims", token=op)
    detail = platform.call("GET", f"/v1/operator/claims/{claim['id']}", token=op)
    for document in detail["documents"]:
        link = platform.call(
            "GET",
            f"/v1/operator/claims/{claim['id']}/documents/{document['id']}/download",
            token=op,
        )
        platform.download(link["url"])
    # An approval names the approved amount, the deductible and the coinsurance (pesos).
    approval = {"approved_amount": "15000.00", "deductible": "1000.00", "coinsurance": "1400.00"}
    for status in ("en_revision", "aprobado", "pagado"):
        body = {"to": status, **(approval if status == "aprobado" else {})}
        platform.call("POST", f"/v1/operator/claims/{claim['id']}/transitions", body, token=op)
        platform.emails()

    # The insured sees the outcome.
    platform.call("GET", f"/v1/claims/{claim['id']}", token=ana)
    platform.call("GET", "/v1/notifications", token=ana)
    platform.emails()
    return {"folio": folio, "validated": validated, "verdicts": Counter(verdicts)}


def _clabe() -> str:
    from tests.unit.documents import builders

    return str(builders.STATEMENT_CLABE)


def seed_appointments(n: int) -> tuple[str, str, str]:
    """An affiliate, a clinic and tomorrow's agenda (operators' loads, not counted)."""
    from datetime import timedelta

    from chalicelib import clock
    from chalicelib.accounts import service as accounts
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import AgendaIn, ClinicIn
    from chalicelib.auth import Principal
    from chalicelib.registry import service as registry
    from chalicelib.registry.service import AffiliateRecord

    nss = _nss(n)
    registry.load(
        [AffiliateRecord(f"m-afil-{n}", nss, f"SERIE-B{n:04d}", "MARIA HERNANDEZ", "sec")]
    )
    email = f"maria-{uuid.uuid4().hex[:8]}@example.mx"
    accounts.seed_active_account(
        "afiliado",
        email,
        "MARIA HERNANDEZ",
        PASSWORD,
        details={"nss": nss, "credential_serial": f"SERIE-B{n:04d}"},
    )
    operator = Principal("op-bench", "operador", ("sec",))
    clinic = appointments.create_clinic(operator, ClinicIn(name=f"UMF {n} Bench"))
    day = clock.now().date() + timedelta(days=1)
    appointments.create_agenda(
        operator,
        AgendaIn(
            clinic_id=clinic.id,
            doctor="DRA. LAURA MEDINA",
            date=day,
            shift="matutino",
            slot_times=[f"{h:02d}:{m:02d}" for h in range(8, 14) for m in (0, 20, 40)],
            internet_quota=10,
        ),
    )
    return email, clinic.id, day.isoformat()


def _nss(n: int) -> str:
    """A valid NSS (Luhn over the first ten digits)."""
    base = f"{70000000 + n:010d}"
    total = 0
    for i, digit in enumerate(int(c) for c in base):
        value = digit * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return base + str((10 - total % 10) % 10)


def appointment_journey(platform: Platform, email: str, clinic_id: str, day: str) -> dict[str, Any]:
    """Log-in, family, clinics, the day's agenda, the booking, the list, the email."""
    token = login(platform, email)
    family = platform.call("GET", "/v1/family", token=token)
    platform.call("GET", "/v1/clinics", token=token)
    agenda = platform.call("GET", f"/v1/agenda?date={day}&clinic={clinic_id}", token=token)
    slot = next(s for s in agenda["items"][0]["slots"] if s["available"])
    patient = next(m for m in family["items"] if m["is_self"])
    booked = platform.call(
        "POST",
        "/v1/appointments",
        {"slot_id": slot["id"], "patient_id": patient["id"]},
        token=token,
    )
    platform.call("GET", "/v1/appointments", token=token)
    emails = platform.emails()
    return {"status": booked["status"], "emails": emails}


def seed_settlement() -> list[dict[str, Any]]:
    """Chilean providers and a week of their transactions (generated as bench/settlement.py)."""
    import importlib.util

    from chalicelib import clock
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import calendar

    os.environ["BENCH_SETTLEMENT_PER_PROVIDER"] = str(PER_PROVIDER)
    spec = importlib.util.spec_from_file_location("settlement_bench", ROOT / "bench/settlement.py")
    assert spec is not None
    assert spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    ruts = generator._ruts(PROVIDERS)
    for n, rut in enumerate(ruts):
        accounts.seed_active_account(
            "prestador",
            f"prestador{n:05d}@example.cl",
            f"PRESTADOR BENCH {n:05d}",
            PASSWORD,
            details={"country": "CL", "rut": rut},
        )
    period_end = calendar.last_closed_period_end(clock.now())
    items: list[dict[str, Any]] = generator._week(ruts, period_end)
    return items


def settlement_load(platform: Platform, operator_token: str, items: list[dict[str, Any]]) -> int:
    """The operator's loads: POST /v1/operator/transactions, 1,000 items per request."""
    for start in range(0, len(items), 1000):
        answer = platform.call(
            "POST",
            "/v1/operator/transactions",
            {"items": items[start : start + 1000]},
            token=operator_token,
        )
        assert not answer.get("rejected"), answer
    return len(items)


def settlement_run(platform: Platform) -> int:
    """The weekly schedule (one invocation) and one consumer invocation per provider."""
    event = platform.client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    with platform._invocation("weekly_settlement"):
        platform.client.lambda_.invoke("weekly_settlement", event)
    return platform.drain("settlement-tasks", "settle_provider")
