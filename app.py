"""Portal Médico API: routes and event handlers only. Each is an adapter to a service."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, SQSEvent

from chalicelib.accounts import schemas as acc
from chalicelib.accounts import service as accounts
from chalicelib.appointments import schemas as appt
from chalicelib.appointments import service as appointments
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.documents import schemas as docs
from chalicelib.documents import service as documents
from chalicelib.documents import transaction_files
from chalicelib.events import process_sqs_batch
from chalicelib.http import Api, authorize_request
from chalicelib.notifications import service as notifications
from chalicelib.payments import schemas as pay
from chalicelib.payments import service as payments
from chalicelib.prescriptions import schemas as rx
from chalicelib.prescriptions import service as prescriptions
from chalicelib.providers import schemas as prov
from chalicelib.providers import service as providers
from chalicelib.settlement import schemas as stl
from chalicelib.settlement import service as settlement
from chalicelib.system import service as system
from chalicelib.system.schemas import HealthOut

settings = get_settings()
app = Chalice(app_name="portal-medico")
api = Api(app, title="Portal Médico API", version=settings.version, cors_origin=settings.site_url)


@api.route("/v1/health", summary="Estado del servicio", response=HealthOut, tags=("sistema",))
def health() -> HealthOut:
    return system.health()


@lru_cache(maxsize=1)
def _openapi() -> dict[str, Any]:
    return api.openapi()


@api.route("/v1/openapi.json", summary="Documento OpenAPI 3.1 de esta API", tags=("sistema",))
def openapi_document() -> dict[str, Any]:
    return _openapi()


# --- identity -------------------------------------------------------------------------------


# API Gateway caches the answer per token for this long: the longest a disabled account, a
# changed scope or an ended session can still be served on AWS (chalice local never caches).
@app.authorizer(ttl_seconds=30)
def cognito(auth_request: AuthRequest) -> AuthResponse | dict[str, Any]:
    return authorize_request(auth_request, accounts.authenticate_token)


api.authorizer = cognito
ANY_ROLE = ("asegurado", "prestador", "afiliado", "operador")


# --- accounts and authentication ------------------------------------------------------------


@api.route(
    "/v1/accounts/insured",
    "POST",
    summary="Registro de asegurado (titular)",
    body=acc.InsuredRegistration,
    response=acc.Accepted,
    status=202,
    tags=("cuentas",),
)
def register_insured(body: acc.InsuredRegistration) -> acc.Accepted:
    return accounts.register_insured(body)


@api.route(
    "/v1/accounts/providers",
    "POST",
    summary="Registro de prestador (México o Chile)",
    body=acc.ProviderRegistration,
    response=acc.Accepted,
    status=202,
    tags=("cuentas",),
)
def register_provider(body: acc.ProviderRegistration) -> acc.Accepted:
    return accounts.register_provider(body)


@api.route(
    "/v1/accounts/affiliates",
    "POST",
    summary="Registro de afiliado",
    body=acc.AffiliateRegistration,
    response=acc.Accepted,
    status=202,
    tags=("cuentas",),
)
def register_affiliate(body: acc.AffiliateRegistration) -> acc.Accepted:
    return accounts.register_affiliate(body)


@api.route(
    "/v1/accounts/activate",
    "POST",
    summary="Activar la cuenta y crear la contraseña",
    body=acc.Activation,
    response=acc.Done,
    tags=("cuentas",),
)
def activate_account(body: acc.Activation) -> acc.Done:
    return accounts.activate(body.token, body.password)


@api.route(
    "/v1/accounts/resend-activation",
    "POST",
    summary="Reenviar el enlace de activación",
    body=acc.IdentifierRequest,
    response=acc.Accepted,
    status=202,
    tags=("cuentas",),
)
def resend_activation(body: acc.IdentifierRequest) -> acc.Accepted:
    return accounts.resend_activation(body.identifier)


@api.route(
    "/v1/accounts/reactivate",
    "POST",
    summary="Corregir el correo de un afiliado",
    body=acc.Reactivation,
    response=acc.Accepted,
    status=202,
    tags=("cuentas",),
)
def reactivate_account(body: acc.Reactivation) -> acc.Accepted:
    return accounts.reactivate(body)


@api.route(
    "/v1/auth/login",
    "POST",
    summary="Iniciar sesión (correo, NSS o RUT)",
    body=acc.Login,
    response=acc.LoginResult,
    errors=(401, 429),
    tags=("sesión",),
)
def login(body: acc.Login) -> acc.LoginResult:
    return accounts.login(body.identifier, body.password)


@api.route(
    "/v1/auth/totp",
    "POST",
    summary="Segundo factor (operadores)",
    body=acc.TotpAnswer,
    response=acc.LoginResult,
    errors=(401, 429),
    tags=("sesión",),
)
def login_totp(body: acc.TotpAnswer) -> acc.LoginResult:
    return accounts.complete_totp(body.session, body.code)


@api.route(
    "/v1/auth/refresh",
    "POST",
    summary="Renovar la sesión",
    body=acc.RefreshRequest,
    response=acc.Refreshed,
    errors=(401,),
    tags=("sesión",),
)
def refresh_session(body: acc.RefreshRequest) -> acc.Refreshed:
    return accounts.refresh(body.refresh_token)


@api.route(
    "/v1/auth/logout",
    "POST",
    summary="Cerrar sesión",
    body=acc.RefreshRequest,
    status=204,
    tags=("sesión",),
)
def logout(body: acc.RefreshRequest) -> None:
    accounts.logout(body.refresh_token)


@api.route(
    "/v1/auth/password-reset",
    "POST",
    summary="Solicitar el restablecimiento",
    body=acc.IdentifierRequest,
    response=acc.Accepted,
    status=202,
    tags=("sesión",),
)
def password_reset(body: acc.IdentifierRequest) -> acc.Accepted:
    return accounts.request_password_reset(body.identifier)


@api.route(
    "/v1/auth/password-reset/confirm",
    "POST",
    summary="Nueva contraseña con el enlace",
    body=acc.PasswordResetConfirm,
    response=acc.Done,
    tags=("sesión",),
)
def password_reset_confirm(body: acc.PasswordResetConfirm) -> acc.Done:
    return accounts.confirm_password_reset(body.token, body.password)


@api.route("/v1/me", summary="Mis datos", response=acc.Profile, roles=ANY_ROLE, tags=("cuenta",))
def me(principal: Principal) -> acc.Profile:
    return accounts.profile(principal)


@api.route(
    "/v1/me",
    "PATCH",
    summary="Actualizar correo secundario y teléfono",
    body=acc.ProfileUpdate,
    response=acc.Profile,
    roles=ANY_ROLE,
    errors=(429,),
    tags=("cuenta",),
)
def update_me(principal: Principal, body: acc.ProfileUpdate) -> acc.Profile:
    return accounts.update_profile(principal, body)


@api.route(
    "/v1/me/password",
    "POST",
    summary="Cambiar la contraseña",
    body=acc.PasswordChange,
    response=acc.Done,
    roles=ANY_ROLE,
    errors=(429,),
    tags=("cuenta",),
)
def change_password(principal: Principal, body: acc.PasswordChange) -> acc.Done:
    return accounts.change_password(principal, body)


@api.route(
    "/v1/me/email",
    "POST",
    summary="Cambiar el correo (se confirma en el nuevo)",
    body=acc.EmailChange,
    response=acc.Accepted,
    status=202,
    roles=ANY_ROLE,
    errors=(429,),
    tags=("cuenta",),
)
def change_email(principal: Principal, body: acc.EmailChange) -> acc.Accepted:
    return accounts.request_email_change(principal, body)


@api.route(
    "/v1/me/email/confirm",
    "POST",
    summary="Confirmar un correo (nuevo o secundario) con el enlace",
    body=acc.TokenOnly,
    response=acc.Done,
    errors=(409,),
    tags=("cuenta",),
)
def confirm_email(body: acc.TokenOnly) -> acc.Done:
    return accounts.confirm_email(body.token)


@app.on_sqs_message(queue=settings.queue_name("account-requests"), batch_size=10)
def handle_account_request(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: accounts.handle_request(record.body))


# --- email outbox ---------------------------------------------------------------------------


@app.on_sqs_message(queue=settings.queue_name("email-outbox"), batch_size=10)
def send_email(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: notifications.deliver(record.body))


@app.schedule("rate(5 minutes)")
def resend_pending_emails(event: CloudWatchEvent) -> None:
    notifications.resend_pending()


# --- documents ------------------------------------------------------------------------------


@api.route(
    "/v1/documents/{document_id}",
    summary="Un documento y su resultado de validación",
    response=docs.DocumentOut,
    roles=ANY_ROLE,
    errors=(404,),
    tags=("documentos",),
)
def read_document(principal: Principal, document_id: str) -> docs.DocumentOut:
    return documents.read_document(principal, document_id)


@api.route(
    "/v1/documents/{document_id}",
    "DELETE",
    summary="Eliminar un documento (mientras el trámite lo permita)",
    status=204,
    roles=ANY_ROLE,
    errors=(404, 409),
    tags=("documentos",),
)
def delete_document(principal: Principal, document_id: str) -> None:
    documents.delete_document(principal, document_id)


@api.route(
    "/v1/documents/{document_id}/download",
    summary="Enlace temporal para descargar o ver un documento",
    query=docs.DownloadQuery,
    response=docs.DownloadOut,
    roles=ANY_ROLE,
    errors=(404, 409, 422),
    tags=("documentos",),
)
def download_document(
    principal: Principal, document_id: str, query: docs.DownloadQuery
) -> docs.DownloadOut:
    return documents.download_own(principal, document_id, query.disposition)


@api.route(
    "/v1/operator/transactions/files",
    "POST",
    summary="Espacios de carga para archivos CSV de transacciones",
    body=docs.TransactionFilesIn,
    response=docs.SlotsOut,
    status=201,
    roles=("operador",),
    errors=(409, 413, 422),
    tags=("operadores",),
)
def transaction_file_slots(principal: Principal, body: docs.TransactionFilesIn) -> docs.SlotsOut:
    return transaction_files.request_slots(principal, body)


# A document takes up to a few seconds to validate; five fit well within the timeout.
@app.on_sqs_message(queue=settings.queue_name("document-uploaded"), batch_size=5)
def validate_document(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(
        event, lambda record: documents.handle_upload_notification(record.body)
    )


# --- payments -------------------------------------------------------------------------------


def _source_ip() -> str:
    """The caller's IP as API Gateway saw it (the anonymous routes are limited per IP)."""
    request = app.current_request
    identity = ((request.context if request else None) or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


@api.route("/v1/plans", summary="Planes de membresía", response=pay.PlansOut, tags=("pagos",))
def list_plans() -> pay.PlansOut:
    return payments.list_plans()


@api.route(
    "/v1/memberships",
    "POST",
    summary="Afiliarse a un plan",
    body=pay.Enrolment,
    response=pay.MembershipCreated,
    status=201,
    roles=("afiliado",),
    errors=(404, 409, 422),
    tags=("pagos",),
)
def enrol_membership(principal: Principal, body: pay.Enrolment) -> pay.MembershipCreated:
    return payments.enrol(principal, body)


@api.route(
    "/v1/memberships",
    summary="Mis membresías",
    response=pay.MembershipsOut,
    roles=("afiliado",),
    tags=("pagos",),
)
def my_memberships(principal: Principal) -> pay.MembershipsOut:
    return payments.my_memberships(principal)


@api.route(
    "/v1/memberships/{membership_id}",
    summary="Una membresía: estado, vigencia y pagos",
    response=pay.MembershipOut,
    roles=("afiliado",),
    errors=(404,),
    tags=("pagos",),
)
def read_membership(principal: Principal, membership_id: str) -> pay.MembershipOut:
    return payments.membership(principal, membership_id)


@api.route(
    "/v1/memberships/{membership_id}/card",
    summary="Enlace temporal a la credencial virtual (PDF)",
    response=pay.CardOut,
    roles=("afiliado",),
    errors=(404,),
    tags=("pagos",),
)
def membership_card(principal: Principal, membership_id: str) -> pay.CardOut:
    return payments.card(principal, membership_id)


@api.route(
    "/v1/payments/lookup",
    "POST",
    summary="Qué debo, por RFC (sin sesión; datos enmascarados)",
    body=pay.Lookup,
    response=pay.LookupOut,
    errors=(422, 429),
    tags=("pagos",),
)
def payment_lookup(body: pay.Lookup) -> pay.LookupOut:
    return payments.lookup(body.rfc, _source_ip())


@api.route(
    "/v1/memberships/{membership_id}/payment-references",
    "POST",
    summary="Referencia de pago en tienda o banco (sin sesión)",
    body=pay.ReferenceRequest,
    response=pay.ReferenceOut,
    status=201,
    errors=(404, 409, 422, 429),
    tags=("pagos",),
)
def create_payment_reference(membership_id: str, body: pay.ReferenceRequest) -> pay.ReferenceOut:
    return payments.create_reference(membership_id, body, _source_ip())


@api.route(
    "/v1/memberships/{membership_id}/card-payments",
    "POST",
    summary="Pago con tarjeta (token de la pasarela; sin sesión)",
    body=pay.CardPaymentRequest,
    response=pay.CardPaymentOut,
    status=201,
    errors=(404, 409, 422, 429),
    tags=("pagos",),
)
def pay_membership_by_card(membership_id: str, body: pay.CardPaymentRequest) -> pay.CardPaymentOut:
    return payments.pay_by_card(membership_id, body, _source_ip())


@api.route(
    "/v1/webhooks/payments",
    "POST",
    summary="Confirmación firmada de la red de pagos (X-Signature: t=…,v1=…)",
    response=pay.WebhookAnswer,
    errors=(401, 422),
    tags=("pagos",),
)
def payment_webhook() -> pay.WebhookAnswer:
    # The signature covers the exact bytes received, so the body is read raw, not parsed.
    request = app.current_request
    assert request is not None
    return payments.receive_webhook(request.raw_body or b"", request.headers.get("x-signature"))


@api.route(
    "/v1/operator/payments/simulations",
    "POST",
    summary="Simular el pago de una referencia (solo entorno local)",
    body=pay.Simulation,
    response=pay.SimulationOut,
    roles=("operador",),
    errors=(404, 422),
    tags=("operadores",),
)
def simulate_payment(principal: Principal, body: pay.Simulation) -> pay.SimulationOut:
    return payments.simulate_payment(principal, body)


@api.route(
    "/v1/operator/payments/exceptions",
    summary="Pagos recibidos que no se aplicaron",
    query=pay.ExceptionsQuery,
    response=pay.PaymentExceptionsOut,
    roles=("operador",),
    errors=(400, 404, 422),
    tags=("operadores",),
)
def payment_exceptions(
    principal: Principal, query: pay.ExceptionsQuery
) -> pay.PaymentExceptionsOut:
    return payments.payment_exceptions(principal, query)


@app.schedule("rate(1 hour)")
def expire_payment_references(event: CloudWatchEvent) -> None:
    payments.expire_references()


@app.schedule("cron(0 15 * * ? *)")
def remind_memberships_due(event: CloudWatchEvent) -> None:
    payments.remind_due()


# --- settlement (Chile) ---------------------------------------------------------------------


@api.route(
    "/v1/operator/transactions",
    "POST",
    summary="Cargar transacciones (bonos y tarjetas), hasta 1,000 por llamada",
    body=stl.LoadIn,
    response=stl.LoadOut,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def load_settlement_transactions(principal: Principal, body: stl.LoadIn) -> stl.LoadOut:
    return settlement.load_transactions_by_operator(principal, body.items)


@api.route(
    "/v1/operator/lme",
    "POST",
    summary="Cargar licencias médicas electrónicas (LME) de prestadores",
    body=stl.LoadIn,
    response=stl.LoadOut,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def load_sick_leave_records(principal: Principal, body: stl.LoadIn) -> stl.LoadOut:
    return settlement.load_lme(principal, body.items)


@api.route(
    "/v1/operator/platform-invoices",
    "POST",
    summary="Cargar facturas de la plataforma a prestadores",
    body=stl.LoadIn,
    response=stl.LoadOut,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def load_platform_invoices(principal: Principal, body: stl.LoadIn) -> stl.LoadOut:
    return settlement.load_platform_invoices(principal, body.items)


@api.route(
    "/v1/operator/settlements/run",
    "POST",
    summary="Ejecutar la liquidación ahora (prestadores de mis aseguradoras)",
    body=stl.RunIn,
    response=stl.RunStarted,
    status=202,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def run_settlement(principal: Principal, body: stl.RunIn) -> stl.RunStarted:
    return settlement.run_by_operator(principal, body.period_end)


@api.route(
    "/v1/operator/settlements/runs/{run_id}",
    summary="Avance de una ejecución de liquidación",
    response=stl.RunOut,
    roles=("operador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def settlement_run_progress(principal: Principal, run_id: str) -> stl.RunOut:
    return settlement.run_progress(principal, run_id)


@api.route(
    "/v1/provider/account",
    summary="Datos del prestador y cuenta bancaria de pago",
    response=stl.ProviderAccountOut,
    roles=("prestador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def provider_settlement_account(principal: Principal) -> stl.ProviderAccountOut:
    return settlement.provider_account(principal)


@api.route(
    "/v1/provider/platform-invoices",
    summary="Facturas de la plataforma al prestador, por año",
    query=stl.YearQuery,
    response=stl.PlatformInvoicesOut,
    roles=("prestador",),
    errors=(404, 422),
    tags=("liquidaciones",),
)
def provider_platform_invoices(
    principal: Principal, query: stl.YearQuery
) -> stl.PlatformInvoicesOut:
    return settlement.platform_invoices(principal, query.year)


@api.route(
    "/v1/settlements",
    summary="Mis liquidaciones por año y mes",
    query=stl.SettlementsQuery,
    response=stl.SettlementsOut,
    roles=("prestador",),
    errors=(404, 422),
    tags=("liquidaciones",),
)
def list_settlements(principal: Principal, query: stl.SettlementsQuery) -> stl.SettlementsOut:
    return settlement.settlements(principal, query.year, query.month)


@api.route(
    "/v1/settlements/{folio}",
    summary="Detalle de una liquidación: créditos por tipo y resumen",
    response=stl.SettlementDetailOut,
    roles=("prestador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def settlement_detail(principal: Principal, folio: str) -> stl.SettlementDetailOut:
    return settlement.settlement_detail(principal, folio)


@api.route(
    "/v1/settlements/{folio}/transactions",
    summary="Transacciones liquidadas de una liquidación",
    query=stl.DetailQuery,
    response=stl.SettledTransactionsOut,
    roles=("prestador",),
    errors=(400, 404, 422),
    tags=("liquidaciones",),
)
def settlement_transactions(
    principal: Principal, folio: str, query: stl.DetailQuery
) -> stl.SettledTransactionsOut:
    return settlement.settlement_transactions(principal, folio, query)


@api.route(
    "/v1/reports/period",
    summary="Reporte por periodo (con format=xlsx o csv responde {url, expires_at})",
    query=stl.PeriodQuery,
    response=stl.PeriodOut,
    roles=("prestador",),
    errors=(404, 422),
    tags=("liquidaciones",),
)
def period_report(principal: Principal, query: stl.PeriodQuery) -> stl.PeriodOut | stl.ExportOut:
    if query.format == "json":
        return settlement.period_report(principal, query)
    return settlement.period_export(principal, query)


@api.route(
    "/v1/reports/vouchers",
    summary="Bonos emitidos con liquidación (con format=xlsx o csv responde {url, expires_at})",
    query=stl.VouchersQuery,
    response=stl.VouchersOut,
    roles=("prestador",),
    errors=(400, 404, 413, 422),
    tags=("liquidaciones",),
)
def vouchers_report(
    principal: Principal, query: stl.VouchersQuery
) -> stl.VouchersOut | stl.ExportOut:
    if query.format == "json":
        return settlement.vouchers_report(principal, query)
    return settlement.vouchers_export(principal, query)


@api.route(
    "/v1/reports/lme",
    summary="Licencias médicas por prestador, profesional o lugar, con tipo de validación",
    query=stl.LmeQuery,
    response=stl.LmeOut,
    roles=("prestador",),
    errors=(404, 422),
    tags=("liquidaciones",),
)
def lme_report(principal: Principal, query: stl.LmeQuery) -> stl.LmeOut:
    return settlement.lme_report(principal, query)


@app.schedule("cron(0 12 ? * WED *)")
def weekly_settlement(event: CloudWatchEvent) -> None:
    settlement.weekly_run()


# One provider per message; a provider with many transactions takes minutes (timeout 300 s).
@app.on_sqs_message(queue=settings.queue_name("settlement-tasks"), batch_size=1)
def settle_provider(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: settlement.handle_task(record.body))


# --- affiliate services: appointments, prescriptions, sick leaves --------------------------


@api.route(
    "/v1/family",
    summary="Mi núcleo familiar (misma serie de credencial)",
    response=appt.FamilyOut,
    roles=("afiliado",),
    errors=(404,),
    tags=("citas",),
)
def family(principal: Principal) -> appt.FamilyOut:
    return appointments.family(principal)


@api.route(
    "/v1/clinics",
    summary="Clínicas con medicina general",
    query=appt.ClinicsQuery,
    response=appt.ClinicList,
    roles=("afiliado", "operador"),
    errors=(400, 404, 422),
    tags=("citas",),
)
def clinics(query: appt.ClinicsQuery, principal: Principal) -> appt.ClinicList:
    return appointments.clinics(principal, query)


@api.route(
    "/v1/agenda",
    summary="Agendas de una clínica en una fecha, con horarios libres y cupo de internet",
    query=appt.AgendaQuery,
    response=appt.AgendaList,
    roles=("afiliado", "operador"),
    errors=(400, 404, 422),
    tags=("citas",),
)
def agenda(query: appt.AgendaQuery, principal: Principal) -> appt.AgendaList:
    return appointments.agenda(principal, query)


@api.route(
    "/v1/appointments",
    "POST",
    summary="Agendar una cita para mí o un familiar",
    body=appt.BookingIn,
    response=appt.AppointmentOut,
    status=201,
    roles=("afiliado",),
    errors=(404, 409, 422),
    tags=("citas",),
)
def book_appointment(principal: Principal, body: appt.BookingIn) -> appt.AppointmentOut:
    return appointments.book(principal, body)


@api.route(
    "/v1/appointments/{appointment_id}",
    "DELETE",
    summary="Cancelar una cita (hasta que comience)",
    response=appt.AppointmentOut,
    roles=("afiliado",),
    errors=(404, 409),
    tags=("citas",),
)
def cancel_appointment(principal: Principal, appointment_id: str) -> appt.AppointmentOut:
    return appointments.cancel(principal, appointment_id)


@api.route(
    "/v1/appointments",
    summary="Citas próximas o historial de mi núcleo familiar",
    query=appt.AppointmentsQuery,
    response=appt.AppointmentList,
    roles=("afiliado",),
    errors=(400,),
    tags=("citas",),
)
def list_appointments(principal: Principal, query: appt.AppointmentsQuery) -> appt.AppointmentList:
    return appointments.appointments(principal, query)


@api.route(
    "/v1/prescriptions",
    summary="Recetas de mi núcleo familiar (informativas)",
    query=rx.PageQuery,
    response=rx.PrescriptionList,
    roles=("afiliado",),
    errors=(400,),
    tags=("recetas",),
)
def list_prescriptions(principal: Principal, query: rx.PageQuery) -> rx.PrescriptionList:
    return prescriptions.prescriptions(principal, query)


@api.route(
    "/v1/sick-leaves",
    summary="Mis incapacidades selladas de los últimos meses",
    query=rx.PageQuery,
    response=rx.SickLeaveList,
    roles=("afiliado",),
    errors=(400,),
    tags=("incapacidades",),
)
def list_sick_leaves(principal: Principal, query: rx.PageQuery) -> rx.SickLeaveList:
    return prescriptions.sick_leaves(principal, query)


@api.route(
    "/v1/sick-leaves/{sick_leave_id}/certificate",
    summary="Enlace temporal al certificado sellado (PDF)",
    response=rx.FileLink,
    roles=("afiliado",),
    errors=(404, 409),
    tags=("incapacidades",),
)
def sick_leave_certificate(principal: Principal, sick_leave_id: str) -> rx.FileLink:
    return prescriptions.certificate(principal, sick_leave_id)


@api.route(
    "/v1/verify/sick-leaves/{sick_leave_id}",
    summary="Verificar un certificado de incapacidad (público)",
    query=rx.VerifyQuery,
    response=rx.Verification,
    tags=("incapacidades",),
)
def verify_sick_leave(sick_leave_id: str, query: rx.VerifyQuery) -> rx.Verification:
    return prescriptions.verify(sick_leave_id, query.seal)


@api.route(
    "/v1/operator/clinics",
    "POST",
    summary="Registrar una clínica (UMF)",
    body=appt.ClinicIn,
    response=appt.ClinicOut,
    status=201,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def create_clinic(principal: Principal, body: appt.ClinicIn) -> appt.ClinicOut:
    return appointments.create_clinic(principal, body)


@api.route(
    "/v1/operator/agendas",
    "POST",
    summary="Cargar la agenda de un médico (fecha, turno, horarios, cupo de internet)",
    body=appt.AgendaIn,
    response=appt.AgendaOut,
    status=201,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def create_agenda(principal: Principal, body: appt.AgendaIn) -> appt.AgendaOut:
    return appointments.create_agenda(principal, body)


@api.route(
    "/v1/operator/prescriptions",
    "POST",
    summary="Emitir una receta",
    body=rx.PrescriptionIn,
    response=rx.PrescriptionOut,
    status=201,
    roles=("operador",),
    errors=(404, 422),
    tags=("operadores",),
)
def issue_prescription(principal: Principal, body: rx.PrescriptionIn) -> rx.PrescriptionOut:
    return prescriptions.issue_prescription(principal, body)


@api.route(
    "/v1/operator/sick-leaves",
    "POST",
    summary="Emitir una incapacidad (y autorizarla y sellarla si se indica)",
    body=rx.SickLeaveIn,
    response=rx.SickLeaveOut,
    status=201,
    roles=("operador",),
    errors=(404, 422),
    tags=("operadores",),
)
def issue_sick_leave(principal: Principal, body: rx.SickLeaveIn) -> rx.SickLeaveOut:
    return prescriptions.issue_sick_leave(principal, body)


@api.route(
    "/v1/operator/sick-leaves/{sick_leave_id}/authorize",
    "POST",
    summary="Autorizar y sellar una incapacidad",
    response=rx.SickLeaveOut,
    roles=("operador",),
    errors=(404, 409),
    tags=("operadores",),
)
def authorize_sick_leave(principal: Principal, sick_leave_id: str) -> rx.SickLeaveOut:
    return prescriptions.authorize_sick_leave(principal, sick_leave_id)


# --- providers (Mexico): bank account, care orders, invoices, complements, statement --------
PROVIDER = ("prestador",)
PROVIDER_OR_OPERATOR = ("prestador", "operador")


@api.route(
    "/v1/provider/bank-account",
    summary="Mi cuenta bancaria: la activa y la que está en validación",
    response=prov.BankAccountsOut,
    roles=PROVIDER,
    tags=("prestadores",),
)
def provider_bank_account(principal: Principal) -> prov.BankAccountsOut:
    return providers.bank_account(principal)


@api.route(
    "/v1/provider/bank-account",
    "PUT",
    summary="Registrar o cambiar la cuenta bancaria (CLABE y estado de cuenta en PDF)",
    body=prov.BankAccountIn,
    response=prov.BankAccountAccepted,
    status=202,
    roles=PROVIDER,
    errors=(409, 413, 422),
    tags=("prestadores",),
)
def register_bank_account(
    principal: Principal, body: prov.BankAccountIn
) -> prov.BankAccountAccepted:
    return providers.register_bank_account(principal, body)


@api.route(
    "/v1/care-orders",
    summary="Mis órdenes de atención con su detalle de pago",
    query=prov.CareOrdersQuery,
    response=prov.CareOrderPage,
    roles=PROVIDER,
    errors=(400,),
    tags=("prestadores",),
)
def list_care_orders(principal: Principal, query: prov.CareOrdersQuery) -> prov.CareOrderPage:
    return providers.care_orders(principal, query)


@api.route(
    "/v1/care-orders/traditional",
    "POST",
    summary="Registrar una orden tradicional con su PDF (o los tres PDF que unimos)",
    body=prov.TraditionalOrderIn,
    response=prov.TraditionalOrderOut,
    status=201,
    roles=PROVIDER,
    errors=(409, 413, 422),
    tags=("prestadores",),
)
def register_traditional_order(
    principal: Principal, body: prov.TraditionalOrderIn
) -> prov.TraditionalOrderOut:
    return providers.register_traditional_order(principal, body)


@api.route(
    "/v1/care-orders/{order_id}",
    summary="Una orden de atención y su detalle de pago",
    response=prov.CareOrderOut,
    roles=PROVIDER_OR_OPERATOR,
    errors=(404,),
    tags=("prestadores",),
)
def read_care_order(principal: Principal, order_id: str) -> prov.CareOrderOut:
    return providers.care_order(principal, order_id)


@api.route(
    "/v1/care-orders/{order_id}/format",
    summary="Enlace temporal al formato (PDF unido) de una orden tradicional",
    response=prov.ExportOut,
    roles=PROVIDER_OR_OPERATOR,
    errors=(404, 409),
    tags=("prestadores",),
)
def care_order_format(principal: Principal, order_id: str) -> prov.ExportOut:
    return providers.order_format(principal, order_id)


@api.route(
    "/v1/invoices",
    "POST",
    summary="Facturar órdenes: espacio de carga para el XML del CFDI",
    body=prov.InvoiceIn,
    response=prov.InvoiceCreated,
    status=201,
    roles=PROVIDER,
    errors=(404, 409, 413, 422),
    tags=("prestadores",),
)
def create_invoice(principal: Principal, body: prov.InvoiceIn) -> prov.InvoiceCreated:
    return providers.create_invoice(principal, body)


@api.route(
    "/v1/invoices",
    summary="Mis facturas",
    query=prov.InvoicesQuery,
    response=prov.InvoicePage,
    roles=PROVIDER,
    errors=(400,),
    tags=("prestadores",),
)
def list_invoices(principal: Principal, query: prov.InvoicesQuery) -> prov.InvoicePage:
    return providers.invoices(principal, query)


@api.route(
    "/v1/invoices/{invoice_id}",
    summary="Una factura: validación, pago y complemento",
    response=prov.InvoiceOut,
    roles=PROVIDER_OR_OPERATOR,
    errors=(404,),
    tags=("prestadores",),
)
def read_invoice(principal: Principal, invoice_id: str) -> prov.InvoiceOut:
    return providers.invoice(principal, invoice_id)


@api.route(
    "/v1/invoices/{invoice_id}/payment-complement",
    "POST",
    summary="Espacio de carga para el XML del complemento de pago",
    body=prov.ComplementIn,
    response=prov.ComplementCreated,
    status=201,
    roles=PROVIDER,
    errors=(404, 409, 413, 422),
    tags=("prestadores",),
)
def request_payment_complement(
    principal: Principal, invoice_id: str, body: prov.ComplementIn
) -> prov.ComplementCreated:
    return providers.request_complement(principal, invoice_id, body)


@api.route(
    "/v1/provider/statement",
    summary="Estado de cuenta: órdenes, montos y totales (o Excel con ?format=xlsx)",
    query=prov.StatementQuery,
    response=prov.StatementAnswer,
    roles=PROVIDER,
    tags=("prestadores",),
)
def provider_statement(principal: Principal, query: prov.StatementQuery) -> prov.StatementAnswer:
    return providers.statement(principal, query)


@api.route(
    "/v1/operator/care-orders",
    "POST",
    summary="Cargar órdenes de atención digitales de un prestador",
    body=prov.OperatorOrdersIn,
    response=prov.CareOrdersOut,
    status=201,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def load_care_orders(principal: Principal, body: prov.OperatorOrdersIn) -> prov.CareOrdersOut:
    return providers.load_digital_orders(principal, body)


@api.route(
    "/v1/operator/care-orders",
    summary="Órdenes de atención de una aseguradora",
    query=prov.OperatorOrdersQuery,
    response=prov.CareOrderPage,
    roles=("operador",),
    errors=(400, 404),
    tags=("operadores",),
)
def operator_care_orders(
    principal: Principal, query: prov.OperatorOrdersQuery
) -> prov.CareOrderPage:
    return providers.operator_orders(principal, query)


@api.route(
    "/v1/operator/invoices",
    summary="Facturas de prestadores de una aseguradora",
    query=prov.OperatorInvoicesQuery,
    response=prov.InvoicePage,
    roles=("operador",),
    errors=(400, 404),
    tags=("operadores",),
)
def operator_invoices(principal: Principal, query: prov.OperatorInvoicesQuery) -> prov.InvoicePage:
    return providers.operator_invoices(principal, query)


@api.route(
    "/v1/operator/invoices/{invoice_id}/payments",
    "POST",
    summary="Registrar el pago de una factura (tras verificarla con el SAT)",
    body=prov.PaymentIn,
    response=prov.InvoiceOut,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def record_invoice_payment(
    principal: Principal, invoice_id: str, body: prov.PaymentIn
) -> prov.InvoiceOut:
    return providers.record_payment(principal, invoice_id, body)


# --- claims ---------------------------------------------------------------------------------

from chalicelib.audit import schemas as audit_schemas  # noqa: E402
from chalicelib.audit import service as audit  # noqa: E402
from chalicelib.claims import schemas as cl  # noqa: E402
from chalicelib.claims import service as claims  # noqa: E402


def _operator_ip() -> str | None:
    """Where an operator's request came from, for the audit record."""
    request = app.current_request
    identity = ((request.context or {}) if request else {}).get("identity") or {}
    source = identity.get("sourceIp")
    return str(source) if source else None


@api.route(
    "/v1/policy",
    summary="Mi póliza: personas, coberturas y padecimientos registrados",
    response=cl.PolicyOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def my_policy(principal: Principal) -> cl.PolicyOut:
    return claims.my_policy(principal)


@api.route(
    "/v1/catalog/claims",
    summary="Tipos de trámite y documentos que pide cada etapa",
    response=cl.CatalogOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def claim_catalog(principal: Principal) -> cl.CatalogOut:
    return claims.claim_catalog(principal)


@api.route(
    "/v1/hospitals",
    summary="Hospitales de la red de mi aseguradora",
    query=cl.HospitalQuery,
    response=cl.HospitalsOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def network_hospitals(principal: Principal, query: cl.HospitalQuery) -> cl.HospitalsOut:
    return claims.list_hospitals(principal, query.q)


@api.route(
    "/v1/claims",
    "POST",
    summary="Paso 1: registrar un trámite (borrador)",
    body=cl.ClaimIn,
    response=cl.ClaimOut,
    status=201,
    roles=("asegurado",),
    errors=(422,),
    tags=("trámites",),
)
def create_claim(principal: Principal, body: cl.ClaimIn) -> cl.ClaimOut:
    return claims.create_claim(principal, body)


@api.route(
    "/v1/claims",
    summary="Mis trámites: actuales, en trámite (con filtros) o historial (con búsqueda)",
    query=cl.ClaimListQuery,
    response=cl.ClaimListOut,
    roles=("asegurado",),
    errors=(400, 422),
    tags=("trámites",),
)
def list_claims(principal: Principal, query: cl.ClaimListQuery) -> cl.ClaimListOut:
    return claims.list_claims(principal, query)


@api.route(
    "/v1/claims/{claim_id}",
    summary="Detalle de un trámite: estado, plazos, documentos e historial",
    response=cl.ClaimOut,
    roles=("asegurado",),
    errors=(404,),
    tags=("trámites",),
)
def read_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    return claims.read_claim(principal, claim_id)


@api.route(
    "/v1/claims/{claim_id}/documents",
    "POST",
    summary="Paso 2: espacios de carga para los documentos del trámite",
    body=cl.ClaimFilesIn,
    response=docs.SlotsOut,
    status=201,
    roles=("asegurado",),
    errors=(404, 409, 413, 422),
    tags=("trámites",),
)
def claim_document_slots(
    principal: Principal, claim_id: str, body: cl.ClaimFilesIn
) -> docs.SlotsOut:
    return claims.request_slots(principal, claim_id, body)


@api.route(
    "/v1/claims/{claim_id}/folio",
    "POST",
    summary="Generar folio (una sola vez; un reintento devuelve el mismo)",
    response=cl.FolioOut,
    roles=("asegurado",),
    errors=(404, 409),
    tags=("trámites",),
)
def generate_folio(principal: Principal, claim_id: str) -> cl.FolioOut:
    return claims.generate_folio(principal, claim_id)


@api.route(
    "/v1/claims/{claim_id}/pending-response",
    "POST",
    summary="Enviar los documentos pendientes con observaciones",
    body=cl.PendingResponseIn,
    response=cl.ClaimOut,
    roles=("asegurado",),
    errors=(404, 409, 422),
    tags=("trámites",),
)
def answer_pending(principal: Principal, claim_id: str, body: cl.PendingResponseIn) -> cl.ClaimOut:
    return claims.answer_pending(principal, claim_id, body)


@api.route(
    "/v1/forms",
    summary="Formatos para descargar por tipo de trámite y etapa",
    query=cl.FormsQuery,
    response=cl.FormsOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def claim_forms(principal: Principal, query: cl.FormsQuery) -> cl.FormsOut:
    return claims.list_forms(principal, query)


@api.route(
    "/v1/network",
    summary="Aviso y enlace de la red médica de mi aseguradora",
    response=cl.NetworkOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def medical_network(principal: Principal) -> cl.NetworkOut:
    return claims.medical_network(principal)


@api.route(
    "/v1/contact",
    "POST",
    summary="Quejas, sugerencias y dudas",
    body=cl.ContactIn,
    response=cl.ContactOut,
    status=201,
    roles=("asegurado",),
    errors=(422,),
    tags=("trámites",),
)
def contact_us(principal: Principal, body: cl.ContactIn) -> cl.ContactOut:
    return claims.contact(principal, body)


@api.route(
    "/v1/notifications",
    summary="Mis notificaciones",
    query=cl.PageQuery,
    response=cl.NotificationListOut,
    roles=("asegurado",),
    tags=("trámites",),
)
def my_notifications(principal: Principal, query: cl.PageQuery) -> cl.NotificationListOut:
    return claims.my_notifications(principal, query)


@api.route(
    "/v1/notifications/{notification_id}/read",
    "POST",
    summary="Marcar una notificación como leída",
    response=cl.Done,
    roles=("asegurado",),
    errors=(404,),
    tags=("trámites",),
)
def read_notification(principal: Principal, notification_id: str) -> cl.Done:
    return claims.mark_notification_read(principal, notification_id)


@api.route(
    "/v1/operator/claims",
    summary="Trámites de mi aseguradora por estado (lectura auditada)",
    query=cl.OperatorQueueQuery,
    response=cl.ClaimListOut,
    roles=("operador",),
    errors=(404, 422),
    tags=("operadores",),
)
def operator_claims(principal: Principal, query: cl.OperatorQueueQuery) -> cl.ClaimListOut:
    return claims.operator_queue(principal, query, _operator_ip())


@api.route(
    "/v1/operator/claims/{claim_id}",
    summary="Un trámite con sus documentos (lectura auditada)",
    response=cl.ClaimOut,
    roles=("operador",),
    errors=(404,),
    tags=("operadores",),
)
def operator_claim(principal: Principal, claim_id: str) -> cl.ClaimOut:
    return claims.operator_claim(principal, claim_id, _operator_ip())


@api.route(
    "/v1/operator/claims/{claim_id}/documents/{document_id}/download",
    summary="Enlace a un documento del trámite (descarga auditada)",
    query=cl.OperatorDownloadQuery,
    response=docs.DownloadOut,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def operator_claim_document(
    principal: Principal, claim_id: str, document_id: str, query: cl.OperatorDownloadQuery
) -> docs.DownloadOut:
    return claims.operator_download(
        principal, claim_id, document_id, query.disposition, _operator_ip()
    )


@api.route(
    "/v1/operator/claims/{claim_id}/transitions",
    "POST",
    summary="Mover un trámite de estado con una nota",
    body=cl.TransitionIn,
    response=cl.ClaimOut,
    roles=("operador",),
    errors=(404, 409, 422),
    tags=("operadores",),
)
def claim_transition(principal: Principal, claim_id: str, body: cl.TransitionIn) -> cl.ClaimOut:
    return claims.transition(principal, claim_id, body, _operator_ip())


@api.route(
    "/v1/operator/audit",
    summary="Registro de auditoría de mi aseguradora",
    query=audit_schemas.AuditQuery,
    response=audit_schemas.AuditListOut,
    roles=("operador",),
    errors=(400, 404, 422),
    tags=("operadores",),
)
def operator_audit(
    principal: Principal, query: audit_schemas.AuditQuery
) -> audit_schemas.AuditListOut:
    return audit.records(principal, query)


# --- privacy rights (ARCO) ------------------------------------------------------------------

from chalicelib.privacy import schemas as arco  # noqa: E402
from chalicelib.privacy import service as privacy  # noqa: E402


@api.route(
    "/v1/me/data-requests",
    "POST",
    summary="Pedir la descarga de mis datos o la eliminación de mi cuenta",
    body=arco.DataRequestIn,
    response=arco.DataRequestCreated,
    status=202,
    roles=ANY_ROLE,
    errors=(409,),
    tags=("cuenta",),
)
def create_data_request(principal: Principal, body: arco.DataRequestIn) -> arco.DataRequestCreated:
    return privacy.create_request(principal, body)


@api.route(
    "/v1/me/data-requests",
    summary="Mis solicitudes de datos personales",
    query=arco.ListQuery,
    response=arco.DataRequestListOut,
    roles=ANY_ROLE,
    errors=(400,),
    tags=("cuenta",),
)
def list_data_requests(principal: Principal, query: arco.ListQuery) -> arco.DataRequestListOut:
    return privacy.my_requests(principal, query)


@api.route(
    "/v1/me/data-requests/{request_id}",
    summary="Una solicitud de datos personales (con enlace al archivo cuando está listo)",
    response=arco.DataRequestOut,
    roles=ANY_ROLE,
    errors=(404,),
    tags=("cuenta",),
)
def read_data_request(principal: Principal, request_id: str) -> arco.DataRequestOut:
    return privacy.my_request(principal, request_id)


@api.route(
    "/v1/operator/data-requests",
    summary="Solicitudes de datos personales de mi aseguradora (lectura auditada)",
    query=arco.OperatorQuery,
    response=arco.OperatorDataRequestListOut,
    roles=("operador",),
    errors=(400, 404),
    tags=("operadores",),
)
def operator_data_requests(
    principal: Principal, query: arco.OperatorQuery
) -> arco.OperatorDataRequestListOut:
    return privacy.operator_requests(principal, query, _operator_ip())


@api.route(
    "/v1/operator/data-requests/{request_id}",
    summary="Una solicitud de datos personales (lectura auditada)",
    response=arco.OperatorDataRequestOut,
    roles=("operador",),
    errors=(404,),
    tags=("operadores",),
)
def operator_data_request(principal: Principal, request_id: str) -> arco.OperatorDataRequestOut:
    return privacy.operator_request(principal, request_id, _operator_ip())


@api.route(
    "/v1/operator/data-requests/{request_id}/decision",
    "POST",
    summary="Aprobar o rechazar una solicitud de eliminación de cuenta",
    body=arco.DecisionIn,
    response=arco.OperatorDataRequestOut,
    roles=("operador",),
    errors=(404, 409),
    tags=("operadores",),
)
def decide_data_request(
    principal: Principal, request_id: str, body: arco.DecisionIn
) -> arco.OperatorDataRequestOut:
    return privacy.decide(principal, request_id, body, _operator_ip())


# Packs one person's export per message; a large one takes a few minutes (timeout 300 s).
@app.on_sqs_message(queue=settings.queue_name("data-requests"), batch_size=1)
def build_data_export(event: SQSEvent) -> dict[str, Any]:
    return process_sqs_batch(event, lambda record: privacy.handle_export_message(record.body))


@app.schedule("rate(1 hour)")
def run_data_requests(event: CloudWatchEvent) -> None:
    privacy.run_due()
