"""The rules a new claim is checked against: each refusal's field and code, the order in
which they are checked, and the conditions and hospitals read only when the claim needs them."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import errors
from chalicelib.claims import eligibility
from chalicelib.claims.schemas import ClaimIn
from chalicelib.policies.catalog import Catalog, ClaimType
from chalicelib.policies.repository import Condition, Hospital, Member, Policy

VALID_CLABE = "002180700845632136"  # Banamex, valid check digit

REFUND = ClaimType(
    type="reembolso",
    label="Reembolso",
    coverages=("gmm_mayores",),
    subtypes=(),
    needs_hospital=False,
    pays_out=True,
    final_status="pagado",
)
SCHEDULED = ClaimType(
    type="programacion",
    label="Programación",
    coverages=("gmm_mayores",),
    subtypes=("cirugia", "estudio"),
    needs_hospital=True,
    pays_out=False,
    final_status="autorizado",
)
CATALOG = Catalog(
    insurer_id="sec",
    types={"reembolso": REFUND, "programacion": SCHEDULED},
    documents={},
    service_level_hours={"reembolso": 45, "programacion": 24},
    forms={},
    network_notice="",
    network_url="",
)
TITULAR = Member(id="m1", full_name="Ana Ruiz", relationship="titular")
CHILD = Member(id="m2", full_name="Luis Ruiz", relationship="hijo")
POLICY = Policy(
    insurer_id="sec",
    policy_number="P-1",
    titular_name="Ana Ruiz",
    members=[TITULAR, CHILD],
    coverages=["gmm_mayores"],
)
CONDITION = Condition(
    condition_id="c1",
    policy_number="P-1",
    member_id="m1",
    description="Fractura de tobillo",
    registered_on="2026-03-01",
)
HOSPITAL = Hospital(
    hospital_id="h1", name="Hospital Ángeles", city="CDMX", state="CDMX", address="Calle 1"
)


def claim(**changes: Any) -> ClaimIn:
    fields: dict[str, Any] = {
        "member_id": "m1",
        "coverage": "gmm_mayores",
        "type": "reembolso",
        "stage": "inicial",
        "payout_clabe": VALID_CLABE,
        "consent": True,
    }
    return ClaimIn(**{**fields, **changes})


def scheduled(**changes: Any) -> ClaimIn:
    return claim(
        **{"type": "programacion", "subtype": "cirugia", "hospital_id": "h1"}
        | {"payout_clabe": None}
        | changes
    )


def no_lookup() -> list[Any]:
    raise AssertionError("read although the claim does not need it")


def check(body: ClaimIn, **lookups: Any) -> eligibility.Eligible:
    return eligibility.check_claim(
        body,
        POLICY,
        CATALOG,
        conditions=lookups.get("conditions", lambda: [CONDITION]),
        hospitals=lookups.get("hospitals", lambda: [HOSPITAL]),
    )


def refusal(body: ClaimIn, **lookups: Any) -> tuple[str, str]:
    with pytest.raises(errors.InvalidInput) as raised:
        check(body, **lookups)
    assert raised.value.code == "validation_error"
    (detail,) = raised.value.details
    assert detail.message
    return detail.field, detail.code


def test_a_refund_for_a_member_with_a_valid_clabe_is_allowed() -> None:
    eligible = check(claim(member_id="m2"), conditions=no_lookup, hospitals=no_lookup)
    assert eligible == eligibility.Eligible(
        member=CHILD,
        claim_type=REFUND,
        condition_description=None,
        hospital_name=None,
        payout_clabe=VALID_CLABE,
    )


def test_the_clabe_loses_the_spaces_it_was_written_with() -> None:
    spaced = "002 180 700845632136"
    assert check(claim(payout_clabe=spaced)).payout_clabe == VALID_CLABE


def test_a_scheduled_claim_names_its_network_hospital() -> None:
    eligible = check(scheduled(), conditions=no_lookup)
    assert eligible.hospital_name == "Hospital Ángeles"
    assert eligible.payout_clabe is None


def test_a_complemento_carries_its_registered_condition() -> None:
    eligible = check(claim(stage="complemento", condition_id="c1"), hospitals=no_lookup)
    assert eligible.condition_description == "Fractura de tobillo"


def test_a_complemento_may_leave_its_condition_pending_without_reading_any() -> None:
    eligible = check(claim(stage="complemento", condition_pending=True), conditions=no_lookup)
    assert eligible.condition_description is None


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (claim(member_id="stranger"), "member_id", "not_on_policy"),
        (claim(coverage="gmm_menores"), "coverage", "coverage_not_in_policy"),
        (claim(type="menores"), "type", "type_not_available"),
        (scheduled(subtype=None), "subtype", "subtype_required"),
        (claim(subtype="cirugia"), "subtype", "subtype_not_allowed"),
        (claim(condition_id="c1"), "condition_id", "condition_not_allowed"),
        (claim(condition_pending=True), "condition_id", "condition_not_allowed"),
        (
            claim(stage="complemento", condition_id="c1", condition_pending=True),
            "condition_id",
            "condition_ambiguous",
        ),
        (claim(stage="complemento", condition_id="c9"), "condition_id", "condition_not_found"),
        (claim(stage="complemento"), "condition_id", "condition_required"),
        (scheduled(hospital_id=None), "hospital_id", "hospital_required"),
        (scheduled(hospital_id="h9"), "hospital_id", "hospital_required"),
        (claim(hospital_id="h1"), "hospital_id", "hospital_not_allowed"),
        (claim(payout_clabe=None), "payout_clabe", "clabe_required"),
        (claim(payout_clabe="   "), "payout_clabe", "clabe_required"),
        (claim(payout_clabe="002180700845632137"), "payout_clabe", "clabe_invalid"),
        (claim(payout_clabe="00218070084563213"), "payout_clabe", "clabe_invalid"),
        (claim(payout_clabe="00218070084563213a"), "payout_clabe", "clabe_invalid"),
        (scheduled(payout_clabe=VALID_CLABE), "payout_clabe", "clabe_not_allowed"),
        (claim(consent=False), "consent", "consent_required"),
    ],
)
def test_each_rule_refuses_with_its_field_and_code(body: ClaimIn, field: str, code: str) -> None:
    assert refusal(body) == (field, code)


def test_a_type_outside_the_chosen_coverage_is_refused() -> None:
    minor = ClaimType(
        type="menores",
        label="Gastos médicos menores",
        coverages=("gmm_menores",),
        subtypes=(),
        needs_hospital=False,
        pays_out=True,
        final_status="pagado",
    )
    catalog = Catalog(**{**CATALOG.__dict__, "types": {**CATALOG.types, "menores": minor}})
    with pytest.raises(errors.InvalidInput) as raised:
        eligibility.claim_type_for(catalog, claim(type="menores"))
    (detail,) = raised.value.details
    assert (detail.field, detail.code) == ("type", "type_needs_coverage")
    assert "gastos médicos menores" in detail.message


def test_a_condition_of_another_member_is_not_found() -> None:
    assert refusal(claim(member_id="m2", stage="complemento", condition_id="c1")) == (
        "condition_id",
        "condition_not_found",
    )


def test_the_first_broken_rule_in_the_forms_order_is_the_one_reported() -> None:
    everything_wrong = claim(
        member_id="stranger",
        coverage="gmm_menores",
        subtype="cirugia",
        hospital_id="h1",
        payout_clabe=None,
        consent=False,
    )
    assert refusal(everything_wrong, conditions=no_lookup, hospitals=no_lookup) == (
        "member_id",
        "not_on_policy",
    )
    assert refusal(claim(payout_clabe=None, consent=False)) == ("payout_clabe", "clabe_required")
    assert refusal(scheduled(hospital_id="h9", payout_clabe=VALID_CLABE)) == (
        "hospital_id",
        "hospital_required",
    )


def test_lookups_are_not_read_when_an_earlier_rule_refuses() -> None:
    assert refusal(
        scheduled(member_id="stranger", stage="complemento", condition_id="c1"),
        conditions=no_lookup,
        hospitals=no_lookup,
    ) == ("member_id", "not_on_policy")
