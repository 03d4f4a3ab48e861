"""PynamoDB models of the email outbox (only repository.py imports this module).

`EMAIL#<id>/EMAIL`: an email (on gsi1 under `OUTBOX#pendiente` while it waits to be sent).
`PERSON#<sha256 of an address>/EMAIL#<created>#<id>`: one per address the email was sent to
or is about (the copy of a contact message to the complaints address is about its sender),
so a person's emails are found with a Query for their export and their deletion.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class OutboxEmailModel(Item):
    Meta = table_meta("email_outbox")

    email_id = UnicodeAttribute()
    recipients = ListAttribute[str]()  # a list of strings, stored as a DynamoDB list
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute()
    template = UnicodeAttribute()
    status = UnicodeAttribute()  # pendiente | enviado
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    # Who is sending it right now (so two deliveries of one email send it once) and since when.
    send_claim = UnicodeAttribute(null=True)
    send_claimed_at = UnicodeAttribute(null=True)
    # Files that travel with it: [{name, content_type, size, data (base64)}] (mime.py).
    attachments = JSONAttribute(null=True)
    # The hashes of the addresses it is indexed under (PersonIndexModel).
    people = ListAttribute[str](null=True)
    # Deleted once sent: the last email of an account deletion keeps nothing behind.
    forget = BooleanAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    expires_at_epoch = NumberAttribute(null=True)
    pending = Gsi1["OutboxEmailModel"]()


class PersonIndexModel(Item):
    Meta = table_meta("email_outbox")

    email_id = UnicodeAttribute()
    expires_at_epoch = NumberAttribute(null=True)
