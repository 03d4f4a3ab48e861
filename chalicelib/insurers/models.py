"""PynamoDB models of insurers and their versions (only repository.py imports this module).

They live in the policies table, under the insurer's partition beside its policies."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class InsurerModel(Item):
    Meta = table_meta("policies")

    # Key: INSURER#<id> / PROFILE
    gsi1pk = UnicodeAttribute(null=True)  # INSURERS (every insurer, for the platform's list)
    gsi1sk = UnicodeAttribute(null=True)  # <id>
    insurer_id = UnicodeAttribute()
    legal_name = UnicodeAttribute(attr_name="name")  # the attribute insurers always had
    rfc = UnicodeAttribute()
    country = UnicodeAttribute(null=True)  # MX when missing
    display_name = UnicodeAttribute(null=True)
    brand_color = UnicodeAttribute(null=True)
    logo = JSONAttribute(null=True)  # {document_id, status}
    contact = JSONAttribute(null=True)
    service_levels = JSONAttribute(null=True)
    catalog = JSONAttribute(null=True)
    retention = JSONAttribute(null=True)
    privacy_notice = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)  # 1 when missing
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
    every_insurer = Gsi1["InsurerModel"]()


class InsurerVersionModel(Item):
    """One change of an insurer: which fields changed, from what to what, by whom, when."""

    Meta = table_meta("policies")

    # Key: INSURER#<id> / VERSION#<version, 10 digits>
    version = NumberAttribute()
    at = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    changes = JSONAttribute()  # [{field, old, new}]
