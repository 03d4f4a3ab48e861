"""The layering the contexts keep: PynamoDB models are reached only through repositories."""

from __future__ import annotations

import ast
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"


def _imported_modules(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_only_repository_modules_import_a_contexts_models() -> None:
    offenders = []
    for path in sorted(CHALICELIB.rglob("*.py")):
        if path.name == "models.py" or path.name.startswith("repository"):
            continue
        imported = _imported_modules(ast.parse(path.read_text()))
        models = sorted(name for name in imported if name.endswith(".models"))
        if models:
            offenders.append(f"{path.relative_to(CHALICELIB.parent)} imports {', '.join(models)}")
    assert not offenders, "\n".join(offenders)


def test_the_check_sees_a_models_import() -> None:
    tree = ast.parse("def f():\n    from chalicelib.claims import models\n")
    assert "chalicelib.claims.models" in _imported_modules(tree)
