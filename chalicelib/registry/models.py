"""PynamoDB model of the affiliate registry (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.dynamo import table_meta


class SerialIndex(GlobalSecondaryIndex["AffiliateRecordModel"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)  # SERIAL#<credential serial>
    gsi1sk = UnicodeAttribute(range_key=True)  # NSS#<nss>


class AffiliateRecordModel(Model):
    Meta = table_meta("affiliates")

    pk = UnicodeAttribute(hash_key=True)  # NSS#<nss>
    sk = UnicodeAttribute(range_key=True)  # REGISTRY
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    member_id = UnicodeAttribute()
    nss = UnicodeAttribute()
    credential_serial = UnicodeAttribute()
    full_name = UnicodeAttribute()
    insurer_id = UnicodeAttribute(null=True)
    by_serial = SerialIndex()
