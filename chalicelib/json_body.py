"""Reading a JSON request body that anyone may have written, with bounded size and depth.

Python's json module parses nested arrays and objects by recursion: a body of a few thousand
`[` ends in RecursionError (a 500), and a body of megabytes is parsed whole before any model
looks at it. Every request body is read through `load`, which refuses both with a 400 before
json parses anything; the nesting is measured by a loop, not by recursion.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from chalicelib import errors

# The largest legitimate body is an operator's bulk load (settlement/schemas.py, MAX_BATCH =
# 1,000 items): every field of both transaction kinds at its longest, the 120-character texts
# all accented and written as \u escapes, indented, is 3.3 MiB; the same in plain UTF-8 is
# 1.5 MiB. Lambda refuses a synchronous request above 6 MB anyway.
MAX_BODY_BYTES: Final = 4 * 1024 * 1024
# No request model nests beyond five levels; a bulk load's free-form items add a few more.
MAX_DEPTH: Final = 64

# A string (its escapes included; one left open runs to the end) or a bracket. Possessive
# repetitions: nothing backtracks, so the scan is linear whatever the text.
_TOKEN: Final = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)|[\[\]{}]', re.DOTALL)

INVALID: Final = "El cuerpo de la solicitud no es JSON válido."
TOO_LARGE: Final = "La solicitud es demasiado grande: envía como máximo 4 MB."
TOO_DEEP: Final = f"El JSON de la solicitud tiene demasiados niveles anidados (máximo {MAX_DEPTH})."


def load(raw: bytes | str) -> Any:
    """The parsed body; raises BadRequest when it is not JSON, too large or too deep."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise errors.BadRequest(TOO_LARGE)
    try:
        # What json.loads does with bytes (UTF-8, -16 or -32, a BOM allowed), done here so
        # the depth is measured on the same text.
        text = (
            raw.decode(json.detect_encoding(raw), "surrogatepass")
            if isinstance(raw, bytes)
            else raw
        )
    except UnicodeDecodeError:
        raise errors.BadRequest(INVALID) from None
    if too_deep(text):
        raise errors.BadRequest(TOO_DEEP)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise errors.BadRequest(INVALID) from None


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than `limit` levels (brackets inside strings do not
    count); text that is not JSON is left for the parser to refuse."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for token in _TOKEN.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in ("]", "}"):
            depth -= 1
    return False
