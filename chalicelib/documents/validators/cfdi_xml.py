"""Reading a CFDI safely: the namespaces, the parser with every external access off, the
refusals before and while parsing, SAT's schemas (loaded once, lazily), the removal of what
they do not cover, and the helpers that read amounts and tax lines for the rules.

Order of `parse_cfdi`: size cap; no DOCTYPE or entity declaration anywhere (that alone rules
out entity bombs and external entities, and lxml is also told not to resolve entities, load
DTDs or touch the network); then parse. lxml is imported only when a CFDI is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from chalicelib.documents import limits, magic
from chalicelib.documents.verdict import Reason

if TYPE_CHECKING:
    from lxml import etree

NS_CFDI4: Final = "http://www.sat.gob.mx/cfd/4"
NS_CFDI3: Final = "http://www.sat.gob.mx/cfd/3"
NS_TFD: Final = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_PAGOS20: Final = "http://www.sat.gob.mx/Pagos20"
NS_PAGOS10: Final = "http://www.sat.gob.mx/Pagos"
NS_IMPLOCAL: Final = "http://www.sat.gob.mx/implocal"
SCHEMA_NAMESPACES: Final = frozenset({NS_TFD, NS_PAGOS20, NS_IMPLOCAL})
_BUNDLE: Final = Path(__file__).resolve().parents[1] / "schemas" / "sat" / "cfdi40_bundle.xsd"

# The namespaces as the prefix of an element's tag.
CFDI_PREFIX: Final = "{" + NS_CFDI4 + "}"
PAGOS_PREFIX: Final = "{" + NS_PAGOS20 + "}"
IMPLOCAL_PREFIX: Final = "{" + NS_IMPLOCAL + "}"
ZERO: Final = Decimal(0)

_DECLARATION: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SCHEMA_WHERE: Final = re.compile(r"Element '(?:\{[^}]*\})?([\w]+)'(?:, attribute '([\w]+)')?")

TOO_LARGE: Final = Reason(
    "xml_too_large",
    "El XML pesa más de 2 MB; una factura electrónica pesa unos cuantos KB. Sube el XML "
    "original que te entregó el emisor.",
)
DECLARATIONS: Final = Reason(
    "xml_declarations_not_allowed",
    "El XML contiene declaraciones (DOCTYPE o ENTITY) que una factura electrónica no lleva; "
    "por seguridad no lo aceptamos. Sube el XML original sin modificarlo.",
)
NOT_UTF8: Final = Reason(
    "xml_encoding",
    "El XML no está codificado en UTF-8, como exige el SAT. Sube el XML original sin "
    "abrirlo ni guardarlo con otro programa.",
)
MALFORMED: Final = Reason(
    "xml_malformed",
    "El XML está dañado o incompleto. Sube el XML original que te entregó el emisor.",
)
OBSOLETE: Final = Reason(
    "cfdi_version_obsolete",
    "La factura es CFDI 3.3, versión que el SAT ya no acepta. Pide al emisor una factura CFDI 4.0.",
)
NOT_CFDI: Final = Reason(
    "not_cfdi",
    "El XML no es una factura electrónica (CFDI). Sube el XML de la factura.",
)


def money(value: Decimal) -> str:
    """An amount as the reasons and facts write it (two decimals)."""
    return f"{value:.2f}"


def safe_parser() -> etree.XMLParser:
    """lxml's parser with entities, DTDs and the network off."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


@lru_cache(maxsize=1)
def cfdi_schema() -> etree.XMLSchema:
    """SAT's CFDI 4.0 + TFD + Pagos 2.0 + implocal schemas, built once per process."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(_BUNDLE), parser=safe_parser()))


def decimal_of(element: etree._Element | None, attribute: str) -> Decimal:
    """An attribute's amount; 0 when the element or attribute is missing or not a number."""
    if element is None:
        return ZERO
    raw = element.get(attribute)
    if raw is None:
        return ZERO
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        return ZERO


@dataclass(frozen=True)
class TaxLine:
    """One `Traslado` or `Retencion` line: tax code, factor type, rate, base and amount."""

    tax: str
    factor: str
    rate: Decimal | None
    base: Decimal
    amount: Decimal | None


def tax_lines(parent: etree._Element | None, path: str) -> list[TaxLine]:
    """The tax lines found under `parent` at `path`."""
    if parent is None:
        return []
    found = []
    for line in parent.iterfind(path):
        found.append(
            TaxLine(
                tax=line.get("Impuesto", ""),
                factor=line.get("TipoFactor", ""),
                rate=decimal_of(line, "TasaOCuota") if line.get("TasaOCuota") else None,
                base=decimal_of(line, "Base"),
                amount=decimal_of(line, "Importe") if line.get("Importe") else None,
            )
        )
    return found


def schema_reason(error_log: Any) -> tuple[Reason, list[str]]:
    """The reason for a schema failure (naming the first element at fault) and the first
    messages of lxml's error log, for the facts."""
    messages = [str(entry.message) for entry in list(error_log)[:5]]
    where = ""
    match = _SCHEMA_WHERE.search(messages[0]) if messages else None
    if match:
        where = match.group(1) + (f"/@{match.group(2)}" if match.group(2) else "")
    detail = f" (revisa {where})" if where else ""
    return (
        Reason(
            "cfdi_schema",
            f"La factura no cumple el formato oficial del SAT para CFDI 4.0{detail}. Pide al "
            "emisor una factura corregida.",
        ),
        messages,
    )


def strip_foreign(root: etree._Element, facts: dict[str, Any]) -> None:
    """Remove the Addenda and complements we have no schema for (recorded in facts)."""
    for addenda in root.findall(CFDI_PREFIX + "Addenda"):
        root.remove(addenda)
        facts["addenda_removed"] = True
    skipped: list[str] = []
    holders = root.findall(CFDI_PREFIX + "Complemento") + root.findall(
        f"{CFDI_PREFIX}Conceptos/{CFDI_PREFIX}Concepto/{CFDI_PREFIX}ComplementoConcepto"
    )
    for holder in holders:
        for child in list(holder):
            namespace = (
                child.tag.partition("}")[0].lstrip("{") if isinstance(child.tag, str) else ""
            )
            if namespace not in SCHEMA_NAMESPACES:
                skipped.append(namespace or "(sin espacio de nombres)")
                holder.remove(child)
    if skipped:
        facts["unvalidated_complements"] = sorted(set(skipped))


def parse_cfdi(data: bytes) -> tuple[etree._Element | None, Reason | None]:
    """Refuse what must not be parsed, then parse with every external access off."""
    from lxml import etree

    if len(data) > limits.MAX_XML_BYTES:
        return None, TOO_LARGE
    body = data.removeprefix(magic.UTF8_BOM)
    if _DECLARATION.search(body):
        return None, DECLARATIONS
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None, NOT_UTF8
    try:
        root = etree.fromstring(body, parser=safe_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None, MALFORMED
    docinfo = root.getroottree().docinfo
    doctype: str = getattr(docinfo, "doctype", "")  # missing from lxml-stubs
    if doctype or docinfo.internalDTD is not None:
        return None, DECLARATIONS
    return root, None
