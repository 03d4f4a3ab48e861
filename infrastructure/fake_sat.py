"""A fake of SAT's CFDI status service, for the local stack and the tests (never deployed).

`POST /ConsultaCFDIService.svc` with `SOAPAction: http://tempuri.org/IConsultaCFDIService/Consulta`
answers SAT's `ConsultaResult` (`CodigoEstatus`, `Estado`, `EsCancelable`, `EstatusCancelacion`,
`ValidacionEFOS`) for the expression in `expresionImpresa`, parsed strictly in its CFDI 4.0 form
(`?id=<UUID>&re=<RFC>&rr=<RFC>&tt=<total>&fe=<last 8 characters of the Sello>`); any other form
is SAT's `N - 601` (expression not valid). A UUID nobody configured is `Vigente` (the fake stands
for a SAT where every stamped CFDI exists).

Tests and the demo set the answers:
- `PUT /__fake/cfdi/{uuid}` with `{"estado": "Vigente"|"Cancelado"|"No Encontrado",
  "es_cancelable"?, "estatus_cancelacion"?, "validacion_efos"?: "200"|"100"}` (100: the issuer
  is on the 69-B list);
- `POST /__fake/unreachable` with `{"unreachable": true|false}`: while true every consultation
  answers 503, as SAT does when it is down;
- `GET /__fake/requests`: the expressions received, oldest first.

`python -m infrastructure.fake_sat --port 5010` runs it alone; the local stack starts it on
`SAT_PORT` (default 5010).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from xml.sax.saxutils import escape

SERVICE_PATH: Final = "/ConsultaCFDIService.svc"
SOAP_ACTION: Final = "http://tempuri.org/IConsultaCFDIService/Consulta"
NS_TEMPURI: Final = "http://tempuri.org/"
_RFC: Final = r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}"
EXPRESSION: Final = re.compile(
    r"^\?id=(?P<id>[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})"
    rf"&re=(?P<re>{_RFC})&rr=(?P<rr>{_RFC})"
    r"&tt=(?P<tt>[0-9]{1,18}(?:\.[0-9]{1,6})?)&fe=(?P<fe>[A-Za-z0-9+/=]{8})$"
)
FOUND: Final = "S - Comprobante obtenido satisfactoriamente."
NOT_FOUND: Final = "N - 602: Comprobante no encontrado."
NOT_VALID: Final = "N - 601: La expresión impresa proporcionada no es válida."
DEFAULT: Final[dict[str, str]] = {
    "estado": "Vigente",
    "es_cancelable": "Cancelable con aceptación",
    "estatus_cancelacion": "",
    "validacion_efos": "200",
}


class FakeSatState:
    """The answers configured, whether SAT is "down", and what was asked."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: dict[str, dict[str, str]] = {}
        self.unreachable = False
        self.requests: list[str] = []

    def answer_for(self, expression: str) -> dict[str, str]:
        with self.lock:
            self.requests.append(expression)
            del self.requests[:-200]
            match = EXPRESSION.match(expression)
            if match is None:
                return {"codigo": NOT_VALID, "estado": "No Encontrado"}
            answer = {**DEFAULT, **self.answers.get(match.group("id"), {})}
        found = answer["estado"].lower() != "no encontrado"
        return {**answer, "codigo": FOUND if found else NOT_FOUND}


def consulta_result(answer: dict[str, str]) -> bytes:
    def element(name: str, value: str) -> str:
        return f"<a:{name}>{escape(value)}</a:{name}>" if value else f"<a:{name}/>"

    return (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        f'<ConsultaResponse xmlns="{NS_TEMPURI}"><ConsultaResult '
        'xmlns:a="http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio" '
        'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        + element("CodigoEstatus", answer["codigo"])
        + element("EsCancelable", answer.get("es_cancelable", ""))
        + element("Estado", answer["estado"])
        + element("EstatusCancelacion", answer.get("estatus_cancelacion", ""))
        + element("ValidacionEFOS", answer.get("validacion_efos", ""))
        + "</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>"
    ).encode()


def expression_of(body: bytes) -> str | None:
    """`expresionImpresa` of a Consulta envelope, by namespace."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    found = root.find(f".//{{{NS_TEMPURI}}}Consulta/{{{NS_TEMPURI}}}expresionImpresa")
    return (found.text or "") if found is not None else None


def _handler(state: FakeSatState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeSat/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # quiet: the local stack logs what matters

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._reply(status, json.dumps(value).encode(), "application/json")

        def _body(self) -> bytes:
            length = min(int(self.headers.get("Content-Length") or 0), 100_000)
            return self.rfile.read(length)

        def do_POST(self) -> None:
            body = self._body()
            if self.path == "/__fake/unreachable":
                try:
                    state.unreachable = bool(json.loads(body or b"{}").get("unreachable", True))
                except (ValueError, AttributeError):
                    self._json(400, {"error": "JSON {unreachable: bool}"})
                    return
                self._json(200, {"unreachable": state.unreachable})
                return
            if self.path != SERVICE_PATH:
                self._json(404, {"error": "not found"})
                return
            if state.unreachable:
                self._reply(503, b"Service Unavailable", "text/plain")
                return
            if self.headers.get("SOAPAction", "").strip('"') != SOAP_ACTION:
                self._reply(500, b"ActionNotSupported", "text/plain")
                return
            expression = expression_of(body)
            if expression is None:
                self._reply(400, b"Bad Request", "text/plain")
                return
            answer = state.answer_for(expression)
            self._reply(200, consulta_result(answer), "text/xml; charset=utf-8")

        def do_PUT(self) -> None:
            prefix = "/__fake/cfdi/"
            uuid = self.path[len(prefix) :].upper() if self.path.startswith(prefix) else ""
            try:
                given = json.loads(self._body() or b"{}")
                answer = {key: str(given[key]) for key in DEFAULT if key in given}
            except (ValueError, TypeError, AttributeError):
                answer = {}
            if not uuid or not answer:
                self._json(400, {"error": f"PUT {prefix}<uuid> with JSON {sorted(DEFAULT)}"})
                return
            with state.lock:
                state.answers[uuid] = answer
            self._json(200, {"uuid": uuid, **answer})

        def do_GET(self) -> None:
            if self.path == "/__fake/requests":
                with state.lock:
                    self._json(200, list(state.requests))
                return
            self._json(404, {"error": "not found"})

    return Handler


class FakeSatServer:
    """The fake service on `host:port` (0: a free port), served by a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = FakeSatState()
        self.server = ThreadingHTTPServer((host, port), _handler(self.state))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-sat")
        self.thread.daemon = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{SERVICE_PATH}"

    @property
    def base_url(self) -> str:
        return self.url.removesuffix(SERVICE_PATH)

    def start(self) -> FakeSatServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.fake_sat")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5010)
    args = parser.parse_args(argv)
    server = FakeSatServer(args.host, args.port)
    print(f"Fake SAT status service: {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.server.serve_forever()
    server.server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
