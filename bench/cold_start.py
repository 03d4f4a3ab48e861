"""Cold import of app.py versus `import boto3` + one client, in fresh processes.

Prints one JSON line: app_import_ms, baseline_ms (medians), ratio, runs and the machine.
Target: ratio <= 1.5 (the API must not pay at import for what only some routes use).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
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


def measure(body: str, runs: int) -> list[float]:
    env = {
        **os.environ,
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


def main() -> None:
    runs = int(os.environ.get("RUNS", "15"))
    measure(APP, 1)  # compile bytecode once, as a deployed package ships it
    measure(BASELINE, 1)
    # Interleaved, so that load from other work on a shared machine falls on both sides alike.
    app_samples: list[float] = []
    baseline_samples: list[float] = []
    for _ in range(runs):
        app_samples += measure(APP, 1)
        baseline_samples += measure(BASELINE, 1)
    app_ms = statistics.median(app_samples)
    baseline_ms = statistics.median(baseline_samples)
    print(
        json.dumps(
            {
                "benchmark": "cold_start",
                "app_import_ms": round(app_ms, 1),
                "baseline_ms": round(baseline_ms, 1),
                "ratio": round(app_ms / baseline_ms, 3),
                "target_ratio": 1.5,
                "runs": runs,
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
