"""The audit log over the API as the insurer's administrators call it: filters, labels and
names in the answer, 400 with a code for filters that make no sense, the CSV export behind a
short-lived link (itself audited), each insurer's records kept apart and the duty checked."""

from __future__ import annotations

import csv
import io
from typing import Any

import requests

from tests.api.test_operator_duties import _operator, _refused
from tests.fixtures.platform import Platform, bearer

NORTH_OPERATOR = "operador.norte@demo.mx"


def _sec(platform: Platform) -> dict[str, str]:
    return bearer(platform.operator_tokens())


def _audited_read(platform: Platform, headers: dict[str, str], status: str) -> None:
    """A read of the claims queue: the API records it."""
    answer = platform.get("/v1/operator/claims", params={"status": status}, headers=headers)
    assert answer.status_code == 200, answer.text


def test_the_log_filters_by_action_subject_and_person_and_labels_each_record(
    platform: Platform,
) -> None:
    headers = _sec(platform)
    _audited_read(platform, headers, "en_revision")
    _audited_read(platform, headers, "aprobado")

    answer = platform.get("/v1/operator/audit", params={"action": "claims.queue"}, headers=headers)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert [r["subject"] for r in page["items"]][:2] == ["queue:aprobado", "queue:en_revision"]
    newest = page["items"][0]
    assert newest["action_label"] == "Consultó la bandeja de trámites"
    assert newest["actor_email"] == "operador@demo.mx"
    assert newest["actor_name"]
    assert "next_cursor" in page

    by_subject = platform.get(
        "/v1/operator/audit",
        params={"subject": "queue:en_revision", "actor": "OPERADOR@demo.mx"},
        headers=headers,
    ).json()["items"]
    assert {r["subject"] for r in by_subject} == {"queue:en_revision"}
    nobody = platform.get(
        "/v1/operator/audit", params={"actor": "nadie@demo.mx"}, headers=headers
    ).json()
    assert nobody == {"items": [], "next_cursor": None}


def test_bad_filters_answer_400_with_a_spanish_message_and_a_code(platform: Platform) -> None:
    headers = _sec(platform)
    cases = [
        ({"from": "2026-03-06", "to": "2026-03-01"}, "range_invalid", "from"),
        ({"action": "claim.borrada"}, "unknown_action", "action"),
        ({"actor": "Juan"}, "invalid_actor", "actor"),
    ]
    for path in ("/v1/operator/audit", "/v1/operator/audit/export"):
        for params, code, field in cases:
            answer = platform.get(path, params=params, headers=headers)
            assert answer.status_code == 400, (path, params, answer.text)
            error = answer.json()["error"]
            assert error["code"] == code
            assert error["details"][0]["field"] == field
            assert error["message"][0].isupper()
            assert " " in error["message"]
    malformed = platform.get("/v1/operator/audit", params={"from": "ayer"}, headers=headers)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["details"][0]["field"] == "from"


def test_the_export_is_a_link_to_the_filtered_csv_and_is_audited(platform: Platform) -> None:
    headers = _sec(platform)
    _audited_read(platform, headers, "registrado")
    answer = platform.get(
        "/v1/operator/audit/export",
        params={"action": "claims.queue", "subject": "queue:registrado"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    link = answer.json()
    assert set(link) == {"url", "expires_at", "rows"}
    assert link["rows"] >= 1
    downloaded = requests.get(link["url"], timeout=10)
    assert downloaded.status_code == 200
    assert "attachment" in downloaded.headers.get("Content-Disposition", "")
    header, *rows = list(csv.reader(io.StringIO(downloaded.content.decode("utf-8-sig"))))
    assert header[:2] == ["Fecha y hora (Ciudad de México)", "Correo de quien actuó"]
    assert len(rows) == link["rows"]
    assert {row[6] for row in rows} == {"queue:registrado"}
    assert {row[4] for row in rows} == {"Consultó la bandeja de trámites"}

    exports = platform.get(
        "/v1/operator/audit", params={"action": "audit.export"}, headers=headers
    ).json()["items"]
    assert exports[0]["action_label"] == "Exportó el registro de auditoría"
    assert exports[0]["detail"]["filters"] == {
        "action": "claims.queue",
        "subject": "queue:registrado",
    }


def test_each_insurer_sees_only_its_own_records(platform: Platform) -> None:
    sec = _sec(platform)
    north = bearer(platform.operator_tokens(NORTH_OPERATOR))
    _audited_read(platform, sec, "pendiente_documentos")
    _audited_read(platform, north, "rechazado")

    def insurers(headers: dict[str, str], **params: Any) -> set[str]:
        answer = platform.get(
            "/v1/operator/audit", params={"limit": 200, **params}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        return {r["insurer_id"] for r in answer.json()["items"]}

    assert insurers(sec) == {"sec"}
    assert insurers(north) == {"adn"}
    assert insurers(sec, subject="queue:rechazado") <= {"sec"}
    assert insurers(sec, actor=NORTH_OPERATOR) == set()
    for path in ("/v1/operator/audit", "/v1/operator/audit/export"):
        assert platform.get(path, params={"insurer": "adn"}, headers=sec).status_code == 404


def test_an_operator_without_administracion_is_refused_every_audit_route(
    platform: Platform,
) -> None:
    headers = _operator(platform, ["dictamen", "finanzas", "servicios"])
    for path in ("/v1/operator/audit", "/v1/operator/audit/export", "/v1/operator/audit/actions"):
        _refused(platform.get(path, headers=headers), "administración")


def test_the_actions_with_their_labels(platform: Platform) -> None:
    answer = platform.get(
        "/v1/operator/audit/actions", params={"limit": 200}, headers=_sec(platform)
    )
    assert answer.status_code == 200, answer.text
    labels = {item["action"]: item["label"] for item in answer.json()["items"]}
    assert labels["staff.duties_changed"] == "Cambió las funciones de un miembro del personal"
    assert labels["claim.read"] == "Consultó un trámite"
