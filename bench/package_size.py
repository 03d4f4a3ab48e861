"""Size of the Lambda deployment package that Chalice builds (the one every function gets).

Prints one JSON line: zipped_mb, unzipped_mb, files, the largest top-level entries (a
dependency with its dist-info, or app.py / chalicelib), Lambda's limits and the machine.
Targets: <= 50 MB zipped (direct upload) and as far under 250 MB unzipped as possible.
The first run downloads the Lambda wheels; later runs reuse .chalice/deployments/.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
ZIPPED_LIMIT_MB = 50
UNZIPPED_LIMIT_MB = 250
# Import names whose distribution goes by another name in the package.
SAME_DISTRIBUTION = {"pil": "pillow", "jwt": "pyjwt", "dns": "dnspython", "stdnum": "python_stdnum"}


def build_package(output_dir: Path) -> Path:
    """`chalice package` for the deployed stage, as the CDK stack builds it."""
    from chalice.api import package_app

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with contextlib.redirect_stdout(io.StringIO()):
        package_app(
            project_dir=str(ROOT),
            output_dir=str(output_dir),
            stage="prod",
            # The stack gives each function its own role; no policy analysis needed here.
            chalice_config={"manage_iam_role": False, "iam_role_arn": "arn:aws:iam::1:role/x"},
        )
    return output_dir / "deployment.zip"


def top_level(name: str) -> str:
    """The distribution an entry belongs to: `pydantic_core-2.1.dist-info/…` → pydantic_core."""
    first = name.split("/", 1)[0]
    first = re.sub(r"-[^-]+\.(dist-info|egg-info)$", "", first)
    name = first.removesuffix(".libs").lstrip("_").lower().replace("-", "_")
    return SAME_DISTRIBUTION.get(name, name)


def measure(package: Path) -> dict[str, object]:
    with zipfile.ZipFile(package) as archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    by_top = Counter[str]()
    for entry in entries:
        by_top[top_level(entry.filename)] += entry.file_size
    unzipped = sum(entry.file_size for entry in entries)
    return {
        "benchmark": "package_size",
        "zipped_mb": round(package.stat().st_size / MB, 2),
        "unzipped_mb": round(unzipped / MB, 2),
        "files": len(entries),
        "largest": [
            {"name": name, "unzipped_mb": round(size / MB, 2)}
            for name, size in by_top.most_common(12)
        ],
        "limit_zipped_mb": ZIPPED_LIMIT_MB,
        "limit_unzipped_mb": UNZIPPED_LIMIT_MB,
        "within_limits": package.stat().st_size <= ZIPPED_LIMIT_MB * MB
        and unzipped <= UNZIPPED_LIMIT_MB * MB,
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="package-size-") as scratch:
        result = measure(build_package(Path(scratch)))
    print(json.dumps({**result, "machine": machine()}))


if __name__ == "__main__":
    main()
