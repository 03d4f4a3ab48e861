"""Settlement at scale: a generated week loaded into the local stack's AWS, then settled.

    python bench/settlement.py            # 1,000 providers x 100 transactions (a few minutes)
    BENCH_SETTLEMENT_PROVIDERS=50 BENCH_SETTLEMENT_PER_PROVIDER=40 python bench/settlement.py

moto's server runs in its own process (as `make run` serves it), so this process's memory is
the settlement code's. The figures (one JSON line):

- `load_seconds`: the week loaded through the service the operator route calls (batches of
  1,000, each item validated, stored with a conditional write, providers marked);
- `run_seconds`, `providers_per_second`, `dynamodb_requests_per_provider`: the run, by the
  same code the `settle_provider` consumer runs, one provider after another;
- `baseline_seconds`: the same moto server reading every transaction once (Query pages of
  100 on the index) and writing it once (UpdateItem): the floor for any run that marks each
  transaction; `run_over_baseline` is the target's ratio (≤ 3);
- `in_memory`: the run's arithmetic without I/O on the same transactions (target ≥ 200,000
  transactions/s), and with the detail rows built too;
- `peak_rss_mib`: this process's peak resident memory.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PROVIDERS = int(os.environ.get("BENCH_SETTLEMENT_PROVIDERS", "1000"))
PER_PROVIDER = int(os.environ.get("BENCH_SETTLEMENT_PER_PROVIDER", "100"))
LOAD_WORKERS = int(os.environ.get("BENCH_SETTLEMENT_LOAD_WORKERS", "4"))
INSURER = "sec"


def _stage(name: str, **figures: Any) -> None:
    """Progress on stderr: each stage's figures as soon as they are known."""
    print(json.dumps({"stage": name, **figures}, default=str), file=sys.stderr, flush=True)


def _ruts(count: int) -> list[str]:
    from stdnum.cl import rut

    return [f"{n}{rut.calc_check_digit(str(n))}" for n in range(70_000_000, 70_000_000 + count)]


def _week(ruts: list[str], period_end: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for p, rut in enumerate(ruts):
        for n in range(PER_PROVIDER):
            day = period_end - timedelta(days=n % 7)
            when = f"{day.isoformat()}T{8 + n % 10:02d}:{n % 60:02d}:00"
            tid = f"P{p:05d}-{n:06d}"
            if n % 3 == 0:
                amount = 10_000 + (p * 7919 + n * 104_729) % 490_000
                items.append(
                    {
                        "kind": "tarjeta",
                        "id": tid,
                        "provider_rut": rut,
                        "occurred_at": when,
                        "card_amount": amount,
                        "installments": 1 + n % 12,
                        "issuer_commission": amount // 80,
                        "transaction_cost": 150,
                        "issuer_answer": "aprobada",
                    }
                )
            else:
                insurer = 2_000 + (p * 31 + n * 17) % 30_000
                items.append(
                    {
                        "kind": "bono",
                        "id": tid,
                        "provider_rut": rut,
                        "occurred_at": when,
                        "total_value": 25_000 + insurer,
                        "payer_contribution": 20_000,
                        "insurer_contribution": insurer,
                        "copay": 5_000,
                        "insurer": "SEGUROS EJEMPLO",
                        "place": "Providencia",
                        "payer": "Fonasa",
                    }
                )
    return items


class RequestCounter:
    """Counts DynamoDB API calls (PynamoDB and boto3 both go through botocore's client)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.enabled = False

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        counter = self

        def counted(client: Any, operation: str, params: Any) -> Any:
            if counter.enabled and client.meta.service_model.service_name == "dynamodb":
                counter.calls[operation] += 1
            return original(client, operation, params)

        BaseClient._make_api_call = counted  # type: ignore[method-assign]


def _in_memory(items: list[dict[str, Any]]) -> dict[str, Any]:
    from chalicelib.settlement import rules, service

    transactions = [rules.parse_transaction(item) for item in items]
    started = time.perf_counter()
    per_provider = service.settle_in_memory(transactions)
    arithmetic = time.perf_counter() - started
    started = time.perf_counter()
    rows = [service._row(t) for t in transactions]
    with_rows = time.perf_counter() - started + arithmetic
    started = time.perf_counter()
    rules.validate_items(items)
    validation = time.perf_counter() - started
    total = sum(f["total"] for f in per_provider.values())
    return {
        "transactions": len(transactions),
        "arithmetic_seconds": round(arithmetic, 4),
        "transactions_per_second": round(len(transactions) / arithmetic),
        "with_detail_rows_transactions_per_second": round(len(rows) / with_rows),
        "validation_transactions_per_second": round(len(items) / validation),
        "total_clp": total,
    }


def _baseline(ruts: list[str], cutoff: str) -> float:
    """Read every transaction once (Query pages of 100) and write it once (UpdateItem)."""
    from chalicelib import aws
    from chalicelib.config import get_settings

    client = aws.dynamodb()
    table = get_settings().table_name("transactions")
    started = time.perf_counter()
    for rut in ruts:
        start: dict[str, Any] | None = None
        while True:
            params: dict[str, Any] = {
                "TableName": table,
                "IndexName": "gsi2",
                "KeyConditionExpression": "gsi2pk = :p AND gsi2sk < :c",
                "ExpressionAttributeValues": {
                    ":p": {"S": f"UNSETTLED#{INSURER}#{rut}"},
                    ":c": {"S": cutoff},
                },
                "Limit": 100,
            }
            if start:
                params["ExclusiveStartKey"] = start
            page = client.query(**params)
            for item in page["Items"]:
                client.update_item(
                    TableName=table,
                    Key={"pk": item["pk"], "sk": item["sk"]},
                    UpdateExpression="SET bench_touched = :t",
                    ExpressionAttributeValues={":t": {"BOOL": True}},
                )
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    return time.perf_counter() - started


def main() -> int:
    from _local import moto_server_stack
    from _machine import machine

    with moto_server_stack():
        from chalicelib import clock, errors
        from chalicelib.accounts import service as accounts
        from chalicelib.settlement import calendar, repository, service

        counter = RequestCounter()
        counter.install()
        period_end = calendar.last_closed_period_end(clock.now())
        ruts = _ruts(PROVIDERS)
        started = time.perf_counter()
        for n, rut in enumerate(ruts):
            try:
                accounts.seed_active_account(
                    "prestador",
                    f"bench{n:05d}@example.cl",
                    f"PRESTADOR BENCH {n:05d}",
                    "una frase larga segura",
                    details={"country": "CL", "rut": rut},
                )
            except errors.Conflict:
                # A request retried after a timeout on a loaded machine finds its own write.
                if not accounts.provider_account_for_rut(rut):
                    raise
        accounts_seconds = time.perf_counter() - started
        _stage("accounts", seconds=accounts_seconds)

        items = _week(ruts, period_end)
        in_memory = _in_memory(items)

        _stage("in_memory", **in_memory)
        started = time.perf_counter()
        batches = [items[start : start + 1000] for start in range(0, len(items), 1000)]
        # Operators' API calls arrive concurrently; LOAD_WORKERS of them at a time.
        with ThreadPoolExecutor(max_workers=LOAD_WORKERS) as pool:
            answers = list(pool.map(lambda b: service.load_transactions(INSURER, b), batches))
        rejected = sum(len(a.rejected) for a in answers)
        load_seconds = time.perf_counter() - started
        _stage("load", seconds=load_seconds, rejected=rejected)

        cutoff = repository._instant(calendar.cutoff_instant(period_end))
        baseline_seconds = _baseline(ruts, cutoff)
        _stage("baseline", seconds=baseline_seconds)

        rss_before_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        counter.enabled = True
        started = time.perf_counter()
        run = service.run_inline(period_end, [INSURER])
        run_seconds = time.perf_counter() - started
        counter.enabled = False
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        settled = sum(
            h.figures["total"]
            for rut in ruts
            for h in repository.provider_settlements(rut, "2000", "2100")
        )
        requests = sum(counter.calls.values())
        result = {
            "bench": "settlement",
            "providers": PROVIDERS,
            "transactions": len(items),
            "rejected": rejected,
            "accounts_setup_seconds": round(accounts_seconds, 2),
            "load_workers": LOAD_WORKERS,
            "load_seconds": round(load_seconds, 2),
            "load_transactions_per_second": round(len(items) / load_seconds),
            "run_seconds": round(run_seconds, 2),
            "providers_settled": run.settled,
            "providers_per_second": round(run.settled / run_seconds, 2),
            "transactions_per_second": round(len(items) / run_seconds),
            "dynamodb_requests": requests,
            "dynamodb_requests_per_provider": round(requests / max(1, PROVIDERS), 1),
            "dynamodb_requests_by_operation": dict(counter.calls.most_common()),
            "baseline_seconds": round(baseline_seconds, 2),
            "run_over_baseline": round(run_seconds / baseline_seconds, 2),
            "target_run_within_3x_baseline": run_seconds <= 3 * baseline_seconds,
            "in_memory": in_memory,
            "target_in_memory_200k_per_second": in_memory["transactions_per_second"] >= 200_000,
            "totals_reconcile": settled == in_memory["total_clp"],
            "peak_rss_mib": round(rss_after / 1024, 1),
            "rss_growth_during_run_mib": round((rss_after - rss_before_run) / 1024, 1),
            "machine": machine(),
        }
        print(json.dumps(result, ensure_ascii=False))
        return 0 if result["totals_reconcile"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
