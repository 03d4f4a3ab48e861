"""Text rules shared by the contexts: accent and case folding, masking of identifiers.

Two foldings, because two different questions are asked of text:

- `name_key`: is this the same person's name? Upper case, no accents, single spaces. Names are
  compared in that form and never stored in it: a name is kept and shown as the person wrote
  it (`display_name`: single spaces, accents and case kept), so "Núñez" never becomes "NUNEZ".
  It keeps letters that have no accent to drop (`ß`, `Ø`).
- `search_fold`: does this text contain that word? Case-folded, no accents, spacing kept as
  it is, for substring and pattern searches over free text (hospital directory, statements).
"""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """`Núñez` → `Nunez`: compatibility-decomposed (NFKD), with the combining marks dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def display_name(text: str) -> str:
    """`  José   Núñez ` → `José Núñez`: how a name is stored and shown."""
    return " ".join(text.split())


def name_key(text: str) -> str:
    """`  José   María ` → `JOSE MARIA`: how names are compared and stored."""
    return " ".join(strip_accents(text).upper().split())


def search_fold(text: str) -> str:
    """`Período` → `periodo`: case and accents ignored, spacing kept, for searching text."""
    return strip_accents(text).casefold()


def mask_nss(nss: str) -> str:
    """`01234567897` → `•••••••7897`: the last four digits of a social-security number.

    Always seven bullets (an NSS has eleven digits), so the mask never tells the length.
    """
    return "•" * 7 + nss[-4:]
