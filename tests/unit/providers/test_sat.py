"""The SAT status port: the fake of the local stack and the SOAP client's reading of SAT's
answer (the network is replaced; the tests never leave the machine)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from chalicelib.providers import sat

QUERY = sat.CfdiQuery(
    "5F3A1B2C-9D8E-4F70-A1B2-C3D4E5F60718", "RASJ750312H42", "SEC0104236T8", "900.00"
)


def test_the_fake_answers_vigente_except_for_configured_cancellations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert isinstance(sat.status_checker(), sat.FakeSat)  # tests run with STAGE=test
    assert sat.status_checker().status(QUERY) == "vigente"
    monkeypatch.setenv("SAT_FAKE_CANCELLED", QUERY.uuid.lower())
    assert sat.status_checker().status(QUERY) == "cancelado"
    monkeypatch.setenv("SAT_STATUS_SERVICE", "sat")
    assert isinstance(sat.status_checker(), sat.SatWebService)


@pytest.mark.parametrize(
    ("estado", "expected"),
    [("Vigente", "vigente"), ("Cancelado", "cancelado"), ("No Encontrado", "no_encontrado")],
)
def test_the_soap_client_reads_the_state(
    monkeypatch: pytest.MonkeyPatch, estado: str, expected: str
) -> None:
    sent: list[Any] = []

    def fake_urlopen(request: Any, timeout: float) -> Any:
        sent.append(request)
        body = (
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            '<ConsultaResponse xmlns="http://tempuri.org/"><ConsultaResult '
            'xmlns:a="http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio">'
            f"<a:CodigoEstatus>S - Comprobante obtenido satisfactoriamente.</a:CodigoEstatus>"
            f"<a:Estado>{estado}</a:Estado></ConsultaResult></ConsultaResponse></s:Body></s:Envelope>"
        )
        return io.BytesIO(body.encode())

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    assert sat.SatWebService().status(QUERY) == expected
    [request] = sent
    assert b"re=RASJ750312H42&amp;rr=SEC0104236T8&amp;tt=900.00&amp;id=" in request.data


def test_no_answer_from_sat_is_not_a_valid_invoice(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(request: Any, timeout: float) -> Any:
        raise OSError("timed out")

    monkeypatch.setattr("urllib.request.urlopen", unreachable)
    assert sat.SatWebService().status(QUERY) == "sin_respuesta"
