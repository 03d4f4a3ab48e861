"""Verification of Cognito id tokens: RS256 against the pool's JWKS (cached), issuer,
audience (our app client), expiry and token use."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from chalicelib.config import get_settings, issuer, jwks_url

JWKS_TTL_SECONDS = 3600
_lock = threading.Lock()
_cache: dict[str, Any] = {"keys": None, "fetched": 0.0, "url": None}


class InvalidToken(Exception):
    """The token is missing, malformed, expired, tampered with or from another pool."""


def _fetch(url: str) -> dict[str, Any]:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise InvalidToken("unexpected JWKS location")
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - checked above
        data: dict[str, Any] = json.loads(response.read())
        return data


fetch_jwks: Callable[[str], dict[str, Any]] = _fetch


def _keys(force: bool = False) -> dict[str, Any]:
    url = jwks_url(get_settings())
    with _lock:
        stale = time.monotonic() - _cache["fetched"] > JWKS_TTL_SECONDS
        if force or stale or _cache["keys"] is None or _cache["url"] != url:
            document = fetch_jwks(url)
            _cache.update(
                keys={key["kid"]: key for key in document.get("keys", [])},
                fetched=time.monotonic(),
                url=url,
            )
        keys: dict[str, Any] = _cache["keys"]
        return keys


def reset_cache() -> None:
    with _lock:
        _cache.update(keys=None, fetched=0.0, url=None)


def verify_id_token(token: str) -> dict[str, Any]:
    """The verified claims of an id token; raises InvalidToken."""
    import jwt
    from jwt.algorithms import RSAAlgorithm

    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("malformed") from None
    if header.get("alg") != "RS256":
        raise InvalidToken("unexpected algorithm")
    kid = header.get("kid")
    keys = _keys()
    if kid not in keys:
        keys = _keys(force=True)  # the pool may have rotated its keys
    if kid not in keys:
        raise InvalidToken("unknown key")
    public_key = RSAAlgorithm.from_jwk(json.dumps(keys[kid]))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=public_key,  # type: ignore[arg-type]
            algorithms=["RS256"],
            audience=settings.user_pool_client_id,
            issuer=issuer(settings),
            options={"require": ["exp", "iss", "aud", "token_use", "sub"]},
            leeway=5,
        )
    except jwt.PyJWTError:
        raise InvalidToken("rejected") from None
    if claims.get("token_use") != "id":
        raise InvalidToken("not an id token")
    return claims
