"""Insurers' policy rosters, conditions per member, network hospitals and claim catalogues.

The insurer's own record (names, settings, versions) belongs to the insurers context;
`get_insurer` and `catalog` read it through that context's service."""

from __future__ import annotations

from typing import Any

from chalicelib.insurers import service as insurers
from chalicelib.kernel.text import search_fold
from chalicelib.policies import repository
from chalicelib.policies.catalog import (
    Catalog,
    ClaimType,
    DocumentKind,
    Form,
    catalog_for,
    default_raw,
    overrides_key,
)
from chalicelib.policies.repository import Condition, Hospital, Insurer, Member, Policy

__all__ = [
    "Catalog",
    "ClaimType",
    "Condition",
    "DocumentKind",
    "Form",
    "Hospital",
    "Insurer",
    "Member",
    "Policy",
    "catalog",
    "check_catalog",
    "conditions_by_key",
    "conditions_of",
    "default_catalog",
    "find_policy",
    "get_insurer",
    "get_policy",
    "hospitals",
    "hospitals_by_id",
    "load_conditions",
    "load_hospitals",
    "load_roster",
    "policies_by_number",
    "save_policies",
]


def find_policy(policy_number: str) -> Policy | None:
    """The policy with this number, as printed on the certificate (case and spaces ignored)."""
    number = "".join(policy_number.split()).upper()
    if not number:
        return None
    matches = repository.find_by_number(number)
    return matches[0] if len(matches) == 1 else None


def get_policy(insurer_id: str, policy_number: str) -> Policy | None:
    """One insurer's policy by its number."""
    return repository.get_policy(insurer_id, policy_number)


def get_insurer(insurer_id: str) -> insurers.Insurer | None:
    """An insurer's record (the insurers context's)."""
    return insurers.get_insurer(insurer_id)


def load_roster(insurer: Insurer, policies: list[Policy]) -> None:
    """Create or replace an insurer's policies (operator import and demo data); the insurer is
    created with the platform's defaults when it does not exist yet."""
    insurers.ensure_insurer(insurer.insurer_id, insurer.name, insurer.rfc)
    repository.save_policies(policies)


def policies_by_number(insurer_id: str, policy_numbers: list[str]) -> dict[str, Policy]:
    """An insurer's policies among these numbers (batched reads; absent ones left out)."""
    return repository.get_policies(insurer_id, policy_numbers)


def save_policies(policies: list[Policy]) -> None:
    """Create or replace these policies of insurers that exist (batched writes)."""
    repository.save_policies(policies)


def load_conditions(insurer_id: str, conditions: list[Condition]) -> None:
    """Register conditions (padecimientos) of policy members (operator import and demo data)."""
    repository.save_conditions(insurer_id, conditions)


def conditions_by_key(
    insurer_id: str, keys: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], Condition]:
    """Registered conditions by (policy, member id, condition id) (batched reads)."""
    return {
        (c.policy_number, c.member_id, c.condition_id): c
        for c in repository.get_conditions(insurer_id, keys)
    }


def hospitals_by_id(insurer_id: str, hospital_ids: list[str]) -> dict[str, Hospital]:
    """The insurer's network hospitals among these ids (batched reads)."""
    return {h.hospital_id: h for h in repository.get_hospitals(insurer_id, hospital_ids)}


def conditions_of(insurer_id: str, policy_number: str) -> list[Condition]:
    """Every registered condition of the policy's members."""
    return repository.conditions_of(insurer_id, policy_number)


def load_hospitals(insurer_id: str, hospitals: list[Hospital]) -> None:
    """Create or replace hospitals of the insurer's network (operator import and demo data)."""
    repository.save_hospitals(insurer_id, hospitals)


def hospitals(insurer_id: str, query: str | None = None) -> list[Hospital]:
    """The insurer's network hospitals, optionally those whose name or city matches `query`."""
    found = repository.hospitals_of(insurer_id)
    if query:
        needle = search_fold(query.strip())
        found = [h for h in found if needle in search_fold(f"{h.name} {h.city} {h.state}")]
    return sorted(found, key=lambda h: h.name)


def catalog(insurer_id: str) -> Catalog:
    """The insurer's claim catalogue: its own settings over the default."""
    return catalog_for(insurer_id, overrides_key(insurers.catalog_settings(insurer_id)))


def default_catalog() -> dict[str, Any]:
    """The catalogue a new insurer starts from, as data."""
    return default_raw()


def check_catalog(insurer_id: str, overrides: dict[str, Any]) -> str | None:
    """Why these overrides do not make a usable catalogue (None when they do)."""
    try:
        catalog_for(insurer_id, overrides_key(overrides))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None
