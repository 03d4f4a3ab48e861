"""What the platform costs on AWS per operation, from the requests a real run makes.

    python bench/cost.py                       # make bench-cost
    BENCH_COST_PROVIDERS=5 python bench/cost.py

Everything runs in this process on moto, through the real code paths (`cost_journeys.py`:
the platform and the journeys). Every AWS call is counted by service and operation, and
DynamoDB request units are computed from item sizes (`cost_model.py`: the counting and the
pricing); the prices are data with the date they were read (`cost_prices.json`).

Lambda: one invocation per API request, one per authorizer cache miss (TTL 300 s: one per
user session here), one per SQS batch (each upload and each email arrives on its own, so one
message per batch: the worst case), one per settlement task and one for the schedule. GB-s use
the memory of `.chalice/config.json` (512 MB for every function) and the durations measured
here, each rounded up to the millisecond: the handler's own time plus moto's in-process time
for every AWS call, which stands in for the network round trips on AWS; priced for the stack's
architecture (arm64, infrastructure/packaging.py).

CloudWatch Logs: the bytes the app writes to stdout during each invocation (Powertools JSON
logs at INFO, EMF metrics) plus ~300 bytes of Lambda's START/END/REPORT lines.

Prints ONE JSON line: cost per 1,000 claims (10 documents each), per 1,000 appointments, per
settlement run of 1,000 providers (x 100 transactions), the breakdown per service, the
requests per operation, the prices with their date, and the machine.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from cost_journeys import (
    DOCUMENTS_PER_CLAIM,
    PER_PROVIDER,
    PROVIDERS,
    SETTLEMENT_SCALE_PROVIDERS,
    Platform,
    appointment_journey,
    claim_journey,
    login,
    registration,
    seed_appointments,
    seed_claims,
    seed_settlement,
    settlement_load,
    settlement_run,
)
from cost_model import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_PLATFORM_LOG_BYTES,
    PRICE_NOTES,
    PRICES,
    PRICES_AS_OF,
    PRICES_REGION,
    AwsCallCounter,
    MotoItems,
    Usage,
    money,
    price,
)

ROOT = Path(__file__).resolve().parents[1]


def _environment() -> None:
    """As the tests' conftest: set before anything imports chalicelib."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.environment import use_in_process_aws

    # Production's log level, so the log bytes are production's. The tests' stand-in stage:
    # the journeys' CFDIs are sealed by the process's test authority, which only the local and
    # test stages trust (chalicelib/documents/validators/cfdi_trust.py).
    use_in_process_aws("test", metrics_namespace="PortalMedico", log_level="INFO")
    sys.path.insert(0, str(ROOT / "bench"))


def _report(usage: Usage, per: Decimal) -> dict[str, Any]:
    """One operation's counts, and its cost for `per` operations by service."""
    quantities = usage.scaled(per)
    costs = price(quantities)
    total = sum(costs.values(), Decimal(0))
    return {
        "requests": dict(sorted((k, v) for k, v in usage.calls.items() if v)),
        "aws_requests": sum(usage.calls.values()),
        "apigateway_requests": usage.api_requests,
        "lambda_invocations": dict(usage.lambda_invocations),
        "lambda_ms": usage.lambda_ms,
        "dynamodb_wru": str(usage.wru),
        "dynamodb_rru": str(usage.rru),
        "log_bytes": usage.log_bytes,
        "api_routes": dict(usage.routes.most_common()),
        "dynamodb_by_table": {
            line: {"requests": int(n), "wru": str(w), "rru": str(r)}
            for line, (n, w, r) in sorted(
                usage.dynamodb_by_table.items(), key=lambda kv: -(kv[1][1] + kv[1][2])
            )
        },
        "s3_bytes_stored": usage.s3_bytes_stored,
        "usd_by_service": {k: money(v) for k, v in costs.items()},
        "usd": money(total),
        "_total": total,
    }


def main() -> int:
    _environment()
    from _machine import machine

    counter = AwsCallCounter()
    counter.install()
    from infrastructure import definition
    from tests.fixtures.aws import mocked_aws

    # AWS's visibility timeouts: nothing is redelivered while this script works.
    with mocked_aws(parameters=definition.AWS):
        from chalicelib.notifications import service as notifications

        notifications._queue_url.cache_clear()
        import requests

        from chalicelib.accounts import jwt_verify

        # moto serves the pool's JWKS to the requests library it mocks.
        jwt_verify.fetch_jwks = lambda url: requests.get(url, timeout=5).json()
        jwt_verify.reset_cache()
        counter.items = MotoItems()
        platform = Platform(counter)
        setup_started = time.perf_counter()

        # Warm-up, not counted: the first of everything imports modules and parses models.
        policy_number, operator = seed_claims(0)
        with platform.operation(Usage()):
            claim_journey(platform, registration(platform, policy_number), operator)
        email, clinic_id, day = seed_appointments(0)
        with platform.operation(Usage()):
            appointment_journey(platform, email, clinic_id, day)

        policy_number, operator = seed_claims(1)
        with platform.operation(Usage()) as registration_usage:
            email = registration(platform, policy_number)
        with platform.operation(Usage()) as claim_only_usage:
            claim = claim_journey(platform, email, operator)
        claim_usage = registration_usage + claim_only_usage
        email, clinic_id, day = seed_appointments(1)
        with platform.operation(Usage()) as appointment_usage:
            appointment = appointment_journey(platform, email, clinic_id, day)

        items = seed_settlement()
        _, settlement_operator = seed_claims(2)
        with platform.operation(Usage()):
            operator_token = login(platform, settlement_operator, totp=True)
        with platform.operation(Usage()) as load_usage:
            loaded = settlement_load(platform, operator_token, items)
        with platform.operation(Usage()) as run_usage:
            settled = settlement_run(platform)
        seconds = time.perf_counter() - setup_started

    thousand = Decimal(1000)
    scale = Decimal(SETTLEMENT_SCALE_PROVIDERS) / Decimal(PROVIDERS)
    claims = _report(claim_usage, thousand)
    claims_only = _report(claim_only_usage, thousand)
    appointments = _report(appointment_usage, thousand)
    run = _report(run_usage, scale)
    load = _report(load_usage, scale)
    by_service: dict[str, dict[str, str]] = defaultdict(dict)
    for name, report in (
        ("per_1000_claims", claims),
        ("per_1000_appointments", appointments),
        ("per_settlement_run_1000_providers", run),
        ("per_week_of_loads_1000_providers", load),
    ):
        for service, usd in report["usd_by_service"].items():
            by_service[service][name] = usd
    storage_gb = Decimal(claim_usage.s3_bytes_stored) * thousand / Decimal(1024**3)
    assumed_document_bytes = 500 * 1024
    assumed_storage_gb = (
        Decimal(assumed_document_bytes * DOCUMENTS_PER_CLAIM) * thousand / Decimal(1024**3)
    )
    result = {
        "bench": "cost",
        "cost_per_1000_claims_usd": claims["usd"],
        "cost_per_1000_claims_without_registration_usd": claims_only["usd"],
        "cost_per_1000_appointments_usd": appointments["usd"],
        "cost_per_settlement_run_1000_providers_usd": run["usd"],
        "cost_per_week_of_transaction_loads_1000_providers_usd": load["usd"],
        "target_claims_at_most_1_usd": claims["_total"] <= 1,
        "breakdown_by_service_usd": dict(by_service),
        "operations": {
            "claim_10_documents": {k: v for k, v in claims.items() if k != "_total"}
            | {"outcome": {**claim, "verdicts": dict(claim["verdicts"])}},
            "appointment": {k: v for k, v in appointments.items() if k != "_total"}
            | {"outcome": appointment},
            "settlement_run": {k: v for k, v in run.items() if k != "_total"}
            | {"providers": PROVIDERS, "transactions": loaded, "providers_settled": settled},
            "settlement_load": {k: v for k, v in load.items() if k != "_total"}
            | {"transactions": loaded},
        },
        "settlement_scaled_from_providers": PROVIDERS,
        "settlement_transactions_per_provider": PER_PROVIDER,
        "s3_storage": {
            "measured_bytes_per_claim": claim_usage.s3_bytes_stored,
            "usd_per_month_per_1000_claims_measured_files": money(
                storage_gb * PRICES["s3_storage_gb_month"]
            ),
            "usd_per_month_per_1000_claims_at_500kb_per_document": money(
                assumed_storage_gb * PRICES["s3_storage_gb_month"]
            ),
        },
        "cognito_requests_per_claim": sum(
            v for k, v in claim_usage.calls.items() if k.startswith("cognito-idp:")
        ),
        "prices_as_of": PRICES_AS_OF,
        "prices_region": PRICES_REGION,
        "prices_usd": {k: str(v) for k, v in PRICES.items()},
        "price_notes": PRICE_NOTES,
        "assumptions": {
            "lambda_memory_mb": 512,
            "lambda_architecture": LAMBDA_ARCHITECTURE,
            "lambda_duration": "measured here per invocation (handler + moto in-process), "
            "rounded up to 1 ms; warm containers (a warm-up journey runs first)",
            "authorizer": "one invocation per token per operation (API Gateway caches 300 s)",
            "sqs_batches": "one message per invocation (worst case for uploads and emails)",
            "sqs_idle_polling": "not counted: a fixed cost per queue (pollers long-poll 20 s)",
            "log_bytes": f"stdout per invocation + {LAMBDA_PLATFORM_LOG_BYTES} bytes of "
            "Lambda's START/END/REPORT",
        },
        "seconds": round(seconds, 1),
        "machine": machine(),
    }
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
