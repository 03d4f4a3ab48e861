"""Payment reference formats and their check digits (pure; python-stdnum does the arithmetic).

Store (`tienda`), 16 digits, Luhn check digit (what convenience-store networks use):
    `7` · member number (8) · months (2) · serial (4) · Luhn (1)       e.g. `7482913560303410`
Bank (`banco`), 18 digits, ISO 7064 MOD 97-10 check digits (as in IBAN):
    `8` · member number (8) · months (2) · serial (5) · MOD 97-10 (2)  e.g. `848291356030341292`

The serial tells apart references for the same membership and months over time; each
reference is also a record that binds it to its amount and expiry.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Literal

from stdnum import luhn
from stdnum.iso7064 import mod_97_10

Method = Literal["tienda", "banco"]
_PREFIX: dict[str, str] = {"tienda": "7", "banco": "8"}
_SERIAL_DIGITS: dict[str, int] = {"tienda": 4, "banco": 5}
_LENGTH: dict[str, int] = {"tienda": 16, "banco": 18}
MEMBER_NUMBER = re.compile(r"^[1-9]\d{7}$")


@dataclass(frozen=True)
class ParsedReference:
    method: Method
    member_number: str
    months: int
    serial: str


def _body(method: Method, member_number: str, months: int, serial: str) -> str:
    if not MEMBER_NUMBER.match(member_number):
        raise ValueError("member number must be 8 digits")
    if not 1 <= months <= 99:
        raise ValueError("months out of range")
    return f"{_PREFIX[method]}{member_number}{months:02d}{serial}"


def build(method: Method, member_number: str, months: int, serial: str | None = None) -> str:
    """A new reference; a random serial unless one is given."""
    width = _SERIAL_DIGITS[method]
    serial = serial if serial is not None else f"{secrets.randbelow(10**width):0{width}d}"
    if not re.fullmatch(rf"\d{{{width}}}", serial):
        raise ValueError("bad serial")
    body = _body(method, member_number, months, serial)
    if method == "tienda":
        return body + str(luhn.calc_check_digit(body))
    return body + str(mod_97_10.calc_check_digits(body))


def normalize(reference: str) -> str:
    """Digits only: people type references with spaces or dashes."""
    return re.sub(r"[\s-]", "", reference or "")


def parse(reference: str) -> ParsedReference | None:
    """What a reference says, or None when it is malformed or its check digits fail."""
    value = normalize(reference)
    if not value.isdigit():
        return None
    for method in ("tienda", "banco"):
        if value[0] != _PREFIX[method] or len(value) != _LENGTH[method]:
            continue
        valid = luhn.is_valid(value) if method == "tienda" else mod_97_10.is_valid(value)
        if not valid:
            return None
        width = _SERIAL_DIGITS[method]
        months = int(value[9:11])
        if months < 1:
            return None
        return ParsedReference(
            method=method,
            member_number=value[1:9],
            months=months,
            serial=value[11 : 11 + width],
        )
    return None


def grouped(reference: str) -> str:
    """For printing: groups of four digits."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def new_member_number() -> str:
    return f"{secrets.randbelow(9 * 10**7) + 10**7}"
