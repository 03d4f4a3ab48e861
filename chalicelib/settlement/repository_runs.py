"""Settlement persistence of runs (behind repository.py): a run and the providers it has
finished, counted from their items."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Run:
    run_id: str
    period_end: str
    insurer_ids: list[str]
    providers: int
    done: int
    settled: int
    created_at: str
    started_by: str
    # The providers the run finished without settling them, with why (at most UNSETTLED_SHOWN).
    unsettled: list[Unsettled] = field(default_factory=list)


@dataclass(frozen=True)
class Unsettled:
    insurer_id: str
    rut: str
    reason: str
    folio: str | None = None


UNSETTLED_SHOWN = 100


def mark_done(
    run_id: str,
    insurer_id: str,
    rut: str,
    *,
    settled: bool,
    reason: str | None = None,
    folio: str | None = None,
) -> None:
    """A provider of a run is finished (`reason` says why it was not settled); writing it
    again (a redelivery) changes nothing."""
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(
        pk=f"RUN#{run_id}",
        sk=f"DONE#{insurer_id}#{rut}",
        state="settled" if settled else "idle",
        data=None if settled else {"reason": reason or "sin_transacciones", "folio": folio},
    ).save()


def create_run(run: Run) -> None:
    from chalicelib.settlement.models import SettlementModel

    SettlementModel(
        pk=f"RUN#{run.run_id}",
        sk="RUN",
        providers=run.providers,
        data={
            "period_end": run.period_end,
            "insurer_ids": run.insurer_ids,
            "created_at": run.created_at,
            "started_by": run.started_by,
        },
    ).save(condition=SettlementModel.pk.does_not_exist())


def get_run(run_id: str) -> Run | None:
    """A run with its providers done, counted from their items (one Query, no counters)."""
    from chalicelib.settlement.models import SettlementModel

    item = SettlementModel.find(f"RUN#{run_id}", "RUN", consistent_read=True)
    if item is None:
        return None
    data = dict(item.data or {})
    done = settled = 0
    unsettled: list[Unsettled] = []
    for marker in SettlementModel.query(
        f"RUN#{run_id}",
        SettlementModel.sk.startswith("DONE#"),
        consistent_read=True,
        attributes_to_get=["sk", "state", "data"],
    ):
        done += 1
        settled += marker.state == "settled"
        if marker.state != "settled" and len(unsettled) < UNSETTLED_SHOWN:
            _, insurer_id, rut = marker.sk.split("#", 2)
            why = dict(marker.data or {})
            unsettled.append(
                Unsettled(
                    insurer_id, rut, str(why.get("reason") or "sin_transacciones"), why.get("folio")
                )
            )
    return Run(
        run_id=run_id,
        period_end=data["period_end"],
        insurer_ids=list(data.get("insurer_ids") or []),
        providers=int(item.providers or 0),
        done=done,
        settled=settled,
        created_at=data["created_at"],
        started_by=data.get("started_by", ""),
        unsettled=unsettled,
    )
