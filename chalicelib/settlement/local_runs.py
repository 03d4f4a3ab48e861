"""Settling in this process, without the queue: the CLI's run (`python -m
chalicelib.settlement run`) and the bench's in-memory arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from chalicelib import clock
from chalicelib.observability import logger
from chalicelib.settlement import calendar, rules
from chalicelib.settlement.runs import run_out, settle_provider, start_run
from chalicelib.settlement.schemas import RunOut


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
    return run_out(run)


def settle_in_memory(transactions: Iterable[rules.Transaction]) -> dict[str, rules.Figures]:
    """The run's arithmetic without I/O (the bench's upper bound): figures per provider."""
    by_provider: dict[str, list[rules.Transaction]] = {}
    for transaction in transactions:
        if transaction.payable:
            by_provider.setdefault(transaction.provider_rut, []).append(transaction)
    return {rut: rules.Figures.of(batch) for rut, batch in by_provider.items()}


def today_in_santiago() -> date:
    return calendar.local_date(clock.now())
