"""Whom a CFDI's certificates must come from: SAT's certificate authorities (shipped as data
under `schemas/sat/authorities/`, see docs/providers.md for how to update them), plus the
authorities a run adds (the CLI's `--trusted-ca`, or `SAT_EXTRA_TRUSTED_CAS` on the `local`
and `test` stages only, where the local stack and the tests seal CFDIs with their own test
authority).

A PEM file may hold several certificates. An authority (BasicConstraints CA) signs CSDs; any
other certificate in the store is taken as one of SAT's stamping certificates, found by its
number (`NoCertificadoSAT`), so that `SelloSAT` can be verified when it is known.
cryptography is imported only when a CFDI is checked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from cryptography import x509

logger = logging.getLogger(__name__)

AUTHORITIES_DIR: Final = Path(__file__).resolve().parents[1] / "schemas" / "sat" / "authorities"
EXTRA_VARIABLE: Final = "SAT_EXTRA_TRUSTED_CAS"
EXTRA_STAGES: Final = frozenset({"local", "test"})


@dataclass(frozen=True)
class TrustStore:
    """The authorities that may sign a CSD, and SAT's stamping certificates by number."""

    authorities: tuple[x509.Certificate, ...] = ()
    stamping: dict[str, x509.Certificate] = field(default_factory=dict)

    def issuer_of(self, certificate: x509.Certificate) -> x509.Certificate | None:
        """The trusted authority whose key signed `certificate`, if any."""
        from cryptography.exceptions import InvalidSignature

        for authority in self.authorities:
            if authority.subject != certificate.issuer:
                continue
            try:
                certificate.verify_directly_issued_by(authority)
            except (InvalidSignature, ValueError, TypeError):
                continue  # another key or algorithm under the same name: not this one
            return authority
        return None


def certificate_number(certificate: x509.Certificate) -> str | None:
    """SAT's certificate number: the 20 ASCII digits its serial number encodes."""
    serial = certificate.serial_number
    raw = serial.to_bytes((serial.bit_length() + 7) // 8 or 1, "big")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if len(text) == 20 and text.isdigit() else None


def _is_authority(certificate: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def load_pems(blobs: Iterable[bytes]) -> tuple[x509.Certificate, ...]:
    """Every certificate in the PEM blobs, in order."""
    from cryptography import x509

    found: list[x509.Certificate] = []
    for blob in blobs:
        if b"-----BEGIN CERTIFICATE-----" in blob:
            found.extend(x509.load_pem_x509_certificates(blob))
    return tuple(found)


def build_store(certificates: Iterable[x509.Certificate]) -> TrustStore:
    authorities: list[x509.Certificate] = []
    stamping: dict[str, x509.Certificate] = {}
    for certificate in certificates:
        if _is_authority(certificate):
            authorities.append(certificate)
        else:
            number = certificate_number(certificate)
            if number:
                stamping[number] = certificate
    return TrustStore(tuple(authorities), stamping)


@lru_cache(maxsize=1)
def _shipped() -> tuple[x509.Certificate, ...]:
    return load_pems(path.read_bytes() for path in sorted(AUTHORITIES_DIR.glob("*.pem")))


@lru_cache(maxsize=16)
def _store_of(extra: tuple[bytes, ...]) -> TrustStore:
    return build_store(_shipped() + load_pems(extra))


def trust_store(extra: tuple[bytes, ...] = ()) -> TrustStore:
    """SAT's authorities plus `extra` PEM blobs (built once per distinct set)."""
    return _store_of(extra)


def _file_state(path: str) -> tuple[str, float] | None:
    try:
        return path, os.stat(path).st_mtime
    except OSError:
        return None


@lru_cache(maxsize=8)
def _read_files(states: tuple[tuple[str, float], ...]) -> tuple[bytes, ...]:
    return tuple(Path(path).read_bytes() for path, _ in states)


def environment_extras(stage: str, value: str | None = None) -> tuple[bytes, ...]:
    """The PEM files named by `SAT_EXTRA_TRUSTED_CAS` (separated by the path separator or a
    comma), only on the `local` and `test` stages; a file not (yet) there is skipped."""
    if stage not in EXTRA_STAGES:
        return ()
    raw = os.environ.get(EXTRA_VARIABLE, "") if value is None else value
    paths = [part.strip() for part in raw.replace(",", os.pathsep).split(os.pathsep)]
    states = tuple(state for path in paths if path and (state := _file_state(path)))
    if len(states) < len([path for path in paths if path]):
        logger.warning("a file of %s is missing", EXTRA_VARIABLE)
    return _read_files(states) if states else ()
