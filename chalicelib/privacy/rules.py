"""Pure rules of data requests: the state machine, labels and retention dates.

No I/O here except reading the retention settings file (data, per insurer, with a default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from chalicelib.personal_data import Retained, Retention, add_years

EXPORT = "export"
DELETION = "deletion"

# export: pendiente → en_proceso → lista | fallida (built automatically, no decision needed)
# deletion: pendiente → aprobada (due date set) → completada; pendiente → rechazada
TRANSITIONS: Final[dict[str, dict[str, frozenset[str]]]] = {
    EXPORT: {
        "pendiente": frozenset({"en_proceso", "fallida"}),
        "en_proceso": frozenset({"lista", "fallida", "en_proceso"}),
        "lista": frozenset(),
        "fallida": frozenset(),
    },
    DELETION: {
        "pendiente": frozenset({"aprobada", "rechazada"}),
        "aprobada": frozenset({"completada"}),
        "completada": frozenset(),
        "rechazada": frozenset(),
    },
}
OPEN_STATUSES: Final = frozenset({"pendiente", "en_proceso", "aprobada"})
STATUSES: Final = (
    "pendiente",
    "en_proceso",
    "lista",
    "fallida",
    "aprobada",
    "rechazada",
    "completada",
)

LABELS: Final[dict[str, str]] = {
    "pendiente": "Recibida",
    "en_proceso": "Preparando tu archivo",
    "lista": "Lista para descargar",
    "fallida": "No se pudo preparar; solicítala de nuevo",
    "aprobada": "Aprobada; se eliminará en la fecha indicada",
    "rechazada": "Rechazada",
    "completada": "Completada",
    "vencida": "El enlace venció; solicita un archivo nuevo",
}
TYPE_LABELS: Final[dict[str, str]] = {
    EXPORT: "Descarga de mis datos",
    DELETION: "Eliminación de mi cuenta",
}


def can_move(request_type: str, current: str, target: str) -> bool:
    return target in TRANSITIONS.get(request_type, {}).get(current, frozenset())


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


# --- retention settings (data) -------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    name: str
    years: int
    defers_deletion: bool
    legal_basis: str


@dataclass(frozen=True)
class RetentionPolicy:
    insurer_id: str
    grace_days: int
    export_available_hours: int
    categories: dict[str, Category]


_SETTINGS = Path(__file__).with_name("retention_settings.json")


@lru_cache(maxsize=1)
def _settings() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_SETTINGS.read_text(encoding="utf-8"))
    return loaded


def default_insurer() -> str:
    """Who attends requests of people without an insurer (affiliates, Chilean providers)."""
    return str(_settings()["default_insurer"])


def policy_from(data: dict[str, Any], insurer_id: str) -> RetentionPolicy:
    """The insurer's policy: its own values over the default; never below the legal minimum."""
    base = data["default"]
    own = data.get("insurers", {}).get(insurer_id, {})
    categories: dict[str, Category] = {}
    for name, legal in base["categories"].items():
        mine = own.get("categories", {}).get(name, {})
        categories[name] = Category(
            name=name,
            years=max(int(legal["years"]), int(mine.get("years", legal["years"]))),
            defers_deletion=bool(mine.get("defers_deletion", legal["defers_deletion"])),
            legal_basis=str(mine.get("legal_basis", legal["legal_basis"])),
        )
    return RetentionPolicy(
        insurer_id=insurer_id,
        grace_days=max(0, int(own.get("grace_days", base["grace_days"]))),
        export_available_hours=int(
            own.get("export_available_hours", base["export_available_hours"])
        ),
        categories=categories,
    )


def policy_for(insurer_id: str) -> RetentionPolicy:
    """The insurer's policy: its own retention settings (kept on its record, the insurers
    context's) over the defaults of `retention_settings.json`."""
    from chalicelib.insurers import service as insurers

    own = insurers.retention_settings(insurer_id)
    return policy_from({**_settings(), "insurers": {insurer_id: own}}, insurer_id)


def default_retention() -> dict[str, Any]:
    """The retention settings a new insurer starts from (a fresh copy)."""
    loaded: dict[str, Any] = json.loads(json.dumps(_settings()["default"]))
    return loaded


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


def deletion_due(approved_at: datetime, policy: RetentionPolicy) -> datetime:
    """When an approved deletion runs: once the insurer's grace days have passed. It closes
    the account and erases what no law keeps then; what a law keeps is blocked and purged
    when its own period ends (`retained_until`), never by waiting to delete the rest."""
    return approved_at + timedelta(days=policy.grace_days)


def retained_until(item: Retained, policy: RetentionPolicy, executed_at: datetime) -> date:
    """The day a kept record may go: its category's years from its last activity."""
    category = policy.categories.get(item.category)
    start = _day(item.last_activity) if item.last_activity else executed_at.date()
    return add_years(start, category.years if category else 0)


def retention(policy: RetentionPolicy, today: date) -> Retention:
    """The policy's years per category as of `today`, for the contexts' erase functions."""
    return Retention(today, {name: c.years for name, c in policy.categories.items()})


def legal_basis(item: Retained, policy: RetentionPolicy) -> str:
    category = policy.categories.get(item.category)
    return category.legal_basis if category else "Obligación legal del responsable."


def latest(*isos: str | None) -> str | None:
    found = [i for i in isos if i]
    return max(found) if found else None
