"""The payments world (two plans, an affiliate, the clock under control) for purge tests."""

from tests.service.payments.conftest import moved_clock, world

__all__ = ["moved_clock", "world"]
