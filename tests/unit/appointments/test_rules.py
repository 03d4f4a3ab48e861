"""Booking rules without AWS: slot ids, the booking window, cancelling, agenda input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib import errors
from chalicelib.appointments import rules
from chalicelib.appointments.schemas import AgendaIn

ZONE = "America/Mexico_City"
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 11:00 in Mexico City


@given(
    agenda=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_slot_ids_round_trip(agenda: str, hour: int, minute: int) -> None:
    time = f"{hour:02d}:{minute:02d}"
    assert rules.split_slot_id(rules.slot_id(agenda, time)) == (agenda, time)


@pytest.mark.parametrize(
    "value", ["", "x", "a" * 32, "a" * 32 + ".2400", "a" * 32 + ".0960", "A" * 32 + ".0900"]
)
def test_malformed_slot_ids_are_not_found(value: str) -> None:
    with pytest.raises(errors.NotFound):
        rules.split_slot_id(value)


def test_slot_start_is_in_the_clinic_zone() -> None:
    start = rules.slot_start(date(2026, 11, 26), "09:00", ZONE)
    assert start.astimezone(UTC) == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "time", "allowed"),
    [
        (date(2026, 11, 25), "10:59", False),  # already past
        (date(2026, 11, 25), "11:00", False),  # starting right now
        (date(2026, 11, 25), "11:01", True),
        (date(2026, 12, 9), "19:40", True),  # the 14th day ahead, late
        (date(2026, 12, 10), "07:00", False),  # the 15th day
    ],
)
def test_booking_window_edges(day: date, time: str, allowed: bool) -> None:
    window = rules.BookingWindow(days=14)
    start = rules.slot_start(day, time, ZONE)
    if allowed:
        window.check(start, NOW, ZONE)
    else:
        with pytest.raises(rules.OutsideBookingWindow):
            window.check(start, NOW, ZONE)


def test_window_counts_days_in_the_clinic_zone_not_utc() -> None:
    # 23:30 on the 25th in Mexico City is already the 26th in UTC.
    late = datetime(2026, 11, 26, 5, 30, tzinfo=UTC)
    window = rules.BookingWindow(days=1)
    window.check(rules.slot_start(date(2026, 11, 26), "20:00", ZONE), late, ZONE)
    with pytest.raises(rules.OutsideBookingWindow):
        window.check(rules.slot_start(date(2026, 11, 27), "08:00", ZONE), late, ZONE)


def test_cancel_until_start() -> None:
    start = NOW + timedelta(minutes=1)
    assert rules.can_cancel(start, NOW)
    assert not rules.can_cancel(NOW, NOW)


def test_only_general_medicine_with_the_explanation() -> None:
    rules.require_general_medicine("consulta_externa_general")
    with pytest.raises(rules.ServiceNotOffered) as refused:
        rules.require_general_medicine("pediatria")
    assert refused.value.error_code == "service_not_offered"
    assert "médico familiar" in refused.value.error_message


def _agenda(**changes: object) -> AgendaIn:
    data: dict[str, object] = {
        "clinic_id": "c1",
        "doctor": "DRA. LAURA MEDINA",
        "date": "2026-11-26",
        "shift": "matutino",
        "slot_times": ["09:20", "09:00"],
        "internet_quota": 1,
    }
    data.update(changes)
    return AgendaIn.model_validate(data)


def test_agenda_input_sorts_slots_and_checks_the_quota() -> None:
    assert _agenda().slot_times == ["09:00", "09:20"]
    for bad in (
        {"internet_quota": 3},
        {"internet_quota": -1},
        {"slot_times": ["09:00", "09:00"]},
        {"slot_times": ["9:00"]},
        {"slot_times": []},
        {"shift": "nocturno"},
        {"extra": 1},
    ):
        with pytest.raises(ValidationError):
            _agenda(**bad)
