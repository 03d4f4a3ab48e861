"""The Chilean settlement world for the export of a Chilean provider's data."""

from tests.service.settlement.conftest import world

__all__ = ["world"]
