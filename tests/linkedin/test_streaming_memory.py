"""Uploads stream from disk: memory stays flat however large the file.

The sandbox runs in a child process here, so that what it stores of the upload does not
count in this process's traced allocations: only the client's memory is measured.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.transport import Transport
from publisher.sandbox.control import SandboxControl
from tests.builders import mp4

MiB = 1024 * 1024
LIMIT = 12 * MiB
ORG = "urn:li:organization:1000001"      # the sandbox's own page, administered by its member
SERVE = """
import sys
from publisher.sandbox import running_sandbox
with running_sandbox(seed=0) as url:
    print(url, flush=True)
    sys.stdin.read()
"""
T = TypeVar("T")


def peak_allocation(action: Callable[[], T]) -> tuple[T, int]:
    """``action()``'s result and the peak of Python allocations traced while it ran."""
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.fixture(scope="module")
def sandbox_elsewhere() -> Iterator[str]:
    child = subprocess.Popen([sys.executable, "-c", SERVE], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdin is not None
    try:
        yield child.stdout.readline().strip()
    finally:
        child.stdin.close()
        child.wait(timeout=20)


@pytest.fixture
def client(sandbox_elsewhere: str) -> LinkedInClient:
    control = SandboxControl(sandbox_elsewhere)
    token = control.token("sandbox-member", ["w_organization_social", "r_organization_social"])
    transport = Transport(sandbox_elsewhere, f"{sandbox_elsewhere}/oauth/v2", "202611")
    control.configure(active_versions=["202611"])
    return LinkedInClient(transport, token)


def test_a_40_mib_video_is_uploaded_with_a_small_fraction_of_its_size_in_memory(
    client: LinkedInClient, sandbox_elsewhere: str, tmp_path: Path,
) -> None:
    path = mp4(tmp_path / "big.mp4", 40 * MiB)
    urn, peak = peak_allocation(lambda: client.upload_video(ORG, path))
    media = [m for m in SandboxControl(sandbox_elsewhere).state()["media"] if m["urn"] == urn]
    assert (media[0]["status"], media[0]["size"], media[0]["part_count"]) == (
        "AVAILABLE", 40 * MiB, 10)
    assert peak < LIMIT, f"peak {peak / MiB:.1f} MiB"


def test_a_20_mib_document_goes_in_one_streamed_put(
    client: LinkedInClient, sandbox_elsewhere: str, tmp_path: Path,
) -> None:
    path = tmp_path / "big.pdf"
    with path.open("wb") as file:
        file.write(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n")
        file.truncate(20 * MiB)
    urn, peak = peak_allocation(lambda: client.upload_document(ORG, path))
    media = [m for m in SandboxControl(sandbox_elsewhere).state()["media"] if m["urn"] == urn]
    assert media[0]["size"] == 20 * MiB
    assert peak < LIMIT, f"peak {peak / MiB:.1f} MiB"


def test_the_check_catches_a_client_that_loads_the_file() -> None:
    """The measure itself: reading the whole file shows up in the peak."""
    data, peak = peak_allocation(lambda: bytes(40 * MiB))
    assert len(data) == 40 * MiB and peak >= 40 * MiB
