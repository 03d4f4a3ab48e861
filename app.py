"""Portal Médico API: wires the contexts, registers each context's routes; the event
handlers, adapters only.

The routes live in `chalicelib/<context>/routes.py`. The queue consumers, the schedules and
the authorizer stay here under their own names: each is a Lambda function named after it,
and the local event pump finds them by these names on this module.
"""

from __future__ import annotations

from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, SQSEvent

from chalicelib.deferred import defer_services

# Before anything imports a service: each context's service (and all it imports) runs on its
# first use, so a cold start pays for what its first request or event needs, not for all of
# them. The documents service registers its owners' hooks (wiring.wire) on first need too.
defer_services()

from chalicelib.accounts import routes as accounts_routes
from chalicelib.accounts import service as accounts
from chalicelib.appointments import routes as appointments_routes
from chalicelib.audit import routes as audit_routes
from chalicelib.audit import service as audit
from chalicelib.auth import DutyNeed, Principal
from chalicelib.claims import routes as claims_routes
from chalicelib.config import get_settings
from chalicelib.documents import routes as documents_routes
from chalicelib.documents import service as documents
from chalicelib.events import process_sqs_batch
from chalicelib.homes import routes as homes_routes
from chalicelib.http import Api, authorize_request
from chalicelib.imports import routes as imports_routes
from chalicelib.imports import service as imports
from chalicelib.insurers import routes as insurers_routes
from chalicelib.notifications import service as notifications
from chalicelib.payments import routes as payments_routes
from chalicelib.payments import service as payments
from chalicelib.prescriptions import routes as prescriptions_routes
from chalicelib.privacy import routes as privacy_routes
from chalicelib.privacy import service as privacy
from chalicelib.providers import routes as providers_routes
from chalicelib.providers import service as providers
from chalicelib.settlement import routes as settlement_routes
from chalicelib.settlement import service as settlement
from chalicelib.system import routes as system_routes

settings = get_settings()
app = Chalice(app_name="portal-medico")
api = Api(app, title="Portal Médico API", version=settings.version, cors_origin=settings.site_url)


# API Gateway caches the answer per token for this long: the longest a disabled account, a
# changed scope or an ended session can still be served on AWS (chalice local never caches).
@app.authorizer(ttl_seconds=30)
def cognito(auth_request: AuthRequest) -> AuthResponse | dict[str, Any]:
    return authorize_request(auth_request, accounts.authenticate_token)


api.authorizer = cognito


def duty_refused(principal: Principal, method: str, path: str, duty: DutyNeed) -> None:
    audit.duty_refused(principal, method, path, duty)  # the audit service runs when first used


api.duty_refused = duty_refused
for context_routes in (
    system_routes,
    accounts_routes,
    documents_routes,
    payments_routes,
    settlement_routes,
    appointments_routes,
    prescriptions_routes,
    providers_routes,
    claims_routes,
    audit_routes,
    privacy_routes,
    insurers_routes,
    imports_routes,
    homes_routes,
):
    api.register(context_routes.routes)


# --- accounts and the email outbox -----------------------------------------------------------


@app.on_sqs_message(queue=settings.queue_name("account-requests"), batch_size=10)
def handle_account_request(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: accounts.handle_request(record.body))


@app.on_sqs_message(queue=settings.queue_name("email-outbox"), batch_size=10)
def send_email(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: notifications.deliver(record.body))


@app.schedule("rate(5 minutes)")
def resend_pending_emails(event: CloudWatchEvent) -> None:
    notifications.resend_pending()


# --- documents -------------------------------------------------------------------------------


# A document takes up to a few seconds to validate; five fit well within the timeout.
@app.on_sqs_message(queue=settings.queue_name("document-uploaded"), batch_size=5)
def validate_document(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(
        event, lambda record: documents.handle_upload_notification(record.body)
    )


# --- imports ---------------------------------------------------------------------------------


# One import per message: it works up to its time budget, then continues in another message.
@app.on_sqs_message(queue=settings.queue_name("imports"), batch_size=1)
def run_import(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: imports.handle_message(record.body))


# --- providers -------------------------------------------------------------------------------


# One invoice per message: SAT's status service is asked about it (with short timeouts).
@app.on_sqs_message(queue=settings.queue_name("sat-status"), batch_size=1)
def check_sat_status(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: providers.handle_sat_check(record.body))


# --- payments --------------------------------------------------------------------------------


@app.schedule("rate(1 hour)")
def expire_payment_references(event: CloudWatchEvent) -> None:
    payments.expire_references()


@app.schedule("cron(0 15 * * ? *)")
def remind_memberships_due(event: CloudWatchEvent) -> None:
    payments.remind_due()


# --- settlement (Chile) ----------------------------------------------------------------------


@app.schedule("cron(0 12 ? * WED *)")
def weekly_settlement(event: CloudWatchEvent) -> None:
    settlement.weekly_run()


# One provider per message; a provider with many transactions takes minutes (timeout 300 s).
@app.on_sqs_message(queue=settings.queue_name("settlement-tasks"), batch_size=1)
def settle_provider(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: settlement.handle_task(record.body))


# --- privacy rights (ARCO) -------------------------------------------------------------------


# Packs one person's export per message; a large one takes a few minutes (timeout 300 s).
@app.on_sqs_message(queue=settings.queue_name("data-requests"), batch_size=1)
def build_data_export(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: privacy.handle_export_message(record.body))


@app.schedule("rate(1 hour)")
def run_data_requests(event: CloudWatchEvent) -> None:
    privacy.run_due()
