"""A membership kept for its receipts (CFF art. 30) goes, payments included, when the
payments context purges it by id after the period; a second purge changes nothing."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.payments import repository as payments_repository
from chalicelib.payments import service as payments
from chalicelib.payments.schemas import CardPaymentRequest
from chalicelib.personal_data import FISCAL, Retention
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.payments.conftest import AFFILIATE, enrol


def test_a_kept_membership_is_purged_by_id_with_its_payments(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol()
    paid = payments.pay_by_card(
        membership_id,
        CardPaymentRequest(card_token="tok_sandbox_approved_purge0001", months=1),
        "203.0.113.9",
    )
    assert paid.status == "aprobado"
    today = moved_clock.now.date()
    [kept] = payments.erase_personal_data(AFFILIATE.account_id, Retention(today, {FISCAL: 5}))
    assert kept.ids == (membership_id,)
    assert payments_repository.payments_of(membership_id)

    assert payments.purge_retained(list(kept.ids)) == 1
    assert payments_repository.get_membership(membership_id) is None
    assert payments_repository.payments_of(membership_id) == []
    assert payments.purge_retained(list(kept.ids)) == 0
    # Nothing of the account is left to erase or keep.
    later = Retention(today + timedelta(days=1), {FISCAL: 5})
    assert payments.erase_personal_data(AFFILIATE.account_id, later) == []
