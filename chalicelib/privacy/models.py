"""PynamoDB models of the data_requests table (only repository.py imports this module).

`REQUEST#<id>/REQUEST`: a data request. On gsi1 under its person (`ACCOUNT#<id>`, newest
last), on gsi2 under its insurer and status (operators' lists) and, while work is waiting,
on the sparse gsi3 under `WORK#<type>` by the instant it is due (the schedule's Query).
`OPEN#<account>#<type>/OPEN`: the guard that allows one open request per type and person.
`PURGE#<request>#<entry>#<chunk>/PURGE`: records a completed deletion kept (one entry of its
retention record, one context) to be deleted by id when their period ends; on the sparse gsi3
under `PURGE` by that day (the schedule's Query), gone once purged.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Gsi2, Gsi3, Item


class DataRequestModel(Item):
    Meta = table_meta("data_requests")

    request_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    role = UnicodeAttribute()
    insurer_id = UnicodeAttribute()
    request_type = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    decided_by = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    export_key = UnicodeAttribute(null=True)
    export_size = NumberAttribute(null=True)
    export_files = NumberAttribute(null=True)
    retained = JSONAttribute(null=True)  # the retention record of a completed deletion
    history = JSONAttribute(null=True)  # [{status, at, actor, note}]
    version = NumberAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_person = Gsi1["DataRequestModel"]()
    by_insurer = Gsi2["DataRequestModel"]()
    by_work = Gsi3["DataRequestModel"]()


class OpenGuardModel(Item):
    Meta = table_meta("data_requests")

    request_id = UnicodeAttribute()


class PurgeModel(Item):
    Meta = table_meta("data_requests")

    request_id = UnicodeAttribute()
    entry = NumberAttribute()  # the position of its entry in the request's retention record
    chunk = NumberAttribute()
    chunks = NumberAttribute()
    context = UnicodeAttribute()
    ids = JSONAttribute()
    until = UnicodeAttribute()  # YYYY-MM-DD, the first day the records may go
    # The retention category (`clinical`, `fiscal`): a later act on the records moves `until`.
    category = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute()
    gsi3sk = UnicodeAttribute()
    by_due = Gsi3["PurgeModel"]()
