"""A route's body, query and answer models, read from its view's annotations.

A route is declared when app.py imports its context's routes; its models are needed only
when the route is first called or the OpenAPI document is built. A view whose annotations
name a context's schemas module that app.py has made lazy and that has not run yet
(`chalicelib/deferred.py`: `acc.Login`, with `acc` that module) has its models read on that
first use, so that a cold start does not define every context's models. Any other view has
them read at once, and a view that cannot be described is refused when it is declared.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast, get_args, get_type_hints

from pydantic import BaseModel

from chalicelib.deferred import pending

View = Callable[..., Any]
Model = type[BaseModel]
_UNANNOTATED = object()
_NAME = re.compile(r"[A-Za-z_]\w*")


def _annotation(view: View, name: str) -> Any:
    """What `view` annotates `name` with ("return": its answer), resolved in its module."""
    annotations = getattr(view, "__annotations__", {})
    if name not in annotations:
        return _UNANNOTATED
    # Only this one: another annotation may name what the view imports in its own body.
    only = SimpleNamespace(__annotations__={name: annotations[name]})
    return get_type_hints(only, globalns=getattr(view, "__globals__", None))[name]


def _names_pending_module(view: View) -> bool:
    """Whether the view's body, query or answer annotation names a module not run yet."""
    annotations = getattr(view, "__annotations__", {})
    namespace = getattr(view, "__globals__", {})
    for key in ("body", "query", "return"):
        text = annotations.get(key)
        if isinstance(text, str) and any(
            pending(namespace.get(name)) for name in _NAME.findall(text)
        ):
            return True
    return False


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def parameter_model(view: View, name: str) -> Model | None:
    """The model of the view's `body` or `query` parameter (None when it has no such one)."""
    if name not in inspect.signature(view).parameters:
        return None
    annotation = _annotation(view, name)
    if not is_model(annotation):
        raise TypeError(f"{view.__name__}: annotate `{name}` with a model or give `{name}=`")
    return cast("Model", annotation)


def answer_model(view: View) -> Model | None:
    """The model the view is annotated to answer; None for a dict, None or a Response."""
    annotation = _annotation(view, "return")
    if is_model(annotation):
        return cast("Model", annotation)
    if any(is_model(arg) for arg in get_args(annotation)):
        raise TypeError(f"{view.__name__} answers several models: document one with `response=`")
    return None


def answers_nothing(view: View) -> bool:
    """Annotated `-> None` (the route answers 204); read without running any module."""
    annotations = getattr(view, "__annotations__", {})
    if _names_pending_module(view):
        return annotations.get("return", _UNANNOTATED) in (None, "None", type(None))
    return _annotation(view, "return") in (None, type(None))


class RouteModels:
    """The models of one view: those given to `route`, the rest from its annotations."""

    def __init__(
        self, view: View, *, body: Model | None, query: Model | None, response: Model | None
    ) -> None:
        self._view = view
        self._given = (body, query, response)
        self._found: tuple[Model | None, Model | None, Model | None] | None = None
        if not _names_pending_module(view):
            self.resolve()

    def resolve(self) -> tuple[Model | None, Model | None, Model | None]:
        if self._found is None:
            body, query, response = self._given
            self._found = (
                body or parameter_model(self._view, "body"),
                query or parameter_model(self._view, "query"),
                response or answer_model(self._view),
            )
        return self._found

    @property
    def body(self) -> Model | None:
        return self.resolve()[0]

    @property
    def query(self) -> Model | None:
        return self.resolve()[1]

    @property
    def response(self) -> Model | None:
        return self.resolve()[2]
