"""Every presigned GET the API hands out names its Content-Disposition: a file a person
downloads is an attachment (the browser never renders it on S3's origin), unless the page
previews it inline on purpose."""

from __future__ import annotations

import ast
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"

# Where an inline answer is intended: the documents route lets the person preview accepted
# PDFs and JPEGs (?disposition=inline), and the sealed sick-leave certificate opens to print.
INLINE_ALLOWED = {"documents/reading.py", "prescriptions/service.py"}


def _presigned_gets() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for path in sorted(CHALICELIB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "generate_presigned_url"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value == "get_object"
                ):
                    found.append((str(path.relative_to(CHALICELIB)), function))
    return found


def test_every_presigned_get_names_its_disposition() -> None:
    gets = _presigned_gets()
    assert len(gets) >= 6, gets  # documents, claims, providers, settlement, payments, certificates
    for module, function in gets:
        source = ast.unparse(function)
        assert "ResponseContentDisposition" in source, f"{module}:{function.name}"
        if module not in INLINE_ALLOWED:
            assert "inline" not in source, f"{module}:{function.name} serves a file inline"
            assert "attachment;" in source, f"{module}:{function.name}"
