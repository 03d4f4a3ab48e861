"""The OpenAPI document lists the answers the edge gives every route of a kind.

Found by the API fuzz (tests/e2e/test_api_fuzz.py): a tampered `?cursor=` answered a
documented-nowhere 400 on every paginated list, because only routes with a body listed 400.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice
from pydantic import BaseModel

import app as app_module
from chalicelib.http import Api


class _Query(BaseModel):
    cursor: str | None = None


class _Body(BaseModel):
    name: str


def _responses(document: dict[str, Any], path: str, method: str) -> set[int]:
    return {int(status) for status in document["paths"][path][method]["responses"]}


def test_query_id_body_and_session_routes_document_their_generic_errors() -> None:
    api = Api(Chalice(app_name="t"), title="t", version="1", authorizer=object())

    @api.route("/list", summary="s", query=_Query)
    def listing(query: _Query) -> dict[str, str]:
        return {}

    @api.route("/things/{thing_id}", summary="s", roles=("asegurado",))
    def thing(thing_id: str, principal: Any) -> dict[str, str]:
        return {}

    @api.route("/things", "POST", summary="s", body=_Body, status=201)
    def create(body: _Body) -> dict[str, str]:
        return {}

    document = api.openapi()
    assert _responses(document, "/list", "get") >= {400, 422, 500, 503}
    assert _responses(document, "/things/{thing_id}", "get") >= {401, 403, 404, 422}
    assert _responses(document, "/things", "post") >= {400, 415, 422}
    assert 404 not in _responses(document, "/list", "get")


def test_every_paginated_route_of_the_app_documents_a_bad_cursor() -> None:
    document = app_module.api.openapi()
    paginated = [
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "cursor" for p in operation.get("parameters", []))
    ]
    assert paginated
    assert [(p, m) for p, m in paginated if 400 not in _responses(document, p, m)] == []


class _Patch(BaseModel):
    phone: str | None = None


def test_a_body_of_optional_fields_is_documented_as_optional() -> None:
    # Found by the API fuzz: PATCH /v1/me and POST /v1/operator/settlements/run accept a
    # request without a body (read as `{}`) while the document said the body was required.
    api = Api(Chalice(app_name="t"), title="t", version="1")

    @api.route("/patch", "PATCH", summary="s", body=_Patch)
    def patch(body: _Patch) -> dict[str, str]:
        return {}

    @api.route("/create", "POST", summary="s", body=_Body)
    def create(body: _Body) -> dict[str, str]:
        return {}

    paths = api.openapi()["paths"]
    assert paths["/patch"]["patch"]["requestBody"]["required"] is False
    assert paths["/create"]["post"]["requestBody"]["required"] is True


def test_an_optional_query_parameter_is_an_optional_string_not_a_nullable_one() -> None:
    # Found by the API fuzz (`make fuzz`): with `anyOf: [string, null]` the fuzzer sent a
    # "null" that reaches the wire as `?cursor=`, an empty string the API rightly accepts.
    api = Api(Chalice(app_name="t"), title="t", version="1")

    @api.route("/list", summary="s", query=_Query)
    def listing(query: _Query) -> dict[str, str]:
        return {}

    [cursor] = api.openapi()["paths"]["/list"]["get"]["parameters"]
    assert cursor["required"] is False
    assert cursor["schema"]["type"] == "string"
    assert "anyOf" not in cursor["schema"]
