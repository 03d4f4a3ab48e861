"""Verification of Cognito id tokens: RS256 against the pool's JWKS (cached), issuer,
audience (our app client), expiry and token use.

The JWKS is fetched and cached by PyJWT's `PyJWKClient` (one hour; a token signed with a key
the cache does not know refreshes it at once, so a pool's key rotation is picked up).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Final

import jwt

from chalicelib.config import get_settings, issuer, jwks_url

JWKS_TTL_SECONDS: Final = 3600
# Only Cognito (HTTPS) or a local stack on this machine may hand us keys.
_ALLOWED_JWKS_PREFIXES: Final = ("https://", "http://127.0.0.1", "http://localhost")

fetch_jwks: Callable[[str], dict[str, Any]] | None = None
"""Tests and benchmarks set this to serve moto's pool (moto intercepts `requests`, not
urllib); `None` lets PyJWKClient fetch the JWKS over HTTP (it follows no redirects)."""


class InvalidToken(Exception):
    """The token is missing, malformed, expired, tampered with or from another pool."""


class _PoolKeys(jwt.PyJWKClient):
    def fetch_data(self) -> Any:
        if fetch_jwks is None:
            return super().fetch_data()
        # PyJWKClient.get_jwk_set caches what this returns.
        return fetch_jwks(self.uri)


_lock = threading.Lock()
_client: _PoolKeys | None = None


def _keys_client() -> _PoolKeys:
    global _client
    url = jwks_url(get_settings())
    if not url.startswith(_ALLOWED_JWKS_PREFIXES):
        raise InvalidToken("unexpected JWKS location")
    with _lock:
        if _client is None or _client.uri != url:
            _client = _PoolKeys(
                url,
                cache_jwk_set=True,
                lifespan=JWKS_TTL_SECONDS,
                timeout=5,
                # Every unknown key id refreshes the set, as a rotation needs.
                cooldown_duration=0,
            )
        return _client


def reset_cache() -> None:
    global _client
    with _lock:
        _client = None


def verify_id_token(token: str) -> dict[str, Any]:
    """The verified claims of an id token; raises InvalidToken."""
    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("malformed") from None
    if header.get("alg") != "RS256":
        raise InvalidToken("unexpected algorithm")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidToken("unknown key")
    try:
        signing_key = _keys_client().get_signing_key(kid)
    except jwt.PyJWKClientConnectionError:
        raise  # the pool's keys are unreachable: an outage, not a bad token
    except (jwt.PyJWKClientError, jwt.PyJWKSetError):
        # No key of that id, even after a refresh (or the pool published no usable key).
        raise InvalidToken("unknown key") from None
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=signing_key,
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
