"""Fixtures both contract files share: one SDK client for the session whose responses are recorded
(each file checks them after every test), and a plain client for the control plane."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from polar_sdk import Polar
from strict import Recorder, env


@pytest.fixture(scope="session")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="session")
def base_url() -> str:
    return env("POLAR_EMULATOR_URL")


@pytest.fixture(scope="session")
def polar(recorder: Recorder, base_url: str) -> Iterator[Polar]:
    client = httpx.Client(event_hooks={"response": [recorder]}, timeout=10.0)
    with client:
        yield Polar(access_token=env("POLAR_EMULATOR_TOKEN"), server_url=base_url, client=client)


@pytest.fixture(scope="session")
def control(base_url: str) -> Iterator[httpx.Client]:
    """The emulator's control plane (/_emulator/...), plain HTTP."""
    with httpx.Client(base_url=base_url, timeout=15.0) as client:
        yield client
