"""Faults in a claim's documents (upload slots, the validator's verdict) and its folio: no
folio without its claim, a retry gets the same folio, and no number is spent twice."""

from __future__ import annotations

import boto3
import pytest

from chalicelib import errors
from chalicelib.claims import folios
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ClaimFilesIn
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import FileIn
from chalicelib.documents.service import DocumentOwner
from tests.service.claims.conftest import (
    BUCKET,
    UPLOAD_QUEUE,
    ClaimsWorld,
    expense,
    report,
    statement,
    world,
)
from tests.service.faults.conftest import PYNAMODB_ATTEMPTS, Faults
from tests.service.faults.helpers import answered_status, items, outbox

__all__ = ["world"]

FILES = [
    ("informe.pdf", "informe_medico", report()),
    ("factura.xml", "cfdi_expense", expense()),
    ("estado_cuenta.pdf", "bank_statement", statement()),
]


def _slots(world: ClaimsWorld, claim_id: str) -> list[object]:
    spec = [FileIn(name=n, size=len(d), doc_type=t) for n, t, d in FILES]
    return list(claims.request_slots(world.ana, claim_id, ClaimFilesIn(files=spec)).items)


def _notifications() -> list[str]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName=UPLOAD_QUEUE)["QueueUrl"]
    bodies = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            if "Records" in message["Body"]:
                bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_slots_and_verdicts_under_faults_end_judged_once(
    world: ClaimsWorld, faults: Faults
) -> None:
    claim = world.new_claim()

    # Slots: the documents and the owner's room are one transaction; throttled past the
    # retries, nothing of it is written and the person asks again.
    faults.inject("dynamodb", "TransactWriteItems", "ThrottlingException", times=PYNAMODB_ATTEMPTS)
    with pytest.raises(errors.ServiceUnavailable) as refused:
        _slots(world, claim.id)
    assert answered_status(refused.value) == 503
    assert documents.documents_of(DocumentOwner.CLAIM, claim.id) == []
    slots = _slots(world, claim.id)
    assert len(documents.documents_of(DocumentOwner.CLAIM, claim.id)) == 3

    s3 = boto3.client("s3", region_name="us-east-1")
    for slot, (_, _, data) in zip(slots, FILES, strict=True):
        fields = slot.upload.fields  # type: ignore[attr-defined]
        s3.put_object(
            Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=fields["Content-Type"]
        )

    # Verdicts: the PDFs' write throttled past the retries, the CFDI's (document + UUID
    # reservation, one transaction) cancelled for a conflict. Each failed record stays
    # pending and its redelivery judges it; a second redelivery changes nothing.
    faults.exhaust_throughput("UpdateItem", when=lambda body: b"validated_at" in body)
    faults.conflict(times=1, items=2)
    bodies = _notifications()
    failures: list[int] = []
    for body in bodies:
        try:
            documents.handle_upload_notification(body)
        except Exception as exc:  # an SQS record: reported failed, it comes back
            failures.append(answered_status(exc))
    assert sorted(failures) == [500, 503]  # the conflict is not AWS being busy
    statuses = [d.status for d in documents.documents_of(DocumentOwner.CLAIM, claim.id)]
    assert sorted(statuses) == ["aceptado", "pendiente", "pendiente"]
    for body in bodies + bodies:
        documents.handle_upload_notification(body)
    judged = documents.documents_of(DocumentOwner.CLAIM, claim.id)
    assert [d.status for d in judged] == ["aceptado"] * 3
    assert claims.read_claim(world.ana, claim.id).can_generate_folio


def _folio_items(folio: str) -> list[object]:
    return items("claims", f"FOLIO#{folio}")


def _counter() -> int:
    (item,) = items("counters", "FOLIOSEQ#sec#reembolso#2026")
    return int(item["value"]["N"])


def test_folio_commit_failing_leaves_a_draft_and_the_retry_gets_the_same_folio(
    world: ClaimsWorld, faults: Faults
) -> None:
    claim = world.complete_reimbursement()
    pending = len(outbox())

    faults.inject("dynamodb", "TransactWriteItems", "ThrottlingException", times=PYNAMODB_ATTEMPTS)
    with pytest.raises(errors.ServiceUnavailable) as refused:
        claims.generate_folio(world.ana, claim.id)

    assert answered_status(refused.value) == 503
    draft = claims.read_claim(world.ana, claim.id)
    assert (draft.status, draft.folio) == ("borrador", None)  # no folio without its claim
    assert len(outbox()) == pending  # nor its email
    assert _counter() == 1  # the number was taken for this claim...

    # ...and the person's retry, at once (fixed: it used to wait for a reservation nobody
    # held, answer 409 and then spend a second number), commits that same number.
    faults.conflict(times=2, items=4)
    registered = claims.generate_folio(world.ana, claim.id)
    parts = folios.parse_folio(registered.folio)
    assert parts is not None
    assert parts.sequence == 1
    assert registered.claim.status == "registrado"
    assert _counter() == 1
    assert len(_folio_items(registered.folio)) == 1
    assert claims.generate_folio(world.ana, claim.id).folio == registered.folio
    [email] = [m for m in world.mailbox.sent() if registered.folio in m.subject]
    assert email is not None

    # Conflicts that never clear: a clean 409, still a draft, and the next claim's folio is
    # the next number (the kept one is this claim's alone).
    other = world.complete_reimbursement()
    faults.conflict(times=4, items=4)
    with pytest.raises(errors.Conflict) as busy:
        claims.generate_folio(world.ana, other.id)
    assert answered_status(busy.value) == 409
    assert claims.read_claim(world.ana, other.id).folio is None
    assert folios.parse_folio(claims.generate_folio(world.ana, other.id).folio).sequence == 2  # type: ignore[union-attr]
    assert _counter() == 2
