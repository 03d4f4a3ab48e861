"""Who is calling: the principal's round trip through API Gateway's context, and duties."""

from __future__ import annotations

import pytest

from chalicelib import errors
from chalicelib.auth import DUTIES, Principal, principal_from_context, require_duty


def test_the_principal_survives_the_authorizer_context() -> None:
    principal = Principal("a-1", "operador", ("sec", "adn"), "s-1", ("dictamen", "finanzas"))
    context = {"authorizer": {"principalId": "a-1", **principal.as_context()}}
    assert principal_from_context(context) == principal


def test_an_unknown_duty_in_the_context_is_dropped() -> None:
    context = {"authorizer": {"principalId": "a-1", "role": "operador", "duties": "x,dictamen"}}
    assert principal_from_context(context).duties == ("dictamen",)


@pytest.mark.parametrize("duty", DUTIES)
def test_an_operator_needs_the_routes_duty(duty: str) -> None:
    others = tuple(d for d in DUTIES if d != duty)
    require_duty(Principal("a", "operador", ("sec",), duties=(duty,)), duty)
    with pytest.raises(errors.Forbidden) as refused:
        require_duty(Principal("a", "operador", ("sec",), duties=others), duty)
    assert refused.value.error_code == "forbidden"
    assert "administrador de tu aseguradora" in refused.value.error_message


def test_other_roles_of_a_shared_route_have_no_duties_to_check() -> None:
    require_duty(Principal("p", "prestador"), "finanzas")
    require_duty(Principal("f", "afiliado"), "servicios")


def test_a_route_of_several_duties_admits_an_operator_holding_any_one() -> None:
    either = ("administracion", "finanzas")
    require_duty(Principal("a", "operador", ("sec",), duties=("finanzas",)), either)
    require_duty(Principal("a", "operador", ("sec",), duties=("administracion",)), either)
    with pytest.raises(errors.Forbidden) as refused:
        require_duty(Principal("a", "operador", ("sec",), duties=("dictamen",)), either)
    # The message names every duty that would open it.
    assert "administración" in refused.value.error_message
    assert "finanzas" in refused.value.error_message
