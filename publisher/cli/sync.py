"""`publish sync` (also bare `publish`): the plan, or the run that carries it out."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from publisher.cli.app import Context, flag
from publisher.cli.options import echo_plan, parse_now, summary, sync_options, warn
from publisher.errors import EXIT_AUTH, spelled_out

if TYPE_CHECKING:
    from publisher.apply import Outcome
    from publisher.plan import Change
    from publisher.sync import SyncResult


@click.command("sync")
@sync_options
@click.pass_context
def sync_command(ctx: click.Context, /, **typed: Any) -> None:
    """Publish what is new or due, update what changed (the default command).

    Its options may also come before it: `publish --dry-run sync` is `publish sync --dry-run`.
    """
    obj = ctx.obj
    assert isinstance(obj, Context)
    values = _with_options_before(ctx, typed)
    _sync(obj, **values)


def _with_options_before(ctx: click.Context, typed: dict[str, Any]) -> dict[str, Any]:
    """`typed` with the options given before `sync`; one given twice must agree."""
    assert isinstance(ctx.obj, Context)
    values = dict(typed)
    for name, value in ctx.obj.sync_given.items():
        after = ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
        if after and typed[name] != value:
            raise click.UsageError(
                f"{flag(ctx, name)} is given both before and after `sync`, with different "
                "values: give it once")
        values[name] = value
    return values


def _sync(
    obj: Context,
    dry_run: bool,
    output_format: str,
    now_text: str | None,
    verbose: bool,
    push: bool,
    token: str | None,
    **flags: bool,
) -> None:
    repository = obj.repository()
    now = parse_now(now_text, repository.config)
    # The pinned version's sunset, on the plan's date: today, or the --now of a rehearsal,
    # which asks "what will LinkedIn say then?".
    warn(filter(None, [repository.version_notice(now)]))
    if dry_run:
        dry = repository.plan(now, **flags)
        # A dry run only warns of a checkout that a sync would refuse.
        for reason in dry.refusals:
            click.echo(f"Warning: a sync would refuse this checkout: {reason}", err=True)
        echo_plan(dry.plan, output_format, verbose)
        sys.exit(dry.exit_code)
    result = repository.sync(
        now if now_text is not None else None, push=push, token=token,
        progress=TerminalProgress(), on_plan=lambda plan: echo_plan(plan, "text", verbose),
        **flags)
    warn(result.notices)  # tokens expiring soon, refreshed, or a secret to update
    sys.exit(print_sync_result(result))


# Outcomes the summary names again at the end. Their reason is printed once, by the
# progress line as it happens: that line survives a run that is killed before its summary.
SUMMARIZED = ("failed", "unknown", "gone", "deferred")


def print_sync_result(result: SyncResult) -> int:
    """The summary at the end of a sync; returns the exit code."""
    report = result.report
    click.echo(summary(result))
    for outcome in report.outcomes:
        if outcome.result in ("created", "replaced") and outcome.url:
            click.echo(f"  {outcome.post}: {outcome.url}")
    for outcome in report.outcomes:
        if outcome.result in SUMMARIZED:
            click.echo(f"  {outcome.result}: {outcome.post} (why: above)", err=True)
    for change in report.held:
        click.echo(f"  {change.action}: {change.post}: {change.reason}", err=True)
    if report.stopped:
        click.echo(f"Stopped: {report.stopped}", err=True)
    if report.exit_code == EXIT_AUTH:
        _name_failed_tokens(result)
    if result.commit:
        click.echo(
            f"Committed {result.commit[:10]}"
            + (f", pushed to {result.pushed_to}" if result.pushed_to else "")
        )
    return report.exit_code


def _name_failed_tokens(result: SyncResult) -> None:
    """Say where each failing author's token came from, so the right secret gets updated."""
    authors = {c.post: c.author for c in result.plan.changes}
    failed = {authors.get(o.post) for o in result.report.outcomes if o.result == "failed"}
    for author, credential in result.credentials.items():
        if author in failed:
            who = credential.alias or author
            click.echo(
                f"  the token for {who} ({credential.masked}) comes from {credential.source}: "
                "replace it there",
                err=True,
            )


class TerminalProgress:
    """Progress lines: rewritten in place on a terminal, one plain line each otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.finished: set[str] = set()  # the client may report the last byte twice

    def begin(self, index: int, total: int, change: Change) -> None:
        self.finished.clear()
        click.echo(spelled_out(f"[{index}/{total}] {change.action} {change.post}"), err=True)

    def upload(self, path: str, done: int, total: int) -> None:
        if path in self.finished:
            return
        if done >= total:
            self.finished.add(path)
        if self.tty:
            percent = 100 * done // total if total else 100
            click.echo(
                "\r" + spelled_out(f"  uploading {path}: {percent:3d}% of {total:,} bytes"),
                err=True,
                nl=done >= total,
            )
        elif done >= total:
            click.echo(spelled_out(f"  uploaded {path} ({total:,} bytes)"), err=True)

    def finish(self, outcome: Outcome) -> None:
        detail = outcome.message
        if outcome.result in ("created", "updated") and outcome.url:
            # The URL, and why when it is not a plain new post (found, confirmed by 422).
            plain = outcome.message in ("published", "text updated")
            detail = outcome.url if plain else f"{outcome.url} ({outcome.message})"
        click.echo(spelled_out(f"  {outcome.result}: {detail}"), err=True)
