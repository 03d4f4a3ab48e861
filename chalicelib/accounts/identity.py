"""Cognito as credential store and token issuer (the only module that calls it).

The username of every Cognito user is our account id; people log in with the identifiers
the accounts context resolves (email, NSS, RUT). Groups mirror the roles and the custom
attribute `insurers` an operator's scope, for people looking at the pool; access never comes
from them: the authorizer reads role and scope from our own account record.

Every call is server-side with the pool's one app client, which has a secret the browser
never sees (`AdminInitiateAuth` with `SECRET_HASH`); the secret is read from Cognito once per
container. The browser gets id and refresh tokens, never an access token (with one, its
holder could call Cognito's `ChangePassword`, `UpdateUserAttributes` or `DeleteUser` itself).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings

_REFUSED = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "PasswordResetRequiredException",
    "UserNotConfirmedException",
}


# Asked of Cognito for identifiers that have no account, so that an unknown identifier
# costs the same call as a wrong password (no user has this name: usernames are UUIDs).
DECOY_USERNAME = "sin-cuenta"


@dataclass(frozen=True)
class Tokens:
    id_token: str
    refresh_token: str | None
    expires_in: int

    @property
    def session_id(self) -> str:
        """The log-in's id (`origin_jti`), the same in every id token refreshed from it."""
        return origin_jti(self.id_token)


def origin_jti(id_token: str) -> str:
    """The `origin_jti` of an id token that Cognito just handed us (server to server)."""
    import jwt

    claims = jwt.decode(id_token, options={"verify_signature": False})
    value = claims.get("origin_jti")
    if not isinstance(value, str) or not value:
        raise RuntimeError("Cognito's id token carries no origin_jti")
    return value


_secret_lock = threading.Lock()
_secret: dict[str, str] = {}


def _client_secret() -> str:
    settings = get_settings()
    key = f"{settings.user_pool_id}/{settings.user_pool_client_id}"
    with _secret_lock:
        if key not in _secret:
            client = aws.cognito().describe_user_pool_client(
                UserPoolId=settings.user_pool_id, ClientId=settings.user_pool_client_id
            )["UserPoolClient"]
            _secret.clear()
            _secret[key] = str(client.get("ClientSecret") or "")
        return _secret[key]


def secret_hash(username: str) -> str:
    """Cognito's SECRET_HASH: base64(HMAC-SHA256(secret, username + client id))."""
    settings = get_settings()
    digest = hmac.new(
        _client_secret().encode(),
        (username + settings.user_pool_client_id).encode(),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode()


def _admin_auth(
    flow: Literal["ADMIN_USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"],
    username: str,
    parameters: dict[str, str],
) -> Tokens | None:
    settings = get_settings()
    try:
        result = aws.cognito().admin_initiate_auth(
            UserPoolId=settings.user_pool_id,
            ClientId=settings.user_pool_client_id,
            AuthFlow=flow,
            AuthParameters={**parameters, "SECRET_HASH": secret_hash(username)},
        )
    except ClientError as exc:
        if _code(exc) in _REFUSED:
            return None
        raise
    auth = result.get("AuthenticationResult")
    if not auth:
        return None
    return Tokens(
        id_token=auth["IdToken"],
        refresh_token=auth.get("RefreshToken"),
        expires_in=int(auth.get("ExpiresIn", 3600)),
    )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def create_user(
    account_id: str, email: str, role: str, insurer_ids: list[str], password: str
) -> None:
    """Create (or complete) the Cognito user of an account with its first password."""
    settings = get_settings()
    cognito = aws.cognito()
    try:
        cognito.admin_create_user(
            UserPoolId=settings.user_pool_id,
            Username=account_id,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "custom:insurers", "Value": ",".join(insurer_ids)},
            ],
        )
    except ClientError as exc:
        if _code(exc) != "UsernameExistsException":
            raise
    set_password(account_id, password)
    cognito.admin_add_user_to_group(
        UserPoolId=settings.user_pool_id, Username=account_id, GroupName=role
    )


def set_password(account_id: str, password: str) -> None:
    aws.cognito().admin_set_user_password(
        UserPoolId=get_settings().user_pool_id,
        Username=account_id,
        Password=password,
        Permanent=True,
    )


def set_email(account_id: str, email: str) -> None:
    aws.cognito().admin_update_user_attributes(
        UserPoolId=get_settings().user_pool_id,
        Username=account_id,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )


def authenticate(account_id: str, password: str) -> Tokens | None:
    """The tokens for a correct password; None when Cognito refuses it."""
    return _admin_auth(
        "ADMIN_USER_PASSWORD_AUTH", account_id, {"USERNAME": account_id, "PASSWORD": password}
    )


def decoy_authenticate(password: str) -> None:
    """The same call as a log-in, for an identifier with no account (always refused)."""
    _admin_auth(
        "ADMIN_USER_PASSWORD_AUTH",
        DECOY_USERNAME,
        {"USERNAME": DECOY_USERNAME, "PASSWORD": password},
    )


def refresh(account_id: str, refresh_token: str) -> Tokens | None:
    """A new id token (same `origin_jti`) for the account's refresh token; None if refused."""
    return _admin_auth(
        "REFRESH_TOKEN_AUTH", account_id, {"REFRESH_TOKEN": refresh_token, "USERNAME": account_id}
    )


def revoke(refresh_token: str) -> None:
    """Revoke a refresh token in Cognito where the pool offers RevokeToken (configuration)."""
    settings = get_settings()
    if not settings.cognito_revoke_tokens:
        return
    try:
        aws.cognito().revoke_token(
            Token=refresh_token,
            ClientId=settings.user_pool_client_id,
            ClientSecret=_client_secret(),
        )
    except ClientError as exc:
        if _code(exc) not in {"UnauthorizedException", "InvalidParameterException"}:
            raise


def sign_out_everywhere(account_id: str) -> None:
    """Invalidate every refresh token of the user (after a password reset or change)."""
    aws.cognito().admin_user_global_sign_out(
        UserPoolId=get_settings().user_pool_id, Username=account_id
    )


def disable_user(account_id: str) -> None:
    """Nobody logs in as this user again (an ARCO deletion); its sessions end now."""
    settings = get_settings()
    try:
        aws.cognito().admin_disable_user(UserPoolId=settings.user_pool_id, Username=account_id)
        aws.cognito().admin_user_global_sign_out(
            UserPoolId=settings.user_pool_id, Username=account_id
        )
    except ClientError as exc:
        if _code(exc) != "UserNotFoundException":
            raise


def delete_user(account_id: str) -> None:
    """The user and every attribute it held go (an executed ARCO deletion): its refresh
    tokens are revoked first (global sign-out), then the user is deleted. Repeatable."""
    settings = get_settings()
    try:
        aws.cognito().admin_user_global_sign_out(
            UserPoolId=settings.user_pool_id, Username=account_id
        )
        aws.cognito().admin_delete_user(UserPoolId=settings.user_pool_id, Username=account_id)
    except ClientError as exc:
        if _code(exc) != "UserNotFoundException":
            raise
