"""PynamoDB model of the affiliate registry (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class AffiliateRecordModel(Item):
    Meta = table_meta("affiliates")

    # Key: NSS#<nss> / REGISTRY
    gsi1pk = UnicodeAttribute()  # SERIAL#<credential serial>
    gsi1sk = UnicodeAttribute()  # NSS#<nss>
    member_id = UnicodeAttribute()
    nss = UnicodeAttribute()
    credential_serial = UnicodeAttribute()
    full_name = UnicodeAttribute()
    insurer_id = UnicodeAttribute(null=True)
    clinic_id = UnicodeAttribute(null=True)  # the clinic (UMF) the affiliate is assigned to
    by_serial = Gsi1["AffiliateRecordModel"]()
