"""Insurers and their policy rosters."""

from __future__ import annotations

from chalicelib.policies import repository
from chalicelib.policies.repository import Insurer, Member, Policy

__all__ = ["Insurer", "Member", "Policy", "find_policy", "get_insurer", "load_roster"]


def find_policy(policy_number: str) -> Policy | None:
    """The policy with this number, as printed on the certificate (case and spaces ignored)."""
    number = "".join(policy_number.split()).upper()
    if not number:
        return None
    matches = repository.find_by_number(number)
    return matches[0] if len(matches) == 1 else None


def get_insurer(insurer_id: str) -> Insurer | None:
    """An insurer's profile."""
    return repository.get_insurer(insurer_id)


def load_roster(insurer: Insurer, policies: list[Policy]) -> None:
    """Create or replace an insurer and its policies (operator import and demo data)."""
    repository.save_insurer(insurer)
    repository.save_policies(policies)
