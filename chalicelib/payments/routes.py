"""Payments routes: plans, memberships, payment references, cards and the network's webhook."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import Routes, caller_ip
from chalicelib.payments import schemas as pay
from chalicelib.payments import service as payments

routes = Routes(__name__, tags=("pagos",))
member_routes = routes.group(roles=("afiliado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",))


def _source_ip() -> str:
    """The caller's IP as API Gateway saw it (the anonymous routes are limited per IP)."""
    return caller_ip(routes.current_request) or "unknown"


@routes.route("/v1/plans", summary="Planes de membresía")
def list_plans(query: pay.PageQuery) -> pay.PlansOut:
    return payments.list_plans(query.limit, query.cursor)


@member_routes.route(
    "/v1/memberships", "POST", summary="Afiliarse a un plan", status=201, errors=(404, 409)
)
def enrol_membership(principal: Principal, body: pay.Enrolment) -> pay.MembershipCreated:
    return payments.enrol(principal, body)


@member_routes.route("/v1/memberships", summary="Mis membresías")
def my_memberships(principal: Principal, query: pay.PageQuery) -> pay.MembershipsOut:
    return payments.my_memberships(principal, query.limit, query.cursor)


@member_routes.route(
    "/v1/memberships/{membership_id}", summary="Una membresía: estado, vigencia y pagos"
)
def read_membership(principal: Principal, membership_id: str) -> pay.MembershipOut:
    return payments.membership(principal, membership_id)


@member_routes.route(
    "/v1/memberships/{membership_id}/card", summary="Enlace temporal a la credencial virtual (PDF)"
)
def membership_card(principal: Principal, membership_id: str) -> pay.CardOut:
    return payments.card(principal, membership_id)


@routes.route(
    "/v1/payments/lookup",
    "POST",
    summary="Qué debo, por RFC (sin sesión; datos enmascarados)",
    errors=(429,),
)
def payment_lookup(body: pay.Lookup) -> pay.LookupOut:
    return payments.lookup(body.rfc, _source_ip())


@routes.route(
    "/v1/memberships/{membership_id}/payment-references",
    "POST",
    summary="Referencia de pago en tienda o banco (sin sesión)",
    status=201,
    errors=(409, 429),
)
def create_payment_reference(membership_id: str, body: pay.ReferenceRequest) -> pay.ReferenceOut:
    return payments.create_reference(membership_id, body, _source_ip())


@routes.route(
    "/v1/memberships/{membership_id}/card-payments",
    "POST",
    summary="Pago con tarjeta (token de la pasarela; sin sesión)",
    status=201,
    errors=(409, 429),
)
def pay_membership_by_card(membership_id: str, body: pay.CardPaymentRequest) -> pay.CardPaymentOut:
    return payments.pay_by_card(membership_id, body, _source_ip())


@routes.route(
    "/v1/webhooks/payments",
    "POST",
    summary="Confirmación firmada de la red de pagos (X-Signature: t=…,v1=…)",
    errors=(401, 422),
)
def payment_webhook() -> pay.WebhookAnswer:
    # The signature covers the exact bytes received, so the body is read raw, not parsed.
    request = routes.current_request
    assert request is not None
    return payments.receive_webhook(request.raw_body or b"", request.headers.get("x-signature"))


@operator_routes.route(
    "/v1/operator/payments/simulations",
    "POST",
    summary="Simular el pago de una referencia (solo entorno local)",
    errors=(404,),
)
def simulate_payment(principal: Principal, body: pay.Simulation) -> pay.SimulationOut:
    return payments.simulate_payment(principal, body)


@operator_routes.route(
    "/v1/operator/payments/exceptions", summary="Pagos recibidos que no se aplicaron", errors=(404,)
)
def payment_exceptions(
    principal: Principal, query: pay.ExceptionsQuery
) -> pay.PaymentExceptionsOut:
    return payments.payment_exceptions(principal, query)
