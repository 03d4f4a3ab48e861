"""More of what a provider sees of its settlements: one settlement as Excel, the detail of a
platform invoice, and the current account with its closing balances.

The current account, from the provider's side: each settlement is a credit on its settlement
day and a debit (its payment) on its payment day once that day has come; each payable
platform invoice (not the commission ones, which the settlements discount) is a debit of what
is still owed on it, on its issue day. So the balance is what the platform still owes the
provider minus what the provider still owes the platform: positive in the provider's favour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from chalicelib import clock, downloads, errors
from chalicelib.auth import Principal
from chalicelib.settlement import calendar
from chalicelib.settlement.provider_views import (
    _transaction_out,
    clp,
    provider_of,
    settlement_detail,
)
from chalicelib.settlement.schemas import ExportOut, PlatformInvoiceOut
from chalicelib.settlement.schemas_views import (
    CurrentAccountOut,
    MonthBalanceOut,
    MovementOut,
    PlatformInvoiceDetailOut,
)

MAX_EXPORT_ROWS: Final = 20_000
INVOICE_TYPES: Final = {
    "mensualidad": "Mensualidad de la plataforma",
    "transacciones_lme": "Transacciones de licencias médicas (LME)",
    "comision": "Comisión por transacciones",
}
EXPORT_COLUMNS: Final = [
    ("Transacción", "text"),
    ("Tipo", "text"),
    ("Fecha", "date"),
    ("Lugar", "text"),
    ("Financiador", "text"),
    ("Aseguradora", "text"),
    ("Valor total (CLP)", "clp"),
    ("Aporte financiador (CLP)", "clp"),
    ("Aporte seguro (CLP)", "clp"),
    ("Copago (CLP)", "clp"),
    ("Monto tarjeta (CLP)", "clp"),
    ("Cuotas", "int"),
    ("Comisión emisor (CLP)", "clp"),
    ("Comisión plataforma (CLP)", "clp"),
    ("Costo (CLP)", "clp"),
    ("Crédito (CLP)", "clp"),
]


def _dmy(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def _pesos(amount: int) -> str:
    """`592199` → `$592.199` (Chilean grouping)."""
    return f"${amount:,}".replace(",", ".")


def settlement_export(principal: Principal, folio: str) -> ExportOut:
    """The settlement as Excel: its header and credits above, every transaction below and
    the totals (whole pesos as numbers), through a short-lived link."""
    from chalicelib.settlement import exports, repository

    detail = settlement_detail(principal, folio)
    rows: list[list[Any]] = []
    key: dict[str, Any] | None = None
    while True:
        page = repository.chunks(folio, None, 10, key)
        for chunk in page.items:
            rows += [_export_row(row) for row in chunk]
        if len(rows) > MAX_EXPORT_ROWS:
            raise errors.PayloadTooLarge(
                f"La liquidación tiene más de {MAX_EXPORT_ROWS} transacciones.",
                code="export_too_large",
            )
        key = page.last_key
        if key is None:
            break
    by_type = {c.type: int(c.amount.amount) for c in detail.credits}
    preamble = [
        [f"Liquidación {detail.folio}"],
        [f"RUT del prestador: {detail.summary.provider_rut}"],
        [f"Periodo liquidado hasta: {_dmy(detail.period_end)}"],
        [
            f"Fecha de liquidación: {_dmy(detail.settled_on)} · "
            f"Fecha de pago: {_dmy(detail.paid_on)}"
        ],
        [f"Transacciones de seguros: {_pesos(by_type.get('seguros', 0))}"],
        [f"Transacciones con tarjeta: {_pesos(by_type.get('tarjetas', 0))}"],
        [f"Total de la liquidación: {_pesos(int(detail.total.amount))}"],
        [],
    ]
    totals = ["Total", "", "", "", "", ""] + [sum(r[i] or 0 for r in rows) for i in range(6, 16)]
    totals[11] = ""  # a sum of installments means nothing
    body = exports.xlsx(detail.folio, EXPORT_COLUMNS, rows, totals, preamble)
    link = downloads.store_for_download(
        principal.account_id, f"liquidacion-{detail.folio}.xlsx", body, exports.XLSX_TYPE
    )
    return ExportOut(url=link.url, expires_at=link.expires_at, rows=len(rows))


def _export_row(row: dict[str, Any]) -> list[Any]:
    t = _transaction_out(row)

    def pesos(value: Any) -> int | None:
        return int(value.amount) if value is not None else None

    return [
        t.id,
        "Bono" if t.kind == "bono" else "Tarjeta",
        t.occurred_on,
        t.place,
        t.payer,
        t.insurer,
        pesos(t.total_value),
        pesos(t.payer_contribution),
        pesos(t.insurer_contribution),
        pesos(t.copay),
        pesos(t.card_amount),
        t.installments,
        pesos(t.issuer_commission),
        pesos(t.platform_commission),
        pesos(t.transaction_cost),
        pesos(t.credit),
    ]


# --- platform invoices ------------------------------------------------------------------------


class UnknownInvoice(errors.NotFound):
    message = "No encontramos esa factura."


def platform_invoice(principal: Principal, folio: str, issued_on: date) -> PlatformInvoiceDetailOut:
    """One of the platform's invoices to the provider (a Query on the provider's invoices of
    that issue day: another provider's folio is not found)."""
    from chalicelib.settlement import repository

    provider = provider_of(principal)
    day = issued_on.isoformat()
    found = [
        d
        for d in repository.records("settlements", f"PINV#{provider.rut}", day, day)
        if d["folio"] == folio and d["issued_on"] == day
    ]
    if not found:
        raise UnknownInvoice()
    data = found[0]
    total, balance = int(data["total"]), int(data["balance"])
    due = date.fromisoformat(data["due_on"])
    today = calendar.local_date(clock.now())
    payable = data["type"] != "comision"
    overdue = payable and balance > 0 and due < today
    base = PlatformInvoiceOut(
        folio=data["folio"],
        type=data["type"],
        issued_on=issued_on,
        due_on=due,
        total=clp(total),
        balance=clp(balance),
        status="pagada" if balance == 0 else "pendiente",
        payable=payable,
    )
    if not payable:
        how = "Se descuenta de tus liquidaciones: no tienes que pagarla."
    elif balance == 0:
        how = "Pagada por completo."
    else:
        how = (
            f"Paga el saldo antes del {_dmy(due)} por transferencia a la cuenta de la "
            "plataforma indicando el folio de la factura."
        )
    return PlatformInvoiceDetailOut(
        **base.model_dump(),
        type_label=INVOICE_TYPES.get(data["type"], data["type"]),
        paid=clp(total - balance),
        overdue=overdue,
        days_overdue=(today - due).days if overdue else 0,
        how_paid=how,
    )


# --- the current account ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Movement:
    on: date
    concept: str
    amount: int  # positive: a credit to the provider; negative: a debit
    kind: str  # liquidacion | pago | factura


def _movements(rut: str, until: date) -> list[_Movement]:
    from chalicelib.settlement import repository

    today = calendar.local_date(clock.now())
    moves: list[_Movement] = []
    for header in repository.provider_settlements(rut, "0000", until.isoformat()):
        if not header.settled_on:
            continue  # only complete settlements are on the provider's index
        total = int(header.figures["total"])
        settled_on = date.fromisoformat(header.settled_on)
        moves.append(_Movement(settled_on, f"Liquidación {header.folio}", total, "liquidacion"))
        paid_on = date.fromisoformat(header.paid_on) if header.paid_on else None
        if paid_on and paid_on <= min(today, until):
            moves.append(
                _Movement(paid_on, f"Pago de la liquidación {header.folio}", -total, "pago")
            )
    for data in repository.records("settlements", f"PINV#{rut}", "0000", until.isoformat()):
        if data["type"] == "comision" or int(data["balance"]) == 0:
            continue
        label = INVOICE_TYPES.get(data["type"], data["type"]).lower()
        moves.append(
            _Movement(
                date.fromisoformat(data["issued_on"]),
                f"Factura {data['folio']} ({label}): saldo por pagar",
                -int(data["balance"]),
                "factura",
            )
        )
    moves.sort(key=lambda m: (m.on, -m.amount, m.concept))
    return [m for m in moves if m.on <= until]


def current_account(principal: Principal, year: int) -> CurrentAccountOut:
    """The year's movements with their running balance, each month's closing balance, and
    what is pending both ways at the end of the year (or today, this year)."""
    provider = provider_of(principal)
    moves = _movements(provider.rut, date(year, 12, 31))
    opening = sum(m.amount for m in moves if m.on.year < year)
    balance = opening
    rows: list[MovementOut] = []
    months = {month: [0, 0] for month in range(1, 13)}
    for move in (m for m in moves if m.on.year == year):
        balance += move.amount
        months[move.on.month][0 if move.amount > 0 else 1] += abs(move.amount)
        rows.append(
            MovementOut(
                on=move.on,
                concept=move.concept,
                credit=clp(move.amount) if move.amount > 0 else None,
                debit=clp(-move.amount) if move.amount < 0 else None,
                balance=clp(balance),
            )
        )
    closing: list[MonthBalanceOut] = []
    running = opening
    for month, (month_credits, debits) in months.items():
        running += month_credits - debits
        closing.append(
            MonthBalanceOut(
                month=month,
                credits=clp(month_credits),
                debits=clp(debits),
                closing_balance=clp(running),
            )
        )
    unpaid = sum(m.amount for m in moves if m.kind in ("liquidacion", "pago"))
    due = -sum(m.amount for m in moves if m.kind == "factura")
    return CurrentAccountOut(
        year=year,
        opening_balance=clp(opening),
        closing_balance=clp(balance),
        settlements_unpaid=clp(unpaid),
        invoices_due=clp(due),
        months=closing,
        movements=rows,
    )
