"""The error-mapping decorator and parsing, through a small app built the same way as app.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client
from pydantic import BaseModel, Field, field_validator

from chalicelib import errors
from chalicelib.http import Api, status_for
from tests.unit.role_tokens import install_role_authorizer


class Greeting(BaseModel):
    name: str = Field(min_length=2, max_length=20)
    age: int
    email: str

    @field_validator("email")
    @classmethod
    def email_has_at(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("El correo debe contener @.")
        return value


class GreetingOut(BaseModel):
    message: str


class Paging(BaseModel):
    limit: int = 20


def make_app() -> Chalice:
    app = Chalice(app_name="errors-test")
    api = Api(app, title="t", version="1", cors_origin="http://site.test")

    @api.route("/greetings", "POST", summary="s", body=Greeting, response=GreetingOut, status=201)
    def greet(body: Greeting) -> GreetingOut:
        return GreetingOut(message=f"Hola {body.name}")

    @api.route("/things/{thing_id}", summary="s")
    def thing(thing_id: str) -> dict[str, Any]:
        raise errors.NotFound()

    @api.route("/conflict", "POST", summary="s")
    def conflict() -> None:
        raise errors.Conflict("Ya existe.", code="already_there")

    @api.route("/boom", summary="s")
    def boom() -> None:
        raise RuntimeError("secret internal detail /srv/app.py line 12")

    @api.route("/empty", "DELETE", summary="s", status=204)
    def empty() -> None:
        return None

    @api.route("/paged", summary="s", query=Paging)
    def paged(query: Paging) -> dict[str, int]:
        return {"limit": query.limit}

    return app


@pytest.fixture
def client() -> Any:
    with Client(make_app()) as test_client:
        yield test_client


def post(client: Any, path: str, body: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.http.post(path, body=raw, headers={"Content-Type": "application/json"})


def test_valid_body_reaches_the_view_and_answers_its_status(client: Any) -> None:
    response = post(client, "/greetings", {"name": "Ana", "age": 30, "email": "a@b.mx"})
    assert response.status_code == 201
    assert json.loads(response.body) == {"message": "Hola Ana"}
    assert response.headers["Access-Control-Allow-Origin"] == "http://site.test"


def test_invalid_fields_answer_422_with_a_detail_per_field(client: Any) -> None:
    response = post(client, "/greetings", {"name": "A", "age": "muchos", "email": "sin-arroba"})
    assert response.status_code == 422
    error = json.loads(response.body)["error"]
    assert error["code"] == "validation_error"
    by_field = {d["field"]: d for d in error["details"]}
    assert set(by_field) == {"name", "age", "email"}
    assert by_field["name"]["code"] == "string_too_short"
    assert by_field["age"]["message"] == "Escribe un número entero."
    assert by_field["email"]["message"] == "El correo debe contener @."


def test_missing_field_is_named(client: Any) -> None:
    response = post(client, "/greetings", {"name": "Ana", "age": 3})
    assert response.status_code == 422
    details = json.loads(response.body)["error"]["details"]
    assert details == [
        {"field": "email", "code": "missing", "message": "Escribe tu correo electrónico."}
    ]


@pytest.mark.parametrize("raw", ["{not json", "\xff", ""])
def test_malformed_json_answers_400_or_422_never_500(client: Any, raw: str) -> None:
    response = post(client, "/greetings", raw)
    assert response.status_code in {400, 422}
    assert json.loads(response.body)["error"]["code"] in {"bad_request", "validation_error"}


def test_json_that_is_not_an_object_is_a_validation_error(client: Any) -> None:
    response = post(client, "/greetings", [1, 2])
    assert response.status_code == 422


def test_domain_errors_map_to_their_status_and_code(client: Any) -> None:
    response = client.http.get("/things/abc")
    assert response.status_code == 404
    assert json.loads(response.body) == {
        "error": {"code": "not_found", "message": "No encontramos lo que buscas.", "details": []}
    }
    response = client.http.post("/conflict")
    assert response.status_code == 409
    assert json.loads(response.body)["error"] == {
        "code": "already_there",
        "message": "Ya existe.",
        "details": [],
    }


def test_unknown_exception_is_a_500_with_correlation_id_and_no_trace(client: Any) -> None:
    response = client.http.get("/boom", headers={"X-Correlation-Id": "test-correlation-1"})
    assert response.status_code == 500
    body = response.body.decode()
    error = json.loads(body)["error"]
    assert error["code"] == "internal_error"
    assert error["correlation_id"] == "test-correlation-1"
    assert response.headers["X-Correlation-Id"] == "test-correlation-1"
    for leak in ("Traceback", "RuntimeError", "secret internal detail", "/srv/app.py"):
        assert leak not in body


def test_a_correlation_id_is_made_when_none_is_supplied(client: Any) -> None:
    response = client.http.get("/boom", headers={"X-Correlation-Id": "bad id with spaces"})
    generated = json.loads(response.body)["error"]["correlation_id"]
    assert generated != "bad id with spaces"
    assert len(generated) >= 8


def test_none_answers_204_without_body(client: Any) -> None:
    response = client.http.delete("/empty")
    assert response.status_code == 204
    assert response.body == b""


def test_query_string_is_parsed_and_validated(client: Any) -> None:
    assert json.loads(client.http.get("/paged?limit=5").body) == {"limit": 5}
    response = client.http.get("/paged?limit=cinco")
    assert response.status_code == 422
    assert json.loads(response.body)["error"]["details"][0]["field"] == "limit"


def test_status_for_walks_the_class_hierarchy() -> None:
    class QuotaExhausted(errors.Conflict):
        code = "internet_quota_exhausted"

    assert status_for(QuotaExhausted()) == 409
    assert status_for(errors.DomainError()) == 400


def make_role_app() -> Chalice:
    """A route for one role, behind an authorizer that trusts 'Bearer <role>:<id>' tokens."""
    from chalicelib.auth import Principal

    app = Chalice(app_name="roles-test")
    api = Api(app, title="t", version="1")
    install_role_authorizer(app, api)

    @api.route("/operator/things", summary="s", roles=("operador",))
    def things(principal: Principal) -> dict[str, Any]:
        return {"account": principal.account_id, "insurers": list(principal.insurer_ids)}

    return app


def test_a_valid_token_of_the_wrong_role_is_403_and_the_right_role_passes() -> None:
    with Client(make_role_app()) as role_client:
        ok = role_client.http.get(
            "/operator/things", headers={"Authorization": "Bearer operador:op-1"}
        )
        assert ok.status_code == 200
        assert json.loads(ok.body) == {"account": "op-1", "insurers": ["sec"]}
        wrong = role_client.http.get(
            "/operator/things", headers={"Authorization": "Bearer afiliado:af-1"}
        )
        assert wrong.status_code == 403
        assert json.loads(wrong.body)["error"]["code"] == "forbidden"
        # An unverifiable token is denied by the authorizer itself (the gateway answers 401).
        denied = role_client.http.get("/operator/things", headers={"Authorization": "Bearer x"})
        assert denied.status_code in {401, 403}
        assert b"anonymous" not in denied.body


def test_protected_routes_need_the_authorizer_first() -> None:
    app = Chalice(app_name="no-authorizer")
    api = Api(app, title="t", version="1")
    with pytest.raises(RuntimeError, match="authorizer"):
        api.route("/x", summary="s", roles=("operador",))(lambda principal: None)


# --- bodies deeper or larger than anything legitimate ----------------------------------------


def make_bulk_app() -> Chalice:
    from chalicelib.settlement.schemas import LoadIn

    app = Chalice(app_name="bulk-test")
    api = Api(app, title="t", version="1")

    @api.route("/loads", "POST", summary="s", body=LoadIn)
    def load(body: LoadIn) -> dict[str, int]:
        return {"items": len(body.items)}

    return app


def largest_bulk_load() -> bytes:
    """MAX_BATCH items with every field of both transaction kinds at its longest, the texts
    accented and \\u-escaped, indented: larger than any load an operator can send."""
    from chalicelib.settlement.schemas import MAX_BATCH

    text = "ñ" * 120
    item = {
        "kind": "tarjeta",
        "id": "A" * 64,
        "provider_rut": "76.123.456-0",
        "occurred_at": "2026-01-01T10:00:00-03:00",
        **dict.fromkeys(
            ["total_value", "payer_contribution", "insurer_contribution", "copay"], 999_999_999
        ),
        **dict.fromkeys(
            ["card_amount", "issuer_commission", "transaction_cost", "installments"], 999_999_999
        ),
        **dict.fromkeys(["insurer", "place", "payer", "issuer_answer"], text),
    }
    return json.dumps({"items": [item] * MAX_BATCH}, indent=2).encode()


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        "[" * 100_000,
        '{"name": ' + "[" * 65 + "]" * 65 + "}",
    ],
    ids=["arrays-5000", "objects-5000", "unclosed-100000", "just-over-the-limit"],
)
def test_json_nested_too_deep_answers_400_not_500(client: Any, raw: str) -> None:
    response = post(client, "/greetings", raw)
    assert response.status_code == 400
    error = json.loads(response.body)["error"]
    assert error["code"] == "bad_request"
    assert error["message"] == (
        "El JSON de la solicitud tiene demasiados niveles anidados (máximo 64)."
    )


def test_nesting_at_the_limit_and_brackets_inside_strings_are_parsed(client: Any) -> None:
    at_the_limit = '{"name": ' + "[" * 63 + "]" * 63 + ', "age": 1, "email": "a@b.mx"}'
    response = post(client, "/greetings", at_the_limit)
    # Parsed: the model then refuses a list as a name.
    assert response.status_code == 422
    assert json.loads(response.body)["error"]["details"][0]["field"] == "name"
    # Escaped quotes and backslashes do not end a string early.
    in_strings = {"name": "Ana [[[{{{", "age": 1, "email": "a@b.mx " + '\\"[{\\' * 50}
    response = post(client, "/greetings", in_strings)
    assert response.status_code == 201


def test_a_body_over_4_mib_answers_400_and_the_largest_bulk_load_passes() -> None:
    largest = largest_bulk_load()
    assert 3 * 1024 * 1024 < len(largest) <= 4 * 1024 * 1024
    with Client(make_bulk_app()) as bulk:
        headers = {"Content-Type": "application/json"}
        response = bulk.http.post("/loads", body=largest, headers=headers)
        assert response.status_code == 200, response.body[:300]
        assert json.loads(response.body) == {"items": 1000}
        padded = largest[:-1] + b" " * (4 * 1024 * 1024 - len(largest) + 1) + b"}"
        response = bulk.http.post("/loads", body=padded, headers=headers)
        assert response.status_code == 400
        error = json.loads(response.body)["error"]
        assert error["code"] == "bad_request"
        assert error["message"] == "La solicitud es demasiado grande: envía como máximo 4 MB."


# --- headers of every answer -------------------------------------------------------------


ANSWER_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def test_every_answer_carries_no_store_and_nosniff_and_keeps_cors(client: Any) -> None:
    origin = {"Origin": "http://site.test"}
    answers = {
        "created": post(client, "/greetings", {"name": "Ana", "age": 30, "email": "a@b.mx"}),
        "no content": client.http.delete("/empty"),
        "domain error": client.http.get("/things/abc", headers=origin),
        "validation error": post(client, "/greetings", {"name": "A"}),
        "bad json": post(client, "/greetings", "[" * 100),
        "unhandled": client.http.get("/boom"),
        # Answered by Chalice before any view runs.
        "method not allowed": client.http.put("/greetings", body="{}"),
        "media type": client.http.post(
            "/greetings", body="x", headers={"Content-Type": "text/plain"}
        ),
    }
    statuses = {name: answer.status_code for name, answer in answers.items()}
    assert statuses == {
        "created": 201,
        "no content": 204,
        "domain error": 404,
        "validation error": 422,
        "bad json": 400,
        "unhandled": 500,
        "method not allowed": 405,
        "media type": 415,
    }
    for name, answer in answers.items():
        for header, value in ANSWER_HEADERS.items():
            assert answer.headers.get(header) == value, (name, header)
    for name in ("created", "domain error", "media type"):
        assert answers[name].headers["Access-Control-Allow-Origin"] == "http://site.test", name
    assert json.loads(answers["method not allowed"].body)["error"]["code"] == "method_not_allowed"


def test_a_failure_outside_the_views_is_our_500_with_the_headers() -> None:
    app = make_app()

    def broken(event: Any, get_response: Any) -> Any:
        raise RuntimeError("secret detail of a middleware")

    app.register_middleware(broken, "http")
    with Client(app) as broken_client:
        response = broken_client.http.delete("/empty")
    assert response.status_code == 500
    assert json.loads(response.body)["error"]["code"] == "internal_error"
    assert b"secret detail" not in response.body
    for header, value in ANSWER_HEADERS.items():
        assert response.headers[header] == value


def test_the_gateway_answers_with_the_same_headers_as_the_app() -> None:
    from chalicelib.http import ANSWER_HEADERS as APP_HEADERS
    from infrastructure.definition import API_ANSWER_HEADERS

    assert dict(APP_HEADERS) == API_ANSWER_HEADERS == ANSWER_HEADERS
