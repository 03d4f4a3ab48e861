"""Document upload slots through the API in-process. (The pipeline itself, files POSTed to
the moto server from the site's origin, stays in tests/e2e/test_documents_pipeline.py.)"""

from __future__ import annotations

from tests.fixtures.platform import Platform, bearer


def test_slot_rules_answer_in_spanish(platform: Platform) -> None:
    operator = bearer(platform.operator_tokens("operador@demo.mx"))
    response = platform.post(
        "/v1/operator/transactions/files",
        json={"files": [{"name": "transacciones junio.csv", "size": 10, "content_type": ""}]},
        headers=operator,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "file_name_invalid"
    assert "un espacio" in error["message"]
    assert error["details"][0]["field"] == "files.0.name"
