"""Accounts on moto in-process: a small roster and registry, emails delivered on demand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import requests

from chalicelib import clock
from chalicelib.accounts import jwt_verify
from chalicelib.accounts import service as accounts
from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer, Member, Policy
from chalicelib.registry import service as registry
from chalicelib.registry.service import AffiliateRecord
from tests.fixtures.clock import Clock
from tests.fixtures.mail import readable

PASSWORD = "una frase larga segura"
START = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


@pytest.fixture
def moved_clock() -> Iterator[Clock]:
    controlled = Clock.installed(START)
    yield controlled
    clock.set_clock(None)


def drain(queue_name: str, handle: Callable[[str], None]) -> None:
    """Run every message of a queue through its consumer, as the SQS trigger does."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return
        for message in messages:
            handle(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@dataclass
class Mailbox:
    """Delivers the outbox (as the SQS consumer does) and reads what SES sent."""

    def deliver(self) -> None:
        """Carry out queued reset/activation requests, then send the outbox."""
        drain("portal-test-account-requests", accounts.handle_request)
        drain("portal-test-email-outbox", notifications.deliver)

    def sent(self) -> list[Any]:
        from moto.ses.models import ses_backends

        self.deliver()
        return [readable(m) for m in ses_backends["123456789012"]["us-east-1"].sent_messages]

    def to(self, address: str) -> list[Any]:
        return [m for m in self.sent() if address in m.destinations.get("ToAddresses", [])]

    def last_link(self, address: str, page: str) -> str:
        for message in reversed(self.to(address)):
            found = re.search(rf"{re.escape(page)}#token=([\w-]+)", message.body)
            if found:
                return found.group(1)
        raise AssertionError(f"no {page} link sent to {address}")


@pytest.fixture
def accounts_world(aws: dict[str, Any], moved_clock: Clock) -> Iterator[Mailbox]:
    # moto serves the pool's JWKS to the requests library it mocks.
    jwt_verify.fetch_jwks = lambda url: requests.get(url, timeout=5).json()
    jwt_verify.reset_cache()
    notifications._queue_url.cache_clear()
    sec = Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8")
    policies.load_roster(
        sec,
        [
            Policy(
                "sec",
                "GMM-2026-0048213",
                "MARIA FERNANDA LOPEZ HERNANDEZ",
                [Member("m1", "MARIA FERNANDA LOPEZ HERNANDEZ", "titular")],
                ["gmm_mayores"],
            ),
            Policy(
                "sec",
                "GMM-2026-0090001",
                "ASEGURADO PRUEBA 001",
                [Member("m2", "ASEGURADO PRUEBA 001", "titular")],
                ["gmm_mayores"],
            ),
        ],
    )
    registry.load(
        [
            AffiliateRecord("a1", "90000000001", "S9000000000", "AFILIADO PRUEBA 000", "sec"),
            AffiliateRecord("a2", "12345678903", "SERIE-0001", "JOSE LUIS HERNANDEZ RUIZ", "sec"),
        ]
    )
    yield Mailbox()
    jwt_verify.fetch_jwks = None
    jwt_verify.reset_cache()
