"""Health and the OpenAPI document, through Chalice's test client on the real app."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from chalice.test import Client
from openapi_spec_validator import validate

import app as app_module
from chalicelib.openapi import undocumented_routes


@pytest.fixture
def client() -> Any:
    with Client(app_module.app) as test_client:
        yield test_client


def test_health_answers_ok_with_version(client: Any) -> None:
    response = client.http.get("/v1/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "version": "0.1.0"}
    assert response.headers["Content-Type"].startswith("application/json")


def test_openapi_is_valid_3_1_and_describes_every_route(client: Any) -> None:
    response = client.http.get("/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.body)
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert undocumented_routes(app_module.app.routes, document) == []
    health = document["paths"]["/v1/health"]["get"]
    schema_ref = health["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert document["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]][
        "properties"
    ].keys() >= {
        "status",
        "version",
    }


def test_the_completeness_check_catches_a_route_registered_around_the_api() -> None:
    from chalice.app import Chalice

    from chalicelib.http import Api

    app = Chalice(app_name="check")
    api = Api(app, title="t", version="1")

    @api.route("/documented", summary="s")
    def documented() -> dict[str, str]:
        return {}

    @app.route("/hidden", methods=["POST"])
    def hidden() -> dict[str, str]:
        return {}

    assert undocumented_routes(app.routes, api.openapi()) == ["POST /hidden"]


def test_importing_the_app_touches_no_aws_and_loads_no_heavy_module() -> None:
    code = (
        "import sys, app; "
        "heavy = [m for m in ('boto3', 'botocore.client', 'pynamodb', 'pypdf', 'lxml', 'openpyxl', "
        "'aws_xray_sdk') if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
