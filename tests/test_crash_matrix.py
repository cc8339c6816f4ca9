"""The crash matrix: break a sync of every kind of post at each API call, then settle.

For every API call of a full sync of the mixed set in tests/publishing.py:
(a) the sandbox acts, then drops the connection without an answer;
(b) the sandbox answers 500 without acting;
(c) the sandbox kills the `publish` process (SIGKILL) right after answering.
Then `publish` runs again until nothing is left to do. Every post must then be on the
sandbox exactly once, or be `unknown` with a message that says what to check, and never
be on it twice or silently missing; the ledger always loads; the first comment is never
posted twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.publishing import NOW_TEXT, TEXTS, World, build_world

SETTLE_RUNS = 4
# The next run comes right away (inside LinkedIn's 10-minute duplicate window, where a
# re-post is answered by 422 DUPLICATE_POST) or at the next scheduled sync, 15 minutes
# on, when only the ledger and the finder can tell what happened.
LATER = pytest.mark.parametrize("later", [NOW_TEXT, "2026-12-01T09:15:00Z"],
                                ids=["next run at once", "next run 15 minutes later"])


SANDBOX_SEED = 9  # the sandbox_url fixture (tests/conftest.py) starts it


@pytest.fixture(scope="module")
def reference_calls(tmp_path_factory: pytest.TempPathFactory, sandbox_url: str) -> list[str]:
    """The API calls of an undisturbed sync, in order (the matrix breaks each one)."""
    world = build_world(tmp_path_factory.mktemp("reference") / "repo", sandbox_url)
    run = world.publish()
    assert run.code == 0, run.output
    return [f"{c['method']} {c['route']} {c['status']}" for c in world.calls()]


def settle(world: World, later: str) -> list[str]:
    """Run `publish` at `later` until it has nothing left to do; the outputs of each run."""
    world.control.set_clock(later)
    outputs = []
    for _ in range(SETTLE_RUNS):
        run = world.publish(now=later)
        outputs.append(run.output)
        if run.code in (0, 1) and "to create" not in run.output and "to update" not in run.output:
            break
    return outputs


def problems_after(world: World, outputs: list[str]) -> list[str]:
    """Everything that breaks exactly-once, as readable lines (empty: all is well)."""
    found = []
    ledger = json.loads((world.root / ".publish/ledger.json").read_text(encoding="utf-8"))
    for path, text in TEXTS.items():
        live = [p["urn"] for p in world.sandbox_posts() if text in p["commentary"]]
        entry = ledger["posts"].get(path, {})
        state = entry.get("state")
        if len(live) > 1:
            found.append(f"{path} posted {len(live)} times")
        elif state == "unknown":
            if not any(f"publish resolve {path}" in output for output in outputs):
                found.append(f"{path} is unknown but no run said how to resolve it")
        elif not live:
            found.append(f"{path} is missing on LinkedIn (ledger state {state})")
        elif state != "published" or entry.get("urn") != live[0]:
            found.append(f"{path}: ledger {state} {entry.get('urn')}, LinkedIn {live[0]}")
    comments = world.control.state()["comments"]
    if len(comments) > 1:
        found.append(f"the first comment was posted {len(comments)} times")
    return found


def run_matrix(tmp_path: Path, sandbox_url: str, calls: list[str],
               break_call: Callable[[World, int], str], later: str) -> None:
    failures = []
    for index, call in enumerate(calls):
        world = build_world(tmp_path / f"case-{index}" / "repo", sandbox_url)
        first = break_call(world, index)
        fired = [f["fired"] for f in world.control.faults()["faults"]]
        assert fired == [1], f"call {index} ({call}): the fault did not fire: {fired}"
        world.control.clear_faults()
        outputs = [first, *settle(world, later)]
        failures += [f"call {index} ({call}): {p}" for p in problems_after(world, outputs)]
    assert failures == [], "\n".join(failures)


def test_the_matrix_covers_every_kind_of_call(reference_calls: list[str]) -> None:
    routes = {call.rsplit(" ", 1)[0] for call in reference_calls}
    assert {"POST /rest/posts", "POST /rest/images", "POST /rest/videos",
            "POST /rest/documents", "GET /rest/videos/{key}",
            "POST /rest/socialActions/{key}/comments"} <= routes
    assert any(r.startswith("PUT /dms-uploads") for r in routes)
    assert len(reference_calls) >= 20


@LATER
def test_a_dropped_answer_at_any_call(tmp_path: Path, sandbox_url: str,
                                      reference_calls: list[str], later: str) -> None:
    def drop(world: World, index: int) -> str:
        # `skip` counts the successful calls before the one whose answer is lost.
        world.control.add_fault("drop", skip=index)
        return world.publish().output

    # A drop fires only on a call that succeeds (and `skip` counts only those): the 403 a
    # member token gets when it asks whether its media is ready has no answer to lose.
    succeeding = [call for call in reference_calls if call.rsplit(" ", 1)[1].startswith("2")]
    run_matrix(tmp_path, sandbox_url, succeeding, drop, later)


@LATER
def test_a_500_at_any_call(tmp_path: Path, sandbox_url: str,
                           reference_calls: list[str], later: str) -> None:
    def fail(world: World, index: int) -> str:
        world.control.add_fault("error", status=500, skip=index)
        return world.publish().output

    run_matrix(tmp_path, sandbox_url, reference_calls, fail, later)


@LATER
def test_a_killed_process_at_any_call(tmp_path: Path, sandbox_url: str,
                                      reference_calls: list[str], later: str) -> None:
    def kill(world: World, index: int) -> str:
        process = world.spawn(gated=True)
        world.control.add_fault("signal", pid=process.pid, after=index + 1)
        output, _ = process.communicate("go\n", timeout=120)
        assert process.returncode == -9, f"not killed at call {index}: {output}"
        return output

    run_matrix(tmp_path, sandbox_url, reference_calls, kill, later)
