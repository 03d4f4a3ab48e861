"""Bookings per second through the API on the local stack (`make bench-appointments`).

Starts the local stack (as `make run` does, demo data included) on free ports, seeds its own
affiliates (each a family of one) and a clinic with one agenda per day, logs every affiliate
in through the API, then books: each affiliate one appointment per day (the one-per-day rule
holds), first one request at a time, then from several threads at once. Every booking is a
real `POST /v1/appointments`: token check, nucleus look-up in the registry, the agenda read
and the conditional transaction (quota, slot, patient's day, appointment, outbox email).

Prints one JSON line: bookings per second and latency percentiles per run, the answers by
status, and the machine. The figures are the local stack's (moto in one Python process, whose
DynamoDB copies a table for every transaction), not DynamoDB's.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from _local import seed_affiliates, use_local_stack  # noqa: E402
from _machine import machine  # noqa: E402

from tests.fixtures.stack import free_port, start_stack, stop_stack_for_bench, wait_for_health  # noqa: E402

AFFILIATES = int(os.environ.get("BENCH_AFFILIATES", "20"))
DAYS = int(os.environ.get("BENCH_DAYS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
PASSWORD = "una frase larga para medir"  # noqa: S105 - accounts of a throwaway local stack


def _seed(ports: tuple[int, int, int]) -> tuple[list[str], list[list[str]], list[str]]:
    """Affiliates (their emails), agenda slot ids per day, and their member ids."""
    use_local_stack(*ports)

    from zoneinfo import ZoneInfo

    from chalicelib import clock
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import AgendaIn, ClinicIn
    from chalicelib.auth import Principal

    run = uuid.uuid4().hex[:6].upper()
    seeded = seed_affiliates("bench", "7", AFFILIATES, run, PASSWORD)
    records = [record for record, _ in seeded]
    emails = [email for _, email in seeded]
    operator = Principal("bench-operator", "operador", ("sec",))
    clinic = appointments.create_clinic(operator, ClinicIn(name=f"UMF BENCH {run}"))
    today = clock.now().astimezone(ZoneInfo("America/Mexico_City")).date()
    times = [f"{6 + m // 3:02d}:{(m % 3) * 20:02d}" for m in range(2 * AFFILIATES)]
    days: list[list[str]] = []
    for offset in range(1, DAYS + 1):
        agenda = appointments.create_agenda(
            operator,
            AgendaIn(
                clinic_id=clinic.id,
                doctor=f"DR. BENCH {run}",
                date=today + timedelta(days=offset),
                shift="matutino",
                slot_times=times,
                internet_quota=2 * AFFILIATES,
            ),
        )
        days.append([slot.id for slot in agenda.slots])
    return emails, days, [r.member_id for r in records]


def _book_all(
    api: str, tokens: list[str], members: list[str], slots: list[list[str]], threads: int
) -> dict[str, Any]:
    import requests

    local = threading.local()
    jobs = [
        (tokens[a], members[a], slots[d][a]) for d in range(len(slots)) for a in range(len(tokens))
    ]

    def book(job: tuple[str, str, str]) -> tuple[int, float]:
        token, member, slot = job
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.perf_counter()
        answer = session.post(
            f"{api}/v1/appointments",
            json={"slot_id": slot, "patient_id": member},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        return answer.status_code, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(book, jobs))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for _, seconds in outcomes)
    booked = sum(1 for status, _ in outcomes if status == 201)
    return {
        "threads": threads,
        "requests": len(jobs),
        "booked": booked,
        "statuses": dict(Counter(str(status) for status, _ in outcomes)),
        "seconds": round(elapsed, 2),
        "bookings_per_second": round(booked / elapsed, 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "max": round(latencies[-1], 1),
        },
    }


def main() -> None:
    import requests

    log = Path(os.environ.get("BENCH_LOG", Path(tempfile.gettempdir()) / "bench-appointments.log"))
    api_port, site_port, moto_port = free_port(), free_port(), free_port()
    process = start_stack(log, api_port=api_port, site_port=site_port, moto_port=moto_port)
    api = f"http://127.0.0.1:{api_port}"
    try:
        wait_for_health(api, process, 120)
        emails, slots, members = _seed((api_port, site_port, moto_port))
        tokens = []
        for identifier in emails:
            answer = requests.post(
                f"{api}/v1/auth/login",
                json={"identifier": identifier, "password": PASSWORD},
                timeout=60,
            )
            answer.raise_for_status()
            tokens.append(answer.json()["id_token"])
        half = len(slots) // 2
        sequential = _book_all(api, tokens, members, slots[:half], 1)
        concurrent = _book_all(api, tokens, members, slots[half:], THREADS)
    finally:
        stop_stack_for_bench(process)
    print(
        json.dumps(
            {
                "bench": "appointments",
                "affiliates": len(tokens),
                "days": len(slots),
                "sequential": sequential,
                "concurrent": concurrent,
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
