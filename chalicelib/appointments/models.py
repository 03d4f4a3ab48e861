"""PynamoDB models of the agendas table (only repository.py imports this module).

Item types, each keyed by a prefix:
`CLINIC#<id>/CLINIC` (gsi1: `CLINICS#<insurer>` / `<name>#<id>`),
`AGENDA#<id>/AGENDA` (a doctor's shift on one date; it holds the internet quota and what
remains of it; gsi1: `CLINIC#<clinic>#<date>` / `<shift>#<doctor>#<id>`),
`AGENDA#<id>/SLOT#<HH:MM>` (one time of that agenda, free or taken),
`APPOINTMENT#<id>/APPOINTMENT` (gsi2: `NUCLEUS#<credential serial>` / `<start UTC>#<id>`, so a
family sees its appointments in time order with one Query),
`PATIENT#<member id>/DAY#<date>` (the one active appointment a patient may hold that day).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Item


class ClinicModel(Item):
    Meta = table_meta("agendas")

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    clinic_id = UnicodeAttribute()
    name = UnicodeAttribute()
    address = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    insurer_id = UnicodeAttribute(null=True)
    code = UnicodeAttribute(null=True)  # the insurer's own key of a clinic it imported
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_list = Gsi1["ClinicModel"]()


class AgendaModel(Item):
    Meta = table_meta("agendas")

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    agenda_id = UnicodeAttribute()
    clinic_id = UnicodeAttribute()
    clinic_name = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    doctor = UnicodeAttribute()
    date = UnicodeAttribute()
    shift = UnicodeAttribute()
    service = UnicodeAttribute()
    capacity = NumberAttribute()
    internet_quota = NumberAttribute()
    internet_remaining = NumberAttribute()
    insurer_id = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    by_clinic_day = Gsi1["AgendaModel"]()


class SlotModel(Item):
    Meta = table_meta("agendas")

    time = UnicodeAttribute()
    status = UnicodeAttribute()  # libre | ocupado
    appointment_id = UnicodeAttribute(null=True)


class AppointmentModel(Item):
    Meta = table_meta("agendas")

    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    status = UnicodeAttribute()
    agenda_id = UnicodeAttribute()
    slot_time = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    patient_name = UnicodeAttribute()
    nucleus = UnicodeAttribute()
    booked_by = UnicodeAttribute()
    clinic_id = UnicodeAttribute()
    clinic_name = UnicodeAttribute()
    doctor = UnicodeAttribute()
    date = UnicodeAttribute()
    shift = UnicodeAttribute()
    service = UnicodeAttribute()
    starts_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)
    by_nucleus = Gsi2["AppointmentModel"]()


class DayGuardModel(Item):
    Meta = table_meta("agendas")

    appointment_id = UnicodeAttribute()
