"""The affiliate registry: who is affiliated, and who shares a credential (family nucleus)."""

from __future__ import annotations

from chalicelib.registry import repository
from chalicelib.registry.repository import AffiliateRecord

__all__ = ["AffiliateRecord", "family", "find_affiliate", "load"]


def normalize_serial(serial: str) -> str:
    return "".join(serial.split()).upper()


def find_affiliate(nss: str) -> AffiliateRecord | None:
    """The registry record of an NSS."""
    return repository.find(nss)


def family(credential_serial: str) -> list[AffiliateRecord]:
    """Everyone in the registry who shares this credential serial."""
    return repository.by_serial(normalize_serial(credential_serial))


def load(records: list[AffiliateRecord]) -> None:
    """Create or replace registry records (operator import and demo data)."""
    repository.save(records)
