from __future__ import annotations

from typing import Any

import pytest

from chalicelib.notifications import service as notifications
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer
from tests.service.accounts.conftest import Clock, Mailbox, moved_clock
from tests.service.providers.world import ProvidersWorld

__all__ = ["moved_clock"]


@pytest.fixture
def world(aws: dict[str, Any], moved_clock: Clock) -> ProvidersWorld:
    notifications._queue_url.cache_clear()
    policies.load_roster(Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"), [])
    policies.load_roster(Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4"), [])
    return ProvidersWorld()


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()
