from __future__ import annotations

from typing import Literal

from chalicelib.schema import Schema


class HealthOut(Schema):
    status: Literal["ok"]
    version: str
