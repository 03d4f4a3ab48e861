"""PynamoDB models of the documents table (only repository.py imports this module).

One table, three item types:
`DOC#<id>/DOC` (a document: owner, key, declared facts, verdict; on gsi1 under its owner
while not deleted), `OWNER#<kind>#<id>/USAGE` (files and bytes an owner holds, the guard
of the per-owner limits) and `CFDI#<uuid>/CFDI` (a CFDI UUID reserved by an accepted
document, so one invoice is not accepted twice).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class DocumentModel(Item):
    Meta = table_meta("documents")

    document_id = UnicodeAttribute()
    owner_kind = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    account_id = UnicodeAttribute()  # the person (or operator) the document belongs to
    insurer_id = UnicodeAttribute()
    uploaded_by = UnicodeAttribute()
    name = UnicodeAttribute()
    doc_type = UnicodeAttribute()
    kind = UnicodeAttribute()  # validation kind
    size = NumberAttribute()  # declared; the upload policy caps the object at this size
    content_type = UnicodeAttribute()
    object_key = UnicodeAttribute()
    declared = UnicodeAttribute(null=True)  # JSON: what the owner declared (CLABE, RFCs, …)
    status = UnicodeAttribute()  # pendiente | aceptado | rechazado
    reasons = UnicodeAttribute(null=True)  # JSON list of {code, message}
    facts = UnicodeAttribute(null=True)  # JSON object
    stored_size = NumberAttribute(null=True)
    version_id = UnicodeAttribute(null=True)
    etag = UnicodeAttribute(null=True)
    validated_content_type = UnicodeAttribute(null=True)
    derived_key = UnicodeAttribute(null=True)
    reserved_uuid = UnicodeAttribute(null=True)  # the CFDI UUID this document holds
    owner_notified = BooleanAttribute(null=True)
    created_at = UnicodeAttribute()
    validated_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_owner = Gsi1["DocumentModel"]()


class UsageModel(Item):
    Meta = table_meta("documents")

    files = NumberAttribute(null=True)
    bytes = NumberAttribute(null=True)


class CfdiReservationModel(Item):
    Meta = table_meta("documents")

    document_id = UnicodeAttribute()
    reserved_at = UnicodeAttribute()
