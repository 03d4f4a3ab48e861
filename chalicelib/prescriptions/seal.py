"""Seals of sick-leave certificates: a canonical serialization signed with a KMS key.

The seal is an ECDSA P-256 signature (SHA-256) made by KMS over the certificate's canonical
bytes (`MessageType=RAW`: KMS hashes them itself). Verification needs no call to KMS per
request: the key's public half is fetched once per container and checked with
`cryptography`, so the public verification route stays fast and cannot exhaust KMS quotas.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from chalicelib import aws

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

ALGORITHM: Final = "ECDSA_SHA_256"
VERSION = 1
# Every field printed on the certificate, and nothing else (no diagnosis: the seal proves
# the certificate, it does not carry health details).
FIELDS: tuple[str, ...] = (
    "id",
    "nss",
    "patient_name",
    "kind",
    "start_date",
    "end_date",
    "days",
    "doctor",
    "clinic",
    "issued_at",
    "authorized_at",
)


def canonical(certificate: Mapping[str, str | int]) -> bytes:
    """UTF-8 JSON of the sealed fields: sorted keys, no spaces, the format's version."""
    missing = [name for name in FIELDS if name not in certificate]
    if missing:
        raise ValueError(f"fields missing from the certificate: {missing}")
    data: dict[str, str | int] = {name: certificate[name] for name in FIELDS}
    data["v"] = VERSION
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode(signature: bytes) -> str:
    """URL-safe base64 without padding: it travels in the QR's link."""
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def decode(seal: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(seal + "=" * (-len(seal) % 4))
    except (binascii.Error, ValueError):
        return None


def sign(key_id: str, message: bytes) -> str:
    """The seal of `message` by the KMS key."""
    answer = aws.kms().sign(
        KeyId=key_id, Message=message, MessageType="RAW", SigningAlgorithm=ALGORITHM
    )
    return encode(answer["Signature"])


@lru_cache(maxsize=8)
def public_key(key_id: str) -> EllipticCurvePublicKey:
    """The key's public half, fetched once per container."""
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    der = aws.kms().get_public_key(KeyId=key_id)["PublicKey"]
    key = load_der_public_key(der)
    if not isinstance(key, EllipticCurvePublicKey):
        raise TypeError("the seal key is not an elliptic-curve key")
    return key


def verify_with(key: EllipticCurvePublicKey, message: bytes, seal: str) -> bool:
    """Whether `seal` is the key's signature of exactly `message`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    signature = decode(seal)
    if not signature:
        return False
    try:
        key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify(key_id: str, message: bytes, seal: str) -> bool:
    return verify_with(public_key(key_id), message, seal)
