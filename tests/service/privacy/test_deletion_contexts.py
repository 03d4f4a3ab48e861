"""Account deletion across contexts: what each context erases, anonymises or keeps (and
until when), and that operators still read the anonymised records."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ContactIn, OperatorQueueQuery
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn
from chalicelib.schema import ListQuery
from tests.service.privacy.conftest import ClaimsWorld


def _delete(world: ClaimsWorld, principal: object, operator: object) -> privacy.DataRequestOut:
    created = privacy.create_request(principal, DataRequestIn(type="deletion"))  # type: ignore[arg-type]
    approved = privacy.decide(operator, created.request_id, DecisionIn(decision="aprobar"), None)  # type: ignore[arg-type]
    assert approved.due_at
    world.clock.now = max(world.clock.now, datetime.fromisoformat(approved.due_at)) + timedelta(
        hours=1
    )
    assert privacy.run_due()["deletions"] == 1
    return privacy.my_request(principal, created.request_id)  # type: ignore[arg-type]


def _no_past_dates(done: privacy.DataRequestOut, today: str) -> None:
    assert all(r.until > today for r in done.retained), done.retained


def test_insured_deletion_erases_notifications_and_contact_text_and_the_queue_still_reads(
    world: ClaimsWorld,
) -> None:
    from chalicelib.claims.models import ContactModel, NotificationModel

    old = world.new_claim()  # a draft from before: no law keeps it
    claim = world.complete_reimbursement()
    created = privacy.create_request(world.ana, DataRequestIn(type="deletion"))
    approved = privacy.decide(
        world.operator, created.request_id, DecisionIn(decision="aprobar"), None
    )
    assert approved.due_at
    # The folio comes a day after the approval: at the due date it is still in its period.
    world.clock.advance(days=1)
    claims.generate_folio(world.ana, claim.id)
    assert claims.my_notifications(world.ana, ListQuery()).items
    claims.contact(
        world.ana,
        ContactIn(subject="Demora de Ana", message="Soy Ana y mi reembolso tarda.", kind="queja"),
    )
    world.clock.now = datetime.fromisoformat(approved.due_at) + timedelta(hours=1)
    assert privacy.run_due()["deletions"] == 1
    done = privacy.my_request(world.ana, created.request_id)

    pk = f"ACCOUNT#{world.ana.account_id}"
    assert list(NotificationModel.query(pk, NotificationModel.sk.startswith("NOTIF#"))) == []
    [contact] = list(ContactModel.query(pk, ContactModel.sk.startswith("CONTACT#")))
    assert contact.ticket
    assert "Ana" not in contact.subject + contact.message
    _no_past_dates(done, world.clock.now.date().isoformat())
    [folios] = done.retained
    assert folios.count == 1
    assert folios.until == (world.clock.now.date() + timedelta(days=1)).isoformat()

    from chalicelib.claims import repository as claims_repository

    assert claims_repository.get(old.id) is None
    kept = claims_repository.get(claim.id)
    assert kept is not None
    assert kept.folio
    assert kept.member_name == "(eliminado)"

    # The operator's queue and detail read the anonymised claim without failing.
    queue = claims.operator_queue(world.operator, OperatorQueueQuery(status="registrado"), None)
    assert [c.id for c in queue.items] == [claim.id]
    assert claims.operator_claim(world.operator, claim.id, None).id == claim.id
