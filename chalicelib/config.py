"""Settings: one object, read from the environment once.

Nothing here talks to AWS. On AWS the variables come from the function's configuration
(`.chalice/config.json` and the CDK stack); on the local stack `infrastructure/local` sets
them before importing the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    version: str
    region: str
    resource_prefix: str
    aws_endpoint_url: str | None
    documents_bucket: str
    site_url: str
    mail_from: str
    user_pool_id: str
    user_pool_client_id: str
    data_key_id: str
    seal_key_id: str
    cursor_secret: str
    jwks_url: str
    cognito_revoke_tokens: bool
    payments_webhook_secret: str = ""
    payments_simulator: bool = False
    store_reference_days: int = 3
    bank_reference_days: int = 5
    booking_window_days: int = 14
    sick_leave_visible_months: int = 6

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        values = os.environ if env is None else env
        stage = values.get("STAGE", "local")
        prefix = values.get("RESOURCE_PREFIX", f"portal-{stage}-")
        return cls(
            stage=stage,
            version=values.get("APP_VERSION", "0.1.0"),
            region=values.get("AWS_REGION", values.get("AWS_DEFAULT_REGION", "us-east-1")),
            resource_prefix=prefix,
            aws_endpoint_url=values.get("AWS_ENDPOINT_URL") or None,
            documents_bucket=values.get("DOCUMENTS_BUCKET", f"{prefix}documents"),
            site_url=values.get("SITE_URL", "http://127.0.0.1:8080").rstrip("/"),
            mail_from=values.get("MAIL_FROM", "Portal Médico <no-responder@portal-medico.mx>"),
            user_pool_id=values.get("USER_POOL_ID", ""),
            user_pool_client_id=values.get("USER_POOL_CLIENT_ID", ""),
            data_key_id=values.get("DATA_KEY_ID", ""),
            seal_key_id=values.get("SEAL_KEY_ID", ""),
            cursor_secret=values.get("CURSOR_SECRET", "local-cursor-secret"),
            jwks_url=values.get("COGNITO_JWKS_URL", ""),
            # RevokeToken is what AWS offers; the local stack's Cognito lacks it (our own
            # refresh-token denylist applies everywhere).
            cognito_revoke_tokens=values.get("COGNITO_REVOKE_TOKENS", "true") == "true",
            # Signs the payment network's confirmations; empty means every webhook is refused.
            payments_webhook_secret=values.get("PAYMENTS_WEBHOOK_SECRET", ""),
            # The operators' "simulate a payment" page signs webhooks itself: local stack only.
            payments_simulator=values.get(
                "PAYMENTS_SIMULATOR", "true" if stage == "local" else "false"
            )
            == "true",
            store_reference_days=int(values.get("PAYMENTS_STORE_REFERENCE_DAYS", "3")),
            bank_reference_days=int(values.get("PAYMENTS_BANK_REFERENCE_DAYS", "5")),
            # How many days ahead an affiliate may book (today counts as day 0).
            booking_window_days=int(values.get("BOOKING_WINDOW_DAYS", "14")),
            # Sick leaves shown to the affiliate: those that started within these months.
            sick_leave_visible_months=int(values.get("SICK_LEAVE_VISIBLE_MONTHS", "6")),
        )

    def table_name(self, logical: str) -> str:
        """Physical name of a table of the resource definition (`infrastructure/definition.py`)."""
        return f"{self.resource_prefix}{logical}"

    def queue_name(self, logical: str) -> str:
        return f"{self.resource_prefix}{logical}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def issuer(settings: Settings) -> str:
    return f"https://cognito-idp.{settings.region}.amazonaws.com/{settings.user_pool_id}"


def jwks_url(settings: Settings) -> str:
    return settings.jwks_url or f"{issuer(settings)}/.well-known/jwks.json"
