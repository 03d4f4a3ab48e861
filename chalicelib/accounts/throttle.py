"""Log-in throttling arithmetic: 5 failures within 15 minutes lock the rest of the window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempts:
    failures: int
    window_started: datetime


def is_locked(attempts: Attempts | None, now: datetime) -> bool:
    if attempts is None or now - attempts.window_started >= WINDOW:
        return False
    return attempts.failures >= MAX_FAILURES


def after_failure(attempts: Attempts | None, now: datetime) -> Attempts:
    if attempts is None or now - attempts.window_started >= WINDOW:
        return Attempts(failures=1, window_started=now)
    return Attempts(failures=attempts.failures + 1, window_started=attempts.window_started)


def window_end(attempts: Attempts) -> datetime:
    return attempts.window_started + WINDOW
