"""The one definition of the platform's AWS resources.

Both the local bootstrap (`infrastructure/local/bootstrap.py`, against moto) and the CDK
stack read this module, and a test asserts that they agree. Names here are logical: the
physical name is `RESOURCE_PREFIX + name` (see `chalicelib.config.Settings.table_name`).
Timeouts and receive counts are parameters: minutes on AWS, seconds on the local stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- DynamoDB ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    partition_key: str = "pk"
    sort_key: str | None = "sk"
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    purpose: str = ""

    @property
    def key_attributes(self) -> list[str]:
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        for index in self.indexes:
            names += [index.partition_key] + ([index.sort_key] if index.sort_key else [])
        return list(dict.fromkeys(names))


def _gsi(number: int) -> Index:
    return Index(f"gsi{number}", f"gsi{number}pk", f"gsi{number}sk")


TTL = "expires_at_epoch"

TABLES: tuple[Table, ...] = (
    Table(
        "accounts",
        indexes=(_gsi(1),),
        ttl_attribute=TTL,
        purpose="accounts, log-in identifiers, one-time tokens, log-in throttles",
    ),
    Table("policies", indexes=(_gsi(1),), purpose="insurers, policies, members, catalogues"),
    Table("claims", indexes=(_gsi(1), _gsi(2)), purpose="claims and their history"),
    Table("documents", indexes=(_gsi(1),), purpose="uploaded documents and verdicts"),
    Table("counters", purpose="folio sequences"),
    # gsi1: a provider's records; gsi2: an insurer's (operators' lists).
    Table(
        "care_orders",
        indexes=(_gsi(1), _gsi(2)),
        purpose="providers' care orders, account-number guards, bank accounts",
    ),
    Table(
        "invoices",
        indexes=(_gsi(1), _gsi(2)),
        purpose="CFDI invoices, payments and payment complements",
    ),
    Table(
        "payment_references",
        indexes=(_gsi(1),),
        ttl_attribute=TTL,
        purpose="store and bank payment references, payment events",
    ),
    # gsi2: memberships by the day their dues run out (reminders).
    Table("memberships", indexes=(_gsi(1), _gsi(2)), purpose="plans and memberships"),
    Table(
        "transactions",
        # gsi2 is sparse: a provider's unsettled transactions, then what a settlement claimed.
        indexes=(_gsi(1), _gsi(2)),
        purpose="settlement transactions, sick-leave records, providers with unsettled activity",
    ),
    Table("settlements", indexes=(_gsi(1),), purpose="settlements, runs and guards"),
    # gsi1: clinics by name, agendas by clinic and date; gsi2: a family's appointments by time.
    Table(
        "agendas",
        indexes=(_gsi(1), _gsi(2)),
        purpose="clinics, agendas, slots, appointments",
    ),
    Table("prescriptions", indexes=(_gsi(1),), purpose="prescriptions and sick leaves"),
    Table("email_outbox", indexes=(_gsi(1),), ttl_attribute=TTL, purpose="emails to send"),
    Table("audit", indexes=(_gsi(1),), purpose="operator reads and changes"),
    Table("affiliates", indexes=(_gsi(1),), purpose="affiliate registry: NSS, credential serial"),
    # gsi1: an insurer's imports, newest first.
    Table("imports", indexes=(_gsi(1),), purpose="insurers' data imports and their row errors"),
    # gsi1: a person's requests; gsi2: an insurer's by status; gsi3 (sparse): work due by time.
    Table(
        "data_requests",
        indexes=(_gsi(1), _gsi(2), _gsi(3)),
        purpose="privacy (ARCO) requests: exports and deletions, with their retention records",
    ),
)

# --- SQS -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    name: str
    consumer: str  # the app.py function that consumes it
    purpose: str = ""

    @property
    def dead_letter_name(self) -> str:
        return f"{self.name}-dlq"


QUEUES: tuple[Queue, ...] = (
    Queue(
        "document-uploaded",
        consumer="validate_document",
        purpose="S3 ObjectCreated under uploads/ for validation",
    ),
    Queue(
        "settlement-tasks", consumer="settle_provider", purpose="one message per provider to settle"
    ),
    Queue("email-outbox", consumer="send_email", purpose="outbox emails to send through SES"),
    Queue(
        "account-requests",
        consumer="handle_account_request",
        purpose="password-reset and activation requests, answered alike whoever asks",
    ),
    Queue(
        "data-requests",
        consumer="build_data_export",
        purpose="one message per data export (ARCO) to pack into a ZIP under exports/",
    ),
    Queue(
        "imports",
        consumer="run_import",
        purpose="an import file to read, and its continuations when it outlasts one invocation",
    ),
    Queue(
        "sat-status",
        consumer="check_sat_status",
        purpose="an accepted invoice whose status SAT's service is asked (again, with a delay)",
    ),
)

# --- S3 ------------------------------------------------------------------------------------

UPLOADS_PREFIX = "uploads/"
# An upload carries this object tag (set by its presigned POST) until what it belongs to is
# submitted (a claim's folio, an order, an invoice); on AWS a lifecycle rule removes the
# objects under uploads/ still tagged after `Parameters.abandoned_upload_days`. The local
# stack has no lifecycle.
PENDING_UPLOAD_TAG: tuple[str, str] = ("upload-state", "pending")
DERIVED_PREFIX = "derived/"
# Report files (Excel, CSV) the API writes for a presigned download; never validated.
EXPORTS_PREFIX = "exports/"
# Blank forms the insured download by claim type and stage (the insurer uploads them; the
# API only signs links to them).
FORMS_PREFIX = "forms/"
# Imports' error reports (CSV), kept with the import's history; never validated. On AWS a
# lifecycle rule removes them after IMPORTS_RETENTION_DAYS (the history still lists the
# import and its summary; the report file is gone).
IMPORTS_PREFIX = "imports/"
IMPORTS_RETENTION_DAYS = 90


@dataclass(frozen=True)
class Bucket:
    name: str
    notify_prefix: str | None = None
    notify_queue: str | None = None
    browser_upload: bool = False


BUCKETS: tuple[Bucket, ...] = (
    Bucket(
        "documents",
        notify_prefix=UPLOADS_PREFIX,
        notify_queue="document-uploaded",
        browser_upload=True,
    ),
)

# --- identity, email, keys -----------------------------------------------------------------

ROLES: tuple[str, ...] = ("asegurado", "prestador", "afiliado", "operador", "plataforma")
USER_POOL_NAME = "users"
# Custom attributes of the pool: an operator's insurer scope, for people looking at the pool.
# Access never comes from them: the app client's tokens neither carry nor change them.
USER_POOL_CUSTOM_ATTRIBUTES: tuple[str, ...] = ("insurers",)


@dataclass(frozen=True)
class AppClient:
    """The user pool's one app client: the API's, used server-side only.

    The browser never talks to Cognito. The API logs in with `AdminInitiateAuth`
    (`ADMIN_USER_PASSWORD_AUTH`) and refreshes with `REFRESH_TOKEN_AUTH`, both with a
    `SECRET_HASH` from the client's secret (read at run time with `DescribeUserPoolClient`).
    Anyone holding the client id (every id token carries it) can call Cognito's public
    endpoints, so no flow runs without the secret, no user-password or SRP flow exists, and
    a token cannot read or write any `custom:` attribute.
    """

    name: str
    auth_flows: tuple[str, ...]
    generate_secret: bool
    read_attributes: tuple[str, ...]
    # Cognito takes an empty WriteAttributes list as "not specified", which lets a user's
    # access token write every attribute (custom ones too): the list must never be empty.
    write_attributes: tuple[str, ...]
    id_token_minutes: int
    access_token_minutes: int
    # The API's session lasts as long as the refresh token
    # (`chalicelib.accounts.service.SESSION_TTL`).
    refresh_token_days: int
    prevent_user_existence_errors: bool = True
    enable_token_revocation: bool = True


USER_POOL_CLIENT = AppClient(
    name="api",
    auth_flows=("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
    generate_secret=True,
    read_attributes=("email", "email_verified"),
    # One standard attribute nothing reads keeps the list explicit (see above).
    write_attributes=("locale",),
    id_token_minutes=60,
    access_token_minutes=60,
    refresh_token_days=30,
)

PASSWORD_MIN_LENGTH = 8
MAIL_DOMAIN = "portal-medico.mx"
DATA_KEY_ALIAS = "data"
SEAL_KEY_ALIAS = "seals"
SEAL_KEY_SPEC = "ECC_NIST_P256"

# Headers of every API answer (chalicelib.http.ANSWER_HEADERS, which the app adds to its own;
# a test keeps the two equal): the gateway's own answers carry them too.
API_ANSWER_HEADERS: dict[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

# API Gateway's own answers, in API.md's error shape (also used by the local server).
GATEWAY_RESPONSES: dict[str, tuple[int, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "No encontramos lo que buscas."),
    "UNAUTHORIZED": (401, "unauthorized", "Inicia sesión para continuar."),
    # Our authorizer denies only tokens it cannot verify (roles are checked in the routes,
    # which answer 403 themselves), so the gateway's denial means "sign in again".
    "ACCESS_DENIED": (
        401,
        "unauthorized",
        "Tu sesión no es válida o venció. Inicia sesión de nuevo.",
    ),
    "THROTTLED": (
        429,
        "too_many_attempts",
        "Demasiadas solicitudes. Espera unos segundos y vuelve a intentarlo.",
    ),
    "DEFAULT_4XX": (400, "bad_request", "La solicitud no es válida."),
    "DEFAULT_5XX": (500, "internal_error", "Ocurrió un error inesperado. Intenta más tarde."),
}


# --- schedules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    consumer: str  # the app.py function that runs
    aws_expression: str
    local_interval_seconds: int | None  # None: never run by the local pump (run it by hand)
    purpose: str = ""


SCHEDULES: tuple[Schedule, ...] = (
    # Wednesdays 12:00 UTC: 09:00 in Santiago in summer (UTC-3), 08:00 in winter (UTC-4),
    # before the banks' first batch; the period itself is computed in Santiago time.
    Schedule(
        "weekly_settlement",
        "cron(0 12 ? * WED *)",
        local_interval_seconds=None,
        purpose="one settlement-tasks message per provider with unsettled transactions",
    ),
    Schedule(
        "resend_pending_emails",
        "rate(5 minutes)",
        local_interval_seconds=15,
        purpose="re-enqueue outbox emails whose queue message was lost",
    ),
    Schedule(
        "expire_payment_references",
        "rate(1 hour)",
        local_interval_seconds=30,
        purpose="mark payment references past their expiry as vencida",
    ),
    Schedule(
        "remind_memberships_due",
        "cron(0 15 * * ? *)",
        local_interval_seconds=None,
        purpose="email members whose dues run out in five days (09:00 in Mexico City)",
    ),
    Schedule(
        "run_data_requests",
        "rate(1 hour)",
        local_interval_seconds=5,
        purpose="execute approved account deletions that are due; enqueue unbuilt exports again",
    ),
)


# --- parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """Numbers that differ between AWS and the local stack."""

    consumer_timeout_seconds: dict[str, int] = field(default_factory=dict)
    visibility_factor: int = 6
    max_receive_count: int = 5
    message_retention_seconds: int = 14 * 24 * 3600
    noncurrent_version_retention_days: int = 30
    abandoned_upload_days: int = 1

    def visibility_timeout(self, queue: Queue) -> int:
        return self.visibility_factor * self.consumer_timeout_seconds[queue.consumer]


AWS = Parameters(
    consumer_timeout_seconds={
        "validate_document": 60,
        "settle_provider": 300,
        "send_email": 30,
        "handle_account_request": 30,
        "build_data_export": 300,  # a person's files (up to 50 MB a claim) into one ZIP
        # An import stops reading at its time budget (IMPORT_TIME_BUDGET_SECONDS, 600 s on
        # AWS) and continues in another message; the rest is the final chunk and the report.
        "run_import": 900,
        "check_sat_status": 30,  # SAT's service: 3 tries of 4 s at most, with back-off
    }
)
# Locally a message that keeps failing must reach its DLQ within seconds.
LOCAL = Parameters(
    consumer_timeout_seconds={
        "validate_document": 1,
        "settle_provider": 1,
        "send_email": 1,
        "handle_account_request": 1,
        "build_data_export": 5,  # a repeated build is harmless, but wasted work
        # The local budget is 20 s: a message is redelivered only once it is well over.
        "run_import": 60,
        "check_sat_status": 15,
    },
    visibility_factor=1,
)
