"""Chalice's local server, answering API Gateway's own errors as the deployed API does.

On AWS the stack maps API Gateway's gateway responses (unknown route, authorizer refusals)
to API.md's JSON error shape, with the headers of every API answer; here the same table
(`definition.GATEWAY_RESPONSES`, `definition.API_ANSWER_HEADERS`) is applied to the local
gateway's answers.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
    NotAuthorizedError,
    ThreadedHTTPServer,
)

from infrastructure.definition import API_ANSWER_HEADERS, GATEWAY_RESPONSES


def gateway_error(exc: LocalGatewayException, origin: str) -> tuple[int, dict[str, str], bytes]:
    body = (exc.body or b"").decode("utf-8", "replace")
    if isinstance(exc, ForbiddenError) and ("Authentication Token" in body or "Credential" in body):
        kind = "MISSING_AUTHENTICATION_TOKEN"
    elif isinstance(exc, NotAuthorizedError):
        kind = "UNAUTHORIZED"
    elif isinstance(exc, ForbiddenError):
        kind = "ACCESS_DENIED"
    else:
        kind = "DEFAULT_5XX"
    status, code, message = GATEWAY_RESPONSES[kind]
    payload = {"error": {"code": code, "message": message, "details": []}}
    headers = {"Content-Type": "application/json; charset=utf-8", **API_ANSWER_HEADERS}
    if origin:
        # Only the site may read the API's answers, its gateway errors included.
        headers["Access-Control-Allow-Origin"] = origin
    return status, headers, json.dumps(payload, ensure_ascii=False).encode("utf-8")


class ApiHTTPServer(ThreadedHTTPServer):
    # The standard library listens with a backlog of 5: a burst of concurrent clients (a
    # webhook retried 20 times at once) would see connections reset before any thread runs.
    request_queue_size = 256


class ApiRequestHandler(ChaliceRequestHandler):
    cors_origin = ""  # make_api_server sets the site's origin; never "*"

    def __getattr__(self, name: str) -> Any:
        # The standard library answers a method without a `do_` handler (TRACE, CONNECT,
        # QUERY, any token) with its own HTML 501; through the router every method gets the
        # JSON 405 with `Allow` that API Gateway's stray methods get.
        if name.startswith("do_"):
            return self._generic_handle
        raise AttributeError(name)

    def _send_error_response(self, error: LocalGatewayException) -> None:
        status, headers, body = gateway_error(error, self.cors_origin)
        self._send_http_response(status, headers, body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def make_api_server(app: Any, host: str, port: int, cors_origin: str) -> LocalDevServer:
    """One server for this process's app (a second one on the same app object fails)."""
    handler = type("Handler", (ApiRequestHandler,), {"cors_origin": cors_origin})
    # What chalice.local.create_local_server does before building its server: give the app
    # per-thread request state, so the threaded server keeps each request apart.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    config = Config.create(chalice_stage="local", lambda_timeout=30, lambda_memory_size=512)
    return LocalDevServer(app, config, host, port, handler_cls=handler, server_cls=ApiHTTPServer)
