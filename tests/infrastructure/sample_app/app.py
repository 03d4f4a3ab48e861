"""A Chalice app with every kind of handler the stack wires, for the stack's tests.

The real app.py gains its queue consumers and schedules over time; this one has them now:
two SQS consumers of the definition (one by ARN, one by queue name), a consumer of the
definition that is missing on purpose (settle_provider: its queue must exist unmapped), a
schedule consumer declared as a plain function, an `@app.schedule`, a built-in authorizer
and a function the access table does not know.
"""

from __future__ import annotations

import os
from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, CORSConfig, SQSEvent

app = Chalice(app_name="portal-medico")
app.api.cors = CORSConfig(allow_origin=os.environ.get("SITE_URL", "http://127.0.0.1:8080"))
PLACEHOLDER_QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:replaced-by-the-stack"


@app.authorizer(ttl_seconds=30)
def token_authorizer(auth_request: AuthRequest) -> AuthResponse:
    return AuthResponse(routes=["*"], principal_id="nobody")


@app.route("/v1/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/v1/me", authorizer=token_authorizer)
def me() -> dict[str, str]:
    return {}


@app.on_sqs_message(queue_arn=PLACEHOLDER_QUEUE_ARN, batch_size=10)
def validate_document(event: SQSEvent) -> dict[str, Any]:
    return {"batchItemFailures": []}


@app.on_sqs_message(queue="email-outbox")
def send_email(event: SQSEvent) -> dict[str, Any]:
    return {"batchItemFailures": []}


@app.lambda_function(name="resend_pending_emails")
def resend_pending_emails(event: dict[str, Any], context: Any) -> None:
    return None


@app.schedule("cron(0 12 ? * WED *)")
def weekly_settlement(event: Any) -> None:
    return None


@app.lambda_function(name="unlisted_job")
def unlisted_job(event: dict[str, Any], context: Any) -> None:
    return None
