"""SAT's CFDI status service (`ConsultaCFDIService.Consulta`, SOAP 1.1), behind a port.

Before an invoice is paid its status is asked of SAT: `Vigente`, `Cancelado` or `No
Encontrado` (normal for a few minutes after stamping), with whether it can be cancelled and
`ValidacionEFOS` (whether the issuer is on SAT's list of article 69-B, invoices of simulated
operations). The port is `SatStatusService`; `status_checker()` builds `SatWebService` for
`SAT_STATUS_URL` (SAT's own address unless set; the local stack sets it to its fake of the
service, `infrastructure/fake_sat.py`, which the tests also run).

The client asks with the expression printed in a CFDI 4.0's QR code, strictly in that form
(`?id=…&re=…&rr=…&tt=…&fe=<last 8 characters of the Sello>`), reads the answer by namespace
(never by prefix), gives each request a short timeout, retries a failed one with back-off, and
keeps at most one request per `min_interval` seconds per process (SAT throttles heavy users).
An answer it cannot get is `sin_respuesta`: a fact to show, never a verdict on the invoice.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, Protocol
from xml.sax.saxutils import escape

SatState = Literal["vigente", "cancelado", "no_encontrado", "sin_respuesta"]
SAT_URL: Final = "https://consultaqr.facturaelectronica.sat.gob.mx/ConsultaCFDIService.svc"
SOAP_ACTION: Final = "http://tempuri.org/IConsultaCFDIService/Consulta"
NS_SOAP: Final = "http://schemas.xmlsoap.org/soap/envelope/"
NS_TEMPURI: Final = "http://tempuri.org/"
NS_RESULT: Final = "http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio"
# ValidacionEFOS: 200 the issuer is not on the 69-B list; 100 it is (its CFDIs are presumed to
# cover simulated operations).
EFOS_LISTED: Final = "100"
STATE_LABELS: Final[dict[str, str]] = {
    "vigente": "Vigente",
    "cancelado": "Cancelado",
    "no_encontrado": "No encontrado",
    "sin_respuesta": "Sin respuesta del SAT",
}


@dataclass(frozen=True)
class CfdiQuery:
    uuid: str
    issuer_rfc: str
    receiver_rfc: str
    total: str  # as printed on the invoice, e.g. "900.00"
    seal_tail: str  # the last 8 characters of the CFDI's Sello

    def expression(self) -> str:
        """The CFDI 4.0 expression (the QR code's query)."""
        return (
            f"?id={self.uuid.upper()}&re={self.issuer_rfc.upper()}&rr={self.receiver_rfc.upper()}"
            f"&tt={self.total}&fe={self.seal_tail}"
        )


@dataclass(frozen=True)
class SatAnswer:
    """What SAT said (or that it did not answer), and when it was asked."""

    state: SatState
    code: str = ""  # CodigoEstatus
    cancellable: str = ""  # EsCancelable
    cancellation_status: str = ""  # EstatusCancelacion
    efos: str = ""  # ValidacionEFOS
    checked_at: str = ""

    @property
    def issuer_listed(self) -> bool:
        """The issuer is on SAT's 69-B list."""
        return self.efos == EFOS_LISTED

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SatAnswer:
        fields = {name: str(values.get(name) or "") for name in cls.__dataclass_fields__}
        state = fields.pop("state")
        if state not in STATE_LABELS:
            state = "sin_respuesta"
        return cls(state=state, **fields)  # type: ignore[arg-type]


class SatStatusService(Protocol):
    def status(self, query: CfdiQuery) -> SatAnswer: ...


class _Throttle:
    """At most one request per `interval` seconds in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self, interval: float) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + interval
        if delay > 0:
            time.sleep(delay)


_throttle = _Throttle()


def envelope(expression: str) -> bytes:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{NS_SOAP}" xmlns:tem="{NS_TEMPURI}"><soapenv:Header/>'
        "<soapenv:Body><tem:Consulta>"
        f"<tem:expresionImpresa>{escape(expression)}</tem:expresionImpresa>"
        "</tem:Consulta></soapenv:Body></soapenv:Envelope>"
    ).encode()


def parse_answer(body: bytes, checked_at: str) -> SatAnswer | None:
    """The ConsultaResult of a SOAP answer, by namespace; None when it has none."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    result = root.find(f".//{{{NS_TEMPURI}}}ConsultaResult")
    if result is None:
        return None

    def text(name: str) -> str:
        found = result.find(f"{{{NS_RESULT}}}{name}")
        return (found.text or "").strip() if found is not None else ""

    estado = text("Estado").lower()
    state: SatState
    if estado == "vigente":
        state = "vigente"
    elif estado == "cancelado":
        state = "cancelado"
    elif "no encontrado" in estado or text("CodigoEstatus").startswith("N - 602"):
        state = "no_encontrado"
    else:
        return None
    return SatAnswer(
        state=state,
        code=text("CodigoEstatus"),
        cancellable=text("EsCancelable"),
        cancellation_status=text("EstatusCancelacion"),
        efos=text("ValidacionEFOS"),
        checked_at=checked_at,
    )


class SatWebService:
    """`ConsultaCFDIService.Consulta` with short timeouts, retries and a throttle."""

    def __init__(
        self,
        url: str = SAT_URL,
        *,
        timeout: float = 4.0,
        attempts: int = 3,
        backoff: float = 0.5,
        min_interval: float = 0.1,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.min_interval = min_interval

    def status(self, query: CfdiQuery) -> SatAnswer:
        import urllib.error
        import urllib.request

        from chalicelib import clock

        request = urllib.request.Request(  # noqa: S310 - the configured https (or local) URL
            self.url,
            data=envelope(query.expression()),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": SOAP_ACTION},
            method="POST",
        )
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            _throttle.wait(self.min_interval)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    body = response.read(100_000)
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    break  # our request is wrong: asking again will not help
                continue
            except OSError:
                continue
            answer = parse_answer(body, clock.iso(clock.now()))
            if answer is not None:
                return answer
        return SatAnswer(state="sin_respuesta", checked_at=clock.iso(clock.now()))


def status_checker() -> SatStatusService:
    """The client for the configured SAT status service (`SAT_STATUS_URL`)."""
    backoff = float(os.environ.get("SAT_STATUS_BACKOFF_SECONDS") or 0.5)
    return SatWebService(os.environ.get("SAT_STATUS_URL") or SAT_URL, backoff=backoff)
