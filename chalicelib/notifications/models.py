"""PynamoDB models of the email outbox (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

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
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    expires_at_epoch = NumberAttribute(null=True)
    pending = Gsi1["OutboxEmailModel"]()
