"""Claims on moto in-process: a policy with dependents, conditions and hospitals, an insured
account, operators of two insurers, real uploads judged by the documents pipeline."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from chalicelib import clock
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ClaimFilesIn, ClaimIn, ClaimOut
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import FileIn
from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.policies.service import Condition, Hospital, Insurer, Member, Policy
from tests.fixtures.clock import Clock
from tests.service.accounts.conftest import Mailbox
from tests.unit.documents import builders

# Wednesday 2026-11-25 11:00 in Mexico City.
START = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
CLABE = builders.STATEMENT_CLABE
TITULAR = "ANA SOFIA TORRES VEGA"
BUCKET = "portal-test-documents"
UPLOAD_QUEUE = "portal-test-document-uploaded"


def statement() -> bytes:
    return builders.statement_pdf(
        clabe=CLABE, holder=TITULAR, period="Periodo: del 01/10/2026 al 31/10/2026"
    )


def expense() -> bytes:
    return builders.cfdi_expense(uuid=str(uuid.uuid4()).upper())


def report() -> bytes:
    return builders.make_pdf([["Informe médico", "Paciente: ANA SOFIA TORRES VEGA"]])


@dataclass
class ClaimsWorld:
    clock: Clock
    mailbox: Mailbox
    ana: Principal
    other: Principal
    operator: Principal
    operator_adn: Principal
    members: dict[str, str]  # relationship → member id
    condition_id: str
    hospital_id: str

    def new_claim(self, **fields: Any) -> ClaimOut:
        values: dict[str, Any] = {
            "member_id": self.members["titular"],
            "coverage": "gmm_mayores",
            "type": "reembolso",
            "stage": "inicial",
            "payout_clabe": CLABE,
            "consent": True,
        }
        values.update(fields)
        return claims.create_claim(self.ana, ClaimIn(**values))

    def upload(
        self, claim_id: str, files: list[tuple[str, str, bytes]], who: Principal | None = None
    ) -> list[str]:
        """Slots for (name, doc_type, bytes), the objects in S3, and the pipeline's verdicts."""
        principal = who or self.ana
        slots = claims.request_slots(
            principal,
            claim_id,
            ClaimFilesIn(files=[FileIn(name=n, size=len(d), doc_type=t) for n, t, d in files]),
        ).items
        s3 = boto3.client("s3", region_name="us-east-1")
        for slot, (_, _, data) in zip(slots, files, strict=True):
            fields = slot.upload.fields
            s3.put_object(
                Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=fields["Content-Type"]
            )
        self.judge()
        return [slot.document_id for slot in slots]

    def judge(self) -> None:
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.get_queue_url(QueueName=UPLOAD_QUEUE)["QueueUrl"]
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return
            for message in batch:
                if "Records" in message["Body"]:
                    documents.handle_upload_notification(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def complete_reimbursement(self) -> ClaimOut:
        claim = self.new_claim()
        self.upload(
            claim.id,
            [
                ("informe.pdf", "informe_medico", report()),
                ("factura.xml", "cfdi_expense", expense()),
                ("estado_cuenta.pdf", "bank_statement", statement()),
            ],
        )
        return claim


@pytest.fixture
def world(aws: dict[str, Any]) -> Iterator[ClaimsWorld]:
    controlled = Clock.installed(START)
    notifications._queue_url.cache_clear()
    titular = Member("m-ana", TITULAR, "titular")
    luis = Member("m-luis", "LUIS TORRES VEGA", "hijo")
    carlos = Member("m-carlos", "CARLOS MENDEZ RUIZ", "conyuge")
    policies.load_roster(
        Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"),
        [
            Policy("sec", "GMM-2026-0000001", TITULAR, [titular, luis, carlos], ["gmm_mayores"]),
            Policy(
                "sec",
                "GMM-2026-0000002",
                "PEDRO PEREZ",
                [Member("m-pedro", "PEDRO PEREZ", "titular")],
                ["gmm_mayores", "gmm_menores"],
            ),
        ],
    )
    policies.load_roster(Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4"), [])
    policies.load_conditions(
        "sec",
        [Condition("cond-1", "GMM-2026-0000001", "m-luis", "Fractura de tibia", "2026-03-02")],
    )
    policies.load_hospitals(
        "sec",
        [Hospital("hosp-1", "HOSPITAL CENTRAL", "Ciudad de México", "CDMX", "Av. Reforma 1")],
    )
    password = "una frase larga segura"
    ana = accounts.seed_active_account(
        "asegurado",
        f"ana-{uuid.uuid4().hex[:6]}@example.mx",
        TITULAR,
        password,
        insurer_ids=["sec"],
        details={"policy_number": "GMM-2026-0000001", "insurer_id": "sec"},
    )
    pedro = accounts.seed_active_account(
        "asegurado",
        f"pedro-{uuid.uuid4().hex[:6]}@example.mx",
        "PEDRO PEREZ",
        password,
        insurer_ids=["sec"],
        details={"policy_number": "GMM-2026-0000002", "insurer_id": "sec"},
    )
    yield ClaimsWorld(
        clock=controlled,
        mailbox=Mailbox(),
        ana=Principal(ana, "asegurado", ("sec",)),
        other=Principal(pedro, "asegurado", ("sec",)),
        operator=Principal("op-sec", "operador", ("sec",)),
        operator_adn=Principal("op-adn", "operador", ("adn",)),
        members={"titular": "m-ana", "hijo": "m-luis", "conyuge": "m-carlos"},
        condition_id="cond-1",
        hospital_id="hosp-1",
    )
    clock.set_clock(None)
