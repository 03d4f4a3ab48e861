"""The provider's reports: the amount settled per month, the vouchers issued with their
settlement, and the sick leaves (LME) grouped by provider, professional or place.

`period_rows` and `voucher_rows` also feed the exports (report_exports.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from chalicelib import errors, paging
from chalicelib.auth import Principal
from chalicelib.settlement import calendar
from chalicelib.settlement.provider_views import clp, provider_of
from chalicelib.settlement.schemas import (
    LmeOut,
    LmeQuery,
    LmeRow,
    PeriodOut,
    PeriodQuery,
    PeriodRow,
    VoucherRow,
    VouchersOut,
    VouchersQuery,
)

VOUCHER_READ: Final = 100  # transactions read per Query of the vouchers report
MAX_REPORT_MONTHS: Final = 36


def _months(start: str, end: str) -> list[tuple[int, int]]:
    year, month = int(start[:4]), int(start[5:])
    last = (int(end[:4]), int(end[5:]))
    months = []
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def period_report(principal: Principal, query: PeriodQuery) -> PeriodOut:
    """Per month: the amount settled and the number of settlements (a page of months; the
    total is the whole range's)."""
    report = period_rows(principal, query)
    items, next_cursor = paging.page_in_memory(report.items, query.limit, query.cursor)
    return PeriodOut(items=items, next_cursor=next_cursor, total=report.total)


def period_rows(principal: Principal, query: PeriodQuery) -> PeriodOut:
    from chalicelib.settlement import repository

    provider = provider_of(principal)
    months = _months(query.from_, query.to)
    if not months:
        raise errors.InvalidInput("El mes inicial debe ser anterior al final.", code="bad_range")
    if len(months) > MAX_REPORT_MONTHS:
        raise errors.InvalidInput(
            f"El reporte abarca como máximo {MAX_REPORT_MONTHS} meses.", code="range_too_long"
        )
    totals = {m: [0, 0] for m in months}
    for header in repository.provider_settlements(provider.rut, query.from_, query.to):
        settled_on = header.settled_on or ""
        key = (int(settled_on[:4]), int(settled_on[5:7]))
        if key in totals:
            totals[key][0] += header.figures["total"]
            totals[key][1] += 1
    rows = [
        PeriodRow(year=y, month=m, amount=clp(amount), settlements=count)
        for (y, m), (amount, count) in totals.items()
    ]
    return PeriodOut(items=rows, total=clp(sum(a for a, _ in totals.values())))


def voucher_rows(
    rut: str, query: VouchersQuery, limit: int, cursor: str | None
) -> tuple[list[VoucherRow], str | None]:
    """Up to `limit` vouchers after `cursor`, filtered before the page is cut."""
    from chalicelib.settlement import repository

    if query.to < query.from_:
        raise errors.InvalidInput(
            "La fecha inicial debe ser anterior a la final.", code="bad_range"
        )
    start = repository._instant(calendar.cutoff_instant(query.from_ - timedelta(days=1)))
    end = repository._instant(calendar.cutoff_instant(query.to))

    def read(key: dict[str, Any] | None, _wanted: int) -> tuple[list[Any], dict[str, Any] | None]:
        # A fixed read size: a cursor counts positions inside one read.
        page = repository.provider_transactions(rut, start, end, VOUCHER_READ, key)
        return page.items, page.last_key

    def keep(stored: Any) -> bool:
        t = stored.transaction
        return (
            t.kind == "bono"
            and (not query.place or query.place.lower() in t.place.lower())
            and (not query.payer or query.payer.lower() in t.payer.lower())
        )

    found, next_cursor = paging.page_through(read, limit, cursor, keep)
    rows = [
        VoucherRow(
            folio=t.transaction_id,
            issued_on=calendar.local_date(t.occurred_at),
            status="liquidado" if stored.folio else "pendiente",
            settlement=stored.folio,
            payer=t.payer,
            total_value=clp(t.total_value),
            payer_contribution=clp(t.payer_contribution),
            insurer_contribution=clp(t.insurer_contribution),
            copay=clp(t.copay),
            insurer=t.insurer,
            place=t.place,
        )
        for stored in found
        for t in [stored.transaction]
    ]
    return rows, next_cursor


def vouchers_report(principal: Principal, query: VouchersQuery) -> VouchersOut:
    """Issued vouchers with their settlement, filtered by place, payer and dates."""
    provider = provider_of(principal)
    rows, next_cursor = voucher_rows(provider.rut, query, query.limit, query.cursor)
    return VouchersOut(items=rows, next_cursor=next_cursor)


def lme_report(principal: Principal, query: LmeQuery) -> LmeOut:
    """Sick leaves of the provider grouped by provider, professional or place."""
    from stdnum.cl import rut as cl_rut

    from chalicelib.settlement import repository

    provider = provider_of(principal)
    if query.to < query.from_:
        raise errors.InvalidInput(
            "La fecha inicial debe ser anterior a la final.", code="bad_range"
        )
    groups: dict[str, list[int]] = {}
    for record in repository.records(
        "transactions", f"LME#{provider.rut}", query.from_.isoformat(), query.to.isoformat()
    ):
        by = query.by
        key = str(cl_rut.format(provider.rut)) if by == "provider" else str(record[by])
        counts = groups.setdefault(key, [0, 0, 0])
        counts[int(record["validation_type"])] += 1
    rows = [
        LmeRow(key=k, validation_0=c[0], validation_1=c[1], validation_2=c[2], total=sum(c))
        for k, c in sorted(groups.items())
    ]
    items, next_cursor = paging.page_in_memory(rows, query.limit, query.cursor)
    return LmeOut(items=items, next_cursor=next_cursor)
