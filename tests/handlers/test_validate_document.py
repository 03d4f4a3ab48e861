"""The validating handler with real-shaped SQS events carrying S3 notifications (moto)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import app as app_module
from chalicelib.auth import Principal
from chalicelib.documents import limits, validation
from chalicelib.documents import service as documents
from chalicelib.documents.rules import DocumentOwner
from infrastructure.local.pump import EventPump, LambdaContext, routes_for_app
from tests.service.documents.world import (
    ANA,
    BUCKET,
    PREFIX,
    DocumentsWorld,
    s3_notification,
)
from tests.unit.documents import builders

PDF = builders.make_pdf()


@pytest.fixture
def world(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> DocumentsWorld:
    found = DocumentsWorld()
    monkeypatch.setitem(documents._listeners, str(DocumentOwner.CLAIM), found.listen)
    return found


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Kinds of every file the handler actually parsed."""
    seen: list[str] = []
    original = validation.validate_bytes

    def spy(data: bytes, kind: str, context: Any = None) -> Any:
        seen.append(kind)
        return original(data, kind, context)

    monkeypatch.setattr(validation, "validate_bytes", spy)
    return seen


def handle(world: DocumentsWorld, bodies: list[str]) -> tuple[dict[str, Any], list[str]]:
    event = world.event(bodies)
    result = app_module.validate_document(event, LambdaContext("validate_document"))
    return result, [record["messageId"] for record in event["Records"]]


def status(document_id: str) -> str:
    return documents.read_document(ANA, document_id).status


def test_the_notification_s3_sent_validates_the_upload(world: DocumentsWorld) -> None:
    slot = world.slot(ANA, "informe.pdf", PDF)
    world.upload(slot, PDF)
    bodies = world.notifications()
    assert len(bodies) == 1
    assert "%2F" in json.loads(bodies[0])["Records"][0]["s3"]["object"]["key"]  # URL-encoded
    result, _ = handle(world, bodies)
    assert result == {"batchItemFailures": []}
    assert status(slot.document_id) == "aceptado"


def test_keys_encoded_as_s3_does_with_plus_for_spaces(world: DocumentsWorld) -> None:
    # A hand-built notification, its key encoded with quote_plus as S3 does.
    slot = world.slot(ANA, "informe_final.pdf", PDF)
    world.upload(slot, PDF)
    world.drain()
    key = slot.upload.fields["key"]
    result, _ = handle(world, [s3_notification(key, size=len(PDF))])
    assert result == {"batchItemFailures": []}
    assert status(slot.document_id) == "aceptado"


def test_a_duplicate_delivery_is_validated_once(
    world: DocumentsWorld, validations: list[str]
) -> None:
    slot = world.slot(ANA, "informe.pdf", PDF)
    world.upload(slot, PDF)
    [body] = world.notifications()
    result, _ = handle(world, [body, body])
    assert result == {"batchItemFailures": []}
    result, _ = handle(world, [body])  # redelivered later
    assert result == {"batchItemFailures": []}
    assert validations == ["pdf"]
    assert [heard.document_id for heard in world.heard] == [slot.document_id]


def test_a_test_event_and_an_unknown_key_are_ignored(
    world: DocumentsWorld, validations: list[str]
) -> None:
    world.s3.put_object(Bucket=BUCKET, Key="uploads/claim/c-1/no-such-document/x.pdf", Body=PDF)
    bodies = [
        json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}),
        *world.notifications(),
        s3_notification("uploads/claim/c-1/d-1/../../x.pdf"),
    ]
    result, _ = handle(world, bodies)
    assert result == {"batchItemFailures": []}
    assert validations == []
    assert world.heard == []


def test_an_object_larger_than_allowed_is_rejected_without_reading_it(
    world: DocumentsWorld, validations: list[str]
) -> None:
    # moto ignores the POST policy, as a misconfigured bucket would: the handler re-checks.
    small = world.slot(ANA, "informe.pdf", PDF)
    world.upload(small, PDF + b"\n%" + b"x" * 5000)
    csv_cap = limits.MAX_FILE_BYTES["transactions_csv"]
    owner = documents.Owner(DocumentOwner.TRANSACTIONS, "carga-1", "acct-op", "sec")
    [big] = documents.create_slots(
        owner,
        [documents.FileSpec("carga.csv", csv_cap, "text/csv", "transactions_csv")],
        "acct-op",
    )
    world.upload(big, b"a" * (csv_cap + 1))
    result, _ = handle(world, world.notifications())
    assert result == {"batchItemFailures": []}
    assert validations == []
    first = documents.read_document(ANA, small.document_id)
    assert (first.status, first.reasons[0].code) == ("rechazado", "file_size_mismatch")
    operator = Principal("acct-op", "operador", ("sec",))
    second = documents.read_document(operator, big.document_id)
    assert (second.status, second.reasons[0].code) == ("rechazado", "file_too_large")


def test_a_poison_message_is_reported_and_the_rest_succeed(
    world: DocumentsWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = world.slot(ANA, "bueno.pdf", PDF)
    crashing = world.slot(ANA, "otro.pdf", PDF)
    world.upload(good, PDF)
    world.upload(crashing, PDF)
    bodies = world.notifications()

    def listener(document: documents.Document) -> None:
        if document.document_id == crashing.document_id:
            raise RuntimeError("the owner is down")
        world.heard.append(document)

    monkeypatch.setitem(documents._listeners, "claim", listener)
    result, ids = handle(world, ["esto no es json", *bodies])
    crashing_index = 1 + next(i for i, body in enumerate(bodies) if crashing.document_id in body)
    assert sorted(item["itemIdentifier"] for item in result["batchItemFailures"]) == sorted(
        [ids[0], ids[crashing_index]]
    )
    assert [heard.document_id for heard in world.heard] == [good.document_id]
    # The verdict was stored; the redelivery tells the owner without validating again.
    monkeypatch.setitem(documents._listeners, "claim", world.listen)
    result, _ = handle(world, [bodies[crashing_index - 1]])
    assert result == {"batchItemFailures": []}
    assert [heard.document_id for heard in world.heard] == [good.document_id, crashing.document_id]


def test_a_poison_message_ends_in_the_dead_letter_queue(world: DocumentsWorld) -> None:
    """Through the local pump: redelivered until maxReceiveCount, then moved to the DLQ."""
    slot = world.slot(ANA, "informe.pdf", PDF)
    world.upload(slot, PDF)
    world.sqs.send_message(QueueUrl=world.queue_url(), MessageBody="esto no es json")
    routes = [
        route
        for route in routes_for_app(app_module, world.sqs, PREFIX)
        if route.queue_arn.endswith(":portal-test-document-uploaded")
    ]
    pump = EventPump(world.sqs, routes, wait_seconds=0)
    dead_letters = world.queue_url(f"{PREFIX}document-uploaded-dlq")
    deadline = time.monotonic() + 30
    moved: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not moved:
        pump.poll_once(routes[0])
        moved = world.sqs.receive_message(QueueUrl=dead_letters).get("Messages", [])
        time.sleep(0.3)
    assert [message["Body"] for message in moved] == ["esto no es json"]
    assert status(slot.document_id) == "aceptado"
