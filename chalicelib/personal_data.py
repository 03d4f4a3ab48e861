"""What each context hands the privacy context about one person (Mexican ARCO rights).

Contexts answer with these plain objects from their own `service.py`, so the privacy context
never reads another context's tables. A record category names the law that may require it
to be kept ("clinical", "fiscal"); the insurer's retention settings say for how long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")

CLINICAL = "clinical"  # the clinical file: claims' medical documents, prescriptions
FISCAL = "fiscal"  # CFDI invoices, payments and what proves them
ERASED = "(eliminado)"  # what an anonymised name or free text reads afterwards


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
    # The kept records' ids, in the context's own terms: once the period ends the privacy
    # context hands them back to the context's `purge_retained`, as the account is gone.
    ids: tuple[str, ...] = ()
    # Documents (owner kind, owner id) kept with these records: the documents context leaves
    # them for the context's `purge_retained`, which deletes them with the records.
    document_owners: tuple[tuple[str, str], ...] = ()


def add_years(day: date, years: int) -> date:
    """Same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """What a deletion must keep: the years the law (or the insurer) requires per category,
    counted from a record's last activity, as of `today`. A category not listed is kept by
    no law, so its records go."""

    today: date
    years: Mapping[str, int]

    def until(self, category: str, last_activity: str | None) -> date | None:
        """The day a record may go, or None when it may go now."""
        years = self.years.get(category)
        if not years or not last_activity:
            return None
        ends = add_years(date.fromisoformat(last_activity[:10]), years)
        return ends if ends > self.today else None

    def keeps(self, category: str, last_activity: str | None) -> bool:
        return self.until(category, last_activity) is not None


def purge_each(
    ids: Iterable[str], get: Callable[[str], T | None], delete: Callable[[T], Any]
) -> int:
    """Delete each kept record `get` still finds by id, for a context's `purge_retained`;
    the number deleted. Repeatable: a record already gone is skipped."""
    purged = 0
    for record_id in ids:
        record = get(record_id)
        if record is not None:
            delete(record)
            purged += 1
    return purged
