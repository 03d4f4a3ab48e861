"""Bank statement (on top of the PDF checks): legible, shows the CLABE, the holder, recent.

The statement must have extractable text ("ilegible" otherwise: a scan cannot be checked);
the CLABEs printed in it are checked with the `clabe` package (check digit and bank) and the
declared one must be among them; the holder's name, when declared, must appear (ignoring
case, accents and repeated spaces); the period or cut-off date, in the usual Mexican formats,
must be within the last `STATEMENT_MAX_AGE_MONTHS` months of `today`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from chalicelib.documents import limits
from chalicelib.documents.validators.pdf import inspect_pdf
from chalicelib.documents.verdict import Reason, Verdict, judge, reject
from chalicelib.kernel.months import add_months, month_end
from chalicelib.kernel.text import name_key, search_fold

MONTHS: Final[dict[str, int]] = {
    "enero": 1, "ene": 1,
    "febrero": 2, "feb": 2,
    "marzo": 3, "mar": 3,
    "abril": 4, "abr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6,
    "julio": 7, "jul": 7,
    "agosto": 8, "ago": 8,
    "septiembre": 9, "setiembre": 9, "sep": 9, "sept": 9, "set": 9,
    "octubre": 10, "oct": 10,
    "noviembre": 11, "nov": 11,
    "diciembre": 12, "dic": 12,
}  # fmt: skip
_MONTH_NAMES: Final = "|".join(sorted(MONTHS, key=len, reverse=True))

# 31/05/2026, 31-05-2026, 31.05.26
_NUMERIC_DATE: Final = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)")
# 31 de mayo de 2026, 31-may-2026, 31/MAY/26, 31 may 2026, 31 de mayo del 2026
_NAMED_DATE: Final = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\s+de\s+|\s*[/.-]\s*|\s+)({_MONTH_NAMES})\.?"
    r"(?:\s+del?\s+|\s*[/.-]\s*|\s+|,\s*)(\d{4}|\d{2})(?!\d)"
)
# del 1 al 31 de mayo de 2026 (the first day carries no month)
_DAY_RANGE: Final = re.compile(
    rf"(?<!\d)\d{{1,2}}\s+al?\s+(\d{{1,2}})\s+de\s+({_MONTH_NAMES})\.?\s+del?\s+(\d{{4}})"
)
# mayo 2026 / mayo de 2026 (a monthly statement named by its month: the month's end counts)
_MONTH_YEAR: Final = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(?:del?\s+)?(\d{{4}})(?!\d)")
_KEYWORDS: Final = re.compile(
    r"fecha\s+de\s+corte|corte\s+al|periodo|estado\s+de\s+cuenta\s+al|fecha\s+de\s+emision"
)
_KEYWORD_WINDOW: Final = 120

_CLABE_PLAIN: Final = re.compile(r"(?<!\d)\d{18}(?!\d)")
_CLABE_GROUPED: Final = re.compile(
    r"(?<!\d)(?<!\d[ -])(\d{3})[ -](\d{3})[ -](\d{11})[ -](\d)(?!\d)(?![ -]\d)"
)

ILLEGIBLE: Final = Reason(
    "statement_illegible",
    "El estado de cuenta es ilegible: no tiene texto que podamos leer (parece una imagen "
    "escaneada). Descarga el PDF original desde la banca en línea y súbelo.",
)
PERIOD_NOT_FOUND: Final = Reason(
    "statement_period_not_found",
    "No encontramos el periodo ni la fecha de corte del estado de cuenta. Sube el estado de "
    "cuenta completo, con la página donde aparece el periodo.",
)


def _year(raw: str) -> int:
    value = int(raw)
    return 2000 + value if value < 100 else value


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dates_in(text: str) -> list[date]:
    """Every date in `text` written the usual Mexican ways (day first)."""
    lowered = search_fold(text)
    found: list[date] = []
    for day, month, year in _NUMERIC_DATE.findall(lowered):
        parsed = _safe_date(_year(year), int(month), int(day))
        if parsed is not None:
            found.append(parsed)
    for pattern in (_NAMED_DATE, _DAY_RANGE):
        for day, month_name, year in pattern.findall(lowered):
            parsed = _safe_date(_year(year), MONTHS[month_name], int(day))
            if parsed is not None:
                found.append(parsed)
    if not found:
        for month_name, year in _MONTH_YEAR.findall(lowered):
            found.append(month_end(int(year), MONTHS[month_name]))
    return found


def statement_date(text: str) -> date | None:
    """The cut-off date or the period's end: the latest date next to a period keyword."""
    lowered = search_fold(text)
    candidates: list[date] = []
    for keyword in _KEYWORDS.finditer(lowered):
        window = lowered[keyword.start() : keyword.end() + _KEYWORD_WINDOW]
        candidates.extend(dates_in(window))
    return max(candidates) if candidates else None


def clabes_in(text: str) -> list[str]:
    """Distinct 18-digit numbers in the text, written together or in the usual groups."""
    found = list(_CLABE_PLAIN.findall(text))
    found.extend("".join(groups) for groups in _CLABE_GROUPED.findall(text))
    return list(dict.fromkeys(found))


def check_statement_text(
    text: str,
    *,
    today: date,
    clabe: str | None = None,
    holder: str | None = None,
) -> tuple[list[Reason], dict[str, Any]]:
    """The rules that read the statement's text; pure, so they are tested on plain strings."""
    from clabe import get_bank_name, validate_clabe

    reasons: list[Reason] = []
    facts: dict[str, Any] = {"text_length": len(text)}
    if sum(1 for c in text if not c.isspace()) < limits.MIN_TEXT_CHARS:
        return [ILLEGIBLE], facts

    valid = [number for number in clabes_in(text) if validate_clabe(number)]
    facts["clabes_found"] = valid
    if valid:
        facts["bank"] = get_bank_name(valid[0])
    declared = "".join(clabe.split()) if clabe else None
    if declared is not None and not validate_clabe(declared):
        reasons.append(
            Reason(
                "clabe_invalid",
                "La CLABE registrada no es válida (revisa sus 18 dígitos).",
            )
        )
    elif declared is not None and declared not in valid:
        reasons.append(
            Reason(
                "statement_clabe_mismatch",
                f"El estado de cuenta no muestra la CLABE {declared}. Sube el estado de "
                "cuenta de esa misma cuenta.",
            )
        )
    elif not valid:
        reasons.append(
            Reason(
                "statement_clabe_not_found",
                "No encontramos una CLABE válida en el estado de cuenta.",
            )
        )

    if holder:
        facts["holder_found"] = name_key(holder) in name_key(text)
        if not facts["holder_found"]:
            reasons.append(
                Reason(
                    "statement_holder_mismatch",
                    f"El estado de cuenta no está a nombre de {' '.join(holder.split())}.",
                )
            )

    cut_off = statement_date(text)
    if cut_off is None:
        reasons.append(PERIOD_NOT_FOUND)
    else:
        facts["statement_date"] = cut_off.isoformat()
        oldest = add_months(today, -limits.STATEMENT_MAX_AGE_MONTHS)
        if not oldest <= cut_off <= today:
            reasons.append(
                Reason(
                    "statement_out_of_date",
                    f"El estado de cuenta debe ser de los últimos "
                    f"{limits.STATEMENT_MAX_AGE_MONTHS} meses; su fecha de corte es "
                    f"{cut_off:%d/%m/%Y}.",
                )
            )
    return reasons, facts


def validate_bank_statement(
    data: bytes,
    *,
    today: date,
    clabe: str | None = None,
    holder: str | None = None,
) -> Verdict:
    inspection = inspect_pdf(data, max_pages=limits.max_pdf_pages("bank_statement"), want_text=True)
    if inspection.reason is not None:
        return Verdict(status="rechazado", reasons=(inspection.reason,), facts=inspection.facts)
    reasons, facts = check_statement_text(inspection.text, today=today, clabe=clabe, holder=holder)
    facts = {**inspection.facts, **facts}
    if reasons and reasons[0] is ILLEGIBLE:
        return reject(ILLEGIBLE.code, ILLEGIBLE.message, facts)
    return judge(reasons, facts)
