"""Settings: one object, read from the environment once.

Nothing here talks to AWS. On AWS the variables come from the function's configuration
(`.chalice/config.json` and the CDK stack); on the local stack `infrastructure/local` sets
them before importing the app.

Secrets fail closed: only the `local` and `test` stages have stand-in values. In any other
stage a Lambda function whose secrets are missing refuses to start (`MissingSecret` at its
first `get_settings()`, which `app.py` makes at import). Packaging imports the app too, with
the deployment's stage but no secrets and no Lambda runtime: there nothing is served, so the
secrets stay empty, and an empty cursor secret is refused where it would be used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# Stages whose secrets may fall back to stand-ins: the local stack and the tests.
STAND_IN_STAGES: Final = frozenset({"local", "test"})
_STAND_IN_CURSOR_SECRET: Final = "local-cursor-secret"  # noqa: S105 - local and test only
# Secrets a deployed function cannot start without (the CDK stack passes both).
REQUIRED_SECRETS: Final = ("CURSOR_SECRET", "PAYMENTS_WEBHOOK_SECRET")


class MissingSecret(RuntimeError):
    """A deployed stage lacks a secret: the function must not start with a guessable one."""


def _secrets(stage: str, values: Mapping[str, str]) -> tuple[str, str]:
    """The cursor and webhook secrets; raises MissingSecret on a Lambda outside local/test."""
    cursor = values.get("CURSOR_SECRET", "")
    # Signs the payment network's confirmations; empty means every webhook is refused.
    webhook = values.get("PAYMENTS_WEBHOOK_SECRET", "")
    if stage in STAND_IN_STAGES:
        return cursor or _STAND_IN_CURSOR_SECRET, webhook
    missing = [name for name in REQUIRED_SECRETS if not values.get(name)]
    # Lambda sets AWS_LAMBDA_FUNCTION_NAME: a function about to serve, not a packaging run.
    if missing and "AWS_LAMBDA_FUNCTION_NAME" in values:
        raise MissingSecret(
            f"Stage {stage!r} is missing {', '.join(missing)}: set them in the function's "
            "environment (the CDK stack passes them from Secrets Manager). Only the 'local' "
            "and 'test' stages may run without them."
        )
    return cursor, webhook


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
    # The API's public base URL (API Gateway's or a custom domain): emails link the insurer's
    # logo through it (`/v1/insurers/{id}/logo`). Empty: emails carry no logo.
    public_api_url: str = ""
    payments_simulator: bool = False
    store_reference_days: int = 3
    bank_reference_days: int = 5
    booking_window_days: int = 14
    sick_leave_visible_months: int = 6
    # Seconds an import works in one invocation before it continues in another message.
    import_time_budget_seconds: float = 600.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        values = os.environ if env is None else env
        stage = values.get("STAGE", "local")
        cursor_secret, payments_webhook_secret = _secrets(stage, values)
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
            cursor_secret=cursor_secret,
            jwks_url=values.get("COGNITO_JWKS_URL", ""),
            # RevokeToken is what AWS offers; the local stack's Cognito lacks it (our own
            # refresh-token denylist applies everywhere).
            cognito_revoke_tokens=values.get("COGNITO_REVOKE_TOKENS", "true") == "true",
            payments_webhook_secret=payments_webhook_secret,
            public_api_url=values.get("PUBLIC_API_URL", "").rstrip("/"),
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
            import_time_budget_seconds=float(
                values.get("IMPORT_TIME_BUDGET_SECONDS", "20" if stage == "local" else "600")
            ),
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
