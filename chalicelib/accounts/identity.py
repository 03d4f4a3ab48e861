"""Cognito as credential store and token issuer (the only module that calls it).

The username of every Cognito user is our account id; people log in with the identifiers
the accounts context resolves (email, NSS, RUT). Groups are the roles; the custom attribute
`insurers` carries an operator's insurer scope into the id token.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.config import get_settings

_REFUSED = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "PasswordResetRequiredException",
    "UserNotConfirmedException",
}


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    refresh_token: str | None
    expires_in: int


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
    settings = get_settings()
    try:
        result = aws.cognito().initiate_auth(
            ClientId=settings.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": account_id, "PASSWORD": password},
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
        access_token=auth["AccessToken"],
        refresh_token=auth.get("RefreshToken"),
        expires_in=int(auth.get("ExpiresIn", 3600)),
    )


def refresh(refresh_token: str) -> Tokens | None:
    settings = get_settings()
    try:
        result = aws.cognito().initiate_auth(
            ClientId=settings.user_pool_client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except ClientError as exc:
        if _code(exc) in _REFUSED:
            return None
        raise
    auth = result["AuthenticationResult"]
    return Tokens(
        id_token=auth["IdToken"],
        access_token=auth["AccessToken"],
        refresh_token=None,
        expires_in=int(auth.get("ExpiresIn", 3600)),
    )


def revoke(refresh_token: str) -> None:
    """Revoke a refresh token in Cognito where the pool offers RevokeToken (configuration)."""
    settings = get_settings()
    if not settings.cognito_revoke_tokens:
        return
    try:
        aws.cognito().revoke_token(Token=refresh_token, ClientId=settings.user_pool_client_id)
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
