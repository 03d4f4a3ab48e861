"""The HTTP edge: request parsing, responses, the one error-mapping decorator and OpenAPI.

Each context declares its routes on a `Routes` (a Chalice blueprint) in its `routes.py`, each
route's models and defaults taken from its view's annotations and its blueprint (see
`RouteDeclarer.route`); app.py hands them to `Api.register`, which (1) registers the Chalice
route, (2) wraps the view in `map_errors` so domain errors and validation errors become the
JSON error shape of API.md, and (3) records the request and response models for the one
`/v1/openapi.json`. `Api.route` does the same for a route declared on the app itself.

The answers themselves (JSON responses, the error shape, `map_errors` and the middleware that
puts `ANSWER_HEADERS` on every answer) live in `chalicelib.answers`, and the OpenAPI document
is built by `chalicelib.openapi`; the names other modules use are exported here too.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chalice.app import AuthRequest, AuthResponse, Blueprint, Chalice, CORSConfig, Request, Response
from pydantic import BaseModel, RootModel, ValidationError

from chalicelib import errors, json_body
from chalicelib.answers import (
    ANSWER_HEADERS,
    STATUS_BY_ERROR,
    ErrorDetailOut,
    ErrorOut,
    ErrorResponse,
    View,
    aws_unavailable,
    correlation_id_for,
    error_body,
    every_answer,
    json_response,
    map_errors,
    status_for,
    validation_details,
)
from chalicelib.auth import (
    DUTIES,
    PORTAL_ROLES,
    ROLES,
    DutyNeed,
    Principal,
    duties_of,
    principal_from_context,
    require_duty,
    require_role,
)
from chalicelib.route_models import RouteModels, answers_nothing

__all__ = [
    "ANSWER_HEADERS",
    "ANY_ROLE",
    "PORTAL_ROLE",
    "PUBLIC",
    "STATUS_BY_ERROR",
    "Api",
    "Endpoint",
    "ErrorDetailOut",
    "ErrorOut",
    "ErrorResponse",
    "RouteDeclarer",
    "RouteGroup",
    "Routes",
    "authorize_request",
    "aws_unavailable",
    "caller_ip",
    "correlation_id_for",
    "error_body",
    "json_response",
    "map_errors",
    "parse",
    "parse_query",
    "status_for",
    "to_response",
    "validation_details",
]

M = TypeVar("M", bound=BaseModel)

# The roles of a route any signed-in person may call (their own session and account).
ANY_ROLE: tuple[str, ...] = ROLES
# The roles of a route any person of the portals may call (their own documents and personal
# data requests): not platform administrators, who hold no records of an insurer.
PORTAL_ROLE: tuple[str, ...] = PORTAL_ROLES
# The roles of a route anyone may call, signed in or not (in a group whose routes have roles).
PUBLIC: tuple[str, ...] = ()

_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")


# --- parsing -------------------------------------------------------------------------------


def parse(model: type[M], request: Request) -> M:
    """The request's JSON body as `model`; raises BadRequest or pydantic's ValidationError."""
    raw = request.raw_body
    data: Any = json_body.load(raw) if raw else {}
    if issubclass(model, RootModel):
        # A tagged union reports errors under the tag ("MX.rfc"); name the field only.
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            tagged = (
                isinstance(data, dict)
                and bool(exc.errors())
                and all(
                    len(e["loc"]) > 1 and e["loc"][0] == data.get(_tag(model)) for e in exc.errors()
                )
            )
            skip = 1 if tagged else 0
            raise errors.InvalidInput(details=validation_details(exc, skip=skip)) from None
    return model.model_validate(data)


def _tag(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("root")
    discriminator = field.discriminator if field else None
    return discriminator if isinstance(discriminator, str) else None


def caller_ip(request: Request | None) -> str | None:
    """The caller's IP as API Gateway saw it (rate limits per IP, the audit record)."""
    identity = ((request.context or {}) if request else {}).get("identity") or {}
    source = identity.get("sourceIp")
    return str(source) if source else None


def parse_query(model: type[M], request: Request) -> M:
    """The request's query string as `model`."""
    return model.model_validate(dict(request.query_params or {}))


# --- routes and their description ----------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    name: str
    summary: str
    tags: tuple[str, ...]
    models: RouteModels  # body, query and answer: read on first use (route_models.py)
    status: int
    authenticated: bool
    errors: tuple[int, ...]
    roles: tuple[str, ...] = ()
    duty: DutyNeed | None = None  # what an operator calling it must be able to do (auth.DUTIES)

    @property
    def body(self) -> type[BaseModel] | None:
        return self.models.body

    @property
    def query(self) -> type[BaseModel] | None:
        return self.models.query

    @property
    def response(self) -> type[BaseModel] | None:
        return self.models.response

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)


class RouteDeclarer:
    """The one `route` decorator of `Routes`, their groups and `Api`.

    A route says each thing once: the summary in the OpenAPI document is the view's docstring
    (in Spanish, like all the API publishes), the body, query string and answer models come
    from its annotations (`body: Model`, `query: Model`, `-> Model`), the status is 200 (204
    for a view annotated `-> None`), and the tags and roles are the declarer's defaults
    (`Routes(..., tags=..., roles=...)`, `Routes.group`); any of them may still be named.
    `errors` lists only what the route may answer beyond the errors every route of its kind
    may (a body, a query string, an id in the path, a session: see `chalicelib.openapi`).
    """

    default_tags: tuple[str, ...] = ()
    default_roles: tuple[str, ...] = ()
    default_duty: DutyNeed | None = None

    def _record(self, endpoint: Endpoint, view: View) -> None:
        raise NotImplementedError

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        summary: str | None = None,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int | None = None,
        roles: tuple[str, ...] | None = None,
        errors: tuple[int, ...] = (),
        tags: tuple[str, ...] | None = None,
        duty: DutyNeed | None = None,
    ) -> Callable[[View], View]:
        """Declare `view` for `method path`.

        The view receives the path parameters, `body=` (when it has a body model), `query=`
        (when it has a query model) and `principal=` (when the route has roles: it then needs
        a valid token of one of those roles; `PUBLIC` opens a route of a group with roles) as
        keyword arguments, and returns a pydantic model, a dict, None (204) or a Chalice
        Response. `summary` stands for a view without a docstring, and `body`, `query` and
        `response` name a model where the annotation does not (an answer of several models
        names the documented one). `duty` (or the declarer's default) is what an operator
        must be able to do to call it (`auth.DUTIES`): one without it is answered 403.
        """

        def decorate(view: View) -> View:
            chosen_roles = self.default_roles if roles is None else roles
            chosen_duty = duty or self.default_duty
            if chosen_duty is not None and not set(duties_of(chosen_duty)) <= set(DUTIES):
                raise TypeError(f"{view.__name__}: unknown duty {chosen_duty!r}")
            endpoint = Endpoint(
                path=path,
                method=method.upper(),
                name=view.__name__,
                summary=summary or _summary(view),
                tags=self.default_tags if tags is None else tags,
                models=RouteModels(view, body=body, query=query, response=response),
                status=status or (204 if answers_nothing(view) else 200),
                authenticated=bool(chosen_roles),
                errors=errors,
                roles=chosen_roles,
                duty=chosen_duty,
            )
            self._record(endpoint, view)
            return view

        return decorate


def _summary(view: View) -> str:
    """The view's docstring, on one line."""
    docstring = inspect.getdoc(view)
    if not docstring:
        raise TypeError(f"{view.__name__}: give the view a docstring (its summary) or `summary=`")
    return " ".join(docstring.split())


class Routes(RouteDeclarer):
    """One context's routes: a Chalice blueprint and the description of each route.

    `route` (see `RouteDeclarer`) only records the route; `Api.register` puts them on the app
    (with the app's authorizer on the protected ones) and in the app's one OpenAPI document.
    `tags` and `roles` are the defaults of its routes, `group` gives some of them others. A
    blueprint belongs to the last app it was registered to, so these routes are registered
    once, by app.py.
    """

    def __init__(
        self,
        import_name: str,
        *,
        tags: tuple[str, ...] = (),
        roles: tuple[str, ...] = (),
        duty: DutyNeed | None = None,
    ) -> None:
        self.name = import_name
        self.blueprint = Blueprint(import_name)
        self.views: list[tuple[Endpoint, View]] = []
        self.default_tags = tags
        self.default_roles = roles
        self.default_duty = duty
        self._api: Api | None = None

    def group(
        self,
        *,
        tags: tuple[str, ...] | None = None,
        roles: tuple[str, ...] | None = None,
        duty: DutyNeed | None = None,
    ) -> RouteGroup:
        """Routes of this context with other defaults (the operators' ones, say), recorded
        here in the order they are declared."""
        return RouteGroup(
            self,
            self.default_tags if tags is None else tags,
            self.default_roles if roles is None else roles,
            duty or self.default_duty,
        )

    def _record(self, endpoint: Endpoint, view: View) -> None:
        self.views.append((endpoint, view))

    @property
    def api(self) -> Api:
        """The Api these routes are registered on."""
        if self._api is None:
            raise RuntimeError("these routes are not registered on an app yet")
        return self._api

    @property
    def current_request(self) -> Request | None:
        """The request being answered (views that read the raw body or the caller's IP)."""
        return self.api.app.current_request


class RouteGroup(RouteDeclarer):
    """Some of a context's routes, with defaults of their own (see `Routes.group`)."""

    def __init__(
        self,
        routes: Routes,
        tags: tuple[str, ...],
        roles: tuple[str, ...],
        duty: DutyNeed | None,
    ) -> None:
        self.routes = routes
        self.default_tags = tags
        self.default_roles = roles
        self.default_duty = duty

    def _record(self, endpoint: Endpoint, view: View) -> None:
        self.routes._record(endpoint, view)


@dataclass
class Api(RouteDeclarer):
    """Registers routes on a Chalice app and describes them in OpenAPI 3.1; its own `route`
    puts a route on the app itself."""

    app: Chalice
    title: str
    version: str
    cors_origin: str | None = None
    authorizer: Any = None
    # Told of every refusal for a missing duty (method, path template, duty): the audit log.
    duty_refused: Callable[[Principal, str, str, DutyNeed], None] | None = None
    endpoints: list[Endpoint] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app.register_middleware(every_answer, "http")
        if self.cors_origin:
            # On the app: a blueprint has no CORS of its own, its routes take the app's.
            self.app.api.cors = CORSConfig(
                allow_origin=self.cors_origin,
                allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
                expose_headers=["X-Correlation-Id"],
                max_age=600,
            )

    def _record(self, endpoint: Endpoint, view: View) -> None:
        self._add(endpoint, view, self.app.route)

    def register(self, routes: Routes) -> None:
        """Put a context's routes on the app, in this API's description, and register its
        blueprint (under the views' own names: a prefix would rename Lambda functions)."""
        if routes._api is not None:
            raise RuntimeError(f"{routes.name} is registered on an app already")
        for endpoint, view in routes.views:
            self._add(endpoint, view, routes.blueprint.route)
        routes._api = self
        self.app.register_blueprint(routes.blueprint)

    def _add(self, endpoint: Endpoint, view: View, register: Callable[..., Any]) -> None:
        roles = endpoint.roles
        if roles and self.authorizer is None:
            raise RuntimeError("set Api.authorizer before registering protected routes")
        self.endpoints.append(endpoint)

        def adapter(**path_params: str) -> Any:
            request = self.app.current_request
            assert request is not None  # Chalice sets it before calling a view
            kwargs: dict[str, Any] = dict(path_params)
            if roles:
                principal = principal_from_context(request.context)
                require_role(principal, *roles)
                if endpoint.duty is not None:
                    self._require_duty(principal, endpoint)
                kwargs["principal"] = principal
            if endpoint.body is not None:
                kwargs["body"] = parse(endpoint.body, request)
            if endpoint.query is not None:
                kwargs["query"] = parse_query(endpoint.query, request)
            return to_response(view(**kwargs), endpoint.status)

        adapter.__name__ = view.__name__
        route_options: dict[str, Any] = {"methods": [endpoint.method], "name": view.__name__}
        if roles:
            route_options["authorizer"] = self.authorizer
        register(endpoint.path, **route_options)(map_errors(self.app)(adapter))

    def _require_duty(self, principal: Principal, endpoint: Endpoint) -> None:
        assert endpoint.duty is not None
        try:
            require_duty(principal, endpoint.duty)
        except errors.Forbidden:
            if self.duty_refused is not None:
                self.duty_refused(principal, endpoint.method, endpoint.path, endpoint.duty)
            raise

    def openapi(self) -> dict[str, Any]:
        from chalicelib.openapi import build_document

        return build_document(self)


def to_response(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204)
    if isinstance(result, BaseModel):
        return json_response(result.model_dump(mode="json"), status)
    return json_response(result, status)


def authorize_request(
    request: AuthRequest, verify: Callable[[str], Principal]
) -> AuthResponse | dict[str, Any]:
    """The built-in authorizer's answer: allow every route for a verified token (API Gateway
    caches the policy per token for all routes; roles are checked in the routes), an explicit
    deny for anything else (the gateway then answers 401, see GATEWAY_RESPONSES)."""
    raw = (request.token or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    try:
        principal = verify(raw) if raw else None
    except errors.SessionEnded as ended:
        # Let the request reach the route, marked, so its answer can say why (401
        # `session_expired`): the gateway's own denial cannot carry a reason.
        return AuthResponse(
            routes=["*"], principal_id="anonymous", context={"ended": ended.error_message}
        )
    except errors.Unauthorized:
        principal = None
    if principal is None:
        return {
            "principalId": "anonymous",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": "execute-api:Invoke",
                        "Effect": "Deny",
                        "Resource": [request.method_arn],
                    }
                ],
            },
        }
    return AuthResponse(
        routes=["*"], principal_id=principal.account_id, context=principal.as_context()
    )
