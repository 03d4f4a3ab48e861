"""SAT's CFDI status service, behind a port.

Before an invoice is paid its status is asked of SAT (`Vigente`, `Cancelado`, `No
Encontrado`). The port is `SatStatus`; `status_checker()` picks the implementation from
configuration (`SAT_STATUS_SERVICE`):

- `fake` (the default on the local stack and in tests, never elsewhere): answers `vigente`
  for every invoice except the UUIDs listed in `SAT_FAKE_CANCELLED` (comma-separated),
  answered `cancelado`.
- `sat` (the default on AWS): `SatWebService`, SAT's public SOAP service
  `ConsultaCFDIService` (the extension point for production: it needs outbound HTTPS from
  the Lambda function and is not exercised by the tests, which never leave the machine).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Final, Literal, Protocol
from xml.sax.saxutils import escape

SatAnswer = Literal["vigente", "cancelado", "no_encontrado", "sin_respuesta"]
SAT_URL: Final = "https://consultaqr.facturaelectronica.sat.gob.mx/ConsultaCFDIService.svc"


@dataclass(frozen=True)
class CfdiQuery:
    uuid: str
    issuer_rfc: str
    receiver_rfc: str
    total: str  # as printed on the invoice, e.g. "900.00"


class SatStatus(Protocol):
    def status(self, query: CfdiQuery) -> SatAnswer: ...


class FakeSat:
    """The local stack's SAT: every invoice is valid unless configured as cancelled."""

    def __init__(self, cancelled: frozenset[str] = frozenset()) -> None:
        self.cancelled = frozenset(uuid.upper() for uuid in cancelled)

    def status(self, query: CfdiQuery) -> SatAnswer:
        return "cancelado" if query.uuid.upper() in self.cancelled else "vigente"


class SatWebService:
    """SAT's `ConsultaCFDIService.Consulta` (SOAP 1.1) with a short timeout."""

    def __init__(self, url: str = SAT_URL, timeout: float = 8.0) -> None:
        self.url = url
        self.timeout = timeout

    def status(self, query: CfdiQuery) -> SatAnswer:
        import urllib.request

        expression = escape(
            f"?re={query.issuer_rfc}&rr={query.receiver_rfc}&tt={query.total}&id={query.uuid}"
        )
        envelope = (
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:tem="http://tempuri.org/"><soapenv:Body><tem:Consulta>'
            f"<tem:expresionImpresa>{expression}</tem:expresionImpresa>"
            "</tem:Consulta></soapenv:Body></soapenv:Envelope>"
        )
        request = urllib.request.Request(  # noqa: S310 - fixed https URL
            self.url,
            data=envelope.encode("utf-8"),
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": "http://tempuri.org/IConsultaCFDIService/Consulta",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(100_000).decode("utf-8", "replace")
        except OSError:
            return "sin_respuesta"
        found = re.search(r"<a:Estado>([^<]*)</a:Estado>", body)
        state = (found.group(1) if found else "").strip().lower()
        if state == "vigente":
            return "vigente"
        if state == "cancelado":
            return "cancelado"
        return "no_encontrado" if "no encontrado" in state else "sin_respuesta"


def status_checker() -> SatStatus:
    # Read here rather than in Settings: only the payment route asks, and the fake must never
    # be the default outside the local stack and the tests.
    from chalicelib.config import get_settings

    default = "fake" if get_settings().stage in {"local", "test"} else "sat"
    service = os.environ.get("SAT_STATUS_SERVICE", default)
    if service == "sat":
        return SatWebService()
    cancelled = os.environ.get("SAT_FAKE_CANCELLED", "")
    return FakeSat(frozenset(u.strip() for u in cancelled.split(",") if u.strip()))
