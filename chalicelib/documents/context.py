"""What the owner declared about a file, for the rules that compare the file with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.documents.retention import RetentionTable
from chalicelib.documents.rules import Declared


@dataclass(frozen=True)
class ValidationContext(Declared):
    """The owner's declarations, and the table and day the rules apply them with."""

    # The insurer's retention table; None means the default one.
    retention_table: RetentionTable | None = None
    today: date = field(default_factory=date.today)
    # PEM blobs of certificate authorities trusted besides SAT's (the CLI's --trusted-ca);
    # None: those of SAT_EXTRA_TRUSTED_CAS on the local and test stages only.
    trusted_authorities: tuple[bytes, ...] | None = None
