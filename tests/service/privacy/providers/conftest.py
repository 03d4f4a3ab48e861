"""The providers world for deletion tests of providers' records."""

from tests.service.providers.conftest import mailbox, moved_clock, world

__all__ = ["mailbox", "moved_clock", "world"]
