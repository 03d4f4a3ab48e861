"""Synthesize the stack once per session, offline, in child processes.

Synthesis runs in its own process because Chalice imports the module named `app` and
copies the stage's environment into `os.environ` while packaging: neither may leak into
the pytest process that also imports the real app. Two apps are synthesized in parallel:
the repository's app.py, and a sample app that already has every kind of handler the
stack wires (queue consumers, schedules, an authorizer, an unknown function).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_APP = Path(__file__).resolve().parent / "sample_app"
# A guard against a hung synthesis, not a target: a fresh clone downloads the Lambda wheels
# once, and on a 2-core machine busy with other tests one synthesis has taken 4 minutes.
SYNTH_TIMEOUT_SECONDS = 480


def _synth_environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "POWERTOOLS_", "CDK_"))
        and key not in {"STAGE", "RESOURCE_PREFIX", "SITE_URL"}
    }
    env.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "CDK_DISABLE_CLI_TELEMETRY": "true",
        }
    )
    return env


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, Path]:
    """Template paths of the real app ("app") and of the sample app ("sample").

    Synthesized once per test run: the workers of a parallel run share the run's temporary
    folder, and the first to get there synthesizes while the others wait for its templates
    (a synthesis is half a minute of a core)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    made = shared / "cdk-synthesized.json"
    with (shared / "cdk-synthesized.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if made.exists():
            return {name: Path(path) for name, path in json.loads(made.read_text()).items()}
        templates = _synthesize(shared)
        made.write_text(json.dumps({name: str(path) for name, path in templates.items()}))
        return templates


def _synthesize(folder: Path) -> dict[str, Path]:
    sources = {"app": ROOT, "sample": SAMPLE_APP}
    outdirs = {name: folder / f"cdk-{name}" for name in sources}
    for outdir in outdirs.values():
        outdir.mkdir()
    processes = {
        name: subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "infrastructure" / "cdk_app.py"),
                "--outdir",
                str(outdirs[name]),
                "--source-dir",
                str(source),
            ],
            cwd=ROOT,
            env=_synth_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, source in sources.items()
    }
    templates: dict[str, Path] = {}
    for name, process in processes.items():
        output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
        if process.returncode != 0:
            pytest.fail(f"synthesis of {name} failed:\n{output[-4000:]}")
        templates[name] = Path(output.strip().splitlines()[-1])
    return templates


@pytest.fixture(scope="session")
def template(synthesized: dict[str, Path]) -> dict[str, Any]:
    """The real app's template."""
    loaded: dict[str, Any] = json.loads(synthesized["app"].read_text())
    return loaded


@pytest.fixture(scope="session")
def sample_template(synthesized: dict[str, Path]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(synthesized["sample"].read_text())
    return loaded
