"""What each Lambda function of the Chalice app may touch on AWS.

Least privilege is decided here, per function, in the words of the resource definition
(logical table and queue names). The stack turns each entry into one IAM role; a function
the app defines but this table does not know gets a role that can only write its logs, so
a new handler fails loudly on AWS until someone decides what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from infrastructure import definition as d

API_HANDLER = "api_handler"  # the name Chalice gives the function behind every route
AUTHORIZER = "authorizer"  # stands for any built-in `@app.authorizer` of the app

ALL_TABLES: tuple[str, ...] = tuple(table.name for table in d.TABLES)
# The tables of the contexts that hold a person's records: exported and erased on request.
PERSONAL_RECORD_TABLES: tuple[str, ...] = (
    "accounts",
    "claims",
    "documents",
    "care_orders",
    "invoices",
    "memberships",
    "agendas",
    "prescriptions",
)


@dataclass(frozen=True)
class Access:
    """Grants of one function, by logical name."""

    tables: tuple[str, ...] = ()
    read_only_tables: tuple[str, ...] = ()
    documents_read: tuple[str, ...] = ()  # key prefixes
    documents_write: tuple[str, ...] = ()
    documents_untag: tuple[str, ...] = ()  # drop the pending-upload tag of judged uploads
    documents_delete_versions: bool = False  # ARCO deletions remove old versions too
    send_queues: tuple[str, ...] = ()
    consume_queue: str | None = None
    user_pool_admin: bool = False
    send_email: bool = False
    data_key: bool = False
    seal_sign: bool = False
    seal_verify: bool = False


ACCESS: dict[str, Access] = {
    # Every route is served by one function, so it holds the union of what the routes use.
    API_HANDLER: Access(
        tables=ALL_TABLES,
        documents_read=(
            d.UPLOADS_PREFIX,
            d.DERIVED_PREFIX,
            d.EXPORTS_PREFIX,
            d.FORMS_PREFIX,
            d.IMPORTS_PREFIX,
        ),
        documents_write=(d.UPLOADS_PREFIX, d.DERIVED_PREFIX, d.EXPORTS_PREFIX),
        documents_delete_versions=True,
        send_queues=(
            "settlement-tasks",
            "email-outbox",
            "data-requests",
            "account-requests",
            "imports",
        ),
        user_pool_admin=True,
        data_key=True,
        seal_sign=True,
        seal_verify=True,
    ),
    # Verifies JWTs against the pool's public keys (HTTPS), then reads the account and the
    # session the token belongs to (role, scope, second factor, sessions ended).
    AUTHORIZER: Access(read_only_tables=("accounts",)),
    "validate_document": Access(
        tables=(
            "documents",
            "claims",
            "invoices",
            "care_orders",
            "accounts",
            "email_outbox",
            "audit",
            "transactions",  # an accepted transactions CSV is loaded by its verdict listener
            "imports",  # an import file's verdict records its version and starts it
        ),
        documents_read=(d.UPLOADS_PREFIX,),
        documents_write=(d.DERIVED_PREFIX,),
        documents_untag=(d.UPLOADS_PREFIX,),
        # an import file's verdict starts it; an accepted invoice's status is asked of SAT
        send_queues=("email-outbox", "imports", "sat-status"),
        consume_queue="document-uploaded",
        data_key=True,
    ),
    # Reads an import file (the same version each time), upserts its rows in their
    # contexts' tables, keeps its progress and row errors, writes the error report under
    # imports/, the audit record and the email; continues itself through its queue.
    "run_import": Access(
        tables=(
            "imports",
            "policies",
            "affiliates",
            "agendas",
            "care_orders",
            "transactions",
            "email_outbox",
            "audit",
        ),
        documents_read=(d.UPLOADS_PREFIX,),
        documents_write=(d.IMPORTS_PREFIX,),
        send_queues=("imports", "email-outbox"),
        consume_queue="imports",
        data_key=True,
    ),
    # Asks SAT's CFDI status service (HTTPS) about one accepted invoice, keeps the answer on
    # it and, while SAT has no final answer, queues the next check.
    "check_sat_status": Access(
        tables=("invoices",),
        read_only_tables=("accounts", "policies"),
        send_queues=("sat-status",),
        consume_queue="sat-status",
        data_key=True,
    ),
    "weekly_settlement": Access(
        tables=("settlements",),  # the run record
        read_only_tables=("transactions",),
        send_queues=("settlement-tasks",),
    ),
    "settle_provider": Access(
        tables=("transactions", "settlements", "email_outbox"),
        read_only_tables=("accounts",),
        send_queues=("email-outbox",),
        consume_queue="settlement-tasks",
    ),
    "send_email": Access(
        tables=("email_outbox",),
        consume_queue="email-outbox",
        send_email=True,
    ),
    # Password resets and activation links asked for by identifier (queued so that every
    # answer costs the same): reads the account, writes the token and the email.
    "handle_account_request": Access(
        tables=("accounts", "email_outbox"),
        send_queues=("email-outbox",),
        consume_queue="account-requests",
    ),
    "resend_pending_emails": Access(tables=("email_outbox",), send_queues=("email-outbox",)),
    "expire_payment_references": Access(tables=("payment_references",)),
    "remind_memberships_due": Access(
        tables=("memberships", "email_outbox"), send_queues=("email-outbox",)
    ),
    # Reads the person's records in every context (their own service functions) and files,
    # writes the ZIP under exports/ and the "ready" email.
    "build_data_export": Access(
        tables=("data_requests", "email_outbox"),
        # The policy (people, coverages, validity) and the insurer's settings live in
        # policies; an affiliate's payments and a Chilean provider's settlements too.
        read_only_tables=(
            *PERSONAL_RECORD_TABLES,
            "affiliates",
            "policies",
            "payment_references",
            "transactions",
            "settlements",
        ),
        documents_read=(d.UPLOADS_PREFIX,),
        documents_write=(d.EXPORTS_PREFIX,),
        send_queues=("email-outbox",),
        consume_queue="data-requests",
    ),
    # Executes due deletions: ends the sessions and deletes the Cognito user, erases files
    # and export files (every version), the outbox's emails to or about the person, blocks
    # the records the law keeps and deletes the rest in each context; re-enqueues exports
    # whose message was lost; purges by id (records and every file version) what deletions
    # kept once its retention period ends (the insurer's settings are read from policies).
    "run_data_requests": Access(
        tables=("data_requests", "email_outbox", "payment_references", *PERSONAL_RECORD_TABLES),
        read_only_tables=("affiliates", "policies"),
        documents_delete_versions=True,
        send_queues=("email-outbox", "data-requests"),
        user_pool_admin=True,
    ),
}


def check_access_table() -> None:
    """Fail synthesis on a name that the resource definition does not have."""
    tables = set(ALL_TABLES)
    queues = {queue.name for queue in d.QUEUES}
    for function, access in ACCESS.items():
        unknown_tables = set(access.tables + access.read_only_tables) - tables
        unknown_queues = set(access.send_queues + tuple(filter(None, [access.consume_queue])))
        unknown_queues -= queues
        if unknown_tables or unknown_queues:
            raise ValueError(
                f"{function}: not in infrastructure/definition.py: "
                f"tables {sorted(unknown_tables)}, queues {sorted(unknown_queues)}"
            )
    for queue in d.QUEUES:
        consumer = ACCESS.get(queue.consumer)
        if consumer is None or consumer.consume_queue != queue.name:
            raise ValueError(f"queue {queue.name}: its consumer {queue.consumer} may not read it")
