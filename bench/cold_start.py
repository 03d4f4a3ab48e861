"""Cold import of app.py versus `import boto3` + one client, in fresh processes.

Prints one JSON line: app_import_ms, baseline_ms (medians), ratio, the samples' spread, runs
and the machine. Target: ratio <= 1.25 (the API must not pay at import for what only some
routes use).

Both sides import compiled bytecode, as the installed libraries always do: the children
write and read it under a scratch PYTHONPYCACHEPREFIX of this run, whatever the caller's
PYTHONDONTWRITEBYTECODE says (with it set, app.py's own modules were compiled from source
in every sample while boto3's came precompiled, and the ratio measured the compiler).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
TIMER = """
import time
started = time.perf_counter()
{body}
print((time.perf_counter() - started) * 1000)
"""
APP = "import app"
BASELINE = "import boto3\nboto3.client('s3', region_name='us-east-1')"


TARGET_RATIO = 1.25


def measure(body: str, runs: int, pycache: str) -> list[float]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPYCACHEPREFIX": pycache,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_SERVICE_NAME": "portal-medico",
        "POWERTOOLS_METRICS_NAMESPACE": "PortalMedico",
    }
    samples = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", TIMER.format(body=body)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(float(output.strip().splitlines()[-1]))
    return samples


def _spread(samples: list[float]) -> list[float]:
    return [round(min(samples), 1), round(max(samples), 1)]


def main() -> None:
    runs = int(os.environ.get("RUNS", "15"))
    app_samples: list[float] = []
    baseline_samples: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cold-start-pycache-") as pycache:
        measure(APP, 1, pycache)  # compile each side's bytecode once (not counted)
        measure(BASELINE, 1, pycache)
        # Interleaved, so that load from other work on a shared machine falls on both alike.
        for _ in range(runs):
            app_samples += measure(APP, 1, pycache)
            baseline_samples += measure(BASELINE, 1, pycache)
    app_ms = statistics.median(app_samples)
    baseline_ms = statistics.median(baseline_samples)
    print(
        json.dumps(
            {
                "benchmark": "cold_start",
                "app_import_ms": round(app_ms, 1),
                "baseline_ms": round(baseline_ms, 1),
                "ratio": round(app_ms / baseline_ms, 3),
                "target_ratio": TARGET_RATIO,
                "within_target": app_ms / baseline_ms <= TARGET_RATIO,
                "app_import_ms_min_max": _spread(app_samples),
                "baseline_ms_min_max": _spread(baseline_samples),
                "runs": runs,
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
