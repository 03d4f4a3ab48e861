"""Shared fixtures.

(a) `aws`: moto in-process (`mock_aws`) with every resource of the definition created.
(b) `platform`: the platform in-process (API, event pump, outbox) for API tests.
(c) `local_stack`: the whole local stack as a separate process on free ports (HTTP, browser).
(d) `page`: a headless Chromium page (Debian's /usr/bin/chromium through Playwright).

The environment below is set before anything imports `chalicelib`: PynamoDB models and
Powertools read it when their modules load.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.fixtures.environment import use_in_process_aws

if TYPE_CHECKING:
    from infrastructure.fake_sat import FakeSatServer

use_in_process_aws("test", metrics_namespace="PortalMedicoTest", log_level="WARNING")


def _share_botocore_models() -> None:
    """Every botocore session of the test process reads the service models through one
    loader, so the JSON of a model is parsed once per process instead of once per session
    (moto's fixture, PynamoDB and the clients of each test make new sessions all the time).
    The loader caches what it parsed; botocore treats those documents as read-only."""
    import botocore.loaders
    import botocore.session

    shared = botocore.loaders.create_loader()

    def register(session: botocore.session.Session) -> None:
        session._components.lazy_register_component("data_loader", lambda: shared)

    botocore.session.Session._register_data_loader = register  # type: ignore[method-assign]


_share_botocore_models()

pytest_plugins = [
    "tests.fixtures.aws",
    "tests.fixtures.platform",
    "tests.fixtures.stack",
    "tests.fixtures.browser",
]


@pytest.fixture(scope="session", autouse=True)
def fake_sat_service() -> Iterator[FakeSatServer]:
    """The fake of SAT's CFDI status service (infrastructure/fake_sat.py) in this process, on a
    free port, for every in-process test that asks SAT through the real client."""
    from infrastructure.fake_sat import FakeSatServer

    server = FakeSatServer().start()
    os.environ["SAT_STATUS_URL"] = server.url
    os.environ["SAT_STATUS_BACKOFF_SECONDS"] = "0.01"
    yield server
    server.stop()


@pytest.fixture
def fake_sat(fake_sat_service: FakeSatServer) -> Iterator[FakeSatServer]:
    """The fake SAT with no answer configured, reachable; reset after the test."""
    yield fake_sat_service
    with fake_sat_service.state.lock:
        fake_sat_service.state.answers.clear()
        fake_sat_service.state.requests.clear()
    fake_sat_service.state.unreachable = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every item gets a node id of its own. Schemathesis names each operation's item
    `test…[GET /v1/…]` but leaves them one node id; pytest-xdist hands out work by node id,
    so without this a worker would run one operation of the fuzz and report it as all."""
    from collections import Counter

    from _pytest.nodeid import NodeId

    shared = Counter(item.nodeid for item in items)
    for item in items:
        if shared[item.nodeid] > 1 and "[" in item.name:
            item._id = NodeId.parse(f"{item.nodeid}[{item.name.split('[', 1)[1]}")
    repeated = [nodeid for nodeid, n in Counter(i.nodeid for i in items).items() if n > 1]
    assert not repeated, f"items share a node id: {repeated[:3]}"
