"""The base of every request and response model.

Pydantic builds a model's validator when the class is defined unless told to wait; with
dozens of models registered by app.py that cost landed on every cold start. `defer_build`
builds each one on its first use instead (bench/cold_start.py measures the difference).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)
