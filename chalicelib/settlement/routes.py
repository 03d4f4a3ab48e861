"""Settlement routes (Chile): operators' loads and runs, providers' settlements and reports."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.documents import schemas as docs
from chalicelib.http import Routes
from chalicelib.settlement import schemas as stl
from chalicelib.settlement import service as settlement
from chalicelib.settlement import transaction_files

routes = Routes(__name__, tags=("liquidaciones",), roles=("prestador",))
operator_routes = routes.group(roles=("operador",))


@operator_routes.route(
    "/v1/operator/transactions/files",
    "POST",
    summary="Espacios de carga para archivos CSV de transacciones",
    status=201,
    errors=(409, 413),
    tags=("operadores",),
)
def transaction_file_slots(principal: Principal, body: docs.TransactionFilesIn) -> docs.SlotsOut:
    return transaction_files.request_slots(principal, body)


@operator_routes.route(
    "/v1/operator/transactions",
    "POST",
    summary="Cargar transacciones (bonos y tarjetas), hasta 1,000 por llamada",
)
def load_settlement_transactions(principal: Principal, body: stl.LoadIn) -> stl.LoadOut:
    return settlement.load_transactions_by_operator(principal, body.raw_items())


@operator_routes.route(
    "/v1/operator/lme", "POST", summary="Cargar licencias médicas electrónicas (LME) de prestadores"
)
def load_sick_leave_records(principal: Principal, body: stl.LmeLoadIn) -> stl.LoadOut:
    return settlement.load_lme(principal, body.raw_items())


@operator_routes.route(
    "/v1/operator/platform-invoices",
    "POST",
    summary="Cargar facturas de la plataforma a prestadores",
)
def load_platform_invoices(principal: Principal, body: stl.PlatformInvoicesLoadIn) -> stl.LoadOut:
    return settlement.load_platform_invoices(principal, body.raw_items())


@operator_routes.route(
    "/v1/operator/settlements/run",
    "POST",
    summary="Ejecutar la liquidación ahora (prestadores de mis aseguradoras)",
    status=202,
)
def run_settlement(principal: Principal, body: stl.RunIn) -> stl.RunStarted:
    return settlement.run_by_operator(principal, body.period_end)


@operator_routes.route(
    "/v1/operator/settlements/runs/{run_id}", summary="Avance de una ejecución de liquidación"
)
def settlement_run_progress(principal: Principal, run_id: str) -> stl.RunOut:
    return settlement.run_progress(principal, run_id)


@routes.route(
    "/v1/provider/account", summary="Datos del prestador y cuenta bancaria de pago", errors=(404,)
)
def provider_settlement_account(principal: Principal) -> stl.ProviderAccountOut:
    return settlement.provider_account(principal)


@routes.route(
    "/v1/provider/platform-invoices",
    summary="Facturas de la plataforma al prestador, por año",
    errors=(404,),
)
def provider_platform_invoices(
    principal: Principal, query: stl.YearQuery
) -> stl.PlatformInvoicesOut:
    return settlement.platform_invoices(
        principal, query.year, limit=query.limit, cursor=query.cursor
    )


@routes.route("/v1/settlements", summary="Mis liquidaciones por año y mes", errors=(404,))
def list_settlements(principal: Principal, query: stl.SettlementsQuery) -> stl.SettlementsOut:
    return settlement.settlements(
        principal, query.year, query.month, limit=query.limit, cursor=query.cursor
    )


@routes.route(
    "/v1/settlements/{folio}", summary="Detalle de una liquidación: créditos por tipo y resumen"
)
def settlement_detail(principal: Principal, folio: str) -> stl.SettlementDetailOut:
    return settlement.settlement_detail(principal, folio)


@routes.route(
    "/v1/settlements/{folio}/transactions", summary="Transacciones liquidadas de una liquidación"
)
def settlement_transactions(
    principal: Principal, folio: str, query: stl.DetailQuery
) -> stl.SettledTransactionsOut:
    return settlement.settlement_transactions(principal, folio, query)


@routes.route(
    "/v1/reports/period",
    summary="Reporte por periodo (con format=xlsx o csv responde {url, expires_at})",
    response=stl.PeriodOut,
    errors=(404,),
)
def period_report(principal: Principal, query: stl.PeriodQuery) -> stl.PeriodOut | stl.ExportOut:
    if query.format == "json":
        return settlement.period_report(principal, query)
    return settlement.period_export(principal, query)


@routes.route(
    "/v1/reports/vouchers",
    summary="Bonos emitidos con liquidación (con format=xlsx o csv responde {url, expires_at})",
    response=stl.VouchersOut,
    errors=(404, 413),
)
def vouchers_report(
    principal: Principal, query: stl.VouchersQuery
) -> stl.VouchersOut | stl.ExportOut:
    if query.format == "json":
        return settlement.vouchers_report(principal, query)
    return settlement.vouchers_export(principal, query)


@routes.route(
    "/v1/reports/lme",
    summary="Licencias médicas por prestador, profesional o lugar, con tipo de validación",
    errors=(404,),
)
def lme_report(principal: Principal, query: stl.LmeQuery) -> stl.LmeOut:
    return settlement.lme_report(principal, query)
