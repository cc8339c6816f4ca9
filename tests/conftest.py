"""Shared fixtures (a repository of posts in a temp folder, with git) and the tiers.

The tiers are markers (registered in pyproject.toml) that pytest_collection_modifyitems
gives each test from the folder it lives in and from the names its code, its fixtures'
code and the helpers of the tests these call refer to: `pytest -m "not slow and not
browser"` is the fast loop (README.md, Development).

Every sandbox the tests start, in this process or in another, runs its clock from one
fixed time (PUBLISH_SANDBOX_CLOCK), so the API versions it serves and what it counts per
day never depend on the day the tests run; tests that plan pass --now or set the clock.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from types import CodeType, FunctionType

import pytest
from hypothesis import settings

from tests.builders import repository
from tests.support import CONFIG, Files

# The tests write bytecode even where PYTHONDONTWRITEBYTECODE is set (as in many CI and
# container images): otherwise every pytest process, each xdist worker included, rewrites
# the asserts of all test modules and compiles them again, about 4 s of CPU a process here.
# Test modules imported after this line are cached in __pycache__ (ignored by git).
sys.dont_write_bytecode = False

# On CI the property tests draw the same examples every run, so a red run means a change
# broke something; on a developer's machine they draw new ones each run, to find what no
# one thought of (and keep what they find in .hypothesis/ until it passes).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SANDBOX_CLOCK = "2026-12-01T09:00:00Z"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PUBLISH_SANDBOX_CLOCK", SANDBOX_CLOCK)
    # `git init` and `git clone` copy a dozen sample hooks into every repository, and the
    # suite makes hundreds of them: an empty template (for the tests' git and for the git
    # that publish runs under them) spares writing and deleting a fifth of their files.
    if "GIT_TEMPLATE_DIR" not in os.environ:
        template = Path(tempfile.mkdtemp(prefix="publish-tests-git-template-"))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        os.environ["GIT_TEMPLATE_DIR"] = str(template)


TESTS = Path(__file__).resolve().parent
# The tiers (markers registered in pyproject.toml), given by where a test lives...
FOLDER_MARKS = {
    "browser": ("browser",),
    "workflows": ("act", "slow", "sandbox"),
    "sandbox": ("sandbox",),
    "contract": ("sandbox",),
}
SLOW_MODULES = {"test_soak.py", "test_crash_matrix.py"}
# ...or by name: tests that wait on real time (the transport's backoff against a server
# that is down or not ready, media processing on the sandbox's running clock) or commit
# thousands of files; each takes seconds, whatever the machine.
SLOW_TESTS = {
    "test_linkedin_down_makes_no_commit_and_posts_nothing",
    "test_a_commit_of_thousands_of_files_goes_through",
    "test_a_token_that_cannot_read_media_retries_the_create_until_it_is_ready",
    "test_media_is_confirmed_available_before_the_post_is_created",
    "test_doctor_with_an_unreachable_linkedin_says_what_it_could_not_check",
    "test_a_sync_with_an_unreachable_api_fails_the_post_and_records_nothing",
    "test_login_with_an_unreachable_token_endpoint",
}
# ...or by what it calls: a name here in a test's code or in one of its fixtures' code.
SANDBOX_STARTERS = {"running_sandbox", "sandbox_target"}
# Processes of their own: `World.spawn` (`publish`, killed or signalled by the sandbox)
# and subprocess.Popen (a sync holding the lock, contenders for it, a sandbox elsewhere):
# each pays Python's start and publisher's imports again.
SLOW_CALLS = {"spawn", "Popen"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in sorted(marks_of(item)):
            item.add_marker(name)


def marks_of(item: pytest.Item) -> set[str]:
    marks = set(marks_of_file(item.path))
    names = names_called(item)
    if names & SANDBOX_STARTERS:
        marks.add("sandbox")
    if names & SLOW_CALLS or getattr(item, "originalname", item.name) in SLOW_TESTS:
        marks.add("slow")
    return marks


@cache
def marks_of_file(path: Path) -> frozenset[str]:
    relative = path.relative_to(TESTS)
    marks = {m for folder in relative.parts[:-1] for m in FOLDER_MARKS.get(folder, ())}
    return frozenset(marks | ({"slow"} if relative.name in SLOW_MODULES else set()))


def names_called(item: pytest.Item) -> set[str]:
    """The global and attribute names that a test, the fixtures it uses and the helpers of
    the tests that these call refer to."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    if info is not None:
        functions += [d.func for defs in info.name2fixturedefs.values() for d in defs]
    return {name for f in functions if isinstance(f, FunctionType) for name in reachable(f)}


@cache
def reachable(start: FunctionType) -> frozenset[str]:
    """The names in `start` and in the functions of the tests it calls, and so on."""
    todo, seen, names = [start], set(), set()
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        for code in nested_code(function.__code__):
            names.update(code.co_names)
            todo += [helper for name in code.co_names
                     if isinstance(helper := function.__globals__.get(name), FunctionType)
                     and helper.__module__.startswith("tests.")]
    return frozenset(names)


def nested_code(code: CodeType) -> Iterator[CodeType]:
    """A code object and those of the functions and classes defined inside it."""
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from nested_code(constant)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Build a git repository with publish.toml and the given files, all committed."""

    def build(files: Files | None = None, config: str = CONFIG, commit: bool = True) -> Path:
        return repository(tmp_path / "repo", files, config, commit)

    return build


@pytest.fixture(scope="module")
def sandbox_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """One sandbox per test module, over 127.0.0.1, seeded with the module's SANDBOX_SEED
    (5 when it has none): tests that need a state of their own reset it."""
    from publisher.sandbox import running_sandbox

    with running_sandbox(seed=getattr(request.module, "SANDBOX_SEED", 5)) as url:
        yield url
