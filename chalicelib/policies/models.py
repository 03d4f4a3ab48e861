"""PynamoDB models of policies, conditions and network hospitals (only repository.py imports
this module; the insurer's own record is the insurers context's)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class PolicyModel(Item):
    Meta = table_meta("policies")

    # Key: INSURER#<id> / POLICY#<number>
    gsi1pk = UnicodeAttribute()  # POLICYNUM#<number>
    gsi1sk = UnicodeAttribute()  # INSURER#<id>
    insurer_id = UnicodeAttribute()
    policy_number = UnicodeAttribute()
    titular_name = UnicodeAttribute()
    members = JSONAttribute()  # [{id, full_name, relationship}]
    coverages = ListAttribute[str]()
    by_number = Gsi1["PolicyModel"]()


class ConditionModel(Item):
    """A condition (padecimiento) the insurer registered for one member of a policy."""

    Meta = table_meta("policies")

    # Key: INSURER#<id> / CONDITION#<policy>#<member_id>#<condition_id>
    condition_id = UnicodeAttribute()
    policy_number = UnicodeAttribute()
    member_id = UnicodeAttribute()
    description = UnicodeAttribute()
    registered_on = UnicodeAttribute()


class HospitalModel(Item):
    """A hospital of the insurer's medical network."""

    Meta = table_meta("policies")

    # Key: INSURER#<id> / HOSPITAL#<hospital_id>
    hospital_id = UnicodeAttribute()
    name = UnicodeAttribute()
    city = UnicodeAttribute()
    state = UnicodeAttribute()
    address = UnicodeAttribute()
