"""What each context hands the privacy context about one person (Mexican ARCO rights).

Contexts answer with these plain objects from their own `service.py`, so the privacy context
never reads another context's tables. A record category names the law that may require it
to be kept ("clinical", "fiscal"); the insurer's retention settings say for how long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CLINICAL = "clinical"  # the clinical file: claims' medical documents, prescriptions
FISCAL = "fiscal"  # CFDI invoices, payments and what proves them


@dataclass(frozen=True)
class PersonalData:
    """One context's records of a person, ready for the export's JSON."""

    section: str  # the key in the export ("cuenta", "tramites", …)
    records: Any  # JSON-serialisable
    document_owners: tuple[tuple[str, str], ...] = ()  # (owner kind, owner id) of files
    last_activity: dict[str, str] = field(default_factory=dict)  # category → ISO date


@dataclass(frozen=True)
class Retained:
    """Records a deletion kept because a law requires them."""

    what: str  # Spanish, for the person and the auditor
    category: str
    count: int
    last_activity: str | None = None  # ISO date the retention period runs from
