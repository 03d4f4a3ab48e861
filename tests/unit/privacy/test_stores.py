"""Every store the platform defines says how a person's deletion and export cover it: a new
table or S3 prefix in infrastructure/definition.py fails here until chalicelib/privacy/
stores.py declares it, and each function it names exists and is the one privacy calls."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chalicelib.privacy import stores
from infrastructure import definition


def _function(name: str) -> Callable[..., Any]:
    context, function = name.split(".")
    module = importlib.import_module(f"chalicelib.{context}.service")
    found = getattr(module, function, None)
    assert callable(found), f"{name} is not a function of chalicelib/{context}/service.py"
    return found


def _privacy_source() -> str:
    """The privacy context's code, where each context's service is imported under the
    context's name (`from chalicelib.claims import service as claims`)."""
    folder = Path(stores.__file__).parent
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.py")))


def _called_by_privacy(name: str) -> bool:
    context, function = name.split(".")
    if context == "privacy":
        return True  # its own steps
    return f"{context}.{function}" in _privacy_source()


def test_every_table_of_the_definition_says_how_it_is_erased_and_exported() -> None:
    defined = {table.name for table in definition.TABLES}
    assert defined - set(stores.TABLES) == set(), "declare these tables in privacy/stores.py"
    assert set(stores.TABLES) - defined == set(), "stores.py lists tables that do not exist"


def test_every_s3_prefix_of_the_definition_says_how_it_is_erased_and_exported() -> None:
    defined = {value for name, value in vars(definition).items() if name.endswith("_PREFIX")}
    assert defined - set(stores.PREFIXES) == set(), "declare these prefixes in privacy/stores.py"


@pytest.mark.parametrize(
    ("name", "store"), [*stores.TABLES.items(), *stores.PREFIXES.items()], ids=lambda v: str(v)
)
def test_a_store_with_personal_data_names_the_erase_and_export_privacy_calls(
    name: str, store: stores.Store
) -> None:
    assert store.how, f"{name}: say how its records go, or why it holds none"
    if store.kind != "personal":
        assert not store.erased_by, f"{name}: kept whole, it names no eraser"
        return
    assert store.erased_by, f"{name}: holds personal data but names no eraser"
    assert store.exported_by, f"{name}: holds personal data but names no exporter"
    for function_name in (*store.erased_by, *store.exported_by):
        _function(function_name)
        assert _called_by_privacy(function_name), f"{name}: privacy never calls {function_name}"
