"""Insurers on moto in-process: created and changed by platform administrators, versioned with
a conditional write on the version, audited under the insurer, and read by the contexts that
use their settings (the claim catalogue, retention) with the defaults for what they left unset.

GIVEN a platform administrator and an empty platform, WHEN insurers are created and changed,
THEN each change is a new version, stale ones are refused and the consumers see the settings.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import errors
from chalicelib.audit import service as audit
from chalicelib.audit.schemas import AuditQuery
from chalicelib.auth import Principal
from chalicelib.insurers import service as insurers
from chalicelib.insurers.schemas import (
    InsurerIn,
    InsurerPatch,
    ListQuery,
    OperatorInsurerPatch,
)
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer

ADMIN = Principal("platform-admin-1", "plataforma")
OTHER_ADMIN = Principal("platform-admin-2", "plataforma")


@pytest.fixture
def platform_aws(aws: dict[str, Any]) -> dict[str, Any]:
    return aws


def _new(insurer_id: str = "nueva", **fields: Any) -> InsurerIn:
    return InsurerIn.model_validate(
        {
            "id": insurer_id,
            "legal_name": "ASEGURADORA NUEVA",
            "rfc": "ANU050101AA4",
            "display_name": "Aseguradora Nueva",
            **fields,
        }
    )


def _audit(insurer_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    viewer = Principal("viewer", "operador", (insurer_id,), duties=("administracion",))
    page = audit.records(viewer, AuditQuery())
    return [(r.action, r.actor_id, r.detail) for r in reversed(page.items)]


def test_create_read_and_list(platform_aws: dict[str, Any]) -> None:
    created = insurers.create(ADMIN, _new(brand_color="#112233"))
    assert (created.id, created.version, created.rfc, created.country) == (
        "nueva",
        1,
        "ANU050101AA4",
        "MX",
    )
    assert created.updated_by == ADMIN.account_id
    # Unset settings are null; the defaults travel beside them.
    assert created.service_levels is None
    assert created.retention is None
    assert created.defaults.service_levels["programacion"] == 27
    assert created.defaults.retention["categories"]["clinical"]["years"] == 5

    insurers.create(ADMIN, _new("otra", rfc="OTR050101AA4"))
    listed = insurers.list_insurers(ListQuery(limit=1))
    assert [i.id for i in listed.items] == ["nueva"]
    rest = insurers.list_insurers(ListQuery(limit=5, cursor=listed.next_cursor))
    assert [i.id for i in rest.items] == ["otra"]
    assert rest.next_cursor is None
    assert insurers.read("nueva").brand_color == "#112233"
    with pytest.raises(errors.NotFound):
        insurers.read("ninguna")


def test_a_taken_id_is_a_conflict(platform_aws: dict[str, Any]) -> None:
    insurers.create(ADMIN, _new())
    with pytest.raises(errors.Conflict) as taken:
        insurers.create(OTHER_ADMIN, _new(legal_name="OTRA"))
    assert taken.value.error_code == "insurer_exists"
    assert insurers.read("nueva").legal_name == "ASEGURADORA NUEVA"


def test_each_change_is_a_version_and_a_stale_one_is_refused(
    platform_aws: dict[str, Any],
) -> None:
    insurers.create(ADMIN, _new())
    second = insurers.update(
        ADMIN,
        "nueva",
        InsurerPatch.model_validate(
            {"version": 1, "display_name": "Nueva", "contact": {"phone": "800 111 2222"}}
        ),
    )
    assert second.version == 2
    assert second.display_name == "Nueva"

    # Someone who loaded version 1 meanwhile is told to reload; nothing changes.
    with pytest.raises(errors.Conflict) as stale:
        insurers.update(
            OTHER_ADMIN,
            "nueva",
            InsurerPatch.model_validate({"version": 1, "display_name": "Pisada"}),
        )
    assert stale.value.error_code == "version_conflict"
    assert insurers.read("nueva").display_name == "Nueva"

    # A change that changes nothing writes no version.
    same = insurers.update(
        ADMIN, "nueva", InsurerPatch.model_validate({"version": 2, "display_name": "Nueva"})
    )
    assert same.version == 2

    # null returns a setting to the default.
    third = insurers.update(
        OTHER_ADMIN, "nueva", InsurerPatch.model_validate({"version": 2, "contact": None})
    )
    assert third.version == 3
    assert third.contact.phone is None

    history = insurers.versions_of("nueva", ListQuery())
    assert [v.version for v in history.items] == [3, 2, 1]
    newest, middle, first = history.items
    assert newest.actor_id == OTHER_ADMIN.account_id
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("contact", {"phone": "800 111 2222"}, None)
    ]
    assert {c.field: (c.old, c.new) for c in middle.changes} == {
        "display_name": ("Aseguradora Nueva", "Nueva"),
        "contact": (None, {"phone": "800 111 2222"}),
    }
    assert {c.field for c in first.changes} >= {"legal_name", "rfc", "country", "display_name"}

    assert _audit("nueva") == [
        (
            "insurer.created",
            ADMIN.account_id,
            {"version": 1, "fields": [c.field for c in first.changes]},
        ),
        (
            "insurer.updated",
            ADMIN.account_id,
            {"version": 2, "fields": ["display_name", "contact"]},
        ),
        ("insurer.updated", OTHER_ADMIN.account_id, {"version": 3, "fields": ["contact"]}),
    ]
    # Another insurer's administrators see none of it.
    assert _audit("otra") == []


def test_the_tax_id_is_checked_against_the_country_on_a_change(
    platform_aws: dict[str, Any],
) -> None:
    insurers.create(ADMIN, _new())
    with pytest.raises(errors.InvalidInput):
        insurers.update(
            ADMIN, "nueva", InsurerPatch.model_validate({"version": 1, "country": "CL"})
        )
    chile = insurers.update(
        ADMIN,
        "nueva",
        InsurerPatch.model_validate({"version": 1, "country": "CL", "rfc": "76.123.456-0"}),
    )
    assert (chile.country, chile.rfc) == ("CL", "761234560")


def test_the_claim_catalogue_takes_the_insurers_settings_over_the_defaults(
    platform_aws: dict[str, Any],
) -> None:
    insurers.create(ADMIN, _new())
    default = policies.catalog("nueva")
    assert default.service_level_hours == {"reembolso": 45, "programacion": 27, "menores": 18}
    network = {"notice": "Nuestra red.", "url": "https://red.example.mx/hospitales"}
    insurers.update(
        ADMIN,
        "nueva",
        InsurerPatch.model_validate(
            {"version": 1, "service_levels": {"programacion": 12}, "catalog": {"network": network}}
        ),
    )
    own = policies.catalog("nueva")
    assert own.service_level_hours == {"reembolso": 45, "programacion": 12, "menores": 18}
    assert (own.network_notice, own.network_url) == (network["notice"], network["url"])
    assert own.types == default.types  # what it did not set stays the default's
    # An insurer without settings (or unknown) gets the default catalogue.
    assert policies.catalog("ninguna").service_level_hours == default.service_level_hours

    # A catalogue that does not build (a claim type without a service-level target) is
    # refused, and nothing changes.
    dental = {"type": "dental", "label": "Dental", "coverages": ["gmm_menores"]}
    with pytest.raises(errors.InvalidInput):
        insurers.update(
            ADMIN,
            "nueva",
            InsurerPatch.model_validate(
                {"version": 2, "catalog": {"types": [{**dental, "final_status": "pagado"}]}}
            ),
        )
    assert insurers.read("nueva").version == 2


def test_retention_settings_reach_privacy_and_never_go_below_the_law(
    platform_aws: dict[str, Any],
) -> None:
    from chalicelib.privacy import rules

    insurers.create(
        ADMIN, _new(retention={"grace_days": 15, "categories": {"clinical": {"years": 8}}})
    )
    policy = rules.policy_for("nueva")
    assert policy.grace_days == 15
    assert policy.categories["clinical"].years == 8
    assert policy.categories["fiscal"].years == 5
    assert rules.policy_for("ninguna").grace_days == 0
    with pytest.raises(errors.InvalidInput) as short:
        insurers.create(ADMIN, _new("corta", retention={"categories": {"fiscal": {"years": 2}}}))
    assert short.value.details[0].field == "retention.categories.fiscal.years"


def test_an_insurer_administrator_changes_only_its_own_insurer(
    platform_aws: dict[str, Any],
) -> None:
    insurers.create(ADMIN, _new())
    insurers.create(ADMIN, _new("otra", rfc="OTR050101AA4"))
    administrator = Principal("op-1", "operador", ("nueva",), duties=("administracion",))
    mine = insurers.read_own(administrator)
    assert mine.id == "nueva"
    changed = insurers.update_own(
        administrator,
        OperatorInsurerPatch.model_validate(
            {
                "version": 1,
                "privacy_notice": "Aviso de privacidad de Nueva.",
                "brand_color": "#00AA00",
            }
        ),
    )
    assert (changed.version, changed.privacy_notice) == (2, "Aviso de privacidad de Nueva.")
    assert insurers.read("otra").version == 1
    assert _audit("nueva")[-1][:2] == ("insurer.updated", "op-1")

    public = insurers.public("nueva")
    assert public.model_dump() == {
        "id": "nueva",
        "display_name": "Aseguradora Nueva",
        "brand_color": "#00AA00",
        "logo_url": None,
        "contact": {"phone": None, "email": None, "whatsapp": None, "hours": None},
        "privacy_notice": "Aviso de privacidad de Nueva.",
    }
    with pytest.raises(errors.NotFound):
        insurers.public("ninguna")


def test_a_roster_import_creates_a_missing_insurer_with_the_defaults(
    platform_aws: dict[str, Any],
) -> None:
    policies.load_roster(Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"), [])
    sec = insurers.read("sec")
    assert (sec.legal_name, sec.rfc, sec.version, sec.updated_by) == (
        "SEGUROS EJEMPLO DEL CENTRO",
        "SEC0104236T8",
        1,
        insurers.SYSTEM_ACTOR,
    )
    # A second import leaves the record (and its settings) as they are.
    insurers.update(
        ADMIN, "sec", InsurerPatch.model_validate({"version": 1, "brand_color": "#000000"})
    )
    policies.load_roster(Insurer("sec", "OTRO NOMBRE", "SEC0104236T8"), [])
    assert insurers.read("sec").legal_name == "SEGUROS EJEMPLO DEL CENTRO"
    assert policies.get_insurer("sec").name == "SEGUROS EJEMPLO DEL CENTRO"  # type: ignore[union-attr]
