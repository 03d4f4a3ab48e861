"""The main journeys under load (Locust), against a prepared local stack: see bench/load.py.

`LOAD_DATA` names a JSON file the driver writes before the run: insured accounts with their
draft claims, affiliates with their member id, the clinic and the agenda dates, the password.
Each simulated user takes the next account (round robin), logs in, then repeats its tasks:

- insured (asegurado): list claims, read one, ask for an upload slot (one file), log in again;
- affiliate (afiliado): look at a day's agenda, book a free place and cancel it at once (so
  the internet quota and the one-appointment-per-day rule never run out during the run), log
  in again.

A booking the stack refuses with 409 (the place was taken meanwhile, the quota is used up,
the patient already has that day) is an expected answer under contention: it is reported as
its own row, "POST /v1/appointments (409 expected)", not as a failure. Every other status
outside the one each route documents for success is a failure.

`LOAD_MAX_REQUESTS` caps the run's requests: past it the runner stops, whatever the time.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

with open(os.environ["LOAD_DATA"]) as _file:
    DATA: dict[str, Any] = json.load(_file)

PASSWORD: str = DATA["password"]
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
# Upload slots per claim stop short of the per-owner file limit (50).
SLOTS_PER_CLAIM = int(DATA.get("slots_per_claim", 45))

_insured = itertools.cycle(DATA["insured"])
_affiliates = itertools.cycle(DATA["affiliates"])
_requests = 0


@events.request.add_listener
def _cap(**_: Any) -> None:
    """Stop the whole run once the request cap is reached."""
    global _requests
    _requests += 1
    if MAX_REQUESTS and _requests == MAX_REQUESTS:
        environment: Environment | None = _environment
        if environment is not None and environment.runner is not None:
            gevent.spawn(environment.runner.quit)


_environment: Environment | None = None


@events.init.add_listener
def _keep_environment(environment: Environment, **_: Any) -> None:
    global _environment
    _environment = environment


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    email = ""
    headers: dict[str, str]

    def log_in(self) -> None:
        with self.client.post(
            "/v1/auth/login",
            json={"identifier": self.email, "password": PASSWORD},
            name="POST /v1/auth/login",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200 or not answer.json().get("id_token"):
                answer.failure(f"log-in answered {answer.status_code}: {answer.text[:160]}")
                return
            self.headers = {"Authorization": f"Bearer {answer.json()['id_token']}"}

    @task(1)
    def login_again(self) -> None:
        self.log_in()


class InsuredUser(PortalUser):
    weight = 1

    def on_start(self) -> None:
        account = next(_insured)
        self.email = account["email"]
        self.claims: list[str] = list(account["claims"])
        self.slots = dict.fromkeys(self.claims, 0)
        self.log_in()

    @task(3)
    def list_claims(self) -> None:
        self.client.get(
            "/v1/claims",
            params={"view": "actuales"},
            headers=self.headers,
            name="GET /v1/claims",
        )

    @task(3)
    def claim_detail(self) -> None:
        claim_id = random.choice(self.claims)  # noqa: S311 - picking a claim, not a secret
        self.client.get(
            f"/v1/claims/{claim_id}", headers=self.headers, name="GET /v1/claims/{claim_id}"
        )

    @task(2)
    def upload_slot(self) -> None:
        room = [claim for claim, used in self.slots.items() if used < SLOTS_PER_CLAIM]
        if not room:
            return
        claim_id = random.choice(room)  # noqa: S311
        self.slots[claim_id] += 1
        with self.client.post(
            f"/v1/claims/{claim_id}/documents",
            json={
                "files": [
                    {
                        "name": "informe-medico.pdf",
                        "size": 180_000,
                        "content_type": "application/pdf",
                        "doc_type": "informe_medico",
                    }
                ]
            },
            headers=self.headers,
            name="POST /v1/claims/{claim_id}/documents",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"slots answered {answer.status_code}: {answer.text[:160]}")


class AffiliateUser(PortalUser):
    weight = 1

    def on_start(self) -> None:
        account = next(_affiliates)
        self.email = account["email"]
        self.member_id: str = account["member_id"]
        self.free: list[str] = []
        self.log_in()

    @task(3)
    def agenda(self) -> None:
        day = random.choice(DATA["dates"])  # noqa: S311
        with self.client.get(
            "/v1/agenda",
            params={"date": day, "clinic": DATA["clinic_id"]},
            headers=self.headers,
            name="GET /v1/agenda",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"agenda answered {answer.status_code}: {answer.text[:160]}")
                return
            self.free = [
                slot["id"]
                for agenda in answer.json()["items"]
                if agenda["internet_remaining"] > 0
                for slot in agenda["slots"]
                if slot["available"]
            ]

    @task(2)
    def book_and_cancel(self) -> None:
        if not self.free:
            self.agenda()
        if not self.free:
            return
        slot_id = self.free.pop(random.randrange(len(self.free)))  # noqa: S311
        appointment_id = None
        with self.client.post(
            "/v1/appointments",
            json={"slot_id": slot_id, "patient_id": self.member_id},
            headers=self.headers,
            name="POST /v1/appointments",
            catch_response=True,
        ) as answer:
            if answer.status_code == 201:
                appointment_id = answer.json()["id"]
            elif answer.status_code == 409:
                # Contention the stack resolves correctly: its own row, not a failure.
                answer.request_meta["name"] = "POST /v1/appointments (409 expected)"
                answer.success()
            else:
                answer.failure(f"booking answered {answer.status_code}: {answer.text[:160]}")
        if appointment_id is None:
            return
        with self.client.delete(
            f"/v1/appointments/{appointment_id}",
            headers=self.headers,
            name="DELETE /v1/appointments/{appointment_id}",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"cancel answered {answer.status_code}: {answer.text[:160]}")
