"""Schemathesis fuzzes every operation of /v1/openapi.json on a local stack of its own.

Each generated request (valid and invalid bodies, query strings and path ids) is sent as
every role (insured, Mexican provider, affiliate, operator) and anonymously, and every
answer must be one the document describes for that operation (status, content type and
body schema), never a 5xx, and never show a stack trace or an internal exception name.

The stack is this test's own (not the shared `local_stack`): valid random bodies really
create clinics, agendas, memberships and settlement runs, and other tests count those.
The accounts are fresh ones registered and activated through the API and the outbox, so a
fuzzed password change, log-out or throttle never touches an account anything else uses.

`FUZZ_EXAMPLES` sets the examples per operation (the default run keeps it small; `make fuzz`
runs many more); `FUZZ_STACK_PORTS=8000,8080,5000` fuzzes a stack already running, such as
`make run`'s; `FUZZ_LOG=path` appends each request's operation, status and seconds. The
operations come from the app's OpenAPI document at collection time, so a route added
tomorrow is fuzzed without touching this file (schemathesis' lazy `from_fixture` loader needs
pytest < 9, so the document is built in this process from the same app the stack runs).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from stdnum import luhn

import app
from tests.e2e.providers_helpers import unique_rfc
from tests.fixtures.operators import operator_tokens, password_log_in
from tests.fixtures.stack import LocalStack, create_operator, stack_on_free_ports

DEFAULT_EXAMPLES = 3
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or DEFAULT_EXAMPLES)
THOROUGH = EXAMPLES > DEFAULT_EXAMPLES  # `make fuzz`: every stray method, no time limit
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(0 if THOROUGH else 300)]
PASSWORD = "frase de prueba del fuzz 2026"
ROLES = ("asegurado", "prestador", "afiliado", "operador")
ROLES_BY_OPERATION = {(e.method, e.path): e.roles for e in app.api.endpoints}
# Not `positive_data_acceptance`: a valid but random id is rightly a 404, a valid random
# body for a resource that does not exist rightly a 404/409.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]
# What a leaked stack trace or exception looks like in a body: Python's traceback lines and
# the class names of the libraries under the API (botocore, pynamodb, pydantic, the stdlib).
LEAKS = re.compile(
    r'Traceback \(most recent call last\)|File "|'
    r"\b(?:ClientError|ConditionalCheckFailed|TransactionCanceled|PynamoDB\w*|PutError|"
    r"UpdateError|DeleteError|GetError|QueryError|ValidationError|KeyError|TypeError|"
    r"ValueError|AttributeError|IndexError|AssertionError|RuntimeError|\w+Exception)\b"
)


# --- the stack and its accounts --------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    running = os.environ.get("FUZZ_STACK_PORTS")  # "api,site,moto" of a stack already running
    if running:
        api, site, moto = running.split(",")
        yield LocalStack(
            process=None,  # type: ignore[arg-type]
            api_url=f"http://127.0.0.1:{api}",
            site_url=f"http://127.0.0.1:{site}",
            moto_url=f"http://127.0.0.1:{moto}",
            log_path=Path(os.devnull),
        )
        return
    with stack_on_free_ports(tmp_path_factory.mktemp("fuzz-stack"), "the fuzz stack") as stack:
        yield stack


def _activation_token(stack: LocalStack, address: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in requests.get(f"{stack.site_url}/__local/outbox.json", timeout=5).json():
            found = re.search(r"/activar\.html#token=([\w-]+)", message["text"])
            if address in message["to"] and found:
                return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no activation email for {address}")


def _activate(stack: LocalStack, email: str) -> None:
    answer = requests.post(
        f"{stack.api_url}/v1/accounts/activate",
        json={"token": _activation_token(stack, email), "password": PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def _register(stack: LocalStack, path: str, body: dict[str, Any]) -> None:
    answer = requests.post(f"{stack.api_url}{path}", json=body, timeout=10)
    assert answer.status_code == 202, answer.text
    _activate(stack, body["email"])


def _log_in(stack: LocalStack, identifier: str) -> dict[str, Any]:
    return password_log_in(stack, identifier, PASSWORD)


def _new_operator(stack: LocalStack, email: str) -> None:
    """An operator of both demo insurers, as `make operator` creates one."""
    create_operator(stack, email, "Operadora Fuzz", "sec,adn")
    _activate(stack, email)


def _operator_tokens(stack: LocalStack, email: str) -> dict[str, Any]:
    """First log-in: the answer carries the TOTP enrolment; its first code finishes it."""
    challenge = _log_in(stack, email)
    assert challenge.get("challenge") == "totp", challenge
    secret = challenge["enrollment"]["secret"]
    answer = requests.post(
        f"{stack.api_url}/v1/auth/totp",
        json={"session": challenge["session"], "code": pyotp.TOTP(secret).now()},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture(scope="module")
def role_headers(fuzz_stack: LocalStack) -> dict[str, dict[str, str]]:
    """A bearer token per role, each of an account made for this run."""
    suffix = uuid.uuid4().hex[:8]
    # Demo roster entries nothing else on this stack registers (any, on a reused stack).
    n = random.randint(60, 100)  # noqa: S311
    insured = f"fuzz-asegurado-{suffix}@example.mx"
    _register(
        fuzz_stack,
        "/v1/accounts/insured",
        {
            "full_name": f"Asegurado Prueba {n:03d}",
            "policy_number": f"GMM-2026-{90000 + n:07d}",
            "email": insured,
            "accept_privacy_broker": True,
            "accept_privacy_insurer": True,
        },
    )
    provider = f"fuzz-prestador-{suffix}@example.mx"
    _register(
        fuzz_stack,
        "/v1/accounts/providers",
        {
            "country": "MX",
            "rfc": unique_rfc(),
            "full_name": "Médica Fuzz Gómez",
            "email": provider,
            "fiscal_regime": "612",
            "jalisco_cedular": False,
        },
    )
    affiliate = f"fuzz-afiliado-{suffix}@example.mx"
    base = str(9000000000 + n - 1)
    _register(
        fuzz_stack,
        "/v1/accounts/affiliates",
        {
            "nss": base + luhn.calc_check_digit(base),
            "credential_serial": f"S{base}",
            "phone": "5512345678",
            "email": affiliate,
        },
    )
    operator = f"fuzz-operador-{suffix}@example.mx"
    _new_operator(fuzz_stack, operator)
    tokens = {
        "asegurado": _log_in(fuzz_stack, insured),
        "prestador": _log_in(fuzz_stack, provider),
        "afiliado": _log_in(fuzz_stack, affiliate),
        "operador": _operator_tokens(fuzz_stack, operator),
        # The demo platform administrator (password and the demo TOTP secret).
        "plataforma": operator_tokens(fuzz_stack, "plataforma@demo.mx"),
    }
    return {role: {"Authorization": f"Bearer {t['id_token']}"} for role, t in tokens.items()}


# --- the fuzz ------------------------------------------------------------------------------


def leaked_internals(ctx: Any, response: Any, case: Any) -> bool | None:
    """No body shows a traceback, a source path or an internal exception name."""
    found = LEAKS.search(response.text or "")
    if found:
        raise AssertionError(
            f"the answer shows internals ({found.group(0)!r}): {response.text[:300]}"
        )
    return None


def _schema() -> Any:
    schema = schemathesis.openapi.from_dict(app.api.openapi())
    schema.config.generation.update(
        modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
        max_examples=EXAMPLES,
    )
    if not THOROUGH:
        # Every stray method takes the same path through the router; two of them show it.
        schema.config.phases.coverage.unexpected_methods = {"trace", "query"}
    return schema


schema = _schema()
_refusals_checked: set[str] = set()
LOG = os.environ.get("FUZZ_LOG")
PATHS = list(schema.raw_schema["paths"])
PATH_PARAMS = {name for path in PATHS for name in re.findall(r"{(\w+)}", path)}
# Ids the API handed each role during this run, by path parameter. Half the valid cases of
# a route with an id in its path use one, so the fuzz gets past the 404 into the service
# (a claim's transitions, an invoice's payments) instead of only probing the lookup.
_known_ids: dict[tuple[str, str], list[str]] = defaultdict(list)
_turn = itertools.count()


def _child_param(path: str) -> str | None:
    """`claim_id` for /v1/claims (there is a /v1/claims/{claim_id}): what its `id`s are."""
    for other in PATHS:
        found = re.fullmatch(re.escape(path) + r"/{(\w+)}", other)
        if found:
            return found.group(1)
    return None


def _harvest(role: str, path: str, body: Any) -> None:
    records = body.get("items") if isinstance(body, dict) else None
    records = records if isinstance(records, list) else [body]
    own = re.search(r"{(\w+)}$", path)  # a detail's own `id` is its path parameter
    child = _child_param(path) or (own.group(1) if own else None)
    for record in records:
        if not isinstance(record, dict):
            continue
        found = {k: v for k, v in record.items() if k in PATH_PARAMS}
        if child and "id" in record:
            found.setdefault(child, record["id"])
        for name, value in found.items():
            ids = _known_ids[(role, name)]
            if isinstance(value, str) and value not in ids and len(ids) < 20:
                ids.append(value)


def _server_log(stack: LocalStack, response: Any) -> str:
    """The stack's log lines of this request (a 500's traceback is there, not in the body)."""
    correlation_id = (response.headers.get("x-correlation-id") or ["-"])[0]
    lines = [line for line in stack.log().splitlines() if correlation_id in line]
    return "Stack log of this request:\n" + ("\n".join(lines)[-4000:] or "(none)")


def _with_known_ids(case: Any, role: str | None) -> None:
    if role is None or not case.path_parameters or next(_turn) % 2:
        return
    if case.meta is None or case.meta.generation.mode != schemathesis.GenerationMode.POSITIVE:
        return
    for name in list(case.path_parameters):
        ids = _known_ids.get((role, name))
        if ids:
            case.path_parameters[name] = ids[next(_turn) % len(ids)]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(
    case: Any, fuzz_stack: LocalStack, role_headers: dict[str, dict[str, str]]
) -> None:
    roles = ROLES_BY_OPERATION[(case.operation.method.upper(), case.operation.path)]
    callers: list[str | None] = list(roles) or [None]
    if roles and case.operation.label not in _refusals_checked:
        # Anonymous and the other roles are refused before the request is read, so once per
        # operation is enough (the answer must still be a documented 401/403).
        _refusals_checked.add(case.operation.label)
        callers += [None] + [role for role in ROLES if role not in roles]
    for role in callers:
        headers = role_headers[role] if role else {}
        _with_known_ids(case, role if role in roles else None)
        started = time.perf_counter()
        response = case.call(base_url=fuzz_stack.api_url, headers=headers, timeout=30)
        if LOG:
            took = time.perf_counter() - started
            with open(LOG, "a") as log:
                log.write(f"{case.operation.label}\t{response.status_code}\t{took:.3f}\n")
        try:
            case.validate_response(
                response, checks=CHECKS, additional_checks=[leaked_internals], headers=headers
            )
        except Exception as exc:
            exc.add_note(_server_log(fuzz_stack, response))
            raise
        answered_json = "json" in str(response.headers.get("content-type"))
        if role and response.status_code < 300 and answered_json:
            _harvest(role, case.operation.path, response.json())


def test_the_leak_check_spots_a_traceback_and_an_exception_name() -> None:
    class Answer:
        def __init__(self, text: str) -> None:
            self.text = text

    for text in (
        'Traceback (most recent call last):\n  File "/var/task/app.py", line 1',
        '{"error": {"message": "ConditionalCheckFailedException"}}',
        '{"detail": "KeyError: \'rfc\'"}',
    ):
        with pytest.raises(AssertionError, match="internals"):
            leaked_internals(None, Answer(text), None)
    ok = '{"error":{"code":"validation_error","message":"Revisa los datos marcados."}}'
    assert leaked_internals(None, Answer(ok), None) is None
