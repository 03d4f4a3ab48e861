"""PynamoDB models of the prescriptions table (only repository.py imports this module).

`RX#<id>/RX`: a prescription (gsi1: `NUCLEUS#<credential serial>#RX` / `<date>#<id>`, so a
family lists its prescriptions newest first with one Query);
`SL#<id>/SL`: a sick leave (gsi1: `MEMBER#<member id>#SL` / `<start date>#<id>`, so "started
within the last months" is a key condition, not a filter).
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class PrescriptionModel(Item):
    Meta = table_meta("prescriptions")

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    prescription_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    patient_name = UnicodeAttribute()
    nucleus = UnicodeAttribute()
    doctor = UnicodeAttribute()
    clinic = UnicodeAttribute()
    date = UnicodeAttribute()
    medicines = JSONAttribute()
    issued_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_nucleus = Gsi1["PrescriptionModel"]()


class SickLeaveModel(Item):
    Meta = table_meta("prescriptions")

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    sick_leave_id = UnicodeAttribute()
    status = UnicodeAttribute()  # emitida | autorizada | sellada
    patient_id = UnicodeAttribute()
    nss = UnicodeAttribute()
    patient_name = UnicodeAttribute()
    kind = UnicodeAttribute()
    start_date = UnicodeAttribute()
    end_date = UnicodeAttribute()
    days = NumberAttribute()
    doctor = UnicodeAttribute()
    clinic = UnicodeAttribute()
    issued_by = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    authorized_by = UnicodeAttribute(null=True)
    authorized_at = UnicodeAttribute(null=True)
    seal = UnicodeAttribute(null=True)
    seal_key_id = UnicodeAttribute(null=True)
    seal_version = NumberAttribute(null=True)
    by_member = Gsi1["SickLeaveModel"]()
