"""PynamoDB models of the claims and counters tables (only repository.py imports this).

Claims table items: `CLAIM#<id>/CLAIM` (the claim and its history), `FOLIO#<folio>/FOLIO`
(a folio's one owner: the uniqueness guard and the search by folio), and per account
`ACCOUNT#<id>/NOTIF#<id>` (in-app notifications) and
`ACCOUNT#<id>/CONTACT#<instant>#<ticket>` (contact messages). gsi1 lists an account's claims
newest first; gsi2 is the operators' queue per insurer and status.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Item


class ClaimModel(Item):
    Meta = table_meta("claims")

    gsi1pk = UnicodeAttribute()  # ACCOUNT#<account_id>
    gsi1sk = UnicodeAttribute()  # <created_at>#<claim_id>
    gsi2pk = UnicodeAttribute()  # QUEUE#<insurer_id>#<status>
    gsi2sk = UnicodeAttribute()  # <updated_at>#<claim_id>
    claim_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    insurer_id = UnicodeAttribute()
    policy_number = UnicodeAttribute()
    member_id = UnicodeAttribute()
    member_name = UnicodeAttribute()
    relationship = UnicodeAttribute()
    coverage = UnicodeAttribute()
    claim_type = UnicodeAttribute()
    subtype = UnicodeAttribute(null=True)
    stage = UnicodeAttribute()
    condition_id = UnicodeAttribute(null=True)
    condition_description = UnicodeAttribute(null=True)
    condition_pending = BooleanAttribute(default=False)
    hospital_id = UnicodeAttribute(null=True)
    hospital_name = UnicodeAttribute(null=True)
    payout_clabe = UnicodeAttribute(null=True)
    consent_at = UnicodeAttribute()
    status = UnicodeAttribute()
    folio = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    registered_at = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    pending_since = UnicodeAttribute(null=True)
    requested_documents = ListAttribute[str](null=True)
    pending_note = UnicodeAttribute(null=True)
    # The approval's amounts in centavos (decision.py), set when an operator approves.
    approved_cents = NumberAttribute(null=True)
    deductible_cents = NumberAttribute(null=True)
    coinsurance_cents = NumberAttribute(null=True)
    history = JSONAttribute(default=list)  # [{from, to, at, actor, role, note}]
    # Who is numbering the claim right now (one request at a time; see reserve_folio).
    folio_lock = UnicodeAttribute(null=True)
    folio_lock_at = UnicodeAttribute(null=True)
    # A folio numbered for this claim by a request that could not commit it: the next request
    # commits this one (the same folio, no second number spent).
    reserved_folio = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)
    by_account = Gsi1["ClaimModel"]()
    by_queue = Gsi2["ClaimModel"]()


class FolioModel(Item):
    Meta = table_meta("claims")

    # Key: FOLIO#<folio> / FOLIO
    claim_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    insurer_id = UnicodeAttribute()


class NotificationModel(Item):
    Meta = table_meta("claims")

    # Key: ACCOUNT#<account_id> / NOTIF#<id> (the id starts with the instant)
    notification_id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    claim_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    read_at = UnicodeAttribute(null=True)


class ContactModel(Item):
    Meta = table_meta("claims")

    # Key: ACCOUNT#<account_id> / CONTACT#<instant>#<ticket>
    ticket = UnicodeAttribute()
    subject = UnicodeAttribute()
    message = UnicodeAttribute()
    created_at = UnicodeAttribute()


class CounterModel(Item):
    Meta = table_meta("counters")

    # Key: FOLIOSEQ#<insurer>#<type>#<year> / COUNTER
    value = NumberAttribute(default=0)
