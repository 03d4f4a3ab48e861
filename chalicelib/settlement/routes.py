"""Settlement routes (Chile): operators' loads and runs, providers' settlements and reports."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.documents import schemas as docs
from chalicelib.http import Routes
from chalicelib.schema import ListQuery
from chalicelib.settlement import schemas as stl
from chalicelib.settlement import schemas_views as views
from chalicelib.settlement import service as settlement
from chalicelib.settlement import transaction_files

routes = Routes(__name__, tags=("liquidaciones",), roles=("prestador",))
operator_routes = routes.group(roles=("operador",), duty="finanzas")


@operator_routes.route(
    "/v1/operator/transactions/files", "POST", status=201, errors=(409, 413), tags=("operadores",)
)
def transaction_file_slots(principal: Principal, body: docs.TransactionFilesIn) -> docs.SlotsOut:
    """Espacios de carga para archivos CSV de transacciones"""
    return transaction_files.request_slots(principal, body)


@operator_routes.route("/v1/operator/transactions", "POST")
def load_settlement_transactions(principal: Principal, body: stl.LoadIn) -> stl.LoadOut:
    """Cargar transacciones (bonos y tarjetas), hasta 1,000 por llamada"""
    return settlement.load_transactions_by_operator(principal, body.raw_items())


@operator_routes.route("/v1/operator/transactions", errors=(404,), tags=("operadores",))
def operator_transactions(
    principal: Principal, query: views.OperatorTransactionsQuery
) -> views.OperatorTransactionsOut:
    """Transacciones cargadas de un prestador entre dos fechas, con su liquidación o pendientes"""
    return settlement.operator_checks.transactions(principal, query)


@operator_routes.route("/v1/operator/lme", "POST")
def load_sick_leave_records(principal: Principal, body: stl.LmeLoadIn) -> stl.LoadOut:
    """Cargar licencias médicas electrónicas (LME) de prestadores"""
    return settlement.load_lme(principal, body.raw_items())


@operator_routes.route("/v1/operator/platform-invoices", "POST")
def load_platform_invoices(principal: Principal, body: stl.PlatformInvoicesLoadIn) -> stl.LoadOut:
    """Cargar facturas de la plataforma a prestadores"""
    return settlement.load_platform_invoices(principal, body.raw_items())


@operator_routes.route("/v1/operator/settlements/run", "POST", status=202)
def run_settlement(principal: Principal, body: stl.RunIn) -> stl.RunStarted:
    """Ejecutar la liquidación ahora (prestadores de mis aseguradoras)"""
    return settlement.run_by_operator(principal, body.period_end)


@operator_routes.route("/v1/operator/settlements/runs/{run_id}")
def settlement_run_progress(principal: Principal, run_id: str) -> stl.RunOut:
    """Avance de una ejecución de liquidación"""
    return settlement.run_progress(principal, run_id)


@operator_routes.route("/v1/operator/settlements/runs/{run_id}/settlements")
def run_settlements(principal: Principal, run_id: str, query: ListQuery) -> views.RunSettlementsOut:
    """Liquidaciones hechas por una ejecución: folio, prestador, créditos y total"""
    return settlement.operator_checks.run_settlements(principal, run_id, query)


@routes.route("/v1/provider/account", errors=(404,))
def provider_settlement_account(principal: Principal) -> stl.ProviderAccountOut:
    """Datos del prestador y cuenta bancaria de pago"""
    return settlement.provider_account(principal)


@routes.route("/v1/provider/platform-invoices", errors=(404,))
def provider_platform_invoices(
    principal: Principal, query: stl.YearQuery
) -> stl.PlatformInvoicesOut:
    """Facturas de la plataforma al prestador, por año"""
    return settlement.platform_invoices(
        principal, query.year, limit=query.limit, cursor=query.cursor
    )


@routes.route("/v1/provider/platform-invoices/{folio}")
def provider_platform_invoice(
    principal: Principal, folio: str, query: views.PlatformInvoiceQuery
) -> views.PlatformInvoiceDetailOut:
    """Detalle de una factura de la plataforma: pagado, saldo, vencimiento y cómo se paga"""
    return settlement.platform_invoice(principal, folio, query.issued_on)


@routes.route("/v1/provider/current-account", errors=(404,))
def provider_current_account(
    principal: Principal, query: views.CurrentAccountQuery
) -> views.CurrentAccountOut:
    """Cuenta corriente del año: movimientos, saldo de cierre de cada mes y lo pendiente"""
    return settlement.current_account(principal, query.year)


@routes.route("/v1/settlements", errors=(404,))
def list_settlements(principal: Principal, query: stl.SettlementsQuery) -> stl.SettlementsOut:
    """Mis liquidaciones por año y mes"""
    return settlement.settlements(
        principal, query.year, query.month, limit=query.limit, cursor=query.cursor
    )


@routes.route("/v1/settlements/{folio}", response=stl.SettlementDetailOut, errors=(413,))
def settlement_detail(
    principal: Principal, folio: str, query: views.SettlementDetailQuery
) -> stl.SettlementDetailOut | stl.ExportOut:
    """Detalle de una liquidación: créditos por tipo y resumen (con format=xlsx responde
    {url, expires_at}: la liquidación con todas sus transacciones en Excel)"""
    if query.format == "xlsx":
        return settlement.settlement_export(principal, folio)
    return settlement.settlement_detail(principal, folio)


@routes.route("/v1/settlements/{folio}/transactions")
def settlement_transactions(
    principal: Principal, folio: str, query: stl.DetailQuery
) -> stl.SettledTransactionsOut:
    """Transacciones liquidadas de una liquidación"""
    return settlement.settlement_transactions(principal, folio, query)


@routes.route("/v1/reports/period", response=stl.PeriodOut, errors=(404,))
def period_report(principal: Principal, query: stl.PeriodQuery) -> stl.PeriodOut | stl.ExportOut:
    """Reporte por periodo (con format=xlsx o csv responde {url, expires_at})"""
    if query.format == "json":
        return settlement.period_report(principal, query)
    return settlement.period_export(principal, query)


@routes.route("/v1/reports/vouchers", response=stl.VouchersOut, errors=(404, 413))
def vouchers_report(
    principal: Principal, query: stl.VouchersQuery
) -> stl.VouchersOut | stl.ExportOut:
    """Bonos emitidos con liquidación (con format=xlsx o csv responde {url, expires_at})"""
    if query.format == "json":
        return settlement.vouchers_report(principal, query)
    return settlement.vouchers_export(principal, query)


@routes.route("/v1/reports/lme", errors=(404,))
def lme_report(principal: Principal, query: stl.LmeQuery) -> stl.LmeOut:
    """Licencias médicas por prestador, profesional o lugar, con tipo de validación"""
    return settlement.lme_report(principal, query)
