"""Insurers, pure: what a new insurer must be (tax id by country, colour, contact links) and
which fields a change touched, from what to what."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.insurers import versions
from chalicelib.insurers.schemas import (
    Contact,
    InsurerIn,
    OperatorInsurerPatch,
    company_tax_id,
)
from chalicelib.insurers.versions import Change


def _new(**fields: Any) -> dict[str, Any]:
    return {
        "id": "sec",
        "legal_name": "SEGUROS EJEMPLO DEL CENTRO",
        "rfc": "SEC0104236T8",
        "display_name": "Seguros Ejemplo",
        **fields,
    }


def _errors(data: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        InsurerIn.model_validate(data)
    return {".".join(str(p) for p in e["loc"]) for e in refused.value.errors()}


def test_a_mexican_insurer_has_a_company_rfc_of_twelve_characters() -> None:
    assert InsurerIn.model_validate(_new(rfc=" sec0104236t8 ")).rfc == "SEC0104236T8"
    # A person's RFC (13 characters) and a malformed one are refused.
    assert _errors(_new(rfc="RASJ750312H42"))
    assert _errors(_new(rfc="SEC0199236T8"))  # no 99th month
    with pytest.raises(ValueError, match="12 caracteres"):
        company_tax_id("MX", "RASJ750312H42")


def test_a_chilean_insurer_has_a_rut() -> None:
    chilean = InsurerIn.model_validate(_new(country="CL", rfc="76.123.456-0"))
    assert chilean.rfc == "761234560"
    assert _errors(_new(country="CL", rfc="76.123.456-1"))  # wrong check digit
    assert _errors(_new(country="CL", rfc="SEC0104236T8"))


def test_ids_are_lower_case_slugs() -> None:
    assert InsurerIn.model_validate(_new(id=" nueva-aseg2 ")).id == "nueva-aseg2"
    for bad in ("Nueva-Aseg", "a", "con espacio", "acentuó", "-inicio", "x" * 41, "sec/../adn"):
        assert "id" in _errors(_new(id=bad)), bad


def test_colour_contact_and_unknown_fields() -> None:
    assert InsurerIn.model_validate(_new(brand_color="#0b5394")).brand_color == "#0b5394"
    assert "brand_color" in _errors(_new(brand_color="azul"))
    assert "brand_color" in _errors(_new(brand_color="#0B539"))
    assert "whatsapp" in str(_errors(_new(contact={"whatsapp": "https://evil.example/5512"})))
    assert "whatsapp" in str(_errors(_new(contact={"whatsapp": "http://wa.me/5215512345678"})))
    ok = Contact.model_validate(
        {"whatsapp": "https://wa.me/5215512345678?text=Hola", "email": "Atencion@Sec.MX"}
    )
    assert ok.email == "atencion@sec.mx"
    assert "phone" in str(_errors(_new(contact={"phone": "llámanos"})))
    assert "hours" in str(_errors(_new(contact={"hours": "9 a 18\nsábados"})))
    assert "nss" in _errors(_new(nss="1"))
    assert "service_levels.otro.[key]" in _errors(_new(service_levels={"otro": 10}))
    assert "service_levels.reembolso" in _errors(_new(service_levels={"reembolso": 0}))


def test_an_insurer_administrator_cannot_change_identity_fields() -> None:
    for field, value in (
        ("rfc", "ADN050101AA4"),
        ("legal_name", "X"),
        ("id", "x"),
        ("country", "CL"),
    ):
        with pytest.raises(ValidationError) as refused:
            OperatorInsurerPatch.model_validate({"version": 1, field: value})
        assert refused.value.errors()[0]["type"] == "extra_forbidden", field
    with pytest.raises(ValidationError):
        OperatorInsurerPatch.model_validate({"display_name": "Sin versión"})


def test_changes_list_each_touched_field_with_old_and_new_values() -> None:
    old = {"display_name": "A", "contact": {"phone": "800"}, "service_levels": None}
    new = {
        "display_name": "B",
        "contact": {"phone": "800", "email": "a@b.mx"},
        "service_levels": {"reembolso": 40},
        "id": "ignored",
    }
    assert versions.changes(old, new) == [
        Change("display_name", "A", "B"),
        Change("contact", {"phone": "800"}, {"phone": "800", "email": "a@b.mx"}),
        Change("service_levels", None, {"reembolso": 40}),
    ]


def test_unset_and_empty_settings_are_no_change() -> None:
    old = {"contact": {}, "catalog": None, "privacy_notice": None, "brand_color": "#000000"}
    new = {
        "contact": {"phone": None},
        "catalog": {},
        "privacy_notice": "",
        "brand_color": "#000000",
    }
    assert versions.changes(old, new) == []
    assert versions.changes({"brand_color": "#000000"}, {}) == [
        Change("brand_color", "#000000", None)
    ]


def test_version_sort_keys_sort_as_numbers() -> None:
    keys = [versions.sort_key(n) for n in (1, 2, 10, 9, 100)]
    assert sorted(keys) == [versions.sort_key(n) for n in (1, 2, 9, 10, 100)]
    with pytest.raises(ValueError, match="out of range"):
        versions.sort_key(0)
