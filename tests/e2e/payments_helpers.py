"""Helpers of the payments e2e tests: the emails of the local stack's outbox."""

from __future__ import annotations

import time
from typing import Any

import requests

from tests.fixtures.stack import LocalStack


def emails_to(stack: LocalStack, address: str, subject: str, seconds: float = 15) -> list[Any]:
    deadline = time.monotonic() + seconds
    found: list[Any] = []
    while time.monotonic() < deadline:
        messages = requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json()
        found = [m for m in messages if address in m["to"] and subject in m["subject"]]
        if found:
            return found
        time.sleep(0.3)
    return found
