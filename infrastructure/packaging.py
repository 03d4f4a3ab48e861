"""What each Lambda function is deployed with: Chalice's package (app.py, chalicelib/ and
requirements.txt, the same zip for every function) plus the layers of the few functions that
need more.

The document validator's image and PDF libraries (Pillow, pypdf: requirements-documents.txt)
are used by `validate_document` alone (the validators, and the merge of an order's PDFs that
its verdicts start), so they are a layer attached to that function only: the API, the
authorizer and every other function start from the smaller zip. Everything the API needs
stays in requirements.txt: lxml (SAT's status answers, read while a payment waits), openpyxl
(Excel exports), cryptography (tokens, seals), pydyf and segno (PDFs printed on request).

The AWS SDK is the runtime's: Lambda's Python runtime ships boto3 with its matching botocore,
and the app never bundled boto3. Chalice packaged botocore all the same (PynamoDB requires it),
which paired the runtime's boto3 with a botocore of another release and filled 16 MB of the
zip (21 MB unzipped); `strip_runtime_provided` leaves botocore and its HTTP library out of
the zip, so boto3, botocore and PynamoDB use the runtime's, released together.

The functions run on arm64 (Graviton): every wheel exists for manylinux aarch64 and CPython
3.11, and Lambda's price per GB-second is 20 % lower there (bench/cost.py).

Both the CDK stack (`infrastructure/components/layers.py`) and `make package-size` build
from here. A layer is built once per content: its wheels are downloaded for Lambda's platform
(pip, no compiling) and unpacked under `python/`, in `.chalice/layers/` beside Chalice's own
cache of packages.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = "arm64"  # Lambda's name; "x86_64" is the other
PYTHON_VERSION = "3.11"
_WHEEL_MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
CACHE = ROOT / ".chalice" / "layers"


@dataclass(frozen=True)
class Layer:
    name: str
    requirements: Path
    functions: tuple[str, ...]  # the app.py functions it is attached to
    purpose: str = ""

    @property
    def pins(self) -> list[str]:
        """The requirement lines (pinned, without comments)."""
        lines = self.requirements.read_text().splitlines()
        return [kept for line in lines if (kept := line.split("#", 1)[0].strip())]


LAYERS: tuple[Layer, ...] = (
    Layer(
        "documents",
        ROOT / "requirements-documents.txt",
        functions=("validate_document",),
        purpose="Pillow and pypdf, for the document validators and the merge of an order's PDFs",
    ),
)


def layers_of(function: str) -> list[Layer]:
    return [layer for layer in LAYERS if function in layer.functions]


def chalice_config() -> dict[str, str]:
    """What the stack tells Chalice about every function's package."""
    return {"lambda_architecture": ARCHITECTURE}


def build_layer(layer: Layer, architecture: str = ARCHITECTURE, cache: Path = CACHE) -> Path:
    """The layer's folder (its content under `python/`), built once per requirements,
    architecture and Python version."""
    key = hashlib.sha256(
        "\n".join([*layer.pins, architecture, PYTHON_VERSION]).encode()
    ).hexdigest()[:16]
    target = cache / f"{layer.name}-{architecture}-{key}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{layer.name}-", dir=cache) as scratch:
        wheels = Path(scratch) / "wheels"
        machine = _WHEEL_MACHINE[architecture]
        subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--implementation",
                "cp",
                "--python-version",
                PYTHON_VERSION,
                "--platform",
                f"manylinux2014_{machine}",
                "--platform",
                f"manylinux_2_17_{machine}",
                "--dest",
                str(wheels),
                *layer.pins,
            ],
            check=True,
            env={**os.environ, "PIP_REQUIRE_VIRTUALENV": "0"},
        )
        built = Path(scratch) / "layer"
        for wheel in sorted(wheels.glob("*.whl")):
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(built / "python")
        # Another synthesis may have finished the same layer meanwhile: either copy will do.
        with contextlib.suppress(OSError):
            built.rename(target)
    if not target.is_dir():
        raise RuntimeError(f"layer {layer.name} was not built in {target}")
    return target


# Distributions Lambda's Python runtime provides (with boto3 and s3transfer), left out of the
# zip: only botocore needs them, and the runtime's botocore is its boto3's.
RUNTIME_PROVIDED = ("botocore", "urllib3")


def strip_runtime_provided(deployment_zip: Path) -> None:
    """Rewrite Chalice's zip without the distributions of `RUNTIME_PROVIDED`, nor the
    `__pycache__` folders Chalice copies from the work tree (whatever bytecode the last local
    run left there: not the deployed code's business)."""
    kept = deployment_zip.with_suffix(".kept.zip")
    with (
        zipfile.ZipFile(deployment_zip) as source,
        zipfile.ZipFile(kept, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if distribution(
                entry.filename
            ) not in RUNTIME_PROVIDED and "__pycache__" not in entry.filename.split("/"):
                target.writestr(entry, source.read(entry), compress_type=entry.compress_type)
    kept.replace(deployment_zip)


def zip_folder(folder: Path, destination: Path) -> Path:
    """`folder` as a deployment zip (what CloudFormation uploads for a layer)."""
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return destination


# --- measuring (make package-size, tests/infrastructure) ----------------------------------

MB = 1024 * 1024
ZIPPED_BUDGET_MB = 40  # per function: its zip plus its layers
UNZIPPED_LIMIT_MB = 250  # Lambda's limit for a function's zip and layers, unzipped
# Import names whose distribution goes by another name in the package.
_DISTRIBUTION = {"pil": "pillow", "jwt": "pyjwt", "dns": "dnspython", "stdnum": "python_stdnum"}


def _entries(source: Path) -> list[tuple[str, int]]:
    """(path inside, size) of every file of a zip or a folder; a layer's `python/` dropped."""
    if source.is_dir():
        found = [
            (path.relative_to(source).as_posix(), path.stat().st_size)
            for path in source.rglob("*")
            if path.is_file()
        ]
    else:
        with zipfile.ZipFile(source) as archive:
            found = [(e.filename, e.file_size) for e in archive.infolist() if not e.is_dir()]
    return [(name.removeprefix("python/"), size) for name, size in found]


def _zipped_bytes(source: Path) -> int:
    if not source.is_dir():
        return source.stat().st_size
    with tempfile.TemporaryDirectory(prefix="layer-zip-") as scratch:
        return zip_folder(source, Path(scratch) / "layer.zip").stat().st_size


def distribution(name: str) -> str:
    """The distribution a file belongs to: `pydantic_core-2.1.dist-info/…` → pydantic_core."""
    first = name.split("/", 1)[0]
    for suffix in (".dist-info", ".egg-info"):
        if first.endswith(suffix):
            first = first.removesuffix(suffix).rsplit("-", 1)[0]
    first = first.removesuffix(".libs").lstrip("_").lower().replace("-", "_")
    return _DISTRIBUTION.get(first, first)


def measure_package(
    name: str, functions: list[str], code: Path, layers: dict[str, Path], largest: int = 10
) -> dict[str, object]:
    """A function package: its zip (`code`) plus its layers, zipped and unzipped."""
    sizes: dict[str, int] = {}
    files = 0
    for source in (code, *layers.values()):
        for entry, size in _entries(source):
            sizes[distribution(entry)] = sizes.get(distribution(entry), 0) + size
            files += 1
    zipped = sum(_zipped_bytes(source) for source in (code, *layers.values()))
    unzipped = sum(sizes.values())
    return {
        "name": name,
        "functions": sorted(functions),
        "layers": sorted(layers),
        "zipped_mb": round(zipped / MB, 2),
        "unzipped_mb": round(unzipped / MB, 2),
        "files": files,
        "largest": [
            {"name": part, "unzipped_mb": round(size / MB, 2)}
            for part, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:largest]
        ],
        "within_budget": zipped <= ZIPPED_BUDGET_MB * MB and unzipped <= UNZIPPED_LIMIT_MB * MB,
    }


def package_name(layer_names: tuple[str, ...]) -> str:
    """The API's package (Chalice's zip alone) is "api"; one with layers is named after them."""
    return "+".join(layer_names) if layer_names else "api"


def group_functions(functions: list[str]) -> dict[tuple[str, ...], list[str]]:
    """The app's functions by the layers they get: one entry per distinct package."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for function in functions:
        key = tuple(layer.name for layer in layers_of(function))
        groups.setdefault(key, []).append(function)
    return groups
