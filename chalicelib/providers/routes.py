"""Providers routes (Mexico): bank account, care orders, invoices, complements, statement."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import Routes
from chalicelib.providers import schemas as prov
from chalicelib.providers import service as providers

PROVIDER = ("prestador",)
PROVIDER_OR_OPERATOR = ("prestador", "operador")

routes = Routes(__name__, tags=("prestadores",), roles=PROVIDER)
operator_routes = routes.group(tags=("operadores",), roles=("operador",), duty="finanzas")


@routes.route("/v1/provider/bank-account")
def provider_bank_account(principal: Principal) -> prov.BankAccountsOut:
    """Mi cuenta bancaria: la activa y la que está en validación"""
    return providers.bank_account(principal)


@routes.route("/v1/provider/bank-account", "PUT", status=202, errors=(409, 413))
def register_bank_account(
    principal: Principal, body: prov.BankAccountIn
) -> prov.BankAccountAccepted:
    """Registrar o cambiar la cuenta bancaria (CLABE y estado de cuenta en PDF)"""
    return providers.register_bank_account(principal, body)


@routes.route("/v1/care-orders")
def list_care_orders(principal: Principal, query: prov.CareOrdersQuery) -> prov.CareOrderPage:
    """Mis órdenes de atención con su detalle de pago"""
    return providers.care_orders(principal, query)


@routes.route("/v1/care-orders/traditional", "POST", status=201, errors=(409, 413))
def register_traditional_order(
    principal: Principal, body: prov.TraditionalOrderIn
) -> prov.TraditionalOrderOut:
    """Registrar una orden tradicional con su PDF (o los tres PDF que unimos)"""
    return providers.register_traditional_order(principal, body)


@routes.route("/v1/care-orders/{order_id}", roles=PROVIDER_OR_OPERATOR, duty="finanzas")
def read_care_order(principal: Principal, order_id: str) -> prov.CareOrderOut:
    """Una orden de atención y su detalle de pago"""
    return providers.care_order(principal, order_id)


@routes.route(
    "/v1/care-orders/{order_id}/format", roles=PROVIDER_OR_OPERATOR, duty="finanzas", errors=(409,)
)
def care_order_format(principal: Principal, order_id: str) -> prov.ExportOut:
    """Enlace temporal al formato (PDF unido) de una orden tradicional"""
    return providers.order_format(principal, order_id)


@routes.route("/v1/invoices", "POST", status=201, errors=(404, 409, 413))
def create_invoice(principal: Principal, body: prov.InvoiceIn) -> prov.InvoiceCreated:
    """Facturar órdenes: espacio de carga para el XML del CFDI"""
    return providers.create_invoice(principal, body)


@routes.route("/v1/invoices")
def list_invoices(principal: Principal, query: prov.InvoicesQuery) -> prov.InvoicePage:
    """Mis facturas"""
    return providers.invoices(principal, query)


@routes.route("/v1/invoices/{invoice_id}", roles=PROVIDER_OR_OPERATOR, duty="finanzas")
def read_invoice(principal: Principal, invoice_id: str) -> prov.InvoiceOut:
    """Una factura: validación, pago y complemento"""
    return providers.invoice(principal, invoice_id)


@routes.route("/v1/invoices/{invoice_id}/payment-complement", "POST", status=201, errors=(409, 413))
def request_payment_complement(
    principal: Principal, invoice_id: str, body: prov.ComplementIn
) -> prov.ComplementCreated:
    """Espacio de carga para el XML del complemento de pago"""
    return providers.request_complement(principal, invoice_id, body)


@routes.route("/v1/provider/statement")
def provider_statement(principal: Principal, query: prov.StatementQuery) -> prov.StatementAnswer:
    """Estado de cuenta: órdenes, montos y totales (o Excel con ?format=xlsx)"""
    return providers.statement(principal, query)


@operator_routes.route("/v1/operator/care-orders", "POST", status=201, errors=(404, 409))
def load_care_orders(principal: Principal, body: prov.OperatorOrdersIn) -> prov.CareOrdersOut:
    """Cargar órdenes de atención digitales de un prestador"""
    return providers.load_digital_orders(principal, body)


@operator_routes.route("/v1/operator/care-orders", errors=(404,))
def operator_care_orders(
    principal: Principal, query: prov.OperatorOrdersQuery
) -> prov.CareOrderPage:
    """Órdenes de atención de una aseguradora"""
    return providers.operator_orders(principal, query)


@operator_routes.route("/v1/operator/invoices", errors=(404,))
def operator_invoices(principal: Principal, query: prov.OperatorInvoicesQuery) -> prov.InvoicePage:
    """Facturas de prestadores de una aseguradora"""
    return providers.operator_invoices(principal, query)


@operator_routes.route("/v1/operator/invoices/{invoice_id}/payments", "POST", errors=(409,))
def record_invoice_payment(
    principal: Principal, invoice_id: str, body: prov.PaymentIn
) -> prov.InvoiceOut:
    """Registrar el pago de una factura (tras verificarla con el SAT)"""
    return providers.record_payment(principal, invoice_id, body)


@operator_routes.route("/v1/operator/invoices/{invoice_id}/sat-check", "POST", errors=(409,))
def recheck_invoice_sat_status(principal: Principal, invoice_id: str) -> prov.InvoiceOut:
    """Consultar de nuevo en el SAT el estado de una factura aceptada"""
    return providers.recheck_sat_status(principal, invoice_id)
