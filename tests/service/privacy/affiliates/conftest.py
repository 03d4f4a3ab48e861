"""The appointments world (two families, an operator, a fixed clock) for affiliates' requests."""

from tests.service.appointments.conftest import world

__all__ = ["world"]
