"""The amounts of a claim's approval: parsing, the rules and the net to be paid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib import errors
from chalicelib.claims import decision


def refused(
    approved: str | None, deductible: str | None, coinsurance: str | None
) -> dict[str, str]:
    with pytest.raises(errors.InvalidInput) as caught:
        decision.decide(approved, deductible, coinsurance)
    return {d.field: d.code for d in caught.value.details}


def test_the_net_is_the_approved_amount_less_deductible_and_coinsurance() -> None:
    made = decision.decide("15000.00", "2000", "1300.5")
    assert (made.approved_cents, made.deductible_cents, made.coinsurance_cents) == (
        1_500_000,
        200_000,
        130_050,
    )
    assert made.net_cents == 1_169_950
    assert decision.pesos(made.net_cents) == "11699.50"
    assert decision.label(made.net_cents) == "$11,699.50"


def test_deductible_and_coinsurance_left_empty_are_none() -> None:
    made = decision.decide("800", None, "")
    assert (made.deductible_cents, made.coinsurance_cents, made.net_cents) == (0, 0, 80_000)


def test_deductible_plus_coinsurance_exactly_the_approved_amount_leaves_nothing_to_pay() -> None:
    assert decision.decide("1000.00", "400.00", "600.00").net_cents == 0


def test_every_wrong_field_is_named_at_once() -> None:
    assert refused(None, "-1", "1.234") == {
        "approved_amount": "required",
        "deductible": "amount_negative",
        "coinsurance": "amount_invalid",
    }
    assert refused("0", "0", "0") == {"approved_amount": "amount_zero"}
    assert refused("diez", None, None) == {"approved_amount": "amount_invalid"}
    assert refused("99999999999999", None, None) == {"approved_amount": "amount_invalid"}


def test_more_deductible_and_coinsurance_than_approved_is_refused_beside_the_coinsurance() -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        decision.decide("1000.00", "600.00", "400.01")
    [detail] = caught.value.details
    assert (detail.field, detail.code) == ("coinsurance", "exceeds_approved")
    assert detail.message == (
        "El deducible más el coaseguro ($1,000.01) no puede superar el monto aprobado ($1,000.00)."
    )


def test_amounts_with_another_move_are_refused() -> None:
    refusal = decision.not_allowed({"approved_amount": "10", "deductible": None})
    assert refusal is not None
    assert [d.field for d in refusal.details] == ["approved_amount"]
    assert decision.not_allowed({"approved_amount": None, "deductible": ""}) is None


cents = st.integers(min_value=0, max_value=10**11)


@given(approved=cents.filter(bool), deductible=cents, coinsurance=cents)
def test_an_accepted_decision_always_reconciles_and_never_pays_a_negative_net(
    approved: int, deductible: int, coinsurance: int
) -> None:
    texts = [decision.pesos(value) for value in (approved, deductible, coinsurance)]
    if deductible + coinsurance > approved:
        assert "coinsurance" in refused(*texts)
        return
    made = decision.decide(*texts)
    assert made.net_cents >= 0
    assert made.net_cents + made.deductible_cents + made.coinsurance_cents == approved
