"""One way of writing days, moments and money in emails and exports (chalicelib/kernel/formats.py),
the same as the site's static_site/js/format.js."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.kernel import formats


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (date(2026, 12, 7), "7 dic 2026"),
        ("2026-01-31", "31 ene 2026"),
        (datetime(2026, 5, 3, 23, 0, tzinfo=UTC), "3 may 2026"),
    ],
)
def test_a_day_is_day_month_year(value: date | str, said: str) -> None:
    assert formats.day(value) == said


def test_a_moment_is_said_on_the_insurers_clock_never_utc() -> None:
    late = "2026-12-08T02:48:00+00:00"  # still the 7th in Mexico City and Santiago
    assert formats.moment(late) == "7 dic 2026, 20:48 h"
    assert formats.moment(late, formats.zone_of("CL")) == "7 dic 2026, 23:48 h"
    assert formats.moment("2026-12-07T20:48:00") == "7 dic 2026, 14:48 h"  # no offset: UTC
    assert formats.clock_time(datetime(2026, 12, 7, 8, 5, tzinfo=UTC)) == "02:05 h"
    assert formats.zone_of(None) is formats.MEXICO_CITY


@pytest.mark.parametrize(
    ("centavos", "said"),
    [(135000, "$1,350.00"), (5, "$0.05"), (0, "$0.00"), (-123456789, "-$1,234,567.89")],
)
def test_pesos_mexicanos(centavos: int, said: str) -> None:
    assert formats.mxn(centavos) == said


@pytest.mark.parametrize(
    ("pesos", "said"), [(45000, "$45.000"), (592199, "$592.199"), (0, "$0"), (-1500, "-$1.500")]
)
def test_pesos_chilenos(pesos: int, said: str) -> None:
    assert formats.clp(pesos) == said
