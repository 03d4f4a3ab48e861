"""Imports on moto in-process: SEC's staff upload files through the documents pipeline and
the `imports` queue is delivered by hand, one message at a time, as the SQS trigger does."""

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
from chalicelib.auth import DUTIES, Principal
from chalicelib.documents import service as documents
from chalicelib.imports import kinds
from chalicelib.imports import service as imports
from chalicelib.imports.schemas import ImportCreated, ImportFileIn, ImportRequest
from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer
from tests.fixtures.clock import Clock

# Wednesday 2026-11-25 11:00 in Mexico City.
START = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
BUCKET = "portal-test-documents"
UPLOAD_QUEUE = "portal-test-document-uploaded"
IMPORTS_QUEUE = "portal-test-imports"
HEADER = ",".join(kinds.POLIZAS.headers)


def roster_line(
    poliza: str,
    certificado: str,
    parentesco: str = "titular",
    nombre: str = "ANA TORRES VEGA",
    estatus: str = "vigente",
    **changes: str,
) -> str:
    values = {
        "poliza": poliza,
        "certificado": certificado,
        "parentesco": parentesco,
        "nombre": nombre,
        "fecha_nacimiento": "1985-04-12",
        "rfc": "",
        "coberturas": "gmm_mayores",
        "vigencia_inicio": "2026-01-01",
        "vigencia_fin": "2026-12-31",
        "estatus": estatus,
    } | changes
    return ",".join(values[c] for c in kinds.POLIZAS.headers)


def roster_csv(lines: list[str], *, bom: bool = True) -> bytes:
    text = "\n".join([HEADER, *lines]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@dataclass
class ImportsWorld:
    clock: Clock
    admin: Principal
    admin_email: str
    finance: Principal  # an operator of SEC with only finanzas
    other_insurer: Principal
    s3: Any
    sqs: Any

    def request(
        self,
        data: bytes,
        *,
        mode: str = "validar",
        name: str = "padron.csv",
        kind: str = "polizas",
        who: Principal | None = None,
    ) -> ImportCreated:
        return imports.request_import(
            who or self.admin,
            ImportRequest(kind=kind, mode=mode, file=ImportFileIn(name=name, size=len(data))),  # type: ignore[arg-type]
        )

    def upload(self, created: ImportCreated, data: bytes) -> str:
        """The object in S3 and the pipeline's verdict (which queues the import); its version."""
        fields = created.slot.upload.fields
        put = self.s3.put_object(
            Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=fields["Content-Type"]
        )
        self.judge()
        return str(put["VersionId"])

    def judge(self) -> None:
        url = self.sqs.get_queue_url(QueueName=UPLOAD_QUEUE)["QueueUrl"]
        while batch := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                if "Records" in message["Body"]:
                    documents.handle_upload_notification(message["Body"])
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def messages(self) -> list[str]:
        """Take every queued import message (without running them)."""
        url = self.sqs.get_queue_url(QueueName=IMPORTS_QUEUE)["QueueUrl"]
        bodies = []
        while batch := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                bodies.append(message["Body"])
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return bodies

    def run(self, budget: float = 600.0) -> int:
        """Deliver the imports queue until it is empty; the number of messages handled."""
        handled = 0
        while bodies := self.messages():
            for body in bodies:
                imports.handle_message(body, budget_seconds=budget)
                handled += 1
        return handled

    def import_file(
        self, data: bytes, *, mode: str = "validar", name: str = "padron.csv", kind: str = "polizas"
    ) -> str:
        created = self.request(data, mode=mode, name=name, kind=kind)
        self.upload(created, data)
        self.run()
        return created.import_id


@pytest.fixture
def world(aws: dict[str, Any]) -> Iterator[ImportsWorld]:
    controlled = Clock.installed(START)
    notifications._queue_url.cache_clear()
    policies.load_roster(Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"), [])
    policies.load_roster(Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4"), [])
    email = f"admin-{uuid.uuid4().hex[:6]}@example.mx"
    admin = accounts.seed_active_account(
        "operador", email, "ADMINISTRADORA SEC", "una frase larga segura", insurer_ids=["sec"]
    )
    finance = accounts.seed_active_account(
        "operador",
        f"fin-{uuid.uuid4().hex[:6]}@example.mx",
        "FINANZAS SEC",
        "una frase larga segura",
        insurer_ids=["sec"],
    )
    yield ImportsWorld(
        clock=controlled,
        admin=Principal(admin, "operador", ("sec",), duties=DUTIES),
        admin_email=email,
        finance=Principal(finance, "operador", ("sec",), duties=("finanzas",)),
        other_insurer=Principal("op-adn", "operador", ("adn",), duties=DUTIES),
        s3=boto3.client("s3", region_name="us-east-1"),
        sqs=boto3.client("sqs", region_name="us-east-1"),
    )
    clock.set_clock(None)
