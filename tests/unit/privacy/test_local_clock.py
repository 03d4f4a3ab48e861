"""The local stack's moved clock (infrastructure/local/clock_control.py), which lets a person
watch a deletion's purge years ahead: it only moves forward, `back` returns to the real
clock once the schedules ran, and a bad body is refused with a Spanish message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import clock
from infrastructure.local import clock_control


@pytest.fixture(autouse=True)
def real_clock() -> Iterator[None]:
    yield
    clock_control.move(days=0)


def test_the_clock_moves_ahead_by_days_or_to_a_day_and_comes_back() -> None:
    clock_control.move(days=10)
    assert clock.now() - datetime.now(UTC) > timedelta(days=9, hours=23)
    moved = clock_control.move(to="2031-12-08")
    assert moved["now"].startswith("2031-12-08")
    assert clock.now().date() == date(2031, 12, 8)
    answer = clock_control.handle({"to": "2032-01-01", "run": [], "back": True})
    assert answer["now"].startswith("2032-01-01")
    assert answer["back"] is True
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    "body",
    [{}, {"days": -1}, {"days": 1, "to": "2031-01-01"}, {"days": 1, "run": "run_data_requests"}],
)
def test_a_bad_body_is_refused_and_the_clock_stays(body: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"[a-záéíóú]"):
        clock_control.handle(body)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
