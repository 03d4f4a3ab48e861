"""Do the account answers tell by their timing whether an account exists? (`make bench-timing`)

Starts the local stack (as `make run` does) on free ports, seeds its own affiliates, then
times, interleaved so that drift hits both sides alike, the answers an attacker can ask for
with nothing but an identifier:

- password reset (`POST /v1/auth/password-reset`): an active account vs an unknown email;
- resend activation (`POST /v1/accounts/resend-activation`): a pending account vs unknown;
- log-in with a wrong password (`POST /v1/auth/login` → 401): an account vs unknown;
- log-in once locked (→ 429): a locked account vs a locked unknown identifier.

Each log-in sample uses an identifier at most 4 times (the fifth wrong password locks it), so
the 401s are never 429s. Prints one JSON line: the median and p90 of each side in ms, their
difference, the samples, and the machine. The figures are the local stack's (moto in one
process), not AWS's: what matters is the difference between the two sides.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from _local import use_local_stack  # noqa: E402
from _machine import machine  # noqa: E402

from tests.fixtures.stack import free_port, start_stack, stop_stack_for_bench, wait_for_health  # noqa: E402

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "120"))
PASSWORD = "una frase larga para medir"  # noqa: S105 - accounts of a throwaway local stack
WRONG_TRIES = 4  # below the lock


def _seed(ports: tuple[int, int, int], accounts_needed: int) -> tuple[list[str], list[str]]:
    """Active affiliates (emails) and pending ones (emails), seeded directly."""
    use_local_stack(*ports)

    from stdnum import luhn

    from chalicelib.accounts import service as accounts
    from chalicelib.registry import service as registry
    from chalicelib.registry.service import AffiliateRecord

    run = uuid.uuid4().hex[:6].upper()
    active = []
    for n in range(accounts_needed):
        nss = f"6{n:09d}" + luhn.calc_check_digit(f"6{n:09d}")
        email = f"timing-{run.lower()}-{n}@example.mx"
        accounts.seed_active_account(
            "afiliado",
            email,
            f"AFILIADO TIEMPO {n}",
            PASSWORD,
            details={"nss": nss, "credential_serial": f"T{run}{n}"},
        )
        active.append(email)
    # Pending accounts come from real registrations (the registry says who may register).
    records = [
        AffiliateRecord(
            f"timing-{run}-p{n}",
            f"5{n:09d}" + luhn.calc_check_digit(f"5{n:09d}"),
            f"P{run}{n}",
            f"AFILIADO PENDIENTE {n}",
            "sec",
        )
        for n in range(4)
    ]
    registry.load(records)
    pending = []
    for n, record in enumerate(records):
        email = f"pending-{run.lower()}-{n}@example.mx"
        from chalicelib.accounts.schemas import AffiliateRegistration

        accounts.register_affiliate(
            AffiliateRegistration.model_validate(
                {
                    "nss": record.nss,
                    "credential_serial": record.credential_serial,
                    "phone": "5512345678",
                    "email": email,
                }
            )
        )
        pending.append(email)
    return active, pending


def _timed(session: Any, url: str, body: dict[str, str], expected: int) -> float:
    started = time.perf_counter()
    answer = session.post(url, json=body, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != expected:
        raise RuntimeError(f"{url} answered {answer.status_code}, not {expected}: {answer.text}")
    return elapsed


def _summary(known: list[float], unknown: list[float]) -> dict[str, Any]:
    def side(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
        }

    return {
        "samples": len(known),
        "known": side(known),
        "unknown": side(unknown),
        "median_difference_ms": round(statistics.median(known) - statistics.median(unknown), 2),
    }


def _interleaved(samples: int, known: Any, unknown: Any) -> tuple[list[float], list[float]]:
    known_times: list[float] = []
    unknown_times: list[float] = []
    for n in range(samples):
        first, second = (known, unknown) if n % 2 == 0 else (unknown, known)
        for measure in (first, second):
            (known_times if measure is known else unknown_times).append(measure(n))
    return known_times, unknown_times


def main() -> None:
    import requests

    log = Path(os.environ.get("BENCH_LOG", Path(tempfile.gettempdir()) / "bench-timing.log"))
    api_port, site_port, moto_port = free_port(), free_port(), free_port()
    process = start_stack(log, api_port=api_port, site_port=site_port, moto_port=moto_port)
    api = f"http://127.0.0.1:{api_port}"
    results: dict[str, Any] = {}
    try:
        wait_for_health(api, process, 120)
        logins = SAMPLES // WRONG_TRIES + 1
        active, pending = _seed((api_port, site_port, moto_port), logins + 2)
        session = requests.Session()
        reset = f"{api}/v1/auth/password-reset"
        resend = f"{api}/v1/accounts/resend-activation"
        login = f"{api}/v1/auth/login"
        nobody = [f"nadie-{uuid.uuid4().hex[:10]}@example.mx" for _ in range(logins + 2)]

        for _ in range(10):  # warm up both paths
            _timed(session, reset, {"identifier": active[0]}, 202)
            _timed(session, reset, {"identifier": nobody[0]}, 202)
        results["password_reset"] = _summary(
            *_interleaved(
                SAMPLES,
                lambda n: _timed(session, reset, {"identifier": active[n % len(active)]}, 202),
                lambda n: _timed(session, reset, {"identifier": nobody[n % len(nobody)]}, 202),
            )
        )
        results["resend_activation"] = _summary(
            *_interleaved(
                SAMPLES,
                lambda n: _timed(session, resend, {"identifier": pending[n % len(pending)]}, 202),
                lambda n: _timed(session, resend, {"identifier": nobody[n % len(nobody)]}, 202),
            )
        )

        def wrong(identifiers: list[str]) -> Any:
            return lambda n: _timed(
                session,
                login,
                {"identifier": identifiers[n // WRONG_TRIES], "password": "no es la clave"},
                401,
            )

        results["login_wrong_password"] = _summary(
            *_interleaved(SAMPLES, wrong(active[1:]), wrong(nobody[1:]))
        )
        # Lock one of each (the fifth wrong attempt), then time the 429s.
        locked_known, locked_unknown = active[-1], nobody[-1]
        for identifier in (locked_known, locked_unknown):
            for _ in range(5):
                session.post(login, json={"identifier": identifier, "password": "x"}, timeout=60)
        results["login_locked"] = _summary(
            *_interleaved(
                SAMPLES,
                lambda n: _timed(
                    session, login, {"identifier": locked_known, "password": PASSWORD}, 429
                ),
                lambda n: _timed(
                    session, login, {"identifier": locked_unknown, "password": PASSWORD}, 429
                ),
            )
        )
    finally:
        stop_stack_for_bench(process)
    print(
        json.dumps({"bench": "account_timing", **results, "machine": machine()}, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
