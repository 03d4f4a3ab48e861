"""The email outbox with SES, SQS or DynamoDB failing: an email is delayed, never lost, and
never sent twice (the booking confirmation of the appointments world is the email)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import BookingIn
from chalicelib.notifications import service as notifications
from tests.service.appointments.conftest import World, world
from tests.service.faults.conftest import CLIENT_ATTEMPTS, Faults
from tests.service.faults.helpers import items, outbox

__all__ = ["world"]


def _book_with_email(world: World) -> str:
    """Book (which stages and enqueues the confirmation); the id of that pending email."""
    agenda = world.agenda(quota=3)
    appointments.book(world.titular, BookingIn(slot_id=agenda.slots[0].id, patient_id="m-maria"))
    (pending,) = outbox()
    return str(pending["email_id"]["S"])


def _sent(world: World) -> int:
    from moto.ses.models import ses_backends

    return len(ses_backends["123456789012"]["us-east-1"].sent_messages)


def _claim(email_id: str) -> object:
    (item,) = items("email_outbox", f"EMAIL#{email_id}")
    return item.get("send_claim")


def test_ses_failures_delay_the_email_and_it_is_sent_once(world: World, faults: Faults) -> None:
    email_id = _book_with_email(world)

    # Refused outright (not retried by botocore), then throttled past the retries.
    faults.inject("ses", "SendEmail", "MessageRejected")
    with pytest.raises(ClientError):
        world.mail.deliver()
    assert faults.backoffs == []
    faults.inject("ses", "SendEmail", "Throttling", times=CLIENT_ATTEMPTS)
    with pytest.raises(ClientError):
        notifications.deliver(email_id)  # SQS's redelivery of the message
    assert _sent(world) == 0
    assert [i["email_id"]["S"] for i in outbox()] == [email_id]  # still pending
    assert _claim(email_id) is None  # given back for the next delivery

    # The next delivery sends it; while it is sending, a second delivery of the same email
    # (the schedule's resend racing SQS's redelivery) finds it claimed and sends nothing.
    raced: list[int] = []

    def race(body: bytes) -> bool:
        notifications.deliver(email_id)
        raced.append(_sent(world))
        return False  # no fault: this only watches the call go by

    faults.inject("ses", "SendEmail", "never", when=race)
    notifications.deliver(email_id)
    assert raced == [0]
    assert _sent(world) == 1
    assert outbox() == []

    # Redelivered after it was sent, or found by the schedule: still once.
    notifications.deliver(email_id)
    world.clock.advance(minutes=10)
    assert notifications.resend_pending() == 0
    world.mail.deliver()
    assert _sent(world) == 1


def test_a_lost_enqueue_is_found_by_the_schedule_and_a_failed_mark_is_not_resent(
    world: World, faults: Faults
) -> None:
    # SQS down while the booking dispatches: the booking stands, the email waits.
    faults.inject("sqs", "SendMessage", "ServiceUnavailable", times=CLIENT_ATTEMPTS)
    email_id = _book_with_email(world)
    world.mail.deliver()
    assert _sent(world) == 0
    world.clock.advance(minutes=3)
    assert notifications.resend_pending() == 1

    # SES sends it but DynamoDB refuses to mark it sent: the message comes back, and the
    # redelivery finds the email claimed by the delivery that sent it, so it is not resent.
    faults.exhaust_throughput("UpdateItem", when=lambda body: b"enviado" in body)
    with pytest.raises(Exception, match="ProvisionedThroughputExceeded"):
        world.mail.deliver()
    assert _sent(world) == 1
    notifications.deliver(email_id)
    assert _sent(world) == 1
    assert _claim(email_id) is not None
