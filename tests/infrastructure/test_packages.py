"""Each distinct function package of the synthesized stack (Chalice's zip plus the function's
layers, infrastructure/packaging.py) stays within its budget: the API's, named "api", and the
validating function's with its documents layer; the zip leaves the runtime's SDK out."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from infrastructure import packaging
from tests.infrastructure import invariants as inv

PREFIX = "portal-medico-prod-"


def _assets(outdir: Path) -> dict[str, Path]:
    """The assembly's assets by the S3 key the template names them with."""
    found: dict[str, Path] = {}
    for manifest in outdir.glob("*.assets.json"):
        for asset in json.loads(manifest.read_text())["files"].values():
            for destination in asset["destinations"].values():
                found[destination["objectKey"]] = outdir / asset["source"]["path"]
    return found


def _packages(template: dict[str, Any], outdir: Path) -> list[dict[str, Any]]:
    assets = _assets(outdir)
    layers = inv.resources(template, "AWS::Lambda::LayerVersion")
    names = {layer.purpose: layer.name for layer in packaging.LAYERS}
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for props in inv.functions(template).values():
        layer_ids = tuple(sorted(str(inv.referenced_id(ref)) for ref in props.get("Layers", [])))
        key = (props["CodeUri"]["Key"], layer_ids)
        groups.setdefault(key, []).append(props["FunctionName"].removeprefix(PREFIX))
    packages = []
    for (code, layer_ids), functions in sorted(groups.items()):
        attached = {
            names[layers[i]["Description"]]: assets[layers[i]["Content"]["S3Key"]]
            for i in layer_ids
        }
        packages.append(
            packaging.measure_package(
                packaging.package_name(tuple(sorted(attached))), functions, assets[code], attached
            )
        )
    return packages


def test_each_function_package_is_within_its_budget(
    synthesized: dict[str, Path], template: dict[str, Any]
) -> None:
    packages = {p["name"]: p for p in _packages(template, synthesized["app"].parent)}

    assert set(packages) == {"api", "documents"}
    assert packages["documents"]["functions"] == ["validate_document"]
    assert {"api_handler", "cognito", "run_import"} <= set(packages["api"]["functions"])
    for package in packages.values():
        assert package["zipped_mb"] <= packaging.ZIPPED_BUDGET_MB, package
        assert package["unzipped_mb"] <= packaging.UNZIPPED_LIMIT_MB, package
        assert package["within_budget"], package
    largest = {part["name"] for part in packages["documents"]["largest"]}
    assert "pillow" in largest
    assert "pillow" not in {part["name"] for part in packages["api"]["largest"]}


def test_the_zip_leaves_the_runtimes_sdk_out_and_targets_arm64(
    synthesized: dict[str, Path], template: dict[str, Any]
) -> None:
    outdir = synthesized["app"].parent
    assets = _assets(outdir)
    codes = {props["CodeUri"]["Key"] for props in inv.functions(template).values()}
    (code,) = codes  # Chalice's one zip for every function
    with zipfile.ZipFile(assets[code]) as archive:
        names = archive.namelist()
    shipped = {packaging.distribution(name) for name in names}
    assert {"app.py", "chalicelib", "pynamodb", "pydantic"} <= shipped
    assert not shipped & set(packaging.RUNTIME_PROVIDED)
    assert not [name for name in names if "__pycache__" in name.split("/")]
    for props in inv.functions(template).values():
        assert props["Architectures"] == [packaging.ARCHITECTURE]
    purposes = {layer.purpose for layer in packaging.LAYERS}
    ours = [
        layer
        for layer in inv.resources(template, "AWS::Lambda::LayerVersion").values()
        if layer.get("Description") in purposes  # not the site upload's own CLI layer
    ]
    assert len(ours) == len(packaging.LAYERS)
    for layer in ours:
        assert layer["CompatibleArchitectures"] == [packaging.ARCHITECTURE]
