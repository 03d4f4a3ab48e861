"""The functions' packages (infrastructure/packaging.py): Chalice's zip without what Lambda's
runtime provides, and the layers, each attached to its functions only."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from chalice.cdk import Chalice

from infrastructure import packaging


class LeanChalice(Chalice):
    """Chalice's construct, its zip stripped of the runtime's SDK before it becomes an asset
    (`_package_app` is where the construct writes it, in the pinned chalice release)."""

    def _package_app(self) -> None:
        super()._package_app()
        packaging.strip_runtime_provided(Path(self._sam_package_dir) / "deployment.zip")


ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}


def attach_layers(
    stack: cdk.Stack, functions: dict[str, cdk.CfnResource]
) -> dict[str, lambda_.LayerVersion]:
    """One layer version per layer that some function of the app uses; each of those
    functions lists it (Chalice's functions have no layers of their own)."""
    made: dict[str, lambda_.LayerVersion] = {}
    for layer in packaging.LAYERS:
        users = [name for name in layer.functions if name in functions]
        if not users:
            continue
        version = lambda_.LayerVersion(
            stack,
            f"Layer{layer.name.title()}",
            code=lambda_.Code.from_asset(str(packaging.build_layer(layer))),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_11],
            compatible_architectures=[ARCHITECTURES[packaging.ARCHITECTURE]],
            description=layer.purpose,
        )
        for name in users:
            functions[name].add_property_override("Layers", [version.layer_version_arn])
        made[layer.name] = version
    return made
