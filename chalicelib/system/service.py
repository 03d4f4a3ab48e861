"""Service-level answers about the platform itself."""

from __future__ import annotations

from chalicelib.config import get_settings
from chalicelib.system.schemas import HealthOut


def health() -> HealthOut:
    """The API answers and says which version it runs."""
    return HealthOut(status="ok", version=get_settings().version)
