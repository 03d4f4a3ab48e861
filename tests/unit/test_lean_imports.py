"""What a cold start pays for: app.py registers every route without running a service or (but
for a few) a context's schemas, and nothing the API or the other functions import needs the
validating function's layer (Pillow, pypdf: requirements-documents.txt,
infrastructure/packaging.py).

One child process (the import state of this one is shared by every test): with the layer's
modules blocked, it imports app.py, checks that no service ran and no heavy library was
imported, builds the OpenAPI document (every route's models built on this first use), then
runs every service module, as the first requests and events would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from infrastructure import packaging

ROOT = Path(__file__).resolve().parents[2]
# The import names of the layer's distributions.
LAYER_MODULES = {"pillow": "PIL", "pypdf": "pypdf"}
# Loaded by a service or a request, never by app.py's import.
NOT_AT_IMPORT = ("pynamodb", "boto3", "email_validator", "openpyxl", "lxml", "cryptography")

CHILD = """
import importlib.abc, json, sys

BLOCKED = set(sys.argv[1].split(","))


class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is in the validating function's layer only")
        return None


sys.meta_path.insert(0, Blocked())
import app
from types import ModuleType

from chalicelib.deferred import SERVICE_MODULE, load_deferred

ran = sorted(
    name for name, module in sys.modules.items()
    if SERVICE_MODULE.fullmatch(name) and type(module) is ModuleType
)
services_ran = [name for name in ran if name.endswith(".service")]
heavy = sorted(name for name in sys.argv[2].split(",") if name in sys.modules)
paths = app.api.openapi()["paths"]
loaded = load_deferred()
print(json.dumps({
    "services_ran": services_ran, "ran": ran, "heavy": heavy, "paths": len(paths), "loaded": loaded
}))
"""


def test_the_api_imports_and_runs_every_service_without_the_documents_layer() -> None:
    (layer,) = [layer for layer in packaging.LAYERS if layer.name == "documents"]
    assert {pin.split("==")[0] for pin in layer.pins} == set(LAYER_MODULES)
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            ",".join(LAYER_MODULES.values()),
            ",".join(NOT_AT_IMPORT),
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "AWS_DEFAULT_REGION": "us-east-1",
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    found = json.loads(child.stdout.strip().splitlines()[-1])
    assert found["services_ran"] == [], "services that ran at app.py's import"
    # A route's models are read on its first call: the contexts' schemas wait too (those a
    # module imports by name, or a route names in its declaration, run at once).
    assert "chalicelib.accounts.schemas" not in found["ran"]
    assert len(found["ran"]) <= 5, found["ran"]
    assert found["heavy"] == [], "libraries imported by app.py's import"
    assert found["paths"] > 100
    assert "chalicelib.accounts.service" in found["loaded"]
    assert len([name for name in found["loaded"] if name.endswith(".service")]) >= 14
