"""An insurer's logo over the API in-process: the platform administrator asks for a slot, posts
the file to S3 (moto), the pipeline judges it, and the insurer, its history and its public face
show the accepted logo; a refused file is explained and changes nothing; nobody else may ask."""

from __future__ import annotations

import io
import uuid

import pytest
import requests
from PIL import Image

from tests.fixtures.platform import Platform, bearer, wait_until
from tests.fixtures.uploads import post_file

PLATFORM_ADMIN = "plataforma@demo.mx"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (200, 60), (11, 79, 138, 255)).save(out, "PNG")
    return out.getvalue()


def _new_insurer(platform: Platform, admin: dict[str, str]) -> str:
    insurer_id = f"logo-{uuid.uuid4().hex[:6]}"
    created = platform.post(
        "/v1/platform/insurers",
        json={
            "id": insurer_id,
            "legal_name": "ASEGURADORA CON LOGO",
            "rfc": "ACL050101AA4",
            "display_name": "Con Logo",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    return insurer_id


def _upload(
    platform: Platform, admin: dict[str, str], insurer_id: str, name: str, data: bytes
) -> dict[str, object]:
    path = f"/v1/platform/insurers/{insurer_id}/logo"
    file = {"name": name, "size": len(data), "content_type": "image/png"}
    asked = platform.post(path, json={"file": file}, headers=admin)
    assert asked.status_code == 201, asked.text
    answer = asked.json()
    assert set(answer) == {"document_id", "slot"}
    assert answer["slot"]["document_id"] == answer["document_id"]
    posted = post_file(answer["slot"], name, data, "image/png")
    assert posted.status_code in (200, 201, 204), posted.text

    def judged() -> dict[str, object] | None:
        platform.drain()
        found = platform.get(f"{path}/{answer['document_id']}", headers=admin).json()
        return found if found["status"] != "pendiente" else None

    result = wait_until(judged, platform)
    assert isinstance(result, dict)
    return result


def test_the_platform_administrator_uploads_a_logo_that_every_page_shows(
    platform: Platform,
) -> None:
    admin = _shared_admin(platform)
    insurer_id = _new_insurer(platform, admin)
    public = f"/v1/insurers/{insurer_id}/public"
    assert platform.get(public).json()["logo_url"] is None

    upload = _upload(platform, admin, insurer_id, "logo.png", _png())
    assert (upload["status"], upload["reasons"], upload["current"]) == ("aceptado", [], True)

    insurer = platform.get(f"/v1/platform/insurers/{insurer_id}", headers=admin).json()
    assert insurer["version"] == 2
    assert insurer["logo"]["document_id"] == upload["document_id"]
    history = platform.get(f"/v1/platform/insurers/{insurer_id}/versions", headers=admin).json()
    assert [c["field"] for c in history["items"][0]["changes"]] == ["logo"]

    # Anyone loads the clean copy from the link the public face gives (moto's S3 answers).
    url = platform.get(public).json()["logo_url"]
    assert url
    image = requests.get(url, timeout=10)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (200, 60)

    # The stable address emails use: anyone, no token, a cacheable redirect to a fresh link.
    stable = platform.get(f"/v1/insurers/{insurer_id}/logo")
    assert stable.status_code == 302, stable.text
    assert stable.headers["Cache-Control"] == "public, max-age=600"
    redirected = requests.get(stable.headers["Location"], timeout=10)
    assert redirected.status_code == 200
    assert redirected.headers["Content-Type"] == "image/png"
    assert redirected.content == image.content


def test_a_refused_file_is_explained_and_the_logo_stays(platform: Platform) -> None:
    admin = _shared_admin(platform)
    insurer_id = _new_insurer(platform, admin)
    pdf = b"\x89PNG\r\n\x1a\n%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
    upload = _upload(platform, admin, insurer_id, "logo.png", pdf)
    assert upload["status"] == "rechazado"
    assert upload["current"] is False
    [reason] = upload["reasons"]  # type: ignore[misc]
    assert reason["code"] == "image_damaged"
    assert "dañado o incompleto" in reason["message"]
    insurer = platform.get(f"/v1/platform/insurers/{insurer_id}", headers=admin).json()
    assert (insurer["version"], insurer["logo"]) == (1, None)
    assert platform.get(f"/v1/insurers/{insurer_id}/public").json()["logo_url"] is None


def test_the_slot_is_refused_to_anyone_else_and_above_512_kb(platform: Platform) -> None:
    admin = _shared_admin(platform)
    insurer_id = _new_insurer(platform, admin)
    path = f"/v1/platform/insurers/{insurer_id}/logo"
    file = {"name": "logo.png", "size": 2048, "content_type": "image/png"}

    operator = platform.headers("operador@demo.mx")
    assert platform.post(path, json={"file": file}, headers=operator).status_code == 403
    assert platform.post(path, json={"file": file}).status_code == 401

    big = platform.post(path, json={"file": {**file, "size": 512 * 1024 + 1}}, headers=admin)
    assert big.status_code == 413, big.text
    assert big.json()["error"]["code"] == "file_too_large"
    gif = platform.post(path, json={"file": {**file, "content_type": "image/gif"}}, headers=admin)
    assert gif.status_code == 422
    unknown = "/v1/platform/insurers/no-existe/logo"
    assert platform.post(unknown, json={"file": file}, headers=admin).status_code == 404


def _shared_admin(platform: Platform) -> dict[str, str]:
    """The administrator's session shared by the module (a new log-in waits for a TOTP step)."""
    return bearer(platform.operator_tokens(PLATFORM_ADMIN))


def test_the_logo_route_answers_404_in_spanish_without_an_insurer_or_a_logo(
    platform: Platform,
) -> None:
    unknown = platform.get("/v1/insurers/no-existe/logo")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "No existe esa aseguradora."
    insurer_id = _new_insurer(platform, _shared_admin(platform))
    without = platform.get(f"/v1/insurers/{insurer_id}/logo")
    assert without.status_code == 404
    assert without.json()["error"]["message"] == "Esta aseguradora no tiene logotipo."


def test_emails_link_the_logo_through_the_public_api_url(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import get_settings
    from chalicelib.insurers import service as insurers

    admin = _shared_admin(platform)
    insurer_id = _new_insurer(platform, admin)
    assert "insurer_logo" not in insurers.email_brand(insurer_id)  # no logo yet
    _upload(platform, admin, insurer_id, "logo.png", _png())
    monkeypatch.setenv("PUBLIC_API_URL", "https://api.portal.example/")
    get_settings.cache_clear()
    try:
        brand = insurers.email_brand(insurer_id)
        monkeypatch.delenv("PUBLIC_API_URL")
        get_settings.cache_clear()
        unset = insurers.email_brand(insurer_id)
    finally:
        get_settings.cache_clear()
    address = f"https://api.portal.example/v1/insurers/{insurer_id}/logo"
    assert brand == {"insurer_name": "Con Logo", "insurer_logo": address}
    assert unset == {"insurer_name": "Con Logo"}  # without a public URL: no logo
