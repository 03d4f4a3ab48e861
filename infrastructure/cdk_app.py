"""CDK entry point: `python infrastructure/cdk_app.py [--outdir DIR]` (or `cdk synth/deploy`).

Context (`cdk … -c key=value`): `stage` (default `prod`, a stage of .chalice/config.json),
`alarm_email` (subscribed to the alarms topic), `rate_limit` (requests per 5 minutes per IP
on log-in, registration and payment look-up). Synthesis needs no AWS account.

Not named app.py on purpose: Chalice imports the module called `app` (the root app.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts infrastructure/ first on sys.path; the repository root must
# win so that `import app` and `import infrastructure` mean the project's.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "infrastructure"]
sys.path.insert(0, str(ROOT))

# jsii's banner about the machine's Node.js 20 (the Debian one) says nothing about this
# project; the variable lists the major versions to keep quiet about.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402

from infrastructure.stack import SITE_ORIGIN_MARKER, DeploySettings, PortalStack  # noqa: E402


def build(outdir: Path, *, source_dir: Path = ROOT, context: dict[str, str] | None = None) -> Path:
    """Synthesize the stack into `outdir`; returns the template's path."""
    outdir = outdir.resolve()
    source_dir = source_dir.resolve()
    app = cdk.App(outdir=str(outdir), context=context or {})

    def value(key: str) -> str | None:
        found = app.node.try_get_context(key)
        return None if found is None else str(found)

    settings = DeploySettings(
        stage=value("stage") or "prod",
        alarm_email=value("alarm_email"),
        rate_limit_per_5_minutes=int(value("rate_limit") or 100),
        public_api_url=value("public_api_url"),
    )
    # app.py reads SITE_URL at import for its CORS answers; the stack replaces the marker.
    os.environ["SITE_URL"] = SITE_ORIGIN_MARKER
    os.environ.setdefault("STAGE", settings.stage)
    # chalice.cdk writes its package under ./chalice.out; keep that out of the work tree
    # (the assembly in outdir holds its own copy of everything deployed).
    previous = Path.cwd()
    scratch = Path(tempfile.mkdtemp(prefix="chalice-out-"))
    try:
        os.chdir(scratch)
        stack = PortalStack(
            app,
            source_dir=source_dir,
            settings=settings,
            description=f"Portal Médico ({settings.stage})",
            stack_name=settings.app_name,
        )
        app.synth()
    finally:
        os.chdir(previous)
        shutil.rmtree(scratch, ignore_errors=True)
    return outdir / stack.template_file


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python infrastructure/cdk_app.py")
    parser.add_argument("--outdir", default=os.environ.get("CDK_OUTDIR", "cdk.out"))
    parser.add_argument("--source-dir", default=str(ROOT), help="the Chalice project")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    context = dict(item.split("=", 1) for item in args.context)
    # The CDK CLI passes context through CDK_CONTEXT_JSON, which cdk.App reads itself.
    template = build(Path(args.outdir), source_dir=Path(args.source_dir), context=context)
    print(template)


if __name__ == "__main__":
    main()
