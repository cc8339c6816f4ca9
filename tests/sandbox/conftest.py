"""One sandbox per test module, reset before each test (fast), with a known cast."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ALL_MEMBER_SCOPES, NOW, ORG_SCOPES, Api


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_sandbox(seed=7) as url:
        yield url


@pytest.fixture
def control(base_url: str) -> SandboxControl:
    control = SandboxControl(base_url)
    control.reset(seed=7, clock={"now": NOW},
                  members=[{"id": "alice", "name": "Alice Martin"},
                           {"id": "bob", "name": "Bob Stone"}],
                  organizations=[{"id": "2414183", "name": "Acme Corp", "admins": ["alice"]}])
    return control


@pytest.fixture
def alice(control: SandboxControl, base_url: str) -> Api:
    """Alice with every member scope and the organization scopes (she administers Acme)."""
    return Api(base_url, control.token("alice", [*ALL_MEMBER_SCOPES, *ORG_SCOPES]))


@pytest.fixture
def bob(control: SandboxControl, base_url: str) -> Api:
    return Api(base_url, control.token("bob", [*ALL_MEMBER_SCOPES, *ORG_SCOPES]))


@pytest.fixture
def writer(control: SandboxControl, base_url: str) -> Api:
    """Alice with w_member_social only, the self-serve 'Share on LinkedIn' product."""
    return Api(base_url, control.token("alice", ["openid", "profile", "w_member_social"]))
