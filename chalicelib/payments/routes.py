"""Payments routes: plans, memberships, payment references, cards and the network's webhook."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import Routes, caller_ip
from chalicelib.payments import schemas as pay
from chalicelib.payments import service as payments

routes = Routes(__name__, tags=("pagos",))
member_routes = routes.group(roles=("afiliado",))
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="finanzas")


def _source_ip() -> str:
    """The caller's IP as API Gateway saw it (the anonymous routes are limited per IP)."""
    return caller_ip(routes.current_request) or "unknown"


@routes.route("/v1/plans")
def list_plans(query: pay.PageQuery) -> pay.PlansOut:
    """Planes de membresía"""
    return payments.list_plans(query.limit, query.cursor)


@member_routes.route("/v1/memberships", "POST", status=201, errors=(404, 409))
def enrol_membership(principal: Principal, body: pay.Enrolment) -> pay.MembershipCreated:
    """Afiliarse a un plan"""
    return payments.enrol(principal, body)


@member_routes.route("/v1/memberships")
def my_memberships(principal: Principal, query: pay.PageQuery) -> pay.MembershipsOut:
    """Mis membresías"""
    return payments.my_memberships(principal, query.limit, query.cursor)


@member_routes.route("/v1/memberships/{membership_id}")
def read_membership(principal: Principal, membership_id: str) -> pay.MembershipOut:
    """Una membresía: estado, vigencia y pagos"""
    return payments.membership(principal, membership_id)


@member_routes.route("/v1/memberships/{membership_id}/card")
def membership_card(principal: Principal, membership_id: str) -> pay.CardOut:
    """Enlace temporal a la credencial virtual (PDF)"""
    return payments.card(principal, membership_id)


@routes.route("/v1/payments/lookup", "POST", errors=(429,))
def payment_lookup(body: pay.Lookup) -> pay.LookupOut:
    """Qué debo, por RFC (sin sesión; datos enmascarados)"""
    return payments.lookup(body.rfc, _source_ip())


@routes.route(
    "/v1/memberships/{membership_id}/payment-references", "POST", status=201, errors=(409, 429)
)
def create_payment_reference(membership_id: str, body: pay.ReferenceRequest) -> pay.ReferenceOut:
    """Referencia de pago en tienda o banco (sin sesión)"""
    return payments.create_reference(membership_id, body, _source_ip())


@routes.route(
    "/v1/memberships/{membership_id}/card-payments", "POST", status=201, errors=(409, 429)
)
def pay_membership_by_card(membership_id: str, body: pay.CardPaymentRequest) -> pay.CardPaymentOut:
    """Pago con tarjeta (token de la pasarela; sin sesión)"""
    return payments.pay_by_card(membership_id, body, _source_ip())


@routes.route("/v1/webhooks/payments", "POST", errors=(401, 422))
def payment_webhook() -> pay.WebhookAnswer:
    """Confirmación firmada de la red de pagos (X-Signature: t=…,v1=…)"""
    # The signature covers the exact bytes received, so the body is read raw, not parsed.
    request = routes.current_request
    assert request is not None
    return payments.receive_webhook(request.raw_body or b"", request.headers.get("x-signature"))


@operator_routes.route("/v1/operator/payments/simulations", "POST", errors=(404,))
def simulate_payment(principal: Principal, body: pay.Simulation) -> pay.SimulationOut:
    """Simular el pago de una referencia (solo entorno local)"""
    return payments.simulate_payment(principal, body)


@operator_routes.route("/v1/operator/payments/exceptions", errors=(404,))
def payment_exceptions(
    principal: Principal, query: pay.ExceptionsQuery
) -> pay.PaymentExceptionsOut:
    """Pagos recibidos que no se aplicaron"""
    return payments.payment_exceptions(principal, query)
