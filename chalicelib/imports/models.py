"""PynamoDB models of imports (only repository.py imports this module)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.dynamo import table_meta
from chalicelib.tables.models import Gsi1, Item


class ImportModel(Item):
    """One import. Key: IMPORT#<id> / IMPORT; gsi1: INSURER#<id> / <created_at>#<id>."""

    Meta = table_meta("imports")

    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    import_id = UnicodeAttribute()
    insurer_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    mode = UnicodeAttribute()
    status = UnicodeAttribute()
    file_name = UnicodeAttribute()
    file_type = UnicodeAttribute()
    document_id = UnicodeAttribute()
    object_key = UnicodeAttribute()
    version_id = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute()
    requester_email = UnicodeAttribute()
    requester_name = UnicodeAttribute()
    source_import_id = UnicodeAttribute(null=True)
    position = NumberAttribute(default=0)  # data rows consumed (the checkpoint)
    rows_read = NumberAttribute(default=0)
    rows_total = NumberAttribute(null=True)
    counts = JSONAttribute(default=dict)  # creados, actualizados, sin_cambios, rechazados
    errors_reported = NumberAttribute(default=0)
    reasons = JSONAttribute(default=list)
    report_key = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    by_insurer = Gsi1["ImportModel"]()


class ImportErrorsModel(Item):
    """The outcome of one chunk: its row errors and counts. Key: IMPORT#<id> /
    ERRORS#<position, 9 digits>."""

    Meta = table_meta("imports")

    errors = JSONAttribute()  # [[fila, columna, valor, mensaje], ...]
    counts = JSONAttribute(null=True)  # creados, actualizados, sin_cambios, rechazados
