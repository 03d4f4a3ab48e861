"""A documents world on moto in-process: owners, slots, uploads and S3 notifications.

Shared by the service tests and the handler tests. Uploads go straight to S3 with
`put_object` (moto enforces nothing of a presigned POST anyway); the notification S3 sends
to the `document-uploaded` queue is read back and turned into a real-shaped Lambda event.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import boto3

from chalicelib.auth import Principal
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner, FileSpec
from chalicelib.documents.schemas import SlotOut
from infrastructure.local.pump import lambda_event

PREFIX = "portal-test-"
BUCKET = f"{PREFIX}documents"
QUEUE = f"{PREFIX}document-uploaded"

ANA = Principal("acct-ana", "asegurado", ("sec",))
LUIS = Principal("acct-luis", "asegurado", ("sec",))
OPERATOR_SEC = Principal("acct-op-sec", "operador", ("sec",))
OPERATOR_ADN = Principal("acct-op-adn", "operador", ("adn",))


def claim_of(principal: Principal, claim_id: str | None = None) -> documents.Owner:
    return documents.Owner(
        kind=DocumentOwner.CLAIM,
        id=claim_id or str(uuid.uuid4()),
        account_id=principal.account_id,
        insurer_id=principal.insurer_ids[0],
    )


def file(name: str, data: bytes, doc_type: str = "informe_medico") -> FileSpec:
    return FileSpec(name=name, size=len(data), content_type="", doc_type=doc_type)


@dataclass
class DocumentsWorld:
    """Slots, uploads and the queue, plus what the owners' listeners heard."""

    heard: list[documents.Document] = field(default_factory=list)

    @property
    def s3(self) -> Any:
        return boto3.client("s3", region_name="us-east-1")

    @property
    def sqs(self) -> Any:
        return boto3.client("sqs", region_name="us-east-1")

    def queue_url(self, name: str = QUEUE) -> str:
        return str(self.sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def slot(
        self,
        principal: Principal,
        name: str,
        data: bytes,
        *,
        doc_type: str = "informe_medico",
        owner: documents.Owner | None = None,
    ) -> SlotOut:
        owner = owner or claim_of(principal)
        [slot] = documents.create_slots(owner, [file(name, data, doc_type)], principal.account_id)
        return slot

    def upload(self, slot: SlotOut, data: bytes) -> None:
        fields = slot.upload.fields
        self.s3.put_object(
            Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=fields["Content-Type"]
        )

    def drain(self) -> list[dict[str, Any]]:
        """The messages waiting on the queue (S3's notifications), removed from it."""
        url = self.queue_url()
        found: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            found += batch

    def notifications(self) -> list[str]:
        """Bodies of S3's ObjectCreated notifications waiting on the queue (test events dropped)."""
        return [
            message["Body"] for message in self.drain() if "Records" in json.loads(message["Body"])
        ]

    def event(self, bodies: list[str]) -> dict[str, Any]:
        """A real-shaped Lambda SQS event, one record per body, each with its own id."""
        messages = [
            {
                "MessageId": str(uuid.uuid4()),
                "ReceiptHandle": f"handle-{uuid.uuid4()}",
                "Body": body,
                "Attributes": {"ApproximateReceiveCount": "1"},
                "MD5OfBody": "",
            }
            for body in bodies
        ]
        return lambda_event(messages, f"arn:aws:sqs:us-east-1:123456789012:{QUEUE}", "us-east-1")

    def listen(self, document: documents.Document) -> None:
        self.heard.append(document)


def s3_notification(
    key: str, *, size: int = 1, etag: str | None = None, encode: bool = True
) -> str:
    """A notification as S3 writes it to SQS, with the key URL-encoded as S3 does."""
    return json.dumps(
        {
            "Records": [
                {
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "awsRegion": "us-east-1",
                    "eventTime": "2026-06-01T12:00:00.000Z",
                    "eventName": "ObjectCreated:Post",
                    "s3": {
                        "s3SchemaVersion": "1.0",
                        "bucket": {"name": BUCKET, "arn": f"arn:aws:s3:::{BUCKET}"},
                        "object": {
                            "key": quote_plus(key) if encode else key,
                            "size": size,
                            **({"eTag": etag} if etag else {}),
                        },
                    },
                }
            ]
        }
    )
