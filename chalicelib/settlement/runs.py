"""The settlement run: one message per provider with unsettled activity, and the worker that
settles one provider (the `settlement-tasks` consumer).

How a provider is settled (DESIGN.md §2):

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
from datetime import date, timedelta
from typing import Any, Final

from chalicelib import aws, clock, errors
from chalicelib.auth import Principal
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.settlement import calendar, money, rules
from chalicelib.settlement.schemas import RunOut, RunProviderOut, RunStarted

PAGE_SIZE: Final = 100  # transactions read and claimed per chunk of details
LEASE: Final = timedelta(minutes=15)  # Lambda's longest run; a crashed worker's lease expires


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
            created_at=clock.iso(clock.now()),
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
    return run_out(run)


def _not_settled_message(reason: str, period_end: date, folio: str | None) -> str:
    if reason == "solo_posteriores":
        return (
            f"Sus transacciones son posteriores al cierre del periodo "
            f"({period_end:%d-%m-%Y}): entrarán en la próxima liquidación."
        )
    if reason == "ya_liquidado":
        return f"Ya estaba liquidado en este periodo por otra ejecución (folio {folio})."
    return "No tenía transacciones pendientes de liquidar."


def run_out(run: Any) -> RunOut:
    from stdnum.cl import rut as cl_rut

    period_end = date.fromisoformat(run.period_end)
    return RunOut(
        run_id=run.run_id,
        period_end=period_end,
        providers=run.providers,
        done=run.done,
        settled=run.settled,
        finished=run.done >= run.providers,
        created_at=run.created_at,
        not_settled=[
            RunProviderOut(
                insurer_id=u.insurer_id,
                rut=cl_rut.format(u.rut),
                reason=u.reason,
                message=_not_settled_message(u.reason, period_end, u.folio),
                folio=u.folio,
            )
            for u in getattr(run, "unsettled", [])
        ],
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
                # Only transactions after the period's cut-off: the next run takes them.
                reason = "solo_posteriores" if first.items else "sin_transacciones"
                repository.mark_done(run_id, insurer_id, rut, settled=False, reason=reason)
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
                created_at=clock.iso(clock.now()),
            )
        )
        header = repository.get_header(folio)
        assert header is not None
    if header.state == "completa":
        if run_id:  # a redelivered message: count it as its first delivery did
            repository.mark_done(
                run_id,
                insurer_id,
                rut,
                settled=header.run_id == run_id,
                reason="ya_liquidado",
                folio=folio,
            )
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
