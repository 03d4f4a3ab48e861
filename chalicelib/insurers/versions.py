"""Versions of an insurer's record, pure: which fields a change touched, from what to what.

Every change of an insurer writes its next version beside it (`repository.save_change`); the
record carries the version it is at, and a change names the version it was made on, so two
people editing at once cannot overwrite each other (the second one is told to reload).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The fields of an insurer that a change may touch, in the order a version lists them.
VERSIONED_FIELDS: tuple[str, ...] = (
    "legal_name",
    "rfc",
    "country",
    "display_name",
    "brand_color",
    "logo",
    "contact",
    "service_levels",
    "catalog",
    "retention",
    "privacy_notice",
)


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def _normal(value: Any) -> Any:
    """Empty settings and unset ones are the same thing: the default."""
    if value in ({}, [], ""):
        return None
    if isinstance(value, dict):
        cleaned = {k: _normal(v) for k, v in value.items()}
        kept = {k: v for k, v in cleaned.items() if v is not None}
        return kept or None
    return value


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The versioned fields whose value differs between `old` and `new` (missing = unset)."""
    found = []
    for name in VERSIONED_FIELDS:
        before, after = _normal(old.get(name)), _normal(new.get(name))
        if before != after:
            found.append(Change(name, before, after))
    return found


def sort_key(version: int) -> str:
    """The version item's sort key: ten digits, so the newest sorts last."""
    if not 1 <= version < 10**10:
        raise ValueError(f"version out of range: {version}")
    return f"VERSION#{version:010d}"
