"""The current time, in one place, so tests can move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Aware UTC now."""
    return _now()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (tests); None restores the system clock."""
    global _now
    _now = source or (lambda: datetime.now(UTC))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
