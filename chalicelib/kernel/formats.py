"""How dates, times and money read in what the platform writes for a person: emails, exports,
printable texts. The same convention as the site's `static_site/js/format.js`:

- a day: `7 dic 2026` (day, abbreviated month, year; no leading zero);
- a moment: `7 dic 2026, 14:48 h`, on the clock of the insurer's country (Mexico City for
  Mexico, Santiago for Chile), never raw UTC;
- money: `$1,350.00` (MXN, centavos) and `$45.000` (CLP, whole pesos).

Machine files (CSV for loaders, ISO dates in the API) keep their own formats.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
SANTIAGO: Final = ZoneInfo("America/Santiago")
_ZONES: Final = {"MX": MEXICO_CITY, "CL": SANTIAGO}
MONTHS: Final = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def zone_of(country: str | None) -> ZoneInfo:
    """The clock of an insurer's country ("MX", "CL"); Mexico City when it is not known."""
    return _ZONES.get((country or "").upper(), MEXICO_CITY)


def day(value: date | datetime | str) -> str:
    """`date(2026, 12, 7)` or `"2026-12-07"` → `7 dic 2026` (a moment is read as its day)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _local(value: datetime | str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored instants are UTC
    return moment.astimezone(zone)


def clock_time(value: datetime | str, zone: ZoneInfo = MEXICO_CITY) -> str:
    """`14:48 h`: the hour on the 24-hour clock of `zone`."""
    return f"{_local(value, zone):%H:%M} h"


def moment(value: datetime | str, zone: ZoneInfo = MEXICO_CITY) -> str:
    """`2026-12-07T20:48:00Z` → `7 dic 2026, 14:48 h` on Mexico City's clock (or `zone`'s)."""
    local = _local(value, zone)
    return f"{day(local)}, {local:%H:%M} h"


def mxn(centavos: int) -> str:
    """`135000` → `$1,350.00`."""
    pesos = Decimal(centavos) / 100
    return f"{'-' if centavos < 0 else ''}${abs(pesos):,.2f}"


def clp(pesos: int) -> str:
    """`45000` → `$45.000`."""
    return f"{'-' if pesos < 0 else ''}${abs(pesos):,}".replace(",", ".")
