"""The affiliate registry: who is affiliated, and who shares a credential (family nucleus).

An affiliate acts for themself or for any member of their nucleus (the records that share
their credential serial, registered or not): `booker` is that group as the appointments and
prescriptions contexts see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib import errors
from chalicelib.registry import repository
from chalicelib.registry.repository import AffiliateRecord

__all__ = [
    "AffiliateRecord",
    "Booker",
    "Member",
    "affiliates_by_nss",
    "booker",
    "family",
    "find_affiliate",
    "load",
]


def normalize_serial(serial: str) -> str:
    return "".join(serial.split()).upper()


def find_affiliate(nss: str) -> AffiliateRecord | None:
    """The registry record of an NSS."""
    return repository.find(nss)


def affiliates_by_nss(nss: list[str]) -> dict[str, AffiliateRecord]:
    """The registry records of these NSS (batched reads; absent ones left out)."""
    return {record.nss: record for record in repository.find_many(nss)}


def family(credential_serial: str) -> list[AffiliateRecord]:
    """Everyone in the registry who shares this credential serial."""
    return repository.by_serial(normalize_serial(credential_serial))


def load(records: list[AffiliateRecord]) -> None:
    """Create or replace registry records (operator import and demo data)."""
    repository.save(records)


@dataclass(frozen=True)
class Member:
    member_id: str
    nss: str
    full_name: str


@dataclass(frozen=True)
class Booker:
    """A signed-in affiliate with their nucleus, as the registry knows it."""

    account_id: str
    nucleus: str  # the credential serial the nucleus shares
    self_id: str
    members: tuple[Member, ...]
    addresses: tuple[str, ...]
    insurer_id: str = ""  # whose plan covers the nucleus: its clinics are theirs to book

    def member(self, member_id: str) -> Member:
        for member in self.members:
            if member.member_id == member_id:
                return member
        raise errors.NotFound("Esa persona no pertenece a tu núcleo familiar.")


def booker(account_id: str, nss: str, addresses: Iterable[str]) -> Booker:
    """The affiliate of this account (found by the NSS kept in its details) and their
    nucleus: the affiliate first, then the others by name."""
    record = find_affiliate(nss) if nss else None
    if record is None:
        raise errors.NotFound(
            "No encontramos tu registro de afiliación. Comunícate con tu clínica.",
            code="affiliate_not_found",
        )
    nucleus = normalize_serial(record.credential_serial)
    members = [Member(r.member_id, r.nss, r.full_name) for r in family(nucleus)]
    if all(m.member_id != record.member_id for m in members):
        members.insert(0, Member(record.member_id, record.nss, record.full_name))
    members.sort(key=lambda m: (m.member_id != record.member_id, m.full_name))
    return Booker(
        account_id=account_id,
        nucleus=nucleus,
        self_id=record.member_id,
        members=tuple(members),
        addresses=tuple(addresses),
        insurer_id=record.insurer_id,
    )
