"""Where a person's records live: the contexts that hand them over for an export, erase them
(or block them, anonymised, while the law requires) on a deletion, purge by id what a
deletion kept once its period ends, and tell the last act on kept records (a later act moves
the day they go)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.claims import service as claims
from chalicelib.documents import service as documents
from chalicelib.payments import service as payments
from chalicelib.personal_data import PersonalData, Retained, Retention
from chalicelib.prescriptions import service as prescriptions
from chalicelib.providers import service as providers
from chalicelib.settlement import service as settlement

Collector = Callable[[str], PersonalData]
Eraser = Callable[[str, Retention], list[Retained]]
Purger = Callable[[list[str]], int]
Activity = Callable[[list[str]], str | None]


def collectors(role: str) -> list[Collector]:
    """Which contexts hold records of a person of this role."""
    by_role: dict[str, list[Collector]] = {
        "asegurado": [
            claims.personal_data,
            claims.policy_personal_data,
            claims.inbox_personal_data,
        ],
        "prestador": [providers.personal_data, settlement.personal_data],
        "afiliado": [
            payments.personal_data,
            appointments.personal_data,
            prescriptions.personal_data,
        ],
    }
    return [accounts.personal_data, *by_role.get(role, [])]


def erasers(role: str) -> list[tuple[str, Eraser]]:
    """Which contexts erase (or block, anonymised, while the law requires) a person's records;
    the name says whose `purge_retained` deletes what they kept once its period ends."""
    by_role: dict[str, list[tuple[str, Eraser]]] = {
        "asegurado": [("claims", claims.erase_personal_data)],
        "prestador": [("providers", providers.erase_personal_data)],
        "afiliado": [
            ("payments", payments.erase_personal_data),
            ("appointments", appointments.erase_personal_data),
            ("prescriptions", prescriptions.erase_personal_data),
        ],
    }
    return by_role.get(role, [])


def purgers() -> dict[str, Purger]:
    """Each context deletes by id what a deletion kept, once the period ends; the account is
    anonymised by then, so the ids are all that finds the records."""
    return {
        "appointments": appointments.purge_retained,
        "claims": claims.purge_retained,
        "providers": providers.purge_retained,
        "documents": documents.purge_retained,
        "payments": payments.purge_retained,
        "prescriptions": prescriptions.purge_retained,
    }


def activity() -> dict[str, Activity]:
    """The contexts whose kept records can still see a new act after the deletion (an
    operator moves a kept claim): the purge asks them before deleting."""
    return {"claims": claims.latest_activity}


def collect(account_id: str, role: str) -> list[PersonalData]:
    """The person's records, one section per context that holds some."""
    return [collector(account_id) for collector in collectors(role)]
