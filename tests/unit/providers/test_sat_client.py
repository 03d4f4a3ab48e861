"""The real client of SAT's status service against the fake of it (infrastructure/fake_sat.py):
the strict 4.0 expression, namespace-aware answers, retries when SAT is down, and each state."""

from __future__ import annotations

import json
import urllib.request

import pytest

from chalicelib.providers.sat import CfdiQuery, SatWebService, parse_answer
from infrastructure.fake_sat import EXPRESSION, FakeSatServer, consulta_result

UUID = "5F3A1B2C-9D8E-4F70-A1B2-C3D4E5F60718"
QUERY = CfdiQuery(UUID, "RASJ750312H42", "SEC0104236T8", "900.00", "ab+/12Cd")


def _client(fake: FakeSatServer, attempts: int = 2) -> SatWebService:
    return SatWebService(fake.url, timeout=2, attempts=attempts, backoff=0.01, min_interval=0)


def _put(fake: FakeSatServer, uuid: str, **answer: str) -> None:
    request = urllib.request.Request(
        f"{fake.base_url}/__fake/cfdi/{uuid}", data=json.dumps(answer).encode(), method="PUT"
    )
    with urllib.request.urlopen(request, timeout=2) as response:
        assert response.status == 200


def _unreachable(fake: FakeSatServer, value: bool) -> None:
    body = json.dumps({"unreachable": value}).encode()
    request = urllib.request.Request(f"{fake.base_url}/__fake/unreachable", data=body)
    with urllib.request.urlopen(request, timeout=2) as response:
        assert json.load(response) == {"unreachable": value}


def test_the_expression_is_the_strict_4_0_form() -> None:
    assert QUERY.expression() == (
        f"?id={UUID}&re=RASJ750312H42&rr=SEC0104236T8&tt=900.00&fe=ab+/12Cd"
    )
    assert EXPRESSION.match(QUERY.expression())
    for broken in (
        f"?re=RASJ750312H42&rr=SEC0104236T8&tt=900.00&id={UUID}&fe=ab+/12Cd",  # 3.3's order
        f"?id={UUID}&re=RASJ750312H42&rr=SEC0104236T8&tt=900.00",  # no fe
        f"?id={UUID}&re=RASJ750312H42&rr=SEC0104236T8&tt=9,00&fe=ab+/12Cd",
    ):
        assert EXPRESSION.match(broken) is None


def test_a_stamped_cfdi_is_vigente_and_the_fake_saw_the_expression(
    fake_sat: FakeSatServer,
) -> None:
    answer = _client(fake_sat).status(QUERY)
    assert (answer.state, answer.efos, answer.issuer_listed) == ("vigente", "200", False)
    assert answer.code.startswith("S - ")
    assert answer.checked_at
    assert fake_sat.state.requests == [QUERY.expression()]


def test_sat_unreachable_then_reachable(fake_sat: FakeSatServer) -> None:
    _unreachable(fake_sat, True)
    assert _client(fake_sat, attempts=3).status(QUERY).state == "sin_respuesta"
    _unreachable(fake_sat, False)
    assert _client(fake_sat).status(QUERY).state == "vigente"


def test_nothing_listens_is_sin_respuesta_quickly() -> None:
    client = SatWebService("http://127.0.0.1:9/ConsultaCFDIService.svc", timeout=0.5,
                           attempts=2, backoff=0.01, min_interval=0)  # fmt: skip
    assert client.status(QUERY).state == "sin_respuesta"


def test_no_encontrado_then_vigente(fake_sat: FakeSatServer) -> None:
    _put(fake_sat, UUID, estado="No Encontrado")
    answer = _client(fake_sat).status(QUERY)
    assert (answer.state, answer.code) == ("no_encontrado", "N - 602: Comprobante no encontrado.")
    _put(fake_sat, UUID, estado="Vigente")
    assert _client(fake_sat).status(QUERY).state == "vigente"


def test_cancelado(fake_sat: FakeSatServer) -> None:
    _put(fake_sat, UUID.lower(), estado="Cancelado", estatus_cancelacion="Cancelado sin aceptación")
    answer = _client(fake_sat).status(QUERY)
    assert (answer.state, answer.cancellation_status) == ("cancelado", "Cancelado sin aceptación")


def test_an_issuer_on_the_69b_list_is_reported(fake_sat: FakeSatServer) -> None:
    _put(fake_sat, UUID, validacion_efos="100")
    answer = _client(fake_sat).status(QUERY)
    assert (answer.state, answer.issuer_listed) == ("vigente", True)


def test_a_malformed_expression_is_sats_601(fake_sat: FakeSatServer) -> None:
    answer = _client(fake_sat).status(CfdiQuery(UUID, "RASJ750312H42", "SEC0104236T8", "900", ""))
    assert answer.state == "no_encontrado"
    assert answer.code.startswith("N - 601")


@pytest.mark.parametrize("prefix", ["a", "b", "sat"])
def test_the_answer_is_read_by_namespace_not_by_prefix(prefix: str) -> None:
    body = (
        consulta_result(
            {
                "codigo": "S - ok",
                "estado": "Cancelado",
                "es_cancelable": "No cancelable",
                "validacion_efos": "200",
            }
        )
        .replace(b"<a:", f"<{prefix}:".encode())
        .replace(b"</a:", f"</{prefix}:".encode())
    )
    body = body.replace(b"xmlns:a=", f"xmlns:{prefix}=".encode())  # fmt: skip
    answer = parse_answer(body, "2026-12-01T00:00:00+00:00")
    assert answer is not None
    assert (answer.state, answer.cancellable) == ("cancelado", "No cancelable")
    assert parse_answer(body.replace(b"Sat.Cfdi.Negocio", b"Otro"), "") is None
    assert parse_answer(b"<no", "") is None
