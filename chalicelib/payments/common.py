"""Helpers the payments service modules share: Mexico City's today, amounts and dates as
the member reads them, links to the site, dispatching staged emails and the request limits
of the anonymous routes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib import clock, errors
from chalicelib.config import get_settings
from chalicelib.kernel import formats
from chalicelib.notifications import service as notifications
from chalicelib.payments import money
from chalicelib.payments import repository as repo
from chalicelib.payments.schemas import Money

MEXICO_CITY = ZoneInfo("America/Mexico_City")
# Anonymous routes: requests per 15-minute window (WAF limits per IP on AWS as well).
LIMIT_WINDOW = timedelta(minutes=15)
LIMITS = {"lookup-ip": 30, "lookup-rfc": 10, "pay-ip": 30}
MONTH_NAMES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def local_today() -> date:
    return clock.now().astimezone(MEXICO_CITY).date()


def as_money(cents: int) -> Money:
    return Money(amount=money.to_decimal_string(cents), currency="MXN")


def long_date(day: date) -> str:
    """`7 dic 2026`: the platform's one way of writing a day (chalicelib/kernel/formats.py)."""
    return formats.day(day)


def site_link(page: str) -> str:
    return f"{get_settings().site_url}/{page}"


def limit_requests(scope: str, key: str) -> None:
    now = clock.now()
    start = datetime.fromtimestamp(
        now.timestamp() // LIMIT_WINDOW.total_seconds() * LIMIT_WINDOW.total_seconds(), UTC
    )
    # Hashed: an RFC or an address typed by anyone is not kept in a key in clear.
    hashed = hashlib.sha256(key.encode("utf-8")).hexdigest()
    if repo.count_request(scope, hashed, start) > LIMITS[scope]:
        raise errors.TooManyAttempts(
            "Hiciste muchas consultas seguidas. Espera unos minutos y vuelve a intentarlo."
        )


def dispatch(ids: list[str]) -> None:
    notifications.dispatch(ids)
