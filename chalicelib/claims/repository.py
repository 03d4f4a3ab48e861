"""Claims persistence: the only module that touches the claims and counters tables' models.

It returns the context's own domain objects and turns failed conditions into domain errors.
Emails and in-app notifications that go with a change are written in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chalicelib import dynamo, errors
from chalicelib.notifications import service as notifications
from chalicelib.notifications.service import Email

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

    from chalicelib.claims.models import ClaimModel


class StaleClaim(errors.Conflict):
    """The claim changed between reading it and writing (another request won)."""

    code = "conflict"
    message = "El trámite cambió mientras lo actualizabas. Vuelve a cargarlo e inténtalo de nuevo."


@dataclass
class Claim:
    claim_id: str
    account_id: str
    insurer_id: str
    policy_number: str
    member_id: str
    member_name: str
    relationship: str
    coverage: str
    claim_type: str
    stage: str
    consent_at: str
    status: str
    created_at: str
    updated_at: str
    subtype: str | None = None
    condition_id: str | None = None
    condition_description: str | None = None
    condition_pending: bool = False
    hospital_id: str | None = None
    hospital_name: str | None = None
    payout_clabe: str | None = None
    folio: str | None = None
    registered_at: str | None = None
    decided_at: str | None = None
    pending_since: str | None = None
    requested_documents: list[str] = field(default_factory=list)
    pending_note: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    approved_cents: int | None = None
    deductible_cents: int | None = None
    coinsurance_cents: int | None = None


@dataclass(frozen=True)
class Notification:
    notification_id: str
    account_id: str
    title: str
    body: str
    created_at: str
    claim_id: str | None = None
    read_at: str | None = None


@dataclass(frozen=True)
class FolioOwner:
    claim_id: str
    account_id: str
    insurer_id: str


def _claim_key(claim_id: str) -> tuple[str, str]:
    return f"CLAIM#{claim_id}", "CLAIM"


def _to_claim(item: ClaimModel) -> Claim:
    return dynamo.record_from(
        Claim,
        item,
        condition_pending=bool(item.condition_pending),
        requested_documents=list(item.requested_documents or []),
        history=list(item.history or []),
        version=int(item.version or 0),
        approved_cents=_whole(item.approved_cents),
        deductible_cents=_whole(item.deductible_cents),
        coinsurance_cents=_whole(item.coinsurance_cents),
    )


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def _to_model(claim: Claim) -> ClaimModel:
    from chalicelib.claims.models import ClaimModel

    pk, sk = _claim_key(claim.claim_id)
    return ClaimModel(
        pk=pk,
        sk=sk,
        gsi1pk=f"ACCOUNT#{claim.account_id}",
        gsi1sk=f"{claim.created_at}#{claim.claim_id}",
        gsi2pk=f"QUEUE#{claim.insurer_id}#{claim.status}",
        gsi2sk=f"{claim.updated_at}#{claim.claim_id}",
        **dynamo.attributes_of(claim, requested_documents=claim.requested_documents or None),
    )


# --- reads ------------------------------------------------------------------------------------


def get(claim_id: str) -> Claim | None:
    from chalicelib.claims.models import ClaimModel

    item = ClaimModel.find(*_claim_key(claim_id), consistent_read=True)
    return None if item is None else _to_claim(item)


def for_account(
    account_id: str,
    *,
    statuses: tuple[str, ...] | None,
    claim_type: str | None,
    member_id: str | None,
    with_folio: bool,
    limit: int,
    cursor: dict[str, Any] | None,
) -> tuple[list[Claim], str | None]:
    """An account's claims newest first (a Query on gsi1; the filters narrow each page)."""
    from chalicelib.claims.models import ClaimModel

    condition: Any = None

    def both(extra: Any) -> None:
        nonlocal condition
        condition = extra if condition is None else condition & extra

    if statuses:
        both(ClaimModel.status.is_in(*statuses))
    if claim_type:
        both(ClaimModel.claim_type == claim_type)
    if member_id:
        both(ClaimModel.member_id == member_id)
    if with_folio:
        both(ClaimModel.folio.exists())
    claims, last_key = dynamo.newest_first(
        ClaimModel.by_account,
        f"ACCOUNT#{account_id}",
        _to_claim,
        limit=limit,
        cursor=cursor,
        filter_condition=condition,
    )
    return claims, dynamo.encode_cursor(last_key)


def queue(
    insurer_id: str, status: str, *, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Claim], str | None]:
    """An insurer's claims in one status, oldest change first (a Query on gsi2)."""
    from chalicelib.claims.models import ClaimModel

    results = ClaimModel.by_queue.query(
        f"QUEUE#{insurer_id}#{status}", limit=limit, last_evaluated_key=cursor
    )
    claims = [_to_claim(item) for item in results]
    return claims, dynamo.encode_cursor(results.last_evaluated_key)


def folio_owner(folio: str) -> FolioOwner | None:
    from chalicelib.claims.models import FolioModel

    item = FolioModel.find(f"FOLIO#{folio}", "FOLIO")
    if item is None:
        return None
    return FolioOwner(item.claim_id, item.account_id, item.insurer_id)


# --- writes -----------------------------------------------------------------------------------


def create(claim: Claim) -> None:
    from chalicelib.claims.models import ClaimModel

    if not dynamo.try_write(_to_model(claim).save, condition=ClaimModel.pk.does_not_exist()):
        raise errors.Conflict()


@dataclass(frozen=True)
class FolioReservation:
    token: str
    kept_folio: str | None  # numbered earlier for this claim, not committed: reuse it


def reserve_folio(
    claim_id: str, token: str, now: str, stale_before: str
) -> FolioReservation | None:
    """Take the right to number a draft (None: another request holds it). A reservation
    older than `stale_before` is abandoned (its request died) and can be taken over."""
    from chalicelib.claims.models import ClaimModel

    pk, sk = _claim_key(claim_id)
    item = ClaimModel(pk, sk)
    if not dynamo.try_write(
        item.update,
        actions=[ClaimModel.folio_lock.set(token), ClaimModel.folio_lock_at.set(now)],
        condition=ClaimModel.pk.exists()
        & (ClaimModel.status == "borrador")
        & (ClaimModel.folio_lock.does_not_exist() | (ClaimModel.folio_lock_at < stale_before)),
    ):
        return None
    return FolioReservation(token, item.reserved_folio)


def release_folio(claim_id: str, token: str, folio: str) -> None:
    """Give up a reservation whose folio could not be committed, keeping that folio for the
    claim's next request (a no-op if another request took the reservation over)."""
    from chalicelib.claims.models import ClaimModel

    pk, sk = _claim_key(claim_id)
    dynamo.try_write(
        ClaimModel(pk, sk).update,
        actions=[
            ClaimModel.folio_lock.remove(),
            ClaimModel.folio_lock_at.remove(),
            ClaimModel.reserved_folio.set(folio),
        ],
        condition=ClaimModel.folio_lock == token,
    )


def next_sequence(insurer_id: str, claim_type: str, year: int) -> int:
    """The next number of the insurer's, type's and year's counter (atomic ADD; gaps happen
    when a folio transaction then loses, duplicates never)."""
    from chalicelib.claims.models import CounterModel

    counter = CounterModel(f"FOLIOSEQ#{insurer_id}#{claim_type}#{year}", "COUNTER")
    counter.update(actions=[CounterModel.value.add(1)])
    return int(counter.value)


def _notification_model(notification: Notification) -> Any:
    from chalicelib.claims.models import NotificationModel

    return NotificationModel(
        pk=f"ACCOUNT#{notification.account_id}",
        sk=f"NOTIF#{notification.notification_id}",
        notification_id=notification.notification_id,
        title=notification.title,
        body=notification.body,
        claim_id=notification.claim_id,
        created_at=notification.created_at,
    )


def save_changes(
    before: Claim,
    after: Claim,
    *,
    notification: Notification | None,
    emails: list[Email],
    folio_guard: bool = False,
) -> list[str]:
    """Replace `before` with `after` if nobody changed it meanwhile (same version and status),
    with its notification and emails; `folio_guard` also claims the folio for this claim
    alone. Raises StaleClaim when another write won."""
    from chalicelib.claims.models import ClaimModel, FolioModel

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(
            _to_model(after),
            condition=(ClaimModel.version == before.version) & (ClaimModel.status == before.status),
        )
        if folio_guard and after.folio:
            transaction.save(
                FolioModel(
                    pk=f"FOLIO#{after.folio}",
                    sk="FOLIO",
                    claim_id=after.claim_id,
                    account_id=after.account_id,
                    insurer_id=after.insurer_id,
                ),
                condition=FolioModel.pk.does_not_exist(),
            )
        if notification is not None:
            transaction.save(_notification_model(notification))
        return notifications.stage_emails(transaction, emails)

    return dynamo.transact(build, conflict=StaleClaim())


def notifications_of(
    account_id: str, *, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[Notification], str | None]:
    from chalicelib.claims.models import NotificationModel

    items, last_key = dynamo.newest_first(
        NotificationModel,
        f"ACCOUNT#{account_id}",
        lambda item: dynamo.record_from(Notification, item, account_id=account_id),
        limit=limit,
        cursor=cursor,
        range_key_condition=NotificationModel.sk.startswith("NOTIF#"),
    )
    return items, dynamo.encode_cursor(last_key)


def mark_read(account_id: str, notification_id: str, read_at: str) -> bool:
    """Mark one of the account's notifications read; False when it is not the account's."""
    from chalicelib.claims.models import NotificationModel

    item = NotificationModel(f"ACCOUNT#{account_id}", f"NOTIF#{notification_id}")
    if dynamo.try_write(
        item.update,
        actions=[NotificationModel.read_at.set(read_at)],
        condition=NotificationModel.pk.exists() & NotificationModel.read_at.does_not_exist(),
    ):
        return True
    # Already read (reading twice is fine), or not the account's.
    return NotificationModel.find(item.pk, item.sk) is not None


def save_contact(
    account_id: str, subject: str, message: str, created_at: str, emails: list[Email]
) -> tuple[str, list[str]]:
    """Store a contact message with its acknowledgement and forward; returns the ticket."""
    from chalicelib.claims.models import ContactModel

    ticket = uuid.uuid4().hex[:10].upper()

    def build(transaction: TransactWrite) -> list[str]:
        transaction.save(
            ContactModel(
                pk=f"ACCOUNT#{account_id}",
                sk=f"CONTACT#{created_at}#{ticket}",
                ticket=ticket,
                subject=subject,
                message=message,
                created_at=created_at,
            ),
            condition=ContactModel.pk.does_not_exist(),
        )
        return notifications.stage_emails(transaction, [replace_ticket(e, ticket) for e in emails])

    return ticket, dynamo.transact(build, conflict=errors.Conflict())


def replace_ticket(email: Email, ticket: str) -> Email:
    return replace(email, values={**email.values, "ticket": ticket})


# --- privacy rights (ARCO) ------------------------------------------------------------------


def all_for_account(account_id: str) -> list[Claim]:
    """Every claim of an account (a Query on gsi1, paged through)."""
    found: list[Claim] = []
    cursor: dict[str, Any] | None = None
    while True:
        page, next_cursor = for_account(
            account_id,
            statuses=None,
            claim_type=None,
            member_id=None,
            with_folio=False,
            limit=100,
            cursor=cursor,
        )
        found += page
        cursor = dynamo.decode_cursor(next_cursor)
        if cursor is None:
            return found


def erase_personal_fields(claim: Claim) -> None:
    """Keep what identifies the claim for the records the law requires (folio, type, dates,
    states); remove the people's names, the condition, the CLABE and every note."""
    from chalicelib.claims.models import ClaimModel

    history = [
        {k: v for k, v in entry.items() if k not in {"note", "actor"}} for entry in claim.history
    ]
    dynamo.update_existing(
        ClaimModel,
        _claim_key(claim.claim_id),
        [
            ClaimModel.member_name.set("(eliminado)"),
            ClaimModel.condition_description.remove(),
            ClaimModel.payout_clabe.remove(),
            ClaimModel.pending_note.remove(),
            ClaimModel.history.set(history),
        ],
    )


def delete_claim(claim: Claim) -> None:
    """A claim past its period (or a draft): its folio guard, holding only ids, stays so the
    folio is never given again."""
    from chalicelib.claims.models import ClaimModel

    ClaimModel(*_claim_key(claim.claim_id)).delete()
