"""Settlement routes (Chile): operators' loads and runs, providers' settlements and reports."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.documents import schemas as docs
from chalicelib.http import Routes
from chalicelib.settlement import schemas as stl
from chalicelib.settlement import service as settlement
from chalicelib.settlement import transaction_files

routes = Routes(__name__)


@routes.route(
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


@routes.route(
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
    return settlement.load_transactions_by_operator(principal, body.raw_items())


@routes.route(
    "/v1/operator/lme",
    "POST",
    summary="Cargar licencias médicas electrónicas (LME) de prestadores",
    body=stl.LmeLoadIn,
    response=stl.LoadOut,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def load_sick_leave_records(principal: Principal, body: stl.LmeLoadIn) -> stl.LoadOut:
    return settlement.load_lme(principal, body.raw_items())


@routes.route(
    "/v1/operator/platform-invoices",
    "POST",
    summary="Cargar facturas de la plataforma a prestadores",
    body=stl.PlatformInvoicesLoadIn,
    response=stl.LoadOut,
    roles=("operador",),
    errors=(403, 422),
    tags=("liquidaciones",),
)
def load_platform_invoices(principal: Principal, body: stl.PlatformInvoicesLoadIn) -> stl.LoadOut:
    return settlement.load_platform_invoices(principal, body.raw_items())


@routes.route(
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


@routes.route(
    "/v1/operator/settlements/runs/{run_id}",
    summary="Avance de una ejecución de liquidación",
    response=stl.RunOut,
    roles=("operador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def settlement_run_progress(principal: Principal, run_id: str) -> stl.RunOut:
    return settlement.run_progress(principal, run_id)


@routes.route(
    "/v1/provider/account",
    summary="Datos del prestador y cuenta bancaria de pago",
    response=stl.ProviderAccountOut,
    roles=("prestador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def provider_settlement_account(principal: Principal) -> stl.ProviderAccountOut:
    return settlement.provider_account(principal)


@routes.route(
    "/v1/provider/platform-invoices",
    summary="Facturas de la plataforma al prestador, por año",
    query=stl.YearQuery,
    response=stl.PlatformInvoicesOut,
    roles=("prestador",),
    errors=(400, 404, 422),
    tags=("liquidaciones",),
)
def provider_platform_invoices(
    principal: Principal, query: stl.YearQuery
) -> stl.PlatformInvoicesOut:
    return settlement.platform_invoices(
        principal, query.year, limit=query.limit, cursor=query.cursor
    )


@routes.route(
    "/v1/settlements",
    summary="Mis liquidaciones por año y mes",
    query=stl.SettlementsQuery,
    response=stl.SettlementsOut,
    roles=("prestador",),
    errors=(400, 404, 422),
    tags=("liquidaciones",),
)
def list_settlements(principal: Principal, query: stl.SettlementsQuery) -> stl.SettlementsOut:
    return settlement.settlements(
        principal, query.year, query.month, limit=query.limit, cursor=query.cursor
    )


@routes.route(
    "/v1/settlements/{folio}",
    summary="Detalle de una liquidación: créditos por tipo y resumen",
    response=stl.SettlementDetailOut,
    roles=("prestador",),
    errors=(404,),
    tags=("liquidaciones",),
)
def settlement_detail(principal: Principal, folio: str) -> stl.SettlementDetailOut:
    return settlement.settlement_detail(principal, folio)


@routes.route(
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


@routes.route(
    "/v1/reports/period",
    summary="Reporte por periodo (con format=xlsx o csv responde {url, expires_at})",
    query=stl.PeriodQuery,
    response=stl.PeriodOut,
    roles=("prestador",),
    errors=(400, 404, 422),
    tags=("liquidaciones",),
)
def period_report(principal: Principal, query: stl.PeriodQuery) -> stl.PeriodOut | stl.ExportOut:
    if query.format == "json":
        return settlement.period_report(principal, query)
    return settlement.period_export(principal, query)


@routes.route(
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


@routes.route(
    "/v1/reports/lme",
    summary="Licencias médicas por prestador, profesional o lugar, con tipo de validación",
    query=stl.LmeQuery,
    response=stl.LmeOut,
    roles=("prestador",),
    errors=(400, 404, 422),
    tags=("liquidaciones",),
)
def lme_report(principal: Principal, query: stl.LmeQuery) -> stl.LmeOut:
    return settlement.lme_report(principal, query)
