"""Races against a moto *server* (not `mock_aws`, which runs one call at a time).

A child process starts moto's `ThreadedMotoServer`, creates the resources of the definition
on it, and calls the booking service from many threads at once over HTTP, as concurrent Lambda
invocations would:
- 200 patients race for 200 free slots of one agenda whose internet quota is 20: exactly 20
  bookings and 180 clear refusals (`internet_quota_exhausted`);
- after 5 cancellations, 50 more patients race again for those slots and others: exactly 5
  more bookings;
- one patient races 20 requests for 20 different slots of the same day: exactly one booking.

moto's server handles requests on many threads without a lock, so its DynamoDB is not atomic
the way DynamoDB is (a transaction deep-copies tables while other requests change them, and
fails with a 500). The child serializes moto's DynamoDB operations, as DynamoDB's own
item-level atomicity would: the test then checks our conditions, not moto's thread safety.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from typing import Any

from tests.fixtures.stack import ROOT, free_port


def test_two_hundred_threads_never_exceed_the_internet_quota() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))},
        "RACE_MOTO_PORT": str(free_port()),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.service.appointments.test_concurrency"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    first = result["first"]
    assert first["booked"] == 20
    assert first["refused"] == {"internet_quota_exhausted": 180}
    assert result["after_first"] == {"internet_remaining": 0, "slots_taken": 20}

    assert result["cancelled"] == 5
    second = result["second"]
    assert second["booked"] == 5
    assert sum(second["refused"].values()) == 45
    assert set(second["refused"]) <= {"internet_quota_exhausted", "slot_taken"}
    assert result["after_second"] == {"internet_remaining": 0, "slots_taken": 20}

    same_day = result["same_patient"]
    assert same_day["booked"] == 1
    assert same_day["refused"] == {"already_booked_that_day": 19}
    assert result["after_same_patient"]["internet_remaining"] == 49


# --- the child process ---------------------------------------------------------------------


def _race(calls: list[tuple[str, Any]], warm_up: Any) -> dict[str, Any]:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib import errors

    barrier = threading.Barrier(len(calls))

    def attempt(tagged: tuple[str, Any]) -> tuple[str, str | None]:
        tag, call = tagged
        warm_up()  # connections open before the start, so the race is the bookings' alone
        barrier.wait()
        try:
            call()
            return "ok", tag
        except errors.DomainError as exc:
            return exc.error_code, None

    warm_up()  # the shared client is built once here, not by 200 threads at once
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        outcomes = list(pool.map(attempt, calls))
    print(f"race of {len(calls)}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    refused = Counter(code for code, _ in outcomes if code != "ok")
    return {
        "booked": sum(1 for code, _ in outcomes if code == "ok"),
        "refused": dict(refused),
        "tags": [tag for code, tag in outcomes if code == "ok"],
    }


def _state(agenda_id: str) -> dict[str, int]:
    from chalicelib.appointments import repository

    agenda = repository.get_agenda(agenda_id, consistent=True)
    assert agenda is not None
    taken = sum(
        1
        for minutes in range(200)
        if repository.slot_is_free(
            agenda_id, f"{6 + (minutes * 5) // 60:02d}:{(minutes * 5) % 60:02d}"
        )
        is False
    )
    return {"internet_remaining": agenda.internet_remaining, "slots_taken": taken}


def _serve_moto(port: int) -> Any:
    """moto's server on `port`, its DynamoDB operations serialized, with every resource."""
    import logging
    import threading

    import boto3
    from moto.dynamodb.models import DynamoDBBackend
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import BaseWSGIServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    lock = threading.RLock()
    for name in (
        "get_item",
        "put_item",
        "update_item",
        "delete_item",
        "query",
        "batch_write_item",
        "transact_write_items",
        "transact_get_items",
    ):
        original = getattr(DynamoDBBackend, name)

        def serialized(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(*args, **kwargs)

        setattr(DynamoDBBackend, name, serialized)
    # moto backs up the whole table once per item of a transaction (four times for a
    # booking); under the lock the copies are identical, so one per table and transaction
    # does: the race's time is then the bookings', not the backups'.
    import copy

    import moto.dynamodb.models as dynamodb_models

    class _OneCopyPerTable:
        memo: dict[int, Any] | None = None

        def deepcopy(self, value: Any) -> Any:
            if self.memo is None:
                return copy.deepcopy(value)
            if id(value) not in self.memo:
                self.memo[id(value)] = copy.deepcopy(value)
            return self.memo[id(value)]

    copies = _OneCopyPerTable()
    dynamodb_models.copy = copies
    transact = DynamoDBBackend.transact_write_items

    def transact_once(*args: Any, **kwargs: Any) -> Any:
        with lock:
            copies.memo = {}
            try:
                return transact(*args, **kwargs)
            finally:
                copies.memo = None

    DynamoDBBackend.transact_write_items = transact_once
    # 200 clients connect at once: a listen backlog of 128 would drop some of them.
    BaseWSGIServer.request_queue_size = 1024
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    from infrastructure.local.bootstrap import bootstrap

    outputs = bootstrap(
        boto3.session.Session(),
        prefix=os.environ["RESOURCE_PREFIX"],
        region="us-east-1",
        site_origin="http://127.0.0.1:8080",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
    )
    os.environ.update(outputs)
    return server


def main() -> None:
    port = int(os.environ["RACE_MOTO_PORT"])
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "RESOURCE_PREFIX": "portal-race-",
            "STAGE": "race",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    server = _serve_moto(port)
    try:
        _races()
    finally:
        server.stop()


def _races() -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from chalicelib import clock
    from chalicelib.appointments import repository, service
    from chalicelib.appointments.schemas import (
        AgendaIn,
        AgendaOut,
        AppointmentsQuery,
        ClinicIn,
        Shift,
    )
    from chalicelib.auth import Principal
    from chalicelib.registry.service import Booker, Member

    run = uuid.uuid4().hex[:8]
    operator = Principal(f"race-operator-{run}", "operador", ("sec",))
    tomorrow = clock.now().astimezone(ZoneInfo("America/Mexico_City")).date() + timedelta(days=1)
    clinic = service.create_clinic(operator, ClinicIn(name=f"UMF Carrera {run}"))
    times = [f"{6 + (m * 5) // 60:02d}:{(m * 5) % 60:02d}" for m in range(200)]

    def agenda_of(doctor: str, shift: Shift, count: int, quota: int) -> AgendaOut:
        """Tomorrow's agenda of `doctor` at the race's clinic, with the first `count` times."""
        body = AgendaIn(
            clinic_id=clinic.id,
            doctor=doctor,
            date=tomorrow,
            shift=shift,
            slot_times=times[:count],
            internet_quota=quota,
        )
        return service.create_agenda(operator, body)

    agenda = agenda_of(f"DRA. CARRERA {run}", "matutino", 200, quota=20)

    def patient(tag: str) -> tuple[Booker, Member]:
        member = Member(f"race-{run}-{tag}", "00000000000", f"PACIENTE {tag}")
        who = Booker(
            f"acct-{run}-{tag}", f"RACE-{run}-{tag}", member.member_id, (member,), (), "sec"
        )
        return who, member

    def booking(tag: str, slot_id: str) -> tuple[str, Any]:
        who, member = patient(tag)
        return tag, lambda: service.book_for(who, member, slot_id)

    slots = agenda.slots

    def warm_up() -> None:
        repository.get_agenda(agenda.id)

    first = _race([booking(f"a{i}", slots[i].id) for i in range(200)], warm_up)
    after_first = _state(agenda.id)

    cancelled = 0
    for tag in first["tags"][:5]:
        who, _ = patient(tag)
        (appointment,) = service.appointments_for(who, AppointmentsQuery(view="proximas")).items
        service.cancel_for(who, appointment.id)
        cancelled += 1

    # The second round races for the 20 slots of the first round's bookings (5 of them free
    # again) and 30 slots never taken: only the 5 places given back can be booked.
    booked_slots = [int(tag[1:]) for tag in first["tags"]]
    never_taken = [i for i in range(200) if i not in booked_slots][:30]
    second = _race([booking(f"b{i}", slots[i].id) for i in booked_slots + never_taken], warm_up)
    after_second = _state(agenda.id)

    other = agenda_of(f"DR. MISMO DIA {run}", "vespertino", 50, quota=50)
    who, member = patient("same")
    same_patient = _race(
        [
            (f"same-{n}", lambda slot=slot: service.book_for(who, member, slot.id))
            for n, slot in enumerate(other.slots[:20])
        ],
        warm_up,
    )
    other_now = repository.get_agenda(other.id, consistent=True)
    assert other_now is not None
    for outcome in (first, second, same_patient):
        outcome.pop("tags")
    print(
        json.dumps(
            {
                "first": first,
                "after_first": after_first,
                "cancelled": cancelled,
                "second": second,
                "after_second": after_second,
                "same_patient": same_patient,
                "after_same_patient": {"internet_remaining": other_now.internet_remaining},
            }
        )
    )


if __name__ == "__main__":
    main()
