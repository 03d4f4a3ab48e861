"""Memberships and payments on moto: enrolment, references, confirmations, cards, jobs."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import urlparse

import boto3
import pytest
from pypdf import PdfReader

from chalicelib import clock, errors
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.payments import references, signatures
from chalicelib.payments import service as payments
from chalicelib.payments.schemas import (
    CardPaymentRequest,
    ExceptionsQuery,
    ReferenceOut,
    ReferenceRequest,
    Simulation,
)
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.payments.conftest import (
    AFFILIATE,
    OPERATOR,
    OTHER,
    RFC,
    confirmation,
    enrol,
    signed,
)

IP = "203.0.113.7"


def _reference(membership_id: str, method: Literal["tienda", "banco"], months: int) -> ReferenceOut:
    return payments.create_reference(
        membership_id, ReferenceRequest(method=method, months=months), IP
    )


def _pay(reference: str, amount: str, event_id: str, **kwargs: Any) -> str:
    raw, header = signed(confirmation(reference, amount, event_id, **kwargs))
    return payments.receive_webhook(raw, header).outcome


def test_enrolment_creates_a_pending_membership_and_emails_the_card_link(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol("familiar")
    found = payments.membership(AFFILIATE, membership_id)
    assert found.status == "pendiente"
    assert found.plan.name == "Familiar Total"
    assert found.months_due == 1
    assert found.amount_due.amount == "1350.00"
    assert len(found.member_number) == 8
    [email] = world.to("maria@example.mx")
    assert email.subject == "Bienvenida a tu plan Familiar Total"
    assert f"afiliados/membresia.html#id={membership_id}" in email.body
    assert found.member_number in email.body
    assert "clínica" in email.body


def test_the_virtual_card_is_a_pdf_only_its_owner_can_get(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    card = payments.card(AFFILIATE, membership_id)
    bucket = get_settings().documents_bucket
    key = urlparse(card.url).path.lstrip("/").removeprefix(bucket + "/")
    body = boto3.client("s3").get_object(Bucket=get_settings().documents_bucket, Key=key)["Body"]
    pdf = body.read()
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    member_number = payments.membership(AFFILIATE, membership_id).member_number
    assert member_number in text
    assert "Básico Individual" in text
    with pytest.raises(errors.NotFound):
        payments.card(OTHER, membership_id)
    with pytest.raises(errors.NotFound):
        payments.membership(OTHER, membership_id)


def test_someone_elses_membership_is_answered_like_an_unknown_one(world: Mailbox) -> None:
    membership_id = enrol()
    unknown = str(uuid.uuid4())
    for read in (payments.membership, payments.card):
        with pytest.raises(errors.NotFound) as theirs:
            read(OTHER, membership_id)
        with pytest.raises(errors.NotFound) as nobodys:
            read(OTHER, unknown)
        assert (theirs.value.error_code, theirs.value.error_message) == (
            nobodys.value.error_code,
            nobodys.value.error_message,
        )


def test_asking_twice_for_a_reference_returns_the_valid_one(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    first = _reference(membership_id, "tienda", 2)
    again = _reference(membership_id, "tienda", 2)
    assert again.reference == first.reference
    assert first.amount.amount == "900.00"
    assert first.expires_at == moved_clock.now + timedelta(days=3)
    assert first.barcode_svg.lstrip().startswith("<?xml")
    assert "<svg" in first.barcode_svg
    assert any("OXXO" in line for line in first.instructions)
    bank = _reference(membership_id, "banco", 2)
    assert bank.reference != first.reference
    assert len(bank.reference) == 18
    assert bank.expires_at == moved_clock.now + timedelta(days=5)
    moved_clock.advance(days=3, seconds=1)
    renewed = _reference(membership_id, "tienda", 2)
    assert renewed.reference != first.reference


def test_a_confirmation_is_applied_once_and_emails_a_receipt(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    ref = _reference(membership_id, "tienda", 2)
    assert _pay(ref.reference, "900.00", "evt_1") == "aplicado"
    # The network retries the same event: 200 and nothing changes.
    assert _pay(ref.reference, "900.00", "evt_1") == "duplicado"
    found = payments.membership(AFFILIATE, membership_id)
    assert found.status == "al_corriente"
    assert found.paid_through == date(2027, 1, 25)
    assert [p.reference for p in found.payments] == [ref.reference]
    receipts = [m for m in world.to("maria@example.mx") if "Recibimos tu pago" in m.subject]
    assert len(receipts) == 1
    assert "$900.00 MXN" in receipts[0].subject
    # Another event for the reference already paid is not applied: it is an exception.
    assert _pay(ref.reference, "900.00", "evt_2") == "excepcion"
    assert payments.membership(AFFILIATE, membership_id).paid_through == date(2027, 1, 25)
    listed = payments.payment_exceptions(OPERATOR, ExceptionsQuery()).items
    assert [(e.event_id, e.reason) for e in listed] == [("evt_2", "already_paid")]


def test_wrong_amount_expired_and_unknown_references_are_recorded_not_applied(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    ref = _reference(membership_id, "banco", 1)
    assert _pay(ref.reference, "449.99", "evt_short") == "excepcion"
    late = clock.iso(moved_clock.now + timedelta(days=5, minutes=1))
    assert _pay(ref.reference, "450.00", "evt_late", paid_at=late) == "excepcion"
    assert _pay("7482913560303410", "450.00", "evt_unknown") == "excepcion"
    assert _pay("not-a-reference", "450.00", "evt_garbage") == "excepcion"
    assert payments.membership(AFFILIATE, membership_id).status == "pendiente"
    reasons = {
        e.event_id: e.reason for e in payments.payment_exceptions(OPERATOR, ExceptionsQuery()).items
    }
    # SEC's operators see the confirmations of SEC's memberships; one that names no
    # membership belongs to no insurer, so no insurer's operator is shown it.
    assert reasons == {"evt_short": "amount_mismatch", "evt_late": "expired"}
    # The right amount within the validity still pays it.
    assert _pay(ref.reference, "450.00", "evt_ok") == "aplicado"


def test_bad_signatures_are_refused_with_401(world: Mailbox, moved_clock: Clock) -> None:
    body = confirmation("7482913560303410", "450.00", "evt_x")
    raw, header = signed(body, secret="whsec_wrong")
    with pytest.raises(payments.BadSignature):
        payments.receive_webhook(raw, header)
    raw, header = signed(body)
    with pytest.raises(payments.BadSignature):
        payments.receive_webhook(raw.replace(b"450.00", b"4500.00"), header)
    raw, header = signed(body, at=int(moved_clock.now.timestamp()) - 301)
    with pytest.raises(payments.BadSignature):
        payments.receive_webhook(raw, header)
    # A captured request replayed inside the window is the same event: applied at most once.
    assert payments.payment_exceptions(OPERATOR, ExceptionsQuery()).items == []


def test_a_signed_body_too_deep_or_too_large_is_a_bad_request(
    world: Mailbox, moved_clock: Clock
) -> None:
    now = int(moved_clock.now.timestamp())
    deep = b"[" * 5000 + b"]" * 5000
    large = b'{"event_id": "' + b"e" * (4 * 1024 * 1024) + b'"}'
    for raw in (deep, large):
        header = signatures.sign(get_settings().payments_webhook_secret, now, raw)
        with pytest.raises(errors.BadRequest) as caught:
            payments.receive_webhook(raw, header)
        assert caught.value.error_code == "bad_request"
    assert payments.payment_exceptions(OPERATOR, ExceptionsQuery()).items == []


def test_the_expiry_job_marks_references_past_their_date(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    store = _reference(membership_id, "tienda", 1)
    bank = _reference(membership_id, "banco", 1)
    moved_clock.advance(days=4)
    assert payments.expire_references() == 1
    assert payments.expire_references() == 0
    from chalicelib.payments import repository

    assert repository.get_reference(store.reference).status == "vencida"  # type: ignore[union-attr]
    assert repository.get_reference(bank.reference).status == "vigente"  # type: ignore[union-attr]
    moved_clock.advance(days=2)
    assert payments.expire_references() == 1


def test_a_reminder_goes_once_before_the_membership_falls_due(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    ref = _reference(membership_id, "tienda", 1)
    assert _pay(ref.reference, "450.00", "evt_r") == "aplicado"  # paid through 25 Dec 2026
    assert payments.remind_due() == 0
    moved_clock.advance(days=25)  # 20 Dec: five days before
    assert payments.remind_due() == 1
    assert payments.remind_due() == 0
    [reminder] = [m for m in world.to("maria@example.mx") if "vence" in m.subject]
    assert "25 dic 2026" in reminder.subject


def test_card_payments_with_the_sandbox(world: Mailbox, moved_clock: Clock) -> None:
    membership_id = enrol()
    declined = payments.pay_by_card(
        membership_id, CardPaymentRequest(card_token="tok_sandbox_declined_abc12345", months=1), IP
    )
    assert declined.status == "rechazado"
    assert declined.decline_code == "card_declined"
    poor = payments.pay_by_card(
        membership_id,
        CardPaymentRequest(card_token="tok_sandbox_insufficient_funds_abc12345", months=1),
        IP,
    )
    assert poor.decline_code == "insufficient_funds"
    assert payments.membership(AFFILIATE, membership_id).status == "pendiente"
    request = CardPaymentRequest(card_token="tok_sandbox_approved_abc12345", months=3)
    approved = payments.pay_by_card(membership_id, request, IP)
    assert approved.status == "aprobado"
    assert approved.paid_through == date(2027, 2, 25)
    # The same token again (a double click): the same answer, charged and applied once.
    assert payments.pay_by_card(membership_id, request, IP).payment_id == approved.payment_id
    found = payments.membership(AFFILIATE, membership_id)
    assert [(p.channel, p.amount.amount) for p in found.payments] == [("tarjeta", "1350.00")]


def test_lookup_masks_data_and_answers_an_unknown_rfc_alike(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    known = payments.lookup(RFC, IP)
    [item] = known.items
    assert item.membership_id == membership_id
    assert item.member_name == "MA*** GU*** HE*** RU***"
    assert (item.months_due, item.amount_due.amount) == (1, "450.00")
    unknown = payments.lookup("RASJ750312H42", IP)
    assert unknown.items == []
    assert unknown.message == known.message
    assert set(unknown.model_dump()) == set(known.model_dump())


def test_lookups_are_limited_per_rfc_and_per_ip(
    world: Mailbox, moved_clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol()
    for _ in range(payments.LIMITS["lookup-rfc"]):
        payments.lookup(RFC, "198.51.100.1")
    with pytest.raises(errors.TooManyAttempts):
        payments.lookup(RFC, "198.51.100.2")
    moved_clock.advance(minutes=15)
    assert payments.lookup(RFC, "198.51.100.3").items
    monkeypatch.setitem(payments.LIMITS, "lookup-ip", 2)
    payments.lookup("RASJ750312H42", "198.51.100.9")
    payments.lookup("HERM850612KT4", "198.51.100.9")
    with pytest.raises(errors.TooManyAttempts):
        payments.lookup("GODE561231GR8", "198.51.100.9")


def test_the_simulator_signs_a_confirmation_only_when_enabled(
    world: Mailbox, moved_clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    membership_id = enrol()
    ref = _reference(membership_id, "tienda", 1)
    with pytest.raises(errors.NotFound):
        payments.simulate_payment(OPERATOR, Simulation(reference=ref.reference))
    monkeypatch.setenv("PAYMENTS_SIMULATOR", "true")
    get_settings.cache_clear()
    result = payments.simulate_payment(OPERATOR, Simulation(reference=ref.reference))
    assert result.answer.outcome == "aplicado"
    assert result.signature.startswith("t=")
    assert payments.membership(AFFILIATE, membership_id).status == "al_corriente"


def test_unknown_or_malformed_membership_ids_are_404(world: Mailbox, moved_clock: Clock) -> None:
    card = CardPaymentRequest(card_token="tok_sandbox_approved_abc12345", months=1)
    for membership_id in ("x" * 5000, "../../etc", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(errors.NotFound):
            payments.membership(AFFILIATE, membership_id)
        with pytest.raises(errors.NotFound):
            _reference(membership_id, "banco", 1)
        with pytest.raises(errors.NotFound):
            payments.pay_by_card(membership_id, card, IP)


def test_another_insurers_operator_sees_none_of_the_exceptions(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    ref = _reference(membership_id, "banco", 1)
    assert _pay(ref.reference, "449.99", "evt_short") == "excepcion"
    # A well-formed reference that was never issued still names the member number: SEC's.
    member_number = payments.membership(AFFILIATE, membership_id).member_number
    never_issued = references.build("tienda", member_number, 3)
    assert _pay(never_issued, "450.00", "evt_never_issued") == "excepcion"
    mine = {e.event_id for e in payments.payment_exceptions(OPERATOR, ExceptionsQuery()).items}
    assert mine == {"evt_short", "evt_never_issued"}
    norte = Principal("op-norte", "operador", ("adn",))
    assert payments.payment_exceptions(norte, ExceptionsQuery()).items == []
    with pytest.raises(errors.NotFound):
        payments.payment_exceptions(norte, ExceptionsQuery(insurer_id="sec"))
    both = Principal("op-both", "operador", ("sec", "adn"))
    with pytest.raises(errors.InvalidInput):
        payments.payment_exceptions(both, ExceptionsQuery())
    listed = payments.payment_exceptions(both, ExceptionsQuery(insurer_id="sec")).items
    assert "evt_short" in [e.event_id for e in listed]
