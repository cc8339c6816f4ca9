"""The CLI over a real repository: exit codes and output of check, --dry-run and new."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from publisher.cli import cli
from tests.builders import Run, publish
from tests.support import CONFIG

GOOD = "---\nschedule: 2026-12-01 09:00\n---\nHello (world) @jane #launch\n"
BEFORE = ("--now", "2026-12-01T07:00Z")  # before GOOD's schedule: check warns of none
BAD = "---\nshedule: 2026-12-01 09:00\n---\nHello\n"


def run(root: Path, *args: str) -> Run:
    return publish(*args, repo=root)


def test_check_passes_on_valid_posts(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD})
    assert run(root, "check", *BEFORE) == (0, "1 post checked: 0 errors, 0 warnings\n")


def test_check_fails_and_lists_every_problem(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD, "posts/b.md": BAD, "posts/c.md": "---\nauthor: x\n---\nHi @zed\n"})
    code, output = run(root, "check", *BEFORE)
    assert code == 1
    assert output.splitlines() == [
        "posts/b.md:2: error: unknown key 'shedule' (did you mean 'schedule'?)",
        "posts/c.md:2: error: unknown author 'x': add it under [authors] in publish.toml (known: acme, jane)",
        "posts/c.md:4: error: unknown mention '@zed': add it under mentions: in the front matter or [mentions] in publish.toml",
        "3 posts checked: 3 errors, 0 warnings",
    ]


def test_check_warns_of_an_unpublished_post_whose_schedule_passed(
        make_repo: Callable[..., Path]) -> None:
    published = "---\nschedule: 2026-12-01 09:00\nurn: urn:li:share:1\n---\nOut already\n"
    root = make_repo({"posts/a.md": GOOD, "posts/b.md": published})
    code, output = run(root, "check", "--now", "2026-12-01T10:00Z")
    assert (code, output.splitlines()) == (0, [
        "posts/a.md:2: warning: schedule 2026-12-01T08:00:00Z has passed: the next sync "
        "posts it at once",
        "2 posts checked: 0 errors, 1 warning",
    ])


def test_check_takes_paths(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD, "posts/b.md": BAD})
    assert run(root, "check", str(root / "posts/a.md"))[0] == 0
    assert run(root, "check", str(root / "posts"))[0] == 1


def test_a_config_error_exits_2_with_its_key(make_repo: Callable[..., Path]) -> None:
    root = make_repo(config=CONFIG.replace('timezone = "Europe/Berlin"', 'timezone = "Berlin"'))
    code, output = run(root, "check")
    assert code == 2
    assert "Error: publish.toml:9: error: defaults.timezone: 'Berlin' is not an IANA time zone" in output


def test_dry_run_text(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD, "posts/b.md": "---\nschedule: 2026-12-24 09:00\n---\nLater\n"})
    code, output = run(root, "--dry-run", "--now", "2026-12-01T10:00Z")
    assert code == 0
    assert "+ create   posts/a.md  2026-12-01 08:00 UTC (09:00 Europe/Berlin)" in output
    assert "… wait     posts/b.md  2026-12-24 08:00 UTC (09:00 Europe/Berlin)" in output
    assert output.rstrip().endswith("1 to create, 1 waiting")


def test_dry_run_is_the_same_as_sync_dry_run(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD})
    args = ("--format", "json", "--now", "2026-12-01T10:00Z")
    assert run(root, "--dry-run", *args) == run(root, "sync", "--dry-run", *args)


def test_dry_run_json_schema(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD, "posts/b.md": BAD})
    code, output = run(root, "--dry-run", "--format", "json", "--now", "2026-12-01T10:00Z")
    assert code == 1  # an invalid post
    data = json.loads(output)
    assert data["summary"]["create"] == 1 and data["summary"]["blocked"] == 1
    create = next(c for c in data["changes"] if c["action"] == "create")
    assert create == {
        "post": "posts/a.md", "action": "create", "reason": "due since 2026-12-01T08:00:00Z",
        "author": "urn:li:organization:2414183", "scheduled_for": "2026-12-01T08:00:00Z",
        "not_after": "2026-12-01T14:00:00Z", "urn": None, "kind": "text",
        "commentary": "Hello \\(world\\) @[Jane Doe](urn:li:person:782bbtaQ) #launch",
        "length": 59, "visible_length": 30, "fold": None, "diagnostics": [],
        "moved_from": None, "queued": False, "goes_out": None,
    }
    blocked = next(c for c in data["changes"] if c["action"] == "blocked")
    assert blocked["diagnostics"] == [{"path": "posts/b.md", "line": 2, "severity": "error",
                                       "message": "unknown key 'shedule' (did you mean 'schedule'?)"}]


def test_dry_run_markdown_shows_text_and_table(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD})
    code, output = run(root, "--dry-run", "--format", "markdown", "--now", "2026-12-01T10:00Z")
    assert code == 0
    assert "| + | **create** | `posts/a.md` | `acme` (`urn:li:organization:2414183`) | 2026-12-01 08:00 UTC (09:00 Europe/Berlin) | 59 / 3000 |" in output
    assert "```text\nHello (world) Jane Doe #launch\n```" in output


def test_bad_now_is_a_usage_error(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": GOOD})
    code, output = run(root, "--dry-run", "--now", "soon")
    assert code == 2 and "--now" in output


def test_new_writes_a_valid_skeleton(make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    code, output = run(root, "new", "Hello, World: v2!", "--date", "2026-12-03")
    assert code == 0 and "posts/2026/12/hello-world-v2.md" in output
    assert run(root, "check")[0] == 0
    assert run(root, "new", "Hello, World: v2!", "--date", "2026-12-03")[0] == 2


@pytest.mark.parametrize("args", [("new", "x", "--author", "bob"), ("new", "  ")])
def test_new_refuses_bad_input(make_repo: Callable[..., Path], args: tuple[str, ...]) -> None:
    code, output = run(make_repo(), *args)
    assert code == 2 and output.startswith("Error: ")


def test_the_example_posts_pass_check() -> None:
    root = Path(__file__).resolve().parent.parent
    code, output = run(root, "check")
    assert code == 0, output
    assert " 0 errors" in output


def test_lazy_commands_are_all_there() -> None:
    from publisher.cli.app import COMMANDS, PublishGroup

    group = cli
    assert isinstance(group, PublishGroup)
    ctx = click.Context(group)
    for name in COMMANDS:
        assert group.get_command(ctx, name) is not None, name


def test_start_up_does_not_load_what_only_some_commands_need() -> None:
    code = (
        "import sys, publisher.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('requests', 'PIL', 'pypdf', 'http') or m in "
        "('publisher.auth', 'publisher.preview', 'publisher.sandbox', 'publisher.analytics')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


HEAVY = ("git", "yaml", "frontmatter", "markdown_it", "PIL", "requests", "logging")
PARSER = ("publisher.post", "publisher.render", "publisher.mediarules", "publisher.frontmatter_yaml")


def modules_after(root: Path, *args: str) -> set[str]:
    """The modules a `publish` process has loaded when it exits."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write(' '.join(sorted(sys.modules))))\n"
        "from publisher.cli.main import main\n"
        f"sys.argv = ['publish', '--repo', {str(root)!r}, *{list(args)!r}]\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return set(out.stderr.split())


def _published(make_repo: Callable[..., Path]) -> Path:
    """A repository of one post, published from its file as it is (the ledger says so)."""
    from publisher.gitops import file_states

    root = make_repo({"posts/a.md": GOOD})
    entry = {"author": "urn:li:organization:2414183", "state": "published",
             "urn": "urn:li:share:1",
             "source_blob": file_states(root, ["posts/a.md"])["posts/a.md"].blob}
    ledger = root / ".publish" / "ledger.json"
    ledger.parent.mkdir()
    ledger.write_text(json.dumps({"version": 1, "serial": 1, "posts": {"posts/a.md": entry}}))
    return root


def test_a_plan_with_nothing_to_read_loads_no_parser_and_no_gitpython(
    make_repo: Callable[..., Path],
) -> None:
    """A no-op plan of a large repository costs little more than reading the ledger: the
    parser, gitpython and logging are imported only when something needs them."""
    root = _published(make_repo)
    loaded = modules_after(root, "--dry-run", "--format", "json")
    assert {m for m in loaded if m.split(".")[0] in HEAVY or m in PARSER} == set()

    (root / "posts" / "b.md").write_text(GOOD)  # something to read: the parser is there
    assert set(PARSER) <= modules_after(root, "--dry-run", "--allow-dirty")


def test_a_sync_with_nothing_to_do_loads_no_client_no_parser_and_no_gitpython(
    make_repo: Callable[..., Path],
) -> None:
    """The scheduled run, 96 times a day: when nothing is new, due or edited, it costs
    about what the no-op plan does. The HTTP client, the parser and gitpython are imported
    only by a sync that sends something."""
    from tests.support import commit_all

    root = _published(make_repo)
    commit_all(root, "ledger")
    loaded = modules_after(root, "sync")
    assert {m for m in loaded if m.split(".")[0] in HEAVY or m in PARSER} == set()


@pytest.mark.parametrize(("now", "warned"), [
    ("2027-09-01T09:00Z", False),      # 75 days before 202611's sunset (about 2027-11-15)
    ("2027-09-20T09:00Z", True),       # 56 days before: weeks of notice
    ("2027-11-20T09:00Z", True),       # after it: LinkedIn answers 426
])
def test_every_run_warns_of_the_versions_sunset(make_repo: Callable[..., Path], now: str,
                                                warned: bool) -> None:
    root = make_repo({"posts/a.md": GOOD})
    result = CliRunner().invoke(cli, ["--repo", str(root), "--dry-run", "--now", now])
    assert ("LinkedIn-Version 202611" in result.stderr) is warned, result.stderr
    assert "LinkedIn-Version" not in result.stdout      # the plan itself stays clean


def test_every_option_of_every_command_has_help() -> None:
    def missing(command: click.Command, name: str) -> list[str]:
        found = [f"{name} {'/'.join(p.opts)}" for p in command.params
                 if isinstance(p, click.Option) and not p.hidden and not p.help]
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for sub in command.list_commands(ctx):
                child = command.get_command(ctx, sub)
                assert child is not None, sub
                found += missing(child, f"{name} {sub}")
        return found

    assert missing(cli, "publish") == []


def test_the_command_list_cuts_no_description_short() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    commands = result.output.split("Commands:", 1)[1]
    assert "..." not in commands
    assert "Track a post that was published by hand, so it is never posted" in commands


def test_command_modules_import_the_app_and_options_never_each_other() -> None:
    """The layout of publisher/cli (see its app module): options <- app <- commands."""
    import ast

    from publisher.cli.app import COMMANDS

    folder = Path(__file__).resolve().parent.parent / "publisher" / "cli"

    def cli_imports(name: str) -> set[str]:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        found = {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
        found |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                  for a in node.names}
        return {m.rsplit(".", 1)[1] for m in found if m.startswith("publisher.cli.")}

    commands = {entry.split(":")[0].rsplit(".", 1)[1] for entry in COMMANDS.values()}
    assert cli_imports("options") == set()
    assert cli_imports("app") == {"options"}
    for name in commands:
        assert cli_imports(name) <= {"app", "options"}, name
    assert {p.stem for p in folder.glob("*.py")} == commands | {"__init__", "app", "options",
                                                                 "main"}
