"""PynamoDB model of the audit table (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.dynamo import table_meta


class SubjectIndex(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


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
    by_subject = SubjectIndex()
