"""The payments webhook under faults: no payment applied without its receipt, applied once
however often the network redelivers, and AWS busy answers 503 (the network retries)."""

from __future__ import annotations

import json
from datetime import date

from chalice.test import Client

from chalicelib.payments import service as payments
from chalicelib.payments.schemas import ReferenceRequest
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.faults.conftest import Faults
from tests.service.faults.helpers import outbox
from tests.service.payments.conftest import (
    AFFILIATE,
    confirmation,
    enrol,
    moved_clock,
    signed,
    world,
)

__all__ = ["moved_clock", "world"]


def test_a_payment_is_applied_with_its_receipt_once_through_faults(
    world: Mailbox, moved_clock: Clock, faults: Faults
) -> None:
    import app as app_module

    membership_id = enrol()
    world.deliver()  # the welcome email
    ref = payments.create_reference(
        membership_id, ReferenceRequest(method="tienda", months=2), "203.0.113.7"
    )
    raw, header = signed(confirmation(ref.reference, "900.00", "evt_fault"))

    def post() -> tuple[int, dict[str, object], dict[str, str]]:
        with Client(app_module.app) as client:
            answer = client.http.post(
                "/v1/webhooks/payments",
                body=raw,
                headers={"Content-Type": "application/json", "X-Signature": header},
            )
        return answer.status_code, json.loads(answer.body or b"{}"), answer.headers

    # Payment, event and receipt are one transaction: throttled past the retries, the
    # network gets a 503 with a Spanish message and nothing was applied or emailed.
    faults.exhaust_throughput("TransactWriteItems")
    status, body, headers = post()
    assert status == 503
    assert body["error"]["code"] == "service_unavailable"  # type: ignore[index]
    assert "inténtalo de nuevo" in body["error"]["message"]  # type: ignore[index]
    assert headers.get("Retry-After") == "5"
    assert payments.membership(AFFILIATE, membership_id).payments == []
    assert outbox() == []

    # Its redelivery meets conflicts that clear: applied, with its receipt.
    faults.conflict(times=2, items=4)
    status, body, _ = post()
    assert (status, body["outcome"]) == (200, "aplicado")
    # And the network's further redeliveries change nothing.
    assert post()[1]["outcome"] == "duplicado"
    found = payments.membership(AFFILIATE, membership_id)
    assert [p.reference for p in found.payments] == [ref.reference]
    assert found.paid_through == date(2027, 1, 25)
    receipts = [m for m in world.to("maria@example.mx") if "Recibimos tu pago" in m.subject]
    assert len(receipts) == 1
