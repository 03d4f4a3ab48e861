"""The same world as the appointments tests: two families, an operator, a fixed clock."""

from __future__ import annotations

from tests.service.appointments.conftest import World, world

__all__ = ["World", "world"]
