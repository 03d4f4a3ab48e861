"""What the owner declared about a file, for the rules that compare the file with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.documents.retention import RetentionTable


@dataclass(frozen=True)
class ValidationContext:
    clabe: str | None = None
    holder: str | None = None
    issuer_rfc: str | None = None
    receiver_rfc: str | None = None
    invoice_uuid: str | None = None
    # None: inferred from the invoice (an implocal retention means the cedular tax applies).
    jalisco_cedular: bool | None = None
    # The insurer's retention table; None means the default one.
    retention_table: RetentionTable | None = None
    today: date = field(default_factory=date.today)
