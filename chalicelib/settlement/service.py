"""Settlement (Chile): loading transactions, the weekly run, provider views and reports.

The only door into the settlement context. How a provider is settled (DESIGN.md §2):

1. the header item of (provider, period) is the guard: its key is the folio, written with a
   condition, so a doubled trigger finds it and resumes instead of starting another;
2. one worker at a time holds the header's lease; an expired lease (a crashed worker) is
   taken over and the work resumes where the last written chunk ended;
3. the provider's unsettled transactions before the period's end are paged through the
   sparse index; each is claimed with a conditional write (`folio` must not exist), so no
   transaction is ever settled twice, whatever runs overlap;
4. each page's claimed transactions are one chunk of details, written with the header's
   running figures in one transaction conditioned on the chunk number (idempotent);
5. the settlement is complete only when every chunk is in; only then do providers see it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from chalicelib import aws, clock, errors, paging
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.personal_data import FISCAL, PersonalData
from chalicelib.settlement import calendar, money, rules
from chalicelib.settlement.schemas import (
    BankAccountOut,
    CreditOut,
    DetailQuery,
    ExportOut,
    LmeOut,
    LmeQuery,
    LmeRow,
    LoadOut,
    Money,
    PeriodOut,
    PeriodQuery,
    PeriodRow,
    PlatformInvoiceOut,
    PlatformInvoicesOut,
    ProviderAccountOut,
    RejectedOut,
    RunOut,
    RunStarted,
    SettledTransactionOut,
    SettledTransactionsOut,
    SettlementDetailOut,
    SettlementOut,
    SettlementsOut,
    SummaryOut,
    VoucherRow,
    VouchersOut,
    VouchersQuery,
)
from chalicelib.settlement.transaction_csv import TRANSACTIONS_CSV, TransactionsCsvFormat

if TYPE_CHECKING:
    from chalicelib.documents.service import DocumentHooks, DocumentOwner

PAGE_SIZE: Final = 100  # transactions read and claimed per chunk of details
VOUCHER_READ: Final = 100  # transactions read per Query of the vouchers report
LEASE: Final = timedelta(minutes=15)  # Lambda's longest run; a crashed worker's lease expires
MAX_EXPORT_ROWS: Final = 20_000
MAX_REPORT_MONTHS: Final = 36
EXPORT_LIFETIME: Final = timedelta(minutes=5)
EXPORTS_PREFIX: Final = "exports/"


class UnknownSettlement(errors.NotFound):
    code = "not_found"
    message = "No encontramos esa liquidación."


def _m(amount: int) -> Money:
    return Money(amount=str(int(amount)))


def _now_iso() -> str:
    return clock.iso(clock.now())


# --- loading ----------------------------------------------------------------------------------


def _operator_insurer(principal: Principal) -> str:
    if not principal.insurer_ids:
        raise errors.Forbidden("Tu cuenta de operador no tiene aseguradoras asignadas.")
    return principal.insurer_ids[0]


def load_transactions(insurer_id: str, items: Iterable[Any]) -> LoadOut:
    """Validate each item; store the valid ones once (a repeated id is accepted again)."""
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import repository

    valid, rejected = rules.validate_items(items)
    known: dict[str, bool] = {}
    to_store: list[rules.Transaction] = []
    for index, transaction in valid:
        rut = transaction.provider_rut
        if rut not in known:
            known[rut] = accounts.provider_account_for_rut(rut) is not None
        if not known[rut]:
            rejected.append(
                rules.Rejected(
                    index, "unknown_provider", "No hay un prestador registrado con ese RUT."
                )
            )
            continue
        to_store.append(transaction)
    accepted = len(to_store)
    loaded_at = _now_iso()
    stored_for = {
        t.provider_rut
        for t in to_store
        if repository.put_transaction(insurer_id, t, loaded_at) and t.payable
    }
    # The marker goes after the transactions: a run that clears it re-checks the index.
    for rut in sorted(stored_for):
        repository.mark_active(insurer_id, rut, uuid.uuid4().hex)
    rejected.sort(key=lambda r: r.index)
    logger.info(
        "transactions loaded",
        extra={"insurer_id": insurer_id, "accepted": accepted, "rejected": len(rejected)},
    )
    return LoadOut(
        accepted=accepted,
        rejected=[RejectedOut(index=r.index, code=r.code, message=r.message) for r in rejected],
    )


def load_transactions_by_operator(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """An operator's JSON batch (≤ 1,000), under the operator's first insurer."""
    return load_transactions(_operator_insurer(principal), items)


def transactions_csv_format() -> TransactionsCsvFormat:
    """The operators' transactions CSV format: this context loads it, documents judges uploads
    by it."""
    return TRANSACTIONS_CSV


def load_csv(insurer_id: str, data: bytes) -> LoadOut:
    """The rows of an accepted transactions CSV (the documents pipeline validated it)."""
    import csv
    import io

    csv_format = TRANSACTIONS_CSV
    text = csv_format.decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=csv_format.delimiter_of(text))
    reader.fieldnames = csv_format.column_names(reader.fieldnames or [])
    rows = [csv_format.row_to_item(row) for row in reader if not csv_format.is_blank(row.values())]
    result = LoadOut(accepted=0, rejected=[])
    for start in range(0, len(rows), 1000):
        part = load_transactions(insurer_id, rows[start : start + 1000])
        result.accepted += part.accepted
        result.rejected += [
            RejectedOut(index=r.index + start, code=r.code, message=r.message)
            for r in part.rejected
        ]
    return result


def on_transaction_file_verdict(document: Any) -> None:
    """Verdict listener of the documents pipeline: load an accepted CSV's rows.

    Called at least once per verdict; loading is idempotent on the transaction ids.
    """
    if document.status != "aceptado":
        return
    params: dict[str, Any] = {"Bucket": get_settings().documents_bucket, "Key": document.object_key}
    if document.version_id:
        params["VersionId"] = document.version_id
    body = aws.s3().get_object(**params)["Body"].read()
    result = load_csv(document.insurer_id, body)
    logger.info(
        "transaction file loaded",
        extra={
            "document_id": document.document_id,
            "accepted": result.accepted,
            "rejected": len(result.rejected),
        },
    )


@dataclass(frozen=True)
class _RecordSpec:
    table: str
    prefix: str


def _load_records(
    insurer_id: str,
    items: list[dict[str, Any]],
    parse: Callable[[dict[str, Any]], tuple[str, str, str, dict[str, Any]]],
    spec: _RecordSpec,
) -> LoadOut:
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import repository

    rejected: list[RejectedOut] = []
    accepted = 0
    for index, item in enumerate(items):
        try:
            record_id, rut, sort_date, data = parse(item)
        except (ValueError, TypeError, KeyError) as problem:
            rejected.append(RejectedOut(index=index, code="invalid_item", message=str(problem)))
            continue
        if accounts.provider_account_for_rut(rut) is None:
            rejected.append(
                RejectedOut(
                    index=index,
                    code="unknown_provider",
                    message="No hay un prestador registrado con ese RUT.",
                )
            )
            continue
        repository.put_record(
            spec.table,
            f"{spec.prefix}#{insurer_id}#{record_id}",
            spec.prefix,
            f"{spec.prefix}#{rut}",
            f"{sort_date}#{record_id}",
            {**data, "insurer_id": insurer_id},
        )
        accepted += 1
    return LoadOut(accepted=accepted, rejected=rejected)


def _rut_of(item: dict[str, Any]) -> str:
    from stdnum.cl import rut as cl_rut

    value = item.get("provider_rut")
    if not isinstance(value, str) or not cl_rut.is_valid(value):
        raise ValueError("El RUT del prestador no es válido.")
    return str(cl_rut.compact(value))


def _id_of(item: dict[str, Any], name: str) -> str:
    value = str(item.get(name, "")).strip()
    if not value or len(value) > 64 or "#" in value:
        raise ValueError(f"«{name}» falta o no es válido.")
    return value


def _date_of(item: dict[str, Any], name: str) -> str:
    try:
        return date.fromisoformat(str(item.get(name, ""))).isoformat()
    except ValueError:
        raise ValueError(f"«{name}» debe tener el formato AAAA-MM-DD.") from None


def _parse_lme(item: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    record_id = _id_of(item, "id")
    rut = _rut_of(item)
    issued_on = _date_of(item, "issued_on")
    validation = item.get("validation_type")
    if validation not in (0, 1, 2, "0", "1", "2"):
        raise ValueError("El tipo de validación debe ser 0, 1 o 2.")
    professional = " ".join(str(item.get("professional", "")).split())[:120]
    place = " ".join(str(item.get("place", "")).split())[:120]
    if not professional or not place:
        raise ValueError("Faltan el profesional o el lugar de atención.")
    data = {
        "id": record_id,
        "rut": rut,
        "issued_on": issued_on,
        "validation_type": int(validation),
        "professional": professional,
        "place": place,
    }
    return record_id, rut, issued_on, data


INVOICE_TYPES: Final = ("mensualidad", "transacciones_lme", "comision")


def _parse_invoice(item: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    folio = _id_of(item, "folio")
    rut = _rut_of(item)
    kind = item.get("type")
    if kind not in INVOICE_TYPES:
        raise ValueError("El tipo debe ser mensualidad, transacciones_lme o comision.")
    amounts = {}
    for name in ("total", "balance"):
        value = rules._amount(item, name)
        if value is None:
            raise ValueError(f"«{name}» debe ser un número entero de pesos.")
        amounts[name] = value
    if amounts["balance"] > amounts["total"]:
        raise ValueError("El saldo no puede superar el total.")
    data = {
        "folio": folio,
        "rut": rut,
        "type": kind,
        "issued_on": _date_of(item, "issued_on"),
        "due_on": _date_of(item, "due_on"),
        **amounts,
    }
    return folio, rut, data["issued_on"], data


def load_lme(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """Sick-leave (LME) records of providers."""
    return _load_records(
        _operator_insurer(principal), items, _parse_lme, _RecordSpec("transactions", "LME")
    )


def load_platform_invoices(principal: Principal, items: list[dict[str, Any]]) -> LoadOut:
    """The platform's invoices to providers."""
    return _load_records(
        _operator_insurer(principal), items, _parse_invoice, _RecordSpec("settlements", "PINV")
    )


# --- runs -------------------------------------------------------------------------------------


def folio_for(insurer_id: str, rut: str, period_end: date) -> str:
    """One folio per (insurer, provider, period): the guard's key."""
    return f"LQ-{insurer_id.upper()}-{period_end:%Y%m%d}-{rut}"


def start_run(
    period_end: date | None,
    insurer_ids: list[str] | None,
    started_by: str,
    *,
    enqueue: bool = True,
) -> tuple[RunStarted, list[dict[str, str]]]:
    """Create a run and one message per provider with unsettled activity."""
    from chalicelib.settlement import repository

    end = period_end or calendar.last_closed_period_end(clock.now())
    run_id = str(uuid.uuid4())
    messages = [
        {
            "run_id": run_id,
            "insurer_id": provider.insurer_id,
            "rut": provider.rut,
            "period_end": end.isoformat(),
        }
        for provider in repository.active_providers(insurer_ids)
    ]
    repository.create_run(
        repository.Run(
            run_id=run_id,
            period_end=end.isoformat(),
            insurer_ids=list(insurer_ids or []),
            providers=len(messages),
            done=0,
            settled=0,
            created_at=_now_iso(),
            started_by=started_by,
        )
    )
    if enqueue:
        _enqueue(messages)
    logger.info("settlement run started", extra={"run_id": run_id, "providers": len(messages)})
    return RunStarted(run_id=run_id, period_end=end, providers=len(messages)), messages


def _enqueue(messages: list[dict[str, str]]) -> None:
    import json

    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queue_name("settlement-tasks"))["QueueUrl"]
    for start in range(0, len(messages), 10):
        batch = messages[start : start + 10]
        answer = sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "MessageBody": json.dumps(m)} for n, m in enumerate(batch)],
        )
        if answer.get("Failed"):
            raise RuntimeError(f"settlement-tasks refused {len(answer['Failed'])} messages")


def run_by_operator(principal: Principal, period_end: date | None) -> RunStarted:
    """An operator settles the providers of its insurers now."""
    if not principal.insurer_ids:
        raise errors.Forbidden("Tu cuenta de operador no tiene aseguradoras asignadas.")
    if period_end and period_end >= calendar.local_date(clock.now()):
        raise errors.InvalidInput(
            "El periodo debe terminar antes de hoy: solo se liquidan días cerrados.",
            code="period_not_closed",
        )
    started, _ = start_run(period_end, list(principal.insurer_ids), principal.account_id)
    return started


def weekly_run() -> RunStarted:
    """The scheduled run: every insurer, the last closed week."""
    started, _ = start_run(None, None, "schedule")
    return started


def run_progress(principal: Principal, run_id: str) -> RunOut:
    from chalicelib.settlement import repository

    run = repository.get_run(run_id)
    if run is None or not set(run.insurer_ids) <= set(principal.insurer_ids) or not run.insurer_ids:
        raise errors.NotFound()
    return _run_out(run)


def _run_out(run: Any) -> RunOut:
    return RunOut(
        run_id=run.run_id,
        period_end=date.fromisoformat(run.period_end),
        providers=run.providers,
        done=run.done,
        settled=run.settled,
        finished=run.done >= run.providers,
        created_at=run.created_at,
    )


def handle_task(body: str) -> None:
    """The `settlement-tasks` consumer: settle one provider (at least once, idempotent)."""
    import json

    message = json.loads(body)
    settle_provider(
        message["insurer_id"],
        message["rut"],
        date.fromisoformat(message["period_end"]),
        run_id=message.get("run_id"),
    )


class SettlementBusy(errors.Conflict):
    """Another worker holds the settlement's lease. The task must not be acknowledged: if
    that worker dies, this very message is the only one left to finish the settlement."""

    code = "settlement_in_progress"
    message = "Otra ejecución está liquidando a este prestador; se reintentará más tarde."


def settle_provider(
    insurer_id: str,
    rut: str,
    period_end: date,
    *,
    run_id: str | None = None,
    worker: str | None = None,
) -> str | None:
    """Settle one provider up to `period_end`; the folio, or None when there was nothing.

    Raises SettlementBusy while another worker holds the lease, and lets any failure through
    after releasing its own lease: either way the queue delivers the task again.
    """
    from chalicelib.accounts import service as accounts
    from chalicelib.settlement import repository

    # An earlier period's settlement a worker left unfinished (its task lost, e.g. in the
    # dead-letter queue) is finished first: what it claimed is out of every other run's reach.
    for stale in repository.open_settlements(insurer_id, rut, period_end.isoformat()):
        logger.info("resuming an unfinished settlement", extra={"folio": stale.folio})
        settle_provider(insurer_id, rut, date.fromisoformat(stale.period_end), worker=worker)
    folio = folio_for(insurer_id, rut, period_end)
    cutoff = calendar.cutoff_instant(period_end)
    marker = repository.active_marker(insurer_id, rut)
    header = repository.get_header(folio)
    if header is None:
        first = repository.unsettled_page(insurer_id, rut, PAGE_SIZE, None)
        if not any(s.transaction.occurred_at < cutoff for s in first.items):
            if not first.items:
                _forget(marker)
            if run_id:
                repository.mark_done(run_id, insurer_id, rut, settled=False)
            return None
        repository.create_header(
            repository.Header(
                folio=folio,
                insurer_id=insurer_id,
                rut=rut,
                account_id=accounts.provider_account_for_rut(rut),
                period_end=period_end.isoformat(),
                state="en_proceso",
                next_chunk=0,
                figures=rules.Figures(),
                created_at=_now_iso(),
            )
        )
        header = repository.get_header(folio)
        assert header is not None
    if header.state == "completa":
        if run_id:  # a redelivered message: count it as its first delivery did
            repository.mark_done(run_id, insurer_id, rut, settled=header.run_id == run_id)
        return folio
    owner = worker or str(uuid.uuid4())
    now = clock.now()
    if not repository.take_lease(folio, owner, clock.iso(now), clock.iso(now + LEASE)):
        # A doubled trigger, or this task's earlier delivery on a worker that died: the task
        # comes back after the queue's visibility timeout (longer than the lease), and
        # finds the settlement complete or its lease expired.
        logger.info("settlement already in progress", extra={"folio": folio})
        raise SettlementBusy()
    try:
        _settle_leased(folio, cutoff, owner, run_id, marker)
    except Exception:
        # Let go at once so the redelivery resumes without waiting out the lease. A worker
        # that dies runs none of this; its lease expires instead.
        try:
            repository.release_lease(folio, owner)
        except Exception:
            logger.exception("settlement lease not released", extra={"folio": folio})
        raise
    return folio


def _settle_leased(folio: str, cutoff: Any, owner: str, run_id: str | None, marker: Any) -> None:
    """The work of settle_provider once this worker holds the lease of `folio`."""
    from chalicelib.settlement import repository

    header = repository.get_header(folio)
    assert header is not None
    insurer_id, rut = header.insurer_id, header.rut
    # A chunk claimed but not written by a worker that stopped: write it first.
    leftover = repository.claimed_for_chunk(folio, header.next_chunk)
    if leftover:
        _write_chunk(header, [s.transaction for s in leftover], owner)
    start: dict[str, Any] | None = None
    later_activity = False
    while True:
        page = repository.unsettled_page(insurer_id, rut, PAGE_SIZE, start)
        due = [s for s in page.items if s.transaction.occurred_at < cutoff]
        # The index is in time order: after the first transaction past the cut-off, every
        # other one is later too and waits for the next run.
        later_activity = len(due) < len(page.items)
        chunk = header.next_chunk
        claimed = [s.transaction for s in due if repository.claim(s, folio, chunk)]
        if claimed:
            _write_chunk(header, claimed, owner)
        if page.last_key is None or later_activity:
            break
        start = page.last_key
    settled_on = calendar.local_date(clock.now())
    paid_on = calendar.payment_date(settled_on)
    if not repository.complete(header, settled_on.isoformat(), paid_on.isoformat(), owner, run_id):
        # Another worker took over an expired lease: it completes and counts the settlement.
        raise repository.LeaseLost()
    if run_id:
        repository.mark_done(run_id, insurer_id, rut, settled=True)
    if not later_activity:
        _forget(marker)
    logger.info(
        "provider settled",
        extra={
            "folio": folio,
            "transactions": header.figures["count"],
            "chunks": header.next_chunk,
        },
    )


def _forget(marker: Any) -> None:
    """Drop the provider from the weekly list unless a load touched it meanwhile."""
    from chalicelib.settlement import repository

    if marker is not None:
        repository.clear_active(marker)


def _row(transaction: rules.Transaction) -> dict[str, Any]:
    from chalicelib.settlement import repository

    row = repository.transaction_to_data(transaction)
    row["credit"] = rules.figures_of(transaction)["total"]
    if transaction.kind == "tarjeta":
        row["platform_commission"] = money.platform_commission(transaction.card_amount)
    return row


def _write_chunk(header: Any, transactions: list[rules.Transaction], owner: str) -> None:
    from chalicelib.settlement import repository

    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in rules.CREDIT_TYPES}
    for transaction in transactions:
        rows[transaction.credit_type].append(_row(transaction))
    until = clock.iso(clock.now() + LEASE)
    repository.write_chunk(header, rows, rules.Figures.of(transactions), owner, until)


# --- provider views ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Provider:
    rut: str
    full_name: str
    email: str
    phone: str | None


def _provider(principal: Principal) -> _Provider:
    from stdnum.cl import rut as cl_rut

    from chalicelib.accounts import service as accounts

    account = accounts.contact(principal)
    rut = account.details.get("rut")
    if account.role != "prestador" or not rut:
        raise errors.NotFound("Esta sección es para prestadores registrados con RUT.")
    return _Provider(str(cl_rut.compact(str(rut))), account.full_name, account.email, account.phone)


def provider_account(principal: Principal) -> ProviderAccountOut:
    """General data and the bank account settlements are paid into."""
    from stdnum.cl import rut as cl_rut

    from chalicelib.settlement import repository

    provider = _provider(principal)
    bank = repository.bank_account(provider.rut)
    return ProviderAccountOut(
        full_name=provider.full_name,
        rut=str(cl_rut.format(provider.rut)),
        email=provider.email,
        phone=provider.phone,
        bank_account=BankAccountOut(**bank) if bank else None,
    )


def set_bank_account(rut: str, bank: str, account_type: str, number: str, holder: str) -> None:
    """The account settlements are paid into (loaded with the provider's data)."""
    from chalicelib.settlement import repository

    masked = "•" * max(0, len(number) - 4) + number[-4:]
    repository.put_bank_account(
        rut, {"bank": bank, "account_type": account_type, "number_masked": masked, "holder": holder}
    )


def platform_invoices(
    principal: Principal, year: int, *, limit: int | None = None, cursor: str | None = None
) -> PlatformInvoicesOut:
    """The platform's invoices to the provider issued in `year` (a page of `limit`)."""
    from chalicelib.settlement import repository

    provider = _provider(principal)
    items = [
        PlatformInvoiceOut(
            folio=d["folio"],
            type=d["type"],
            issued_on=date.fromisoformat(d["issued_on"]),
            due_on=date.fromisoformat(d["due_on"]),
            total=_m(d["total"]),
            balance=_m(d["balance"]),
            status="pagada" if int(d["balance"]) == 0 else "pendiente",
            # Commission invoices are settled from the settlements themselves.
            payable=d["type"] != "comision",
        )
        for d in repository.records(
            "settlements", f"PINV#{provider.rut}", f"{year}-", f"{year}-12-31"
        )
    ]
    if limit is None:
        return PlatformInvoicesOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return PlatformInvoicesOut(items=page, next_cursor=next_cursor)


def _status(header: Any) -> str:
    today = calendar.local_date(clock.now()).isoformat()
    return "pagado" if header.paid_on and header.paid_on <= today else "pendiente"


def _settlement_out(header: Any) -> SettlementOut:
    return SettlementOut(
        folio=header.folio,
        settled_on=date.fromisoformat(header.settled_on),
        paid_on=date.fromisoformat(header.paid_on),
        period_end=date.fromisoformat(header.period_end),
        total=_m(header.figures["total"]),
        status=_status(header),  # type: ignore[arg-type]
        transactions=header.figures["count"],
    )


def settlements(
    principal: Principal,
    year: int,
    month: int | None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> SettlementsOut:
    """The provider's settlements of a year (and month), newest first (a page of `limit`)."""
    from chalicelib.settlement import repository

    provider = _provider(principal)
    prefix = f"{year}-{month:02d}" if month else f"{year}"
    headers = repository.provider_settlements(provider.rut, prefix, prefix)
    headers.sort(key=lambda h: (h.settled_on or "", h.folio), reverse=True)
    items = [_settlement_out(h) for h in headers]
    if limit is None:
        return SettlementsOut(items=items)
    page, next_cursor = paging.page_in_memory(items, limit, cursor)
    return SettlementsOut(items=page, next_cursor=next_cursor)


def _own_settlement(principal: Principal, folio: str) -> Any:
    from chalicelib.settlement import repository

    provider = _provider(principal)
    header = repository.get_header(folio) if len(folio) < 80 else None
    if header is None or header.rut != provider.rut or header.state != "completa":
        raise UnknownSettlement()
    return header


def settlement_detail(principal: Principal, folio: str) -> SettlementDetailOut:
    """One settlement with its credits by type and the provider's summary."""
    header = _own_settlement(principal, folio)
    f = header.figures
    from stdnum.cl import rut as cl_rut

    return SettlementDetailOut(
        **_settlement_out(header).model_dump(),
        credits=[
            CreditOut(type="seguros", amount=_m(f["insurer_credit"])),
            CreditOut(type="tarjetas", amount=_m(f["card_credit"])),
        ],
        summary=SummaryOut(
            provider_rut=str(cl_rut.format(header.rut)),
            total_value=_m(f["total_value"]),
            payer_contribution=_m(f["payer_contribution"]),
            insurer_contribution=_m(f["insurer_contribution"]),
            copay=_m(f["copay"]),
            issuer_commission=_m(f["issuer_commission"]),
            platform_commission=_m(f["platform_commission"]),
            transaction_cost=_m(f["transaction_cost"]),
            paid_amount=_m(f["card_net"]),
        ),
    )


def _transaction_out(row: dict[str, Any]) -> SettledTransactionOut:
    from chalicelib.settlement import repository

    transaction = repository.transaction_from_data(
        {k: v for k, v in row.items() if k not in ("credit", "platform_commission")}
    )
    bono = transaction.kind == "bono"
    return SettledTransactionOut(
        id=transaction.transaction_id,
        kind=transaction.kind,  # type: ignore[arg-type]
        type=transaction.credit_type,  # type: ignore[arg-type]
        occurred_at=clock.iso(transaction.occurred_at),
        occurred_on=calendar.local_date(transaction.occurred_at),
        place=transaction.place,
        payer=transaction.payer,
        insurer=transaction.insurer,
        total_value=_m(transaction.total_value) if bono else None,
        payer_contribution=_m(transaction.payer_contribution) if bono else None,
        insurer_contribution=_m(transaction.insurer_contribution) if bono else None,
        copay=_m(transaction.copay) if bono else None,
        card_amount=None if bono else _m(transaction.card_amount),
        installments=None if bono else transaction.installments,
        issuer_commission=None if bono else _m(transaction.issuer_commission),
        platform_commission=None if bono else _m(int(row.get("platform_commission", 0))),
        transaction_cost=None if bono else _m(transaction.transaction_cost),
        issuer_answer=None if bono else transaction.issuer_answer,
        credit=_m(int(row["credit"])),
    )


def settlement_transactions(
    principal: Principal, folio: str, query: DetailQuery
) -> SettledTransactionsOut:
    """The settled transactions of one settlement, `limit` at a time (read a chunk at a time)."""
    from chalicelib.settlement import repository

    _own_settlement(principal, folio)

    def read(
        key: dict[str, Any] | None, _wanted: int
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        # One chunk a read: a cursor counts positions inside one chunk.
        page = repository.chunks(folio, query.type, 1, key)
        return [row for rows in page.items for row in rows], page.last_key

    rows, next_cursor = paging.page_through(read, query.limit, query.cursor)
    return SettledTransactionsOut(
        items=[_transaction_out(row) for row in rows], next_cursor=next_cursor
    )


# --- reports ----------------------------------------------------------------------------------


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
    report = _period_rows(principal, query)
    items, next_cursor = paging.page_in_memory(report.items, query.limit, query.cursor)
    return PeriodOut(items=items, next_cursor=next_cursor, total=report.total)


def _period_rows(principal: Principal, query: PeriodQuery) -> PeriodOut:
    from chalicelib.settlement import repository

    provider = _provider(principal)
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
        PeriodRow(year=y, month=m, amount=_m(amount), settlements=count)
        for (y, m), (amount, count) in totals.items()
    ]
    return PeriodOut(items=rows, total=_m(sum(a for a, _ in totals.values())))


def _voucher_rows(
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
            total_value=_m(t.total_value),
            payer_contribution=_m(t.payer_contribution),
            insurer_contribution=_m(t.insurer_contribution),
            copay=_m(t.copay),
            insurer=t.insurer,
            place=t.place,
        )
        for stored in found
        for t in [stored.transaction]
    ]
    return rows, next_cursor


def vouchers_report(principal: Principal, query: VouchersQuery) -> VouchersOut:
    """Issued vouchers with their settlement, filtered by place, payer and dates."""
    provider = _provider(principal)
    rows, next_cursor = _voucher_rows(provider.rut, query, query.limit, query.cursor)
    return VouchersOut(items=rows, next_cursor=next_cursor)


def lme_report(principal: Principal, query: LmeQuery) -> LmeOut:
    """Sick leaves of the provider grouped by provider, professional or place."""
    from stdnum.cl import rut as cl_rut

    from chalicelib.settlement import repository

    provider = _provider(principal)
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


# --- exports ----------------------------------------------------------------------------------


def period_export(principal: Principal, query: PeriodQuery) -> ExportOut:
    report = _period_rows(principal, query)
    columns = [("Año", "int"), ("Mes", "int"), ("Monto (CLP)", "clp"), ("Liquidaciones", "int")]
    rows = [[r.year, r.month, int(r.amount.amount), r.settlements] for r in report.items]
    totals = ["Total", "", int(report.total.amount), sum(r.settlements for r in report.items)]
    return _export(principal, "reporte-periodo", query.format, columns, rows, totals)


def vouchers_export(principal: Principal, query: VouchersQuery) -> ExportOut:
    from chalicelib.settlement import exports

    provider = _provider(principal)
    rows: list[list[Any]] = []
    cursor: str | None = None
    while True:
        found, cursor = _voucher_rows(provider.rut, query, 1000, cursor)
        rows += [
            [
                v.folio,
                v.issued_on,
                v.status,
                v.settlement or "",
                v.payer,
                int(v.total_value.amount),
                int(v.payer_contribution.amount),
                int(v.insurer_contribution.amount),
                int(v.copay.amount),
                v.insurer,
                v.place,
            ]
            for v in found
        ]
        if len(rows) > MAX_EXPORT_ROWS:
            raise errors.PayloadTooLarge(
                f"El reporte tiene más de {MAX_EXPORT_ROWS} bonos; acota las fechas.",
                code="export_too_large",
            )
        if cursor is None:
            break
    columns = exports.VOUCHER_COLUMNS
    totals = ["Total", "", "", "", ""] + [sum(r[i] for r in rows) for i in range(5, 9)] + ["", ""]
    return _export(principal, "bonos-emitidos", query.format, columns, rows, totals)


def _export(
    principal: Principal,
    name: str,
    file_format: str,
    columns: list[tuple[str, str]],
    rows: list[list[Any]],
    totals: list[Any],
) -> ExportOut:
    from chalicelib.settlement import exports

    if file_format == "xlsx":
        body = exports.xlsx(name, columns, rows, totals)
        content_type = exports.XLSX_TYPE
    else:
        body = exports.csv_bytes(columns, rows, totals)
        content_type = exports.CSV_TYPE
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    filename = f"{name}-{stamp}.{file_format}"
    key = f"{EXPORTS_PREFIX}{principal.account_id}/{uuid.uuid4()}/{filename}"
    bucket = get_settings().documents_bucket
    s3 = aws.s3()
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=int(EXPORT_LIFETIME.total_seconds()),
    )
    return ExportOut(url=url, expires_at=clock.iso(clock.now() + EXPORT_LIFETIME), rows=len(rows))


# --- local and bench helpers --------------------------------------------------------------------


def run_inline(
    period_end: date | None,
    insurer_ids: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunOut:
    """Run a settlement in this process (the CLI): the same work the queue consumer does.

    `progress(done, total)` is called once before the first provider and after each one. A
    provider that fails (AWS kept refusing, another worker holds it) is logged and left for
    the next run, which resumes its settlement; the others go on. The answer's `finished`
    says whether every provider was settled.
    """
    from chalicelib.settlement import repository

    started, messages = start_run(period_end, insurer_ids, "cli", enqueue=False)
    if progress:
        progress(0, len(messages))
    for done, message in enumerate(messages, start=1):
        try:
            settle_provider(
                message["insurer_id"],
                message["rut"],
                started.period_end,
                run_id=started.run_id,
            )
        except Exception:
            logger.exception(
                "provider not settled",
                extra={"insurer_id": message["insurer_id"], "rut": message["rut"]},
            )
        if progress:
            progress(done, len(messages))
    run = repository.get_run(started.run_id)
    assert run is not None
    return _run_out(run)


def settle_in_memory(transactions: Iterable[rules.Transaction]) -> dict[str, rules.Figures]:
    """The run's arithmetic without I/O (the bench's upper bound): figures per provider."""
    by_provider: dict[str, list[rules.Transaction]] = {}
    for transaction in transactions:
        if transaction.payable:
            by_provider.setdefault(transaction.provider_rut, []).append(transaction)
    return {rut: rules.Figures.of(batch) for rut, batch in by_provider.items()}


def today_in_santiago() -> date:
    return calendar.local_date(clock.now())


def document_hooks() -> dict[DocumentOwner, DocumentHooks]:
    """What the documents pipeline asks this context about operators' transaction files
    (chalicelib/wiring.py registers it)."""
    from chalicelib.documents import service as documents
    from chalicelib.settlement import transaction_files

    return {
        documents.DocumentOwner.TRANSACTIONS: documents.DocumentHooks(
            listener=on_transaction_file_verdict, guard=transaction_files.may_delete
        )
    }


# --- privacy rights (ARCO) ------------------------------------------------------------------


def personal_data(account_id: str) -> PersonalData:
    """A Chilean provider's settlement data for their export: the account settlements are
    paid into and every complete settlement (a Query on the provider's index). Providers
    registered without RUT have none."""
    from chalicelib.settlement import repository

    try:
        provider = _provider(Principal(account_id=account_id, role="prestador"))
    except errors.DomainError:
        return PersonalData("liquidaciones", {})
    headers = repository.provider_settlements(provider.rut, "0000", "9999")
    headers.sort(key=lambda h: (h.settled_on or "", h.folio))
    return PersonalData(
        "liquidaciones",
        {
            "cuenta_bancaria": repository.bank_account(provider.rut),
            "liquidaciones": [_settlement_out(h).model_dump(mode="json") for h in headers],
        },
        last_activity={FISCAL: max((h.settled_on or "" for h in headers), default="")},
    )
