"""A providers world on moto in-process: the insurer, providers, an operator, uploads that go
through the documents pipeline, and the emails it sends."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import boto3

from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import SlotOut
from chalicelib.providers import schemas as s
from chalicelib.providers import service as providers

BUCKET = "portal-test-documents"
QUEUE = "portal-test-document-uploaded"
PASSWORD = "una frase larga segura"
OPERATOR_SEC = Principal("acct-op-sec", "operador", ("sec",))
OPERATOR_ADN = Principal("acct-op-adn", "operador", ("adn",))


@dataclass
class ProvidersWorld:
    # One client each: building a boto3 client parses its service model (~0.1 s).
    s3: Any = field(default_factory=lambda: boto3.client("s3"))
    sqs: Any = field(default_factory=lambda: boto3.client("sqs"))

    def provider(
        self,
        *,
        rfc: str = "RASJ750312H42",
        name: str = "JORGE ALBERTO RAMIREZ SOTO",
        regime: str = "612",
        cedular: bool = False,
    ) -> Principal:
        account_id = accounts.seed_active_account(
            "prestador",
            f"{uuid.uuid4().hex[:10]}@prestador.mx",
            name,
            PASSWORD,
            details={
                "country": "MX",
                "rfc": rfc,
                "fiscal_regime": regime,
                "jalisco_cedular": cedular,
            },
        )
        return Principal(account_id, "prestador")

    def load_orders(
        self, rfc: str, *orders: tuple[str, str, str], insurer: str = "sec", **extra: Any
    ) -> list[s.CareOrderOut]:
        body = s.OperatorOrdersIn(
            insurer_id=insurer,
            provider_rfc=rfc,
            orders=[
                s.DigitalOrderIn(
                    account_number=number,
                    patient_name=patient,
                    service="consulta",
                    date="2026-05-20",  # type: ignore[arg-type]
                    amount=s.MoneyIn(amount=amount),
                    coinsurance=s.MoneyIn(amount="100.00"),
                    insured_signature=True,
                    doctor_signature=True,
                    **extra,
                )
                for number, patient, amount in orders
            ],
        )
        operator = OPERATOR_SEC if insurer == "sec" else OPERATOR_ADN
        return providers.load_digital_orders(operator, body).items

    def upload(self, slot: SlotOut, data: bytes, *, validate: bool = True) -> None:
        self.s3.put_object(
            Bucket=BUCKET,
            Key=slot.upload.fields["key"],
            Body=data,
            ContentType=slot.upload.fields["Content-Type"],
        )
        if validate:
            self.validate()

    def notifications(self) -> list[str]:
        sqs = self.sqs
        url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
        bodies: list[str] = []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return bodies
            for message in batch:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                if "Records" in json.loads(message["Body"]):
                    bodies.append(message["Body"])

    def validate(self) -> None:
        """What the validating function does with every notification waiting."""
        for body in self.notifications():
            documents.handle_upload_notification(body)

    def invoice(self, provider: Principal, order_ids: list[str], data: bytes) -> str:
        created = providers.create_invoice(
            provider,
            s.InvoiceIn(
                care_order_ids=order_ids,
                file=s.UploadFile(name="factura.xml", size=len(data), content_type="text/xml"),
            ),
        )
        self.upload(created.slot, data)
        return created.invoice_id
