"""Affiliate services through the API in-process: access rules, an agenda's internet share,
one appointment per patient and day, cancelling, and the public check of a sick leave's
seal. (The browser journey stays in tests/e2e/test_appointments_journey.py.)"""

from __future__ import annotations

import uuid

from tests.e2e.test_appointments_journey import RELATIVE, weekdays_ahead
from tests.fixtures.platform import Platform, bearer

PASSWORD = "Demo-Portal-2026"


def affiliate_token(platform: Platform) -> dict[str, str]:
    return platform.headers("01234567897", PASSWORD)


def clinic_id(platform: Platform, headers: dict[str, str]) -> str:
    clinics = platform.get("/v1/clinics", headers=headers).json()
    return next(c["id"] for c in clinics["items"] if c["name"] == "UMF 20 Vallejo")


def test_affiliate_services_through_the_api(platform: Platform) -> None:
    me = affiliate_token(platform)
    operator = bearer(platform.operator_tokens())

    # Access: no token, wrong role, someone else's record.
    assert platform.get("/v1/appointments").status_code == 401
    refused = platform.post(
        "/v1/appointments", json={"slot_id": "x", "patient_id": "y"}, headers=operator
    )
    assert refused.status_code == 403
    missing = platform.post("/v1/appointments", json={"slot_id": "x"}, headers=me)
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "patient_id"

    family = platform.get("/v1/family", headers=me).json()["items"]
    self_id = next(m["id"] for m in family if m["is_self"])
    relative_id = next(m["id"] for m in family if m["full_name"] == RELATIVE)
    clinic = clinic_id(platform, me)

    # An operator loads an agenda whose internet share is one place.
    day = weekdays_ahead(3)[2]
    loaded = platform.post(
        "/v1/operator/agendas",
        json={
            "clinic_id": clinic,
            "doctor": f"DRA. PRUEBA {uuid.uuid4().hex[:6].upper()}",
            "date": day.isoformat(),
            "shift": "vespertino",
            "slot_times": ["18:00", "18:20", "18:40"],
            "internet_quota": 1,
        },
        headers=operator,
    )
    assert loaded.status_code == 201, loaded.text
    agenda = loaded.json()
    other_service = platform.get(
        "/v1/agenda",
        params={"date": day.isoformat(), "clinic": clinic, "service": "cardiologia"},
        headers=me,
    )
    assert other_service.status_code == 422
    assert "Consulta Externa General" in other_service.json()["error"]["message"]

    booked = platform.post(
        "/v1/appointments",
        json={"slot_id": agenda["slots"][0]["id"], "patient_id": self_id},
        headers=me,
    )
    assert booked.status_code == 201, booked.text
    full = platform.post(
        "/v1/appointments",
        json={"slot_id": agenda["slots"][1]["id"], "patient_id": relative_id},
        headers=me,
    )
    assert full.status_code == 409
    assert full.json()["error"]["code"] == "internet_quota_exhausted"
    assert "espacio asignado para internet" in full.json()["error"]["message"]

    # The same patient cannot hold a second appointment that day, on another agenda.
    listing = platform.get(
        "/v1/agenda", params={"date": day.isoformat(), "clinic": clinic}, headers=me
    ).json()
    free = next(
        s["id"]
        for a in listing["items"]
        if a["id"] != agenda["id"]
        for s in a["slots"]
        if s["available"]
    )
    twice = platform.post(
        "/v1/appointments", json={"slot_id": free, "patient_id": self_id}, headers=me
    )
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_booked_that_day"

    appointment_id = booked.json()["id"]
    cancelled = platform.delete(f"/v1/appointments/{appointment_id}", headers=me)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelada"
    again = platform.delete(f"/v1/appointments/{appointment_id}", headers=me)
    assert again.status_code == 409
    assert platform.delete(f"/v1/appointments/{uuid.uuid4().hex}", headers=me).status_code == 404

    # Public verification needs no token and says no to a seal that is not ours.
    sick_leaves = platform.get("/v1/sick-leaves", headers=me).json()["items"]
    assert sick_leaves
    assert all(s["status"] == "sellada" for s in sick_leaves)
    genuine = platform.get(
        f"/v1/verify/sick-leaves/{sick_leaves[0]['id']}", params={"seal": sick_leaves[0]["seal"]}
    ).json()
    forged = platform.get(
        f"/v1/verify/sick-leaves/{sick_leaves[0]['id']}",
        params={"seal": sick_leaves[0]["seal"][:-4] + "AAAA"},
    ).json()
    assert genuine["valid"] is True
    assert forged["valid"] is False
    assert forged["certificate"] is None
