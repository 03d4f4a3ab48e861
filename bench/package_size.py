"""Size of each distinct Lambda function package: Chalice's zip (app.py, chalicelib/ and
requirements.txt, less what Lambda's runtime provides: the same for every function) plus the
layers a function gets (infrastructure/packaging.py), built for the stack's architecture as
the CDK stack builds them.

Prints one JSON line: `packages` (name — "api" for the API's, the authorizer's and every
function without layers — its functions, layers, zipped and unzipped MB, files and largest
parts: a dependency with its dist-info, or app.py / chalicelib), the budget, the architecture
and the machine. Budget: <= 40 MB zipped per function (its zip plus its layers) and Lambda's
250 MB unzipped. The first run downloads the Lambda wheels; later runs reuse .chalice/.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(ROOT))

from infrastructure import packaging  # noqa: E402


def build_package(output_dir: Path) -> tuple[Path, list[str]]:
    """`chalice package` for the deployed stage, as the CDK stack builds it: the zip and the
    names of the app's functions."""
    from chalice.api import package_app

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with contextlib.redirect_stdout(io.StringIO()):
        package_app(
            project_dir=str(ROOT),
            output_dir=str(output_dir),
            stage="prod",
            # The stack gives each function its own role; no policy analysis needed here.
            chalice_config={
                "manage_iam_role": False,
                "iam_role_arn": "arn:aws:iam::1:role/x",
                **packaging.chalice_config(),
            },
        )
    code = output_dir / "deployment.zip"
    packaging.strip_runtime_provided(code)  # as the stack's LeanChalice does
    return code, _function_names(sys.modules["app"].app)


def _function_names(app: Any) -> list[str]:
    """As infrastructure/components/functions.py names them (the API's is api_handler)."""
    names = ["api_handler"] if app.routes else []
    names += [authorizer.name for authorizer in app.builtin_auth_handlers]
    names += [source.name for source in app.event_sources]
    names += [function.name for function in app.pure_lambda_functions]
    return names


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="package-size-") as scratch:
        code, functions = build_package(Path(scratch))
        packages = [
            packaging.measure_package(
                packaging.package_name(layer_names),
                members,
                code,
                {
                    layer.name: packaging.build_layer(layer)
                    for layer in packaging.LAYERS
                    if layer.name in layer_names
                },
            )
            for layer_names, members in sorted(packaging.group_functions(functions).items())
        ]
    print(
        json.dumps(
            {
                "benchmark": "package_size",
                "architecture": packaging.ARCHITECTURE,
                "packages": packages,
                "budget_zipped_mb": packaging.ZIPPED_BUDGET_MB,
                "limit_unzipped_mb": packaging.UNZIPPED_LIMIT_MB,
                "within_budget": all(p["within_budget"] for p in packages),
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
