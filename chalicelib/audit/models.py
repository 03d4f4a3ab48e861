"""PynamoDB model of the audit table (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class AuditModel(Item):
    Meta = table_meta("audit")

    # Key: INSURER#<id> / <iso instant>#<uuid>
    gsi1pk = UnicodeAttribute()  # SUBJECT#<insurer>#<subject>
    gsi1sk = UnicodeAttribute()  # <iso instant>#<uuid>
    insurer_id = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()
    subject = UnicodeAttribute()
    source_ip = UnicodeAttribute(null=True)
    at = UnicodeAttribute()
    detail = JSONAttribute(null=True)
    by_subject = Gsi1["AuditModel"]()
