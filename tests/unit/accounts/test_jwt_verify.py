"""Id-token verification against a JWKS cached by PyJWT's PyJWKClient."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.accounts import jwt_verify
from chalicelib.config import get_settings

POOL = "us-east-1_Test"
CLIENT = "client-123"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def _token(key: rsa.RSAPrivateKey, kid: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "sub": "user-1",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


class Pool:
    """Serves a JWKS through the module's seam and counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetched: list[str] = []

    def __call__(self, url: str) -> dict[str, Any]:
        self.fetched.append(url)
        return {"keys": list(self.keys)}


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pool]:
    monkeypatch.setenv("USER_POOL_ID", POOL)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", CLIENT)
    get_settings.cache_clear()
    served = Pool()
    monkeypatch.setattr(jwt_verify, "fetch_jwks", served)
    jwt_verify.reset_cache()
    yield served
    jwt_verify.reset_cache()
    get_settings.cache_clear()


def test_a_valid_id_token_verifies_and_the_keys_are_fetched_once(pool: Pool) -> None:
    key = _key()
    pool.keys = [_jwk(key, "k1")]
    assert jwt_verify.verify_id_token(_token(key, "k1"))["sub"] == "user-1"
    assert jwt_verify.verify_id_token(_token(key, "k1", sub="user-2"))["sub"] == "user-2"
    assert pool.fetched == [f"{ISSUER}/.well-known/jwks.json"]


def test_a_rotated_key_refreshes_the_cached_set_at_once(pool: Pool) -> None:
    old, new = _key(), _key()
    pool.keys = [_jwk(old, "old")]
    jwt_verify.verify_id_token(_token(old, "old"))
    pool.keys = [_jwk(new, "new")]
    assert jwt_verify.verify_id_token(_token(new, "new"))["sub"] == "user-1"
    assert len(pool.fetched) == 2


def test_an_unknown_key_is_an_invalid_token(pool: Pool) -> None:
    pool.keys = [_jwk(_key(), "k1")]
    with pytest.raises(jwt_verify.InvalidToken, match="unknown key"):
        jwt_verify.verify_id_token(_token(_key(), "elsewhere"))
    with pytest.raises(jwt_verify.InvalidToken, match="unknown key"):
        jwt_verify.verify_id_token(_token(_key(), "k2"))


def test_a_pool_without_keys_refuses_every_token(pool: Pool) -> None:
    with pytest.raises(jwt_verify.InvalidToken, match="unknown key"):
        jwt_verify.verify_id_token(_token(_key(), "k1"))


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"token_use": "access"}, "not an id token"),
        ({"aud": "another-client"}, "rejected"),
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/other"}, "rejected"),
        ({"exp": int(time.time()) - 60}, "rejected"),
    ],
)
def test_claims_are_checked(pool: Pool, claims: dict[str, Any], reason: str) -> None:
    key = _key()
    pool.keys = [_jwk(key, "k1")]
    with pytest.raises(jwt_verify.InvalidToken, match=reason):
        jwt_verify.verify_id_token(_token(key, "k1", **claims))


def test_only_https_or_loopback_locations_are_fetched(
    pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COGNITO_JWKS_URL", "http://keys.example.com/jwks.json")
    get_settings.cache_clear()
    key = _key()
    pool.keys = [_jwk(key, "k1")]
    with pytest.raises(jwt_verify.InvalidToken, match="unexpected JWKS location"):
        jwt_verify.verify_id_token(_token(key, "k1"))
    assert pool.fetched == []


def test_reset_cache_fetches_the_keys_again(pool: Pool) -> None:
    key = _key()
    pool.keys = [_jwk(key, "k1")]
    jwt_verify.verify_id_token(_token(key, "k1"))
    jwt_verify.reset_cache()
    jwt_verify.verify_id_token(_token(key, "k1"))
    assert len(pool.fetched) == 2


def test_without_the_seam_the_keys_come_over_http(
    pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _key()
    body = json.dumps({"keys": [_jwk(key, "k1")]}).encode()
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setattr(jwt_verify, "fetch_jwks", None)
        monkeypatch.setenv("COGNITO_JWKS_URL", f"http://127.0.0.1:{server.server_port}/jwks.json")
        get_settings.cache_clear()
        jwt_verify.reset_cache()
        assert jwt_verify.verify_id_token(_token(key, "k1"))["sub"] == "user-1"
        assert requests == ["/jwks.json"]
    finally:
        server.shutdown()
        server.server_close()
