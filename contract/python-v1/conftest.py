"""Fixtures of the polar-sdk 1.x contract test: every test runs once per version module
(polar.v2026_04, polar.v2026_10, polar.v2027_01), each time in a fresh organization of the emulator
with a client of that module whose every response is checked after the test (support.Recorder)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import polar
import pytest
from support import VERSIONS, Api, Receiver, Recorder, describe_load_error, env


def pytest_report_header() -> str:
    return f"polar-sdk {polar.__version__}: {', '.join(VERSIONS)}"


@pytest.fixture(scope="session", params=VERSIONS)
def api(request: pytest.FixtureRequest) -> Api:
    return Api.load(request.param)


@pytest.fixture(scope="session")
def base_url() -> str:
    return env("POLAR_EMULATOR_URL")


@pytest.fixture(scope="session")
def control(base_url: str) -> Iterator[httpx.Client]:
    """The emulator's control plane (/_emulator/...), plain HTTP."""
    with httpx.Client(base_url=base_url, timeout=15.0) as client:
        yield client


@dataclass
class Tenant:
    """A fresh organization, its token, and a client of the module under test acting for it."""

    api: Api
    polar: Any
    organization_id: str
    token: str
    recorder: Recorder


def new_tenant(api: Api, control: httpx.Client, base_url: str, **organization: Any) -> Tenant:
    response = control.post("/_emulator/organizations", json=organization)
    assert response.status_code == 201, response.text
    created = response.json()
    recorder = Recorder()
    client = recorder.attach(api.Polar(created["token"], base_url=base_url, timeout=10.0))
    return Tenant(api, client, created["organization"]["id"], created["token"], recorder)


CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.fixture
def tenant(request: pytest.FixtureRequest, api: Api, control: httpx.Client, base_url: str) -> Iterator[Tenant]:
    made = new_tenant(api, control, base_url)
    with made.polar:
        yield made
        # After a failed test its own error says what went wrong; the responses are checked after
        # every test that passed.
        call = request.node.stash.get(CALL_REPORT, None)
        if call is not None and call.passed:
            made.recorder.check(api)


@pytest.fixture
def member_tenant(request: pytest.FixtureRequest, api: Api, control: httpx.Client, base_url: str) -> Iterator[Tenant]:
    """A tenant whose organization has Polar's member model (`member_model_enabled`), which the
    emulator leaves off unless the control plane sets it; checked like `tenant`."""
    made = new_tenant(api, control, base_url, member_model_enabled=True)
    with made.polar:
        yield made
        call = request.node.stash.get(CALL_REPORT, None)
        if call is not None and call.passed:
            made.recorder.check(api)


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    yield from Receiver().running()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A PolarDeserializationError says only "(1 sub-exception)": put the leaf errors, with their
    paths, in the one-line summary so a failure names the missing field."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    excinfo = call.excinfo
    if report.failed and excinfo is not None:
        error: BaseException | None = excinfo.value
        while error is not None and not isinstance(error, polar.PolarDeserializationError):
            error = error.__cause__ or error.__context__
        crash = getattr(report.longrepr, "reprcrash", None)
        if isinstance(error, polar.PolarDeserializationError) and crash is not None:
            crash.message = "PolarDeserializationError: " + describe_load_error(error.error).replace("\n", "; ")
    return report
