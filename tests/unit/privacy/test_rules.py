"""Pure rules of data requests: retention dates, the insurer's settings, the state machine and
the export's file names."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.personal_data import CLINICAL, FISCAL, Retained
from chalicelib.privacy import export, rules

APPROVED = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
SETTINGS = {
    "default": {
        "grace_days": 0,
        "export_available_hours": 24,
        "categories": {
            "clinical": {"years": 5, "defers_deletion": True, "legal_basis": "NOM-004"},
            "fiscal": {"years": 5, "defers_deletion": False, "legal_basis": "CFF art. 30"},
        },
    },
    "insurers": {
        "long": {"grace_days": 30, "categories": {"clinical": {"years": 10}}},
        "short": {"categories": {"clinical": {"years": 1}}},
    },
}


def test_a_deletion_runs_after_the_grace_days_whatever_the_records_kept() -> None:
    # Two stages: the account closes and what no law keeps goes once the grace days pass;
    # the clinical file and the CFDI are blocked and purged on their own dates.
    assert rules.deletion_due(APPROVED, rules.policy_from(SETTINGS, "sec")) == APPROVED


def test_an_insurer_may_lengthen_the_periods_but_never_shorten_the_legal_ones() -> None:
    long = rules.policy_from(SETTINGS, "long")
    assert long.categories[CLINICAL].years == 10
    assert long.grace_days == 30
    assert rules.deletion_due(APPROVED, long) == datetime(2026, 12, 25, 17, 0, tzinfo=UTC)
    assert rules.policy_from(SETTINGS, "short").categories[CLINICAL].years == 5


def test_retained_records_carry_their_legal_basis_and_end_date() -> None:
    policy = rules.policy_from(SETTINGS, "sec")
    kept = Retained("CFDI", FISCAL, 2, "2028-02-29T12:00:00+00:00")
    assert rules.retained_until(kept, policy, APPROVED) == date(2033, 2, 28)
    assert rules.legal_basis(kept, policy) == "CFF art. 30"
    undated = Retained("Folios", FISCAL, 1)
    assert rules.retained_until(undated, policy, APPROVED) == date(2031, 11, 25)


def test_the_project_settings_name_the_law_for_each_category(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.insurers import service as insurers

    # An insurer's own settings live on its record (the insurers context); the file's are
    # the defaults it starts from.
    own = {"sec": {}, "adn": {"grace_days": 15}}
    monkeypatch.setattr(insurers, "retention_settings", lambda insurer_id: own[insurer_id])
    policy = rules.policy_for("sec")
    assert "artículo 30" in policy.categories[FISCAL].legal_basis
    assert "NOM-004-SSA3-2012" in policy.categories[CLINICAL].legal_basis
    assert policy.grace_days == 0
    assert rules.policy_for("adn").grace_days == 15
    assert rules.default_retention()["categories"][FISCAL]["years"] == 5


def test_state_machine() -> None:
    assert rules.can_move("export", "pendiente", "en_proceso")
    assert rules.can_move("export", "en_proceso", "lista")
    assert not rules.can_move("export", "pendiente", "aprobada")
    assert rules.can_move("deletion", "pendiente", "aprobada")
    assert rules.can_move("deletion", "aprobada", "completada")
    assert not rules.can_move("deletion", "pendiente", "completada")
    assert not rules.can_move("deletion", "rechazada", "aprobada")
    assert not rules.can_move("deletion", "completada", "aprobada")
    assert not rules.is_open("lista")
    assert rules.is_open("aprobada")
    assert set(rules.LABELS) >= set(rules.STATUSES)


@given(st.text(max_size=80))
def test_archive_names_stay_inside_the_documents_folder(name: str) -> None:
    path = export.archive_name("doc-1", name)
    assert path.startswith("documentos/doc-1_")
    assert ".." not in path.removeprefix("documentos/doc-1_").split("/")
    assert path.count("/") == 1


def test_zip_has_readme_json_and_files() -> None:
    target = io.BytesIO()
    count = export.write_zip(
        target,
        request_id="r1",
        generated_at="2026-11-25T17:00:00+00:00",
        data={"cuenta": {"nombre": "ANA ÑANDÚ"}},
        files=[export.ExportFile("d1", "../../etc/passwd", b"x")],
    )
    archive = zipfile.ZipFile(target)
    assert count == 1
    assert sorted(archive.namelist()) == ["LEEME.txt", "datos.json", "documentos/d1_passwd"]
    assert json.loads(archive.read("datos.json"))["cuenta"]["nombre"] == "ANA ÑANDÚ"
