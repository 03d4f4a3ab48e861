"""Folios, pure: `RE-SEC-2026-000123-47` = type prefix, insurer, year, zero-padded sequence
and two check digits.

The check digits are ISO 7064 MOD 97-10 (python-stdnum `iso7064.mod_97_10`, the scheme of
IBAN) over the prefix, insurer, year and sequence. Two digits instead of Luhn's one because
MOD 97-10 catches every single-character substitution and every transposition of adjacent
characters (Luhn misses 09↔90), and it covers the letters too, so a mistyped prefix is
caught before a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_97_10

TYPE_PREFIXES: dict[str, str] = {"reembolso": "RE", "programacion": "PR", "menores": "GM"}
SEQUENCE_WIDTH = 6
_FOLIO = re.compile(r"^([A-Z]{2})-([A-Z0-9]{1,10})-(\d{4})-(\d{6,})-(\d{2})$")


@dataclass(frozen=True)
class FolioParts:
    prefix: str
    insurer: str
    year: int
    sequence: int


def _body(prefix: str, insurer: str, year: int, sequence: int) -> str:
    return f"{prefix}{insurer}{year:04d}{sequence:0{SEQUENCE_WIDTH}d}"


def make_folio(claim_type: str, insurer_id: str, year: int, sequence: int) -> str:
    """The folio of the `sequence`-th claim of its type, insurer and year."""
    if sequence < 1:
        raise ValueError("sequences start at 1")
    prefix = TYPE_PREFIXES[claim_type]
    insurer = re.sub(r"[^A-Z0-9]", "", insurer_id.upper())[:10]
    check = mod_97_10.calc_check_digits(_body(prefix, insurer, year, sequence))
    return f"{prefix}-{insurer}-{year:04d}-{sequence:0{SEQUENCE_WIDTH}d}-{check}"


def normalize(text: str) -> str:
    """What a person typed, without spaces and in capitals."""
    return "".join(text.split()).upper()


def parse_folio(text: str) -> FolioParts | None:
    """The parts of a well-formed folio whose check digits agree; None otherwise."""
    found = _FOLIO.match(normalize(text))
    if found is None:
        return None
    prefix, insurer, year, sequence, check = found.groups()
    if prefix not in TYPE_PREFIXES.values():
        return None
    if not mod_97_10.is_valid(f"{prefix}{insurer}{year}{sequence}{check}"):
        return None
    return FolioParts(prefix, insurer, int(year), int(sequence))
