"""Insurers over the API: the platform administrator creates and changes insurers and invites
their first administrator; that administrator changes how its insurer presents itself; anyone
reads the public face. Insurers' staff are refused on the platform's routes."""

from __future__ import annotations

import uuid

import pyotp

from tests.fixtures.platform import Platform, bearer

PASSWORD = "una frase de acceso segura 2026"
PLATFORM_ADMIN = "plataforma@demo.mx"


def _new(insurer_id: str) -> dict[str, object]:
    return {
        "id": insurer_id,
        "legal_name": "ASEGURADORA DE PRUEBA",
        "rfc": "APR050101AA4",
        "country": "MX",
        "display_name": "Aseguradora de Prueba",
        "brand_color": "#0A7B83",
        "contact": {"phone": "800 555 1234", "whatsapp": "https://wa.me/5215500000000"},
    }


def test_the_platform_administrator_runs_an_insurer_end_to_end(platform: Platform) -> None:
    admin = platform.headers(PLATFORM_ADMIN)
    insurer_id = f"prueba-{uuid.uuid4().hex[:6]}"

    created = platform.post("/v1/platform/insurers", json=_new(insurer_id), headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1

    again = platform.post("/v1/platform/insurers", json=_new(insurer_id), headers=admin)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "insurer_exists"

    bad = platform.post(
        "/v1/platform/insurers", json={**_new("otra-x"), "rfc": "RASJ750312H42"}, headers=admin
    )
    assert bad.status_code == 422, bad.text

    path = f"/v1/platform/insurers/{insurer_id}"
    changed = platform.patch(
        path, json={"version": 1, "service_levels": {"reembolso": 30}}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    stale = platform.patch(path, json={"version": 1, "display_name": "Tarde"}, headers=admin)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "version_conflict"

    history = platform.get(f"{path}/versions", headers=admin).json()
    assert [v["version"] for v in history["items"]] == [2, 1]
    assert history["items"][0]["changes"] == [
        {"field": "service_levels", "old": None, "new": {"reembolso": 30}}
    ]
    listed = platform.get("/v1/platform/insurers", params={"limit": 200}, headers=admin).json()
    assert {"sec", "adn", insurer_id} <= {i["id"] for i in listed["items"]}

    # The insurer's first administrator: invited by email, an operator with `administracion`.
    email = f"admin-{insurer_id}@example.mx"
    invited = platform.post(
        f"{path}/admins", json={"email": email, "full_name": "Admin Prueba"}, headers=admin
    )
    assert invited.status_code == 202, invited.text
    token = platform.emailed_link(email, "activar.html").split("#token=", 1)[1]
    assert (
        platform.post(
            "/v1/accounts/activate", json={"token": token, "password": PASSWORD}
        ).status_code
        == 200
    )
    challenge = platform.post(
        "/v1/auth/login", json={"identifier": email, "password": PASSWORD}
    ).json()
    code = pyotp.TOTP(challenge["enrollment"]["secret"]).now()
    done = platform.post("/v1/auth/totp", json={"session": challenge["session"], "code": code})
    insurer_admin = bearer(done.json())
    me = platform.get("/v1/me", headers=insurer_admin).json()
    assert (me["role"], me["insurers"], me["duties"]) == (
        "operador",
        [insurer_id],
        ["administracion"],
    )

    own = platform.get("/v1/operator/insurer", headers=insurer_admin).json()
    assert (own["id"], own["version"]) == (insurer_id, 2)
    notice = "Tus datos se tratan conforme a la LFPDPPP."
    mine = platform.patch(
        "/v1/operator/insurer",
        json={"version": 2, "privacy_notice": notice, "contact": {"hours": "9 a 18 h"}},
        headers=insurer_admin,
    )
    assert mine.status_code == 200, mine.text
    refused = platform.patch(
        "/v1/operator/insurer", json={"version": 3, "rfc": "XAXX010101000"}, headers=insurer_admin
    )
    assert refused.status_code == 422
    # Named, its own insurer answers; another one is not found, read or changed.
    named = platform.get(
        "/v1/operator/insurer", params={"insurer_id": insurer_id}, headers=insurer_admin
    )
    assert named.json()["id"] == insurer_id
    for other in ("sec", "no-existe"):
        assert (
            platform.get(
                "/v1/operator/insurer", params={"insurer_id": other}, headers=insurer_admin
            ).status_code
            == 404
        )
        assert (
            platform.patch(
                "/v1/operator/insurer",
                params={"insurer_id": other},
                json={"version": 1, "display_name": "Ajena"},
                headers=insurer_admin,
            ).status_code
            == 404
        )

    # Its audit record shows who did what to it.
    audit = platform.get("/v1/operator/audit", headers=insurer_admin).json()["items"]
    actions = [a["action"] for a in audit if a["subject"] == "insurer"]
    assert actions[:3] == ["insurer.updated", "insurer.admin_invited", "insurer.updated"]
    assert actions[-1] == "insurer.created"

    # The public face, for log-in and help pages.
    public = platform.get(f"/v1/insurers/{insurer_id}/public")
    assert public.status_code == 200, public.text
    assert public.json() == {
        "id": insurer_id,
        "display_name": "Aseguradora de Prueba",
        "brand_color": "#0A7B83",
        "logo_url": None,
        # A setting sent replaces the whole of it: the contact is now only the hours.
        "contact": {
            "phone": None,
            "email": None,
            "whatsapp": None,
            "hours": "9 a 18 h",
        },
        "privacy_notice": notice,
    }
    assert platform.get("/v1/insurers/ninguna-asi/public").status_code == 404


def test_insurers_staff_are_refused_on_the_platform_routes(platform: Platform) -> None:
    operator = bearer(platform.operator_tokens())
    for method, path in (
        ("GET", "/v1/platform/insurers"),
        ("GET", "/v1/platform/insurers/sec"),
        ("PATCH", "/v1/platform/insurers/sec"),
        ("GET", "/v1/platform/insurers/sec/versions"),
        ("POST", "/v1/platform/insurers/sec/admins"),
    ):
        answer = platform.request(method, path, json={}, headers=operator)
        assert answer.status_code == 403, (method, path, answer.text)
    assert platform.get("/v1/platform/insurers").status_code == 401


def test_the_demo_insurers_carry_their_settings(platform: Platform) -> None:
    sec = platform.get("/v1/insurers/sec/public").json()
    assert sec["display_name"] == "Seguros Ejemplo del Centro"
    assert sec["contact"]["whatsapp"].startswith("https://wa.me/")
    admin = platform.headers(PLATFORM_ADMIN)
    full = platform.get("/v1/platform/insurers/sec", headers=admin).json()
    assert (full["legal_name"], full["rfc"]) == ("SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8")
    assert full["service_levels"] == {"reembolso": 45, "programacion": 18, "menores": 18}
    adn = platform.get("/v1/platform/insurers/adn", headers=admin).json()
    assert adn["retention"] == {"grace_days": 15}
