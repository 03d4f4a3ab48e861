"""What an operator chooses per deployment (CDK context, see cdk_app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_logs as logs


@dataclass(frozen=True)
class DeploySettings:
    """What an operator chooses per deployment (CDK context, see cdk_app.py)."""

    stage: str = "prod"
    alarm_email: str | None = None
    # Requests per 5 minutes per client IP on the abuse-prone routes.
    rate_limit_per_5_minutes: int = 100
    log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS
    # Lambda's default account concurrency; the alarm fires at 80 % of it.
    account_concurrency: int = 1000
    # API Gateway's default account throttle (requests per second, steady state).
    api_requests_per_second: int = 10_000
    # The API's public base URL (a custom domain, or the execute-api URL of the stack's
    # `ApiUrl` output after a first deploy): emails link insurers' logos through it. The
    # functions cannot be handed the API's own URL (they are part of that API: a cycle), so
    # without it emails carry no logo.
    public_api_url: str | None = None

    @property
    def resource_prefix(self) -> str:
        return f"portal-{self.stage}-"

    @property
    def app_name(self) -> str:
        return f"portal-medico-{self.stage}"
