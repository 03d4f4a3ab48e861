"""Every request body is described down to its leaves in the OpenAPI document, so an outside
client (a loader of transactions, say) learns each field from it: no object anywhere in a
request body may be an open `{"additionalProperties": true}` without its `properties`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import app as app_module


def _open_objects(
    schema: Any, schemas: dict[str, Any], where: str, seen: set[str]
) -> Iterator[str]:
    if isinstance(schema, list):
        for index, part in enumerate(schema):
            yield from _open_objects(part, schemas, f"{where}[{index}]", seen)
        return
    if not isinstance(schema, dict):
        return
    reference = schema.get("$ref")
    if isinstance(reference, str):
        name = reference.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _open_objects(schemas[name], schemas, name, seen)
        return
    described = bool(schema.get("properties")) or bool(schema.get("patternProperties"))
    if schema.get("additionalProperties") is True and not described:
        yield where
    if schema.get("type") == "object" and not described and "additionalProperties" not in schema:
        yield where
    for key, value in schema.items():
        if key in {"properties", "$defs"} and isinstance(value, dict):
            for name, part in value.items():
                yield from _open_objects(part, schemas, f"{where}.{name}", seen)
        elif isinstance(value, (dict, list)) and key not in {"examples", "default", "enum"}:
            yield from _open_objects(value, schemas, f"{where}.{key}", seen)


def open_request_objects(document: dict[str, Any]) -> list[str]:
    schemas = document.get("components", {}).get("schemas", {})
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}) if isinstance(operation, dict) else {}
            for content in body.get("content", {}).values():
                for where in _open_objects(content.get("schema"), schemas, "body", set()):
                    found.append(f"{method.upper()} {path}: {where}")
    return found


def test_every_request_body_describes_its_fields() -> None:
    assert open_request_objects(app_module.api.openapi()) == []


def test_an_open_object_in_a_body_is_found() -> None:
    document = {
        "paths": {
            "/loads": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/x/LoadIn"}}}
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "LoadIn": {
                    "type": "object",
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"type": "object", "additionalProperties": True},
                        }
                    },
                }
            }
        },
    }
    assert open_request_objects(document) == ["POST /loads: LoadIn.items.items"]
