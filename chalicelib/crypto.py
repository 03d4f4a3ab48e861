"""Small secrets (TOTP seeds, a pending log-in's refresh token) sealed with the KMS data key."""

from __future__ import annotations

import base64

from chalicelib import aws
from chalicelib.config import get_settings


def seal(plaintext: str, purpose: str) -> str:
    """Encrypt up to 4 KB with the data key, bound to `purpose` (KMS encryption context)."""
    blob = aws.kms().encrypt(
        KeyId=get_settings().data_key_id,
        Plaintext=plaintext.encode("utf-8"),
        EncryptionContext={"purpose": purpose},
    )["CiphertextBlob"]
    return base64.b64encode(blob).decode("ascii")


def unseal(sealed: str, purpose: str) -> str:
    plaintext = aws.kms().decrypt(
        CiphertextBlob=base64.b64decode(sealed),
        EncryptionContext={"purpose": purpose},
    )["Plaintext"]
    return plaintext.decode("utf-8")
