"""PynamoDB models of the memberships and payment_references tables (only the
repository modules import this one).

memberships:
  `PLAN#<id>/PLAN` a plan (gsi1 `PLANS` / name)
  `MEMBERSHIP#<id>/MEMBERSHIP` a membership (gsi1 `ACCOUNT#<account>` / created_at; gsi2
      `DUE#<paid_through>` / id, so the reminder job finds who falls due on a day)
  `MEMBERSHIP#<id>/PAYMENT#<paid_at>#<event>` a payment applied to it
  `RFC#<rfc>/MEMBERSHIP#<id>` and `MEMBERNO#<number>/MEMBERNO` lookups (the latter also keeps
      member numbers unique)
payment_references:
  `REF#<reference>/REFERENCE` a reference (gsi1 `EXPIRES#<day>` / expires_at while vigente)
  `OPEN#<membership>#<method>#<months>/OPEN` the reference currently valid for that request
  `EVENT#<event id>/EVENT` a confirmation received (applied or not): the exactly-once guard
  `EXCEPTION#<event id>/EXCEPTION` a confirmation not applied (gsi1
      `EXCEPTIONS#abierta#<insurer>`, `-` when it names no membership we know)
  `LIMIT#<scope>#<key>#<window>/LIMIT` anonymous request counters
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Item


class MembershipItem(Item):
    """Every item type of the memberships table (attributes by type, all optional)."""

    Meta = table_meta("memberships")

    kind = UnicodeAttribute()  # plan | membership | payment | rfc | member_number
    data = JSONAttribute(null=True)
    membership_id = UnicodeAttribute(null=True)
    paid_through = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    reminded_for = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_owner = Gsi1["MembershipItem"]()
    by_due_date = Gsi2["MembershipItem"]()


class ReferenceItem(Item):
    """Every item type of the payment_references table."""

    Meta = table_meta("payment_references")

    kind = UnicodeAttribute()  # reference | open | event | exception | limit
    data = JSONAttribute(null=True)
    status = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    expires_at = UnicodeAttribute(null=True)
    hits = NumberAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    expires_at_epoch = NumberAttribute(null=True)
    by_expiry = Gsi1["ReferenceItem"]()
