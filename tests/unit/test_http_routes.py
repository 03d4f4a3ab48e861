"""A context's routes (`Routes`, a Chalice blueprint) registered by `Api.register`: the same
routes, CORS, authorizer and OpenAPI description as a route declared on the app itself."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client
from pydantic import BaseModel

from chalicelib.auth import Principal
from chalicelib.http import Api, Routes
from tests.unit.role_tokens import install_role_authorizer


class Note(BaseModel):
    text: str


def make_routes() -> Routes:
    routes = Routes(__name__)

    @routes.route("/notes", "POST", summary="s", body=Note, response=Note, status=201)
    def add_note(body: Note) -> Note:
        return body

    @routes.route("/operator/notes", summary="s", roles=("operador",))
    def operator_notes(principal: Principal) -> dict[str, Any]:
        request = routes.current_request
        assert request is not None
        return {"account": principal.account_id, "method": request.method}

    return routes


def make_app() -> Chalice:
    app = Chalice(app_name="routes-test")
    api = Api(app, title="t", version="1", cors_origin="http://site.test")
    install_role_authorizer(app, api)
    api.register(make_routes())
    return app


def test_the_routes_answer_with_the_apps_cors_error_shape_and_authorizer() -> None:
    app = make_app()
    assert app.routes["/notes"]["POST"].cors.allow_origin == "http://site.test"
    assert app.routes["/operator/notes"]["GET"].authorizer is not None
    assert app.routes["/notes"]["POST"].authorizer is None
    with Client(app) as client:
        created = client.http.post(
            "/notes", body=b'{"text": "hola"}', headers={"Content-Type": "application/json"}
        )
        assert created.status_code == 201
        assert json.loads(created.body) == {"text": "hola"}
        invalid = client.http.post(
            "/notes", body=b"{}", headers={"Content-Type": "application/json"}
        )
        assert invalid.status_code == 422
        assert json.loads(invalid.body)["error"]["code"] == "validation_error"
        ok = client.http.get("/operator/notes", headers={"Authorization": "Bearer operador:op-1"})
        assert json.loads(ok.body) == {"account": "op-1", "method": "GET"}
        wrong = client.http.get("/operator/notes", headers={"Authorization": "Bearer afiliado:a"})
        assert wrong.status_code == 403


def test_registered_routes_are_in_the_apis_one_document() -> None:
    app = Chalice(app_name="document-test")
    api = Api(app, title="t", version="1", authorizer=object())
    routes = make_routes()
    api.register(routes)
    paths = api.openapi()["paths"]
    assert set(paths) == {"/notes", "/operator/notes"}
    assert paths["/operator/notes"]["get"]["security"] == [{"bearerAuth": []}]
    assert routes.api is api


def test_protected_routes_need_the_authorizer_when_registered() -> None:
    api = Api(Chalice(app_name="no-authorizer"), title="t", version="1")
    with pytest.raises(RuntimeError, match="authorizer"):
        api.register(make_routes())


def test_routes_are_registered_on_one_app_only() -> None:
    routes = make_routes()
    Api(Chalice(app_name="first"), title="t", version="1", authorizer=object()).register(routes)
    second = Api(Chalice(app_name="second"), title="t", version="1", authorizer=object())
    with pytest.raises(RuntimeError, match="registered"):
        second.register(routes)


def test_a_route_takes_its_models_status_and_summary_from_the_view() -> None:
    routes = Routes(__name__, tags=("notas",))

    @routes.route("/notes", "POST")
    def add_note(body: Note) -> Note:
        """Agregar una nota"""
        return body

    @routes.route("/notes/{note_id}", "DELETE")
    def delete_note(note_id: str) -> None:
        """Borrar   una
        nota"""

    app = Chalice(app_name="inferred")
    api = Api(app, title="t", version="1", cors_origin="http://site.test")
    api.register(routes)
    document = api.openapi()
    post = document["paths"]["/notes"]["post"]
    assert post["summary"] == "Agregar una nota"
    assert post["tags"] == ["notas"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Note")
    assert "200" in post["responses"]
    assert document["paths"]["/notes/{note_id}"]["delete"]["summary"] == "Borrar una nota"
    assert "204" in document["paths"]["/notes/{note_id}"]["delete"]["responses"]


class Other(BaseModel):
    n: int


def test_a_route_that_cannot_be_described_is_refused_when_declared() -> None:
    routes = Routes(__name__)

    def no_docstring(body: Note) -> Note:
        return body

    with pytest.raises(TypeError, match="docstring"):
        routes.route("/a", "POST")(no_docstring)

    def untyped_body(body: dict[str, Any]) -> Note:
        """Cuerpo sin modelo"""
        return Note(text="")

    with pytest.raises(TypeError, match="annotate `body`"):
        routes.route("/b", "POST")(untyped_body)

    def two_answers(body: Note) -> Note | Other:
        """Dos respuestas"""
        return body

    with pytest.raises(TypeError, match="several models"):
        routes.route("/c", "POST")(two_answers)
    # Said explicitly, the same view is fine.
    routes.route("/c", "POST", response=Note)(two_answers)
