"""Load test of the main journeys with Locust, headless, on a local stack of its own
(`make load`).

1. Starts the local stack (as `make run` does, demo data included) on free ports.
2. Prepares accounts before the run: insured people with a policy each (through the policies
   and accounts services against the stack's moto), each with draft claims created through
   the API; affiliates in the registry with accounts; a clinic with one agenda per day whose
   internet quota is below its capacity (so the quota, not the slots, is what runs out).
3. Runs bench/load/locustfile.py headless with a bounded user count, spawn rate, run time
   and request cap, and reads Locust's CSV statistics: throughput (requests per second) and
   p50/p95/p99 latency per route, as the client saw them.
4. Reads the stack's log from the run's start: each request's line carries the handler's
   `duration_ms`, the time spent inside AWS calls `aws_ms` and their count `aws_calls`
   (chalicelib/observability.py). The project's own time is `duration_ms - aws_ms`; the AWS
   time is moto's here, not AWS's.
5. Checks that no agenda was oversold: per agenda, quota - remaining = appointments still
   booked, and remaining never below zero.

Prints one JSON line (and writes bench/results/load.json). Scale with LOAD_USERS,
LOAD_SPAWN_RATE, LOAD_RUN_TIME, LOAD_MAX_REQUESTS, LOAD_INSURED, LOAD_AFFILIATES.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from _local import seed_affiliates, use_local_stack  # noqa: E402
from _machine import machine  # noqa: E402

from tests.fixtures.claim_requests import reimbursement  # noqa: E402
from tests.fixtures.stack import free_port, start_stack, stop_stack_for_bench, wait_for_health  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "20"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
RUN_TIME = os.environ.get("LOAD_RUN_TIME", "60s")
# First a light run (one insured person, one affiliate): the times without contention.
LIGHT_RUN_TIME = os.environ.get("LOAD_LIGHT_RUN_TIME", "20s")
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "4000"))
INSURED = int(os.environ.get("LOAD_INSURED", "10"))
AFFILIATES = int(os.environ.get("LOAD_AFFILIATES", "10"))
CLAIMS_PER_INSURED = 4
# Few days and a small internet quota: affiliates booking at once meet a used-up quota or a
# place just taken (409), which the run counts apart as expected answers.
DAYS = 2
SLOTS_PER_AGENDA = 12
QUOTA_PER_AGENDA = 3
PASSWORD = "una frase larga para la prueba de carga"  # noqa: S105 - throwaway local stack
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
RESULTS = ROOT / "bench" / "results"

# Locust's row name → the view whose log lines belong to it (and the status, when one view
# answers two rows).
ROUTES: dict[str, tuple[str, int | None]] = {
    "POST /v1/auth/login": ("login", None),
    "GET /v1/claims": ("list_claims", None),
    "GET /v1/claims/{claim_id}": ("read_claim", None),
    "POST /v1/claims/{claim_id}/documents": ("claim_document_slots", None),
    "GET /v1/agenda": ("agenda", None),
    "POST /v1/appointments": ("book_appointment", 201),
    "POST /v1/appointments (409 expected)": ("book_appointment", 409),
    "DELETE /v1/appointments/{appointment_id}": ("cancel_appointment", None),
}


def _prepare(api: str, ports: tuple[int, int, int]) -> dict[str, Any]:
    """Accounts, claims, affiliates and agendas for the run; what the locustfile reads."""
    import requests

    use_local_stack(*ports)
    from zoneinfo import ZoneInfo

    from chalicelib import clock
    from chalicelib.accounts import service as accounts
    from chalicelib.appointments import service as appointments
    from chalicelib.appointments.schemas import AgendaIn, ClinicIn
    from chalicelib.auth import Principal
    from chalicelib.policies import service as policies
    from chalicelib.policies.service import Member, Policy
    from infrastructure.local.demo_accounts import SEC

    run = uuid.uuid4().hex[:6].upper()

    # Insured people: one policy each (the account is bound to it), draft claims via the API.
    numbers = [f"LOAD-{run}-{n:04d}" for n in range(INSURED)]
    policies.load_roster(
        SEC,
        [
            Policy(
                "sec",
                number,
                f"ASEGURADO CARGA {n}",
                [Member(str(uuid.uuid4()), f"ASEGURADO CARGA {n}", "titular")],
                ["gmm_mayores"],
            )
            for n, number in enumerate(numbers)
        ],
    )
    insured = []
    for n, number in enumerate(numbers):
        email = f"carga-{run.lower()}-asegurado-{n}@example.mx"
        accounts.seed_active_account(
            "asegurado",
            email,
            f"ASEGURADO CARGA {n}",
            PASSWORD,
            insurer_ids=["sec"],
            details={"policy_number": number, "insurer_id": "sec"},
        )
        session = requests.Session()
        login = session.post(
            f"{api}/v1/auth/login", json={"identifier": email, "password": PASSWORD}, timeout=60
        )
        login.raise_for_status()
        session.headers["Authorization"] = f"Bearer {login.json()['id_token']}"
        policy = session.get(f"{api}/v1/policy", timeout=60).json()
        titular = next(m["id"] for m in policy["members"] if m["relationship"] == "titular")
        claims = []
        for _ in range(CLAIMS_PER_INSURED):
            created = session.post(
                f"{api}/v1/claims",
                json=reimbursement(titular),
                timeout=60,
            )
            created.raise_for_status()
            claims.append(created.json()["id"])
        insured.append({"email": email, "claims": claims})

    # Affiliates (each a family of one) and a clinic with one agenda per day.
    affiliates = [
        {"email": email, "member_id": record.member_id}
        for record, email in seed_affiliates("carga", "8", AFFILIATES, run, PASSWORD)
    ]
    operator = Principal("load-operator", "operador", ("sec",))
    clinic = appointments.create_clinic(operator, ClinicIn(name=f"UMF CARGA {run}"))
    today = clock.now().astimezone(ZoneInfo("America/Mexico_City")).date()
    dates = []
    for offset in range(1, DAYS + 1):
        day = today + timedelta(days=offset)
        appointments.create_agenda(
            operator,
            AgendaIn(
                clinic_id=clinic.id,
                doctor=f"DRA. CARGA {run}",
                date=day,
                shift="matutino",
                slot_times=[
                    f"{8 + m // 3:02d}:{(m % 3) * 20:02d}" for m in range(SLOTS_PER_AGENDA)
                ],
                internet_quota=QUOTA_PER_AGENDA,
            ),
        )
        dates.append(day.isoformat())
    return {
        "password": PASSWORD,
        "insured": insured,
        "affiliates": affiliates,
        "clinic_id": clinic.id,
        "dates": dates,
    }


def _warm_up(api: str, data: dict[str, Any]) -> None:
    """One pass of each journey before measuring: modules imported on first use, the
    authorizer's keys and the clients are then in place, as in a warm Lambda container."""
    import requests

    def session(email: str) -> requests.Session:
        client = requests.Session()
        login = client.post(
            f"{api}/v1/auth/login", json={"identifier": email, "password": PASSWORD}, timeout=60
        )
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['id_token']}"
        return client

    insured = data["insured"][0]
    client = session(insured["email"])
    client.get(f"{api}/v1/claims", timeout=60).raise_for_status()
    client.get(f"{api}/v1/claims/{insured['claims'][0]}", timeout=60).raise_for_status()
    client.post(
        f"{api}/v1/claims/{insured['claims'][0]}/documents",
        json={"files": [{"name": "informe.pdf", "size": 1000, "doc_type": "informe_medico"}]},
        timeout=60,
    ).raise_for_status()
    affiliate = data["affiliates"][0]
    client = session(affiliate["email"])
    agenda = client.get(
        f"{api}/v1/agenda",
        params={"date": data["dates"][0], "clinic": data["clinic_id"]},
        timeout=60,
    )
    agenda.raise_for_status()
    slot = next(s["id"] for a in agenda.json()["items"] for s in a["slots"] if s["available"])
    booked = client.post(
        f"{api}/v1/appointments",
        json={"slot_id": slot, "patient_id": affiliate["member_id"]},
        timeout=60,
    )
    booked.raise_for_status()
    client.delete(f"{api}/v1/appointments/{booked.json()['id']}", timeout=60).raise_for_status()


def _oversold(api: str, data: dict[str, Any]) -> dict[str, Any]:
    """Per agenda: quota - remaining must equal the appointments still booked."""
    import requests

    booked: dict[str, int] = defaultdict(int)
    headers: dict[str, str] = {}
    for affiliate in data["affiliates"]:
        login = requests.post(
            f"{api}/v1/auth/login",
            json={"identifier": affiliate["email"], "password": PASSWORD},
            timeout=60,
        )
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['id_token']}"}
        upcoming = requests.get(
            f"{api}/v1/appointments",
            params={"view": "proximas", "limit": 100},
            headers=headers,
            timeout=60,
        ).json()["items"]
        for appointment in upcoming:
            if appointment["status"] == "agendada" and appointment["date"] in data["dates"]:
                booked[appointment["date"]] += 1
    agendas = []
    for day in data["dates"]:
        found = requests.get(
            f"{api}/v1/agenda",
            params={"date": day, "clinic": data["clinic_id"]},
            headers=headers,
            timeout=60,
        ).json()["items"]
        for agenda in found:
            taken = agenda["internet_quota"] - agenda["internet_remaining"]
            agendas.append(
                {
                    "date": day,
                    "quota": agenda["internet_quota"],
                    "remaining": agenda["internet_remaining"],
                    "booked": booked[day],
                    "consistent": agenda["internet_remaining"] >= 0 and taken == booked[day],
                }
            )
    return {"agendas": len(agendas), "all_consistent": all(a["consistent"] for a in agendas)}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def _server_times(log_text: str) -> dict[tuple[str, int], list[dict[str, float]]]:
    """The request lines of the stack's log, by (view, status)."""
    found: dict[tuple[str, int], list[dict[str, float]]] = defaultdict(list)
    for line in log_text.splitlines():
        if not line.startswith("{") or '"message":"request"' not in line.replace(" ", ""):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "aws_ms" not in entry:
            continue
        found[(entry["route"], int(entry["status"]))].append(
            {
                "duration": float(entry["duration_ms"]),
                "aws": float(entry["aws_ms"]),
                "calls": float(entry["aws_calls"]),
            }
        )
    return found


def _server_summary(lines: list[dict[str, float]]) -> dict[str, Any]:
    if not lines:
        return {"logged": 0}
    own = [line["duration"] - line["aws"] for line in lines]
    aws = [line["aws"] for line in lines]
    handler = [line["duration"] for line in lines]
    return {
        "logged": len(lines),
        "handler_ms": {"p50": _percentile(handler, 0.5), "p95": _percentile(handler, 0.95)},
        "project_ms": {"p50": _percentile(own, 0.5), "p95": _percentile(own, 0.95)},
        "aws_moto_ms": {"p50": _percentile(aws, 0.5), "p95": _percentile(aws, 0.95)},
        "aws_calls_per_request": round(statistics.fmean(line["calls"] for line in lines), 1),
    }


def _routes(stats_csv: Path, server: dict[tuple[str, int], list[dict[str, float]]]) -> Any:
    routes: dict[str, Any] = {}
    total: dict[str, Any] = {}
    with stats_csv.open() as file:
        for row in csv.DictReader(file):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "latency_ms": {
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                },
            }
            if row["Name"] == "Aggregated":
                total = figures
                continue
            view, status = ROUTES.get(row["Name"], (row["Name"], None))
            lines = [
                line
                for (logged_view, logged_status), found in server.items()
                if logged_view == view and (status is None or logged_status == status)
                for line in found
            ]
            routes[row["Name"]] = {**figures, "server": _server_summary(lines)}
    return routes, total


def _failures(failures_csv: Path) -> list[dict[str, Any]]:
    if not failures_csv.exists():
        return []
    with failures_csv.open() as file:
        return [
            {"route": row["Name"], "error": row["Error"][:300], "count": int(row["Occurrences"])}
            for row in csv.DictReader(file)
        ]


def _statuses(server: dict[tuple[str, int], list[dict[str, float]]]) -> dict[str, int]:
    return {f"{view} {status}": len(lines) for (view, status), lines in sorted(server.items())}


def _run_locust(
    api: str, data_file: Path, log: Path, prefix: Path, users: int, run_time: str
) -> dict[str, Any]:
    """One headless Locust run; its client figures joined with the stack's log lines."""
    offset = log.stat().st_size
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(LOCUSTFILE),
        "--headless", "--only-summary",
        "--host", api,
        "-u", str(users), "-r", str(SPAWN_RATE), "--run-time", run_time,
        "--stop-timeout", "5",
        "--csv", str(prefix),
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    locust = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "LOAD_DATA": str(data_file), "LOAD_MAX_REQUESTS": str(MAX_REQUESTS)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if locust.returncode != 0:
        raise RuntimeError(f"locust exited with {locust.returncode}:\n{locust.stderr[-4000:]}")
    time.sleep(1)  # the last answers' log lines
    with log.open(errors="replace") as file:
        file.seek(offset)
        server = _server_times(file.read())
    routes, total = _routes(Path(f"{prefix}_stats.csv"), server)
    return {
        "users": users,
        "spawn_rate": SPAWN_RATE,
        "run_time": run_time,
        "max_requests": MAX_REQUESTS,
        "total": total,
        "routes": routes,
        "failures": _failures(Path(f"{prefix}_failures.csv")),
        "server_statuses": _statuses(server),
    }


def main() -> None:
    import requests  # noqa: F401 - fail early when the dev dependencies are missing

    work = Path(tempfile.mkdtemp(prefix="portal-load-"))
    # The stack's request lines reach its log as they happen, not when a buffer fills.
    os.environ["PYTHONUNBUFFERED"] = "1"
    log = work / "stack.log"
    api_port, site_port, moto_port = free_port(), free_port(), free_port()
    began = time.perf_counter()
    phases: dict[str, float] = {}
    process = start_stack(log, api_port=api_port, site_port=site_port, moto_port=moto_port)
    api = f"http://127.0.0.1:{api_port}"
    try:
        wait_for_health(api, process, 120)
        phases["stack_start"] = round(time.perf_counter() - began, 1)
        print("stack up; preparing accounts", file=sys.stderr)
        data = _prepare(api, (api_port, site_port, moto_port))
        phases["prepare"] = round(time.perf_counter() - began - phases["stack_start"], 1)
        _warm_up(api, data)
        data_file = work / "data.json"
        data_file.write_text(json.dumps(data))
        print(f"light run: 2 users for {LIGHT_RUN_TIME}", file=sys.stderr)
        light = _run_locust(api, data_file, log, work / "light", 2, LIGHT_RUN_TIME)
        print(f"load run: {USERS} users for {RUN_TIME}", file=sys.stderr)
        load = _run_locust(api, data_file, log, work / "load", USERS, RUN_TIME)
        integrity = _oversold(api, data)
    finally:
        stop_stack_for_bench(process)
    result = {
        "bench": "load",
        "tool": "locust",
        "accounts": {
            "insured": INSURED,
            "claims_each": CLAIMS_PER_INSURED,
            "affiliates": AFFILIATES,
            "agendas": DAYS,
            "internet_quota_each": QUOTA_PER_AGENDA,
        },
        "light": light,
        "load": load,
        "quota_integrity": integrity,
        "seconds": {**phases, "total": round(time.perf_counter() - began, 1)},
        "note": "latency_ms is the client's (Locust); server.* comes from the stack's log: "
        "project_ms = duration_ms - aws_ms, aws_moto_ms is moto's time (not AWS). API, moto "
        "and the event pump share one Python process: under load each waits for the others.",
        "machine": machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
