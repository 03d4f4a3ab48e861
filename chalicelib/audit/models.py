"""PynamoDB model of the audit table (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1


class AuditModel(Model):
    Meta = table_meta("audit")

    pk = UnicodeAttribute(hash_key=True)  # INSURER#<id>
    sk = UnicodeAttribute(range_key=True)  # <iso instant>#<uuid>
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
