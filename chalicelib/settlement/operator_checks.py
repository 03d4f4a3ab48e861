"""What an operator reads to check a settlement run: the settlements it made and the
transactions loaded for a provider (settled with their folio, or still pending).

Both reach only the operator's insurers: a run of other insurers is not found, and another
insurer's transactions are left out of the provider's list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib import clock, dynamo, errors, paging
from chalicelib.auth import Principal
from chalicelib.schema import ListQuery
from chalicelib.settlement import calendar, rules
from chalicelib.settlement.provider_views import clp
from chalicelib.settlement.runs import folio_for
from chalicelib.settlement.schemas_views import (
    OperatorTransactionOut,
    OperatorTransactionsOut,
    OperatorTransactionsQuery,
    RunSettlementOut,
    RunSettlementsOut,
)

# Transactions read per Query while the operator's insurers are picked out of a page.
TRANSACTIONS_READ = 200
# The longest window of one transactions list (a year and a day).
MAX_WINDOW = timedelta(days=366)


def _own_run(principal: Principal, run_id: str) -> Any:
    from chalicelib.settlement import repository

    run = repository.get_run(run_id) if len(run_id) <= 64 else None
    if run is None or not run.insurer_ids or not set(run.insurer_ids) <= set(principal.insurer_ids):
        raise errors.NotFound("No encontramos esa ejecución de liquidación.")
    return run


def run_settlements(principal: Principal, run_id: str, query: ListQuery) -> RunSettlementsOut:
    """The settlements a run made (its settled providers), with their credits and totals."""
    from chalicelib.settlement import repository

    run = _own_run(principal, run_id)
    period_end = date.fromisoformat(run.period_end)
    page = repository.run_markers(run_id, query.limit, dynamo.decode_cursor(query.cursor))
    items = []
    for marker in page.items:
        if not marker.settled:
            continue
        header = repository.get_header(folio_for(marker.insurer_id, marker.rut, period_end))
        if header is None or header.state != "completa":
            continue
        figures = header.figures
        items.append(
            RunSettlementOut(
                folio=header.folio,
                insurer_id=header.insurer_id,
                provider_rut=_formatted(header.rut),
                transactions=int(figures["count"]),
                insurer_credit=clp(figures["insurer_credit"]),
                card_credit=clp(figures["card_credit"]),
                total=clp(figures["total"]),
                paid_on=date.fromisoformat(header.paid_on) if header.paid_on else None,
            )
        )
    return RunSettlementsOut(items=items, next_cursor=dynamo.encode_cursor(page.last_key))


def _formatted(rut: str) -> str:
    from stdnum.cl import rut as cl_rut

    return str(cl_rut.format(rut))


def transactions(principal: Principal, query: OperatorTransactionsQuery) -> OperatorTransactionsOut:
    """A provider's transactions of the operator's insurers that occurred between two days
    (Santiago), oldest first, each with its settlement's folio or pending."""
    from stdnum.cl import rut as cl_rut
    from stdnum.exceptions import ValidationError

    from chalicelib.settlement import repository

    if not principal.insurer_ids:
        raise errors.NotFound()
    try:
        rut = str(cl_rut.validate(query.provider))
    except ValidationError:
        raise errors.InvalidInput(
            details=[
                errors.ErrorDetail(
                    "provider",
                    "rut_invalid",
                    "Escribe un RUT válido, con su dígito verificador (por ejemplo 76.123.456-0).",
                )
            ],
        ) from None
    if query.to < query.from_ or query.to - query.from_ > MAX_WINDOW:
        raise errors.InvalidInput(
            details=[
                errors.ErrorDetail(
                    "to",
                    "bad_range",
                    "La fecha final debe ser posterior a la inicial, en un rango de hasta un año.",
                )
            ],
        )
    start = repository._instant(calendar.cutoff_instant(query.from_ - timedelta(days=1)))
    end = repository._instant(calendar.cutoff_instant(query.to))
    mine = set(principal.insurer_ids)

    def read(key: dict[str, Any] | None, _wanted: int) -> tuple[list[Any], dict[str, Any] | None]:
        page = repository.provider_transactions(rut, start, end, TRANSACTIONS_READ, key)
        return page.items, page.last_key

    found, next_cursor = paging.page_through(
        read, query.limit, query.cursor, lambda stored: stored.insurer_id in mine
    )
    return OperatorTransactionsOut(
        items=[_transaction(stored) for stored in found], next_cursor=next_cursor
    )


def _transaction(stored: Any) -> OperatorTransactionOut:
    t = stored.transaction
    bono = t.kind == "bono"
    return OperatorTransactionOut(
        id=t.transaction_id,
        insurer_id=stored.insurer_id,
        kind=t.kind,
        occurred_at=clock.iso(t.occurred_at),
        occurred_on=calendar.local_date(t.occurred_at),
        place=t.place,
        amount=clp(t.total_value if bono else t.card_amount),
        credit=clp(rules.figures_of(t)["total"]),
        status="liquidada" if stored.folio else "pendiente",
        folio=stored.folio,
    )
