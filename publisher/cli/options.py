"""What several commands share: the sync options, times, post paths, and output helpers.

It imports no command module and no part of the group (``app``), so that both may import
it; what it formats comes from the library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from publisher import planview
from publisher.config import Config
from publisher.plan import Plan
from publisher.schedule import TimeError, parse_time

if TYPE_CHECKING:
    from publisher.sync import SyncResult

F = TypeVar("F", bound=Callable[..., Any])
SHORT_REPORT = 10     # posts `publish stats` and the demo show; `publish report` shows all
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _sync_option_list() -> list[Callable[[F], F]]:
    return [
        click.option("--dry-run", is_flag=True, help="Show the plan; change nothing."),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json", "markdown"]),
            default="text",
            show_default=True,
            help="How to print the plan.",
        ),
        click.option(
            "--now",
            "now_text",
            metavar="TIME",
            help="Plan as if it were TIME (ISO 8601; default zone if none); a sync that "
            "posts accepts it only against the sandbox.",
        ),
        click.option(
            "--allow-replace",
            is_flag=True,
            help="Delete and re-post posts whose media or article changed.",
        ),
        click.option(
            "--prune",
            is_flag=True,
            help="Delete LinkedIn posts whose file was removed or marked deleted.",
        ),
        click.option("--retry-failed", is_flag=True, help="Try failed posts again."),
        click.option("--allow-dirty", is_flag=True, help="Publish posts with uncommitted changes."),
        click.option(
            "--allow-stale",
            is_flag=True,
            help="Publish from a detached HEAD, another branch, or a branch behind its upstream.",
        ),
        click.option("-v", "--verbose", is_flag=True, help="List unchanged posts and full texts."),
        click.option(
            "--push", is_flag=True, help="Push the commit; on rejection rebase and retry."
        ),
        click.option(
            "--token",
            envvar="PUBLISH_TOKEN",
            metavar="TOKEN",
            help="Access token for every author (else per-author environment or store).",
        ),
    ]


# The parameter names of the sync options, as the command functions receive them.
SYNC_OPTION_NAMES = ("dry_run", "output_format", "now_text", "allow_replace", "prune",
                     "retry_failed", "allow_dirty", "allow_stale", "verbose", "push", "token")


def sync_options(function: F) -> F:
    """The options of `publish sync`, also accepted by bare `publish`."""
    for option in reversed(_sync_option_list()):
        function = option(function)
    return function


def parse_time_option(text: str | None, config: Config, option: str, *,
                      date_alone: bool = False) -> datetime | None:
    """The UTC time an option gives (in [defaults].timezone if it names no zone); None
    when it is not given. With `date_alone`, a bare date means its first minute."""
    if text is None:
        return None
    if date_alone and DATE_ONLY.match(text.strip()):
        text = f"{text.strip()} 00:00"
    try:
        return parse_time(text, config.defaults.timezone).utc
    except TimeError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def parse_now(text: str | None, config: Config) -> datetime:
    """--now, or the real time when it is not given."""
    return parse_time_option(text, config, "--now") or datetime.now(UTC)


def post_paths(config: Config, paths: tuple[Path, ...]) -> list[str]:
    """Post files named on the command line (files or folders), from the repo root."""
    from publisher.post import discover

    if not paths:
        return discover(config)
    found: list[str] = []
    root = config.root.resolve()
    for path in paths:
        # The folder is resolved, not the file: a post that is a link is named as such by
        # the check instead of being followed to where it points.
        target = path.absolute().parent.resolve() / path.name
        if not target.exists() and not target.is_symlink():
            raise click.BadParameter(f"{path} does not exist", param_hint="PATHS")
        if not target.is_relative_to(root):
            raise click.BadParameter(f"{path} is outside the repository {root}", param_hint="PATHS")
        files = sorted(target.rglob("*.md")) if target.is_dir() else [target]
        found += [f.relative_to(root).as_posix() for f in files]
    return sorted(set(found))


def one_post(config: Config, path: Path) -> str:
    """The one post file PATH names, from the repo root (it may have been removed)."""
    target = path if path.is_absolute() else Path.cwd() / path
    if not target.exists() and not path.is_absolute():
        # From the repo root, even when the file is gone: a removed post can be resolved.
        target = config.root / path
    try:
        return target.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        raise click.BadParameter(f"{path} is not inside {config.root}", param_hint="PATH") from None


def warn(messages: Iterable[str]) -> None:
    """Warnings a person must act on: a GitHub Actions annotation in CI (which the
    workflow's alert issue collects), a plain line elsewhere."""
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for message in messages:
        click.echo(f"::warning::{message}" if annotate else f"Warning: {message}", err=True)


def echo_plan(plan: Plan, output_format: str = "text", verbose: bool = False) -> None:
    if output_format == "json":
        click.echo(planview.as_json(plan), nl=False)
    elif output_format == "markdown":
        click.echo(planview.as_markdown(plan), nl=False)
    else:
        click.echo(planview.as_text(plan, verbose=verbose), nl=False)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary(result: SyncResult) -> str:
    """The `Done: ...` line of a sync (and of each step of the demo)."""
    report = result.report
    waiting = result.plan.summary["wait"] + report.count("waiting")
    parts = [
        (report.count("created"), "created"),
        (report.count("updated"), "updated"),
        (report.count("replaced"), "replaced"),
        (report.count("deleted"), "deleted"),
        (report.count("moved"), "moved"),
        (waiting, "waiting"),
        (report.count("deferred"), "deferred"),
        (report.count("failed"), "failed"),
        (result.plan.summary["blocked"], "blocked"),
        (result.plan.summary["expired"], "expired"),
        (report.count("unknown"), "unknown"),
        (report.count("gone"), "gone"),
    ]
    return "Done: " + (", ".join(f"{n} {word}" for n, word in parts if n) or "nothing to do")
