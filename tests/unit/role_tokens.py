"""An authorizer for unit-test apps that trusts 'Bearer <role>:<id>' tokens."""

from __future__ import annotations

from typing import Any

from chalice.app import AuthRequest, Chalice

from chalicelib import errors
from chalicelib.auth import Principal
from chalicelib.http import Api, authorize_request


def verify(token: str) -> Principal:
    role, _, account = token.partition(":")
    if not account:
        raise errors.Unauthorized()
    return Principal(account_id=account, role=role, insurer_ids=("sec",))


def install_role_authorizer(app: Chalice, api: Api) -> None:
    """Register the authorizer on `app` and make it the one `api` puts on its routes."""

    @app.authorizer()
    def fake(auth_request: AuthRequest) -> Any:
        return authorize_request(auth_request, verify)

    api.authorizer = fake
