"""docs/setup.md's sandbox rehearsal, run as written: `publish sandbox` in one process, its
printed `export` lines and the doc's commands in a fresh shell (an empty environment but
HOME and PATH). The sandbox's live posts are the oracle."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.sandbox.control import SandboxControl

ROOT = Path(__file__).resolve().parent.parent
SECTION = "### Rehearse it on the sandbox first"
PAGE = "urn:li:organization:1000001"


def documented_blocks() -> list[tuple[str, str]]:
    """The fenced blocks of the rehearsal section: (language, text)."""
    doc = (ROOT / "docs/setup.md").read_text(encoding="utf-8")
    section = doc.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fresh_environ(home: Path) -> dict[str, str]:
    """What a new terminal has: HOME (with the person's git identity) and PATH."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("[user]\n\tname = Rehearsal\n\temail = r@example.com\n",
                                     encoding="utf-8")
    return {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[tuple[list[str], str]]:
    """`publish sandbox` on a free port: what it printed up to "Ctrl-C stops it.", and its URL."""
    environ = fresh_environ(tmp_path / "home")
    process = subprocess.Popen(["publish", "sandbox", "--port", str(free_port())],
                               env=environ, stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 60
        while not printed or printed[-1] != "Ctrl-C stops it.":
            assert time.monotonic() < deadline, printed
            line = process.stdout.readline()
            assert line, f"publish sandbox stopped: {printed}"
            printed.append(line.rstrip("\n"))
        url = printed[0].removeprefix("LinkedIn sandbox on ")
        yield printed, url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_publish_sandbox_prints_what_the_doc_shows(sandbox: tuple[list[str], str]) -> None:
    printed, url = sandbox
    (language, command), (_, shown), *_ = documented_blocks()
    assert (language, command) == ("sh", "publish sandbox\n")
    general = [re.sub(r"LINKEDIN_ACCESS_TOKEN=AQV\S+$", "LINKEDIN_ACCESS_TOKEN=AQV…",
                      line.replace(url, "http://127.0.0.1:8765")) for line in printed]
    assert general == shown.splitlines()


def test_the_documented_rehearsal_publishes_once(tmp_path: Path,
                                                  sandbox: tuple[list[str], str]) -> None:
    printed, url = sandbox
    exports = [line.strip() for line in printed if line.strip().startswith("export ")]
    assert [e.split("=", 1)[0] for e in exports] == [
        "export LINKEDIN_API_BASE", "export LINKEDIN_OAUTH_BASE", "export LINKEDIN_ACCESS_TOKEN"]
    language, commands = documented_blocks()[2]
    assert language == "sh" and commands.startswith("publish init ")
    shell = tmp_path / "shell"
    shell.mkdir()
    script = "set -e\n" + "\n".join(exports) + "\n" + commands + "publish\n"
    run = subprocess.run(["bash", "-c", script], env=fresh_environ(tmp_path / "home"),
                         cwd=shell, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr

    live = [p for p in SandboxControl(url).state()["posts"] if not p["deleted"]]
    assert [(p["author"], "Hello from our repository" in p["commentary"]) for p in live] == [
        (PAGE, True)]
    assert "Done: 1 created" in run.stderr + run.stdout
    assert run.stdout.rstrip().endswith("Done: nothing to do"), "the second publish: no change"
    log = subprocess.run(["git", "log", "--format=%s"], cwd=shell / "rehearsal",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert log == ["publish: 1 created", "First post"]
