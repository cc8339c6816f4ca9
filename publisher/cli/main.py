"""The `publish` command line: parse options, call one core function, format the result.

This package is the only one that imports click or prints. Errors from the core arrive as
PublisherError and leave as `Error: ...` with the exit code of their class; a traceback
is shown only with --debug.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from publisher import __version__, apiversion, planview
from publisher.config import Config, load_config
from publisher.errors import PublisherError
from publisher.plan import Change, Plan, PlanOptions
from publisher.schedule import TimeError, parse_time
from publisher.sources import make_plan

if TYPE_CHECKING:
    from publisher.apply import Outcome
    from publisher.sync import SyncResult

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH = 0, 1, 2, 3


@dataclass
class Context:
    repo: Path | None
    config_path: Path | None
    debug: bool
    # The sync options typed before `sync` (`publish --dry-run sync`): they count as typed
    # after it, so an option works in either place.
    sync_given: dict[str, Any] = field(default_factory=dict)

    def config(self) -> Config:
        """publish.toml of this repository: every command that reads posts needs one, so
        that none of them acts on whatever folder it happens to run in."""
        config = load_config(self.repo, self.config_path)
        if config.path is None:
            folder = self.repo or Path.cwd()
            raise PublisherError(
                f"no publish.toml in {folder} or its parents: run `publish init` to start a "
                "content repository here, or pass --repo DIR or --config FILE"
            )
        return config


# Commands kept in modules of their own, imported only when one of them runs (or --help
# lists them): their dependencies (HTTP servers, the sandbox, charts) would otherwise
# double the start-up of every command.
LAZY_COMMANDS = {
    "login": "publisher.cli.auth", "logout": "publisher.cli.auth",
    "doctor": "publisher.cli.auth", "auth": "publisher.cli.auth",
    "preview": "publisher.cli.preview", "queue": "publisher.cli.queue",
    "stats": "publisher.cli.stats", "report": "publisher.cli.stats",
}


class PublishGroup(click.Group):
    """Turns PublisherError into `Error: ...` and its exit code, everywhere below."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[cmd_name])  # registers it on `cli`
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's whole first sentence, wrapped, never cut short with '...'."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PublisherError as error:
            debug = isinstance(ctx.obj, Context) and ctx.obj.debug
            if debug:
                traceback.print_exc()
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


def sync_options(function: F) -> F:
    """The options of `publish sync`, also accepted by bare `publish`."""
    options = [
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
    for option in reversed(options):
        function = option(function)
    return function


@click.group(
    cls=PublishGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    help="The repository of posts (default: the nearest folder with publish.toml).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The configuration file (default: REPO/publish.toml).",
)
@click.option(
    "--debug", is_flag=True, help="Show tracebacks and HTTP debug logs (tokens redacted)."
)
@click.version_option(__version__, prog_name="publish")
@sync_options
@click.pass_context
def cli(
    ctx: click.Context,
    /,
    repo: Path | None,
    config_path: Path | None,
    debug: bool,
    **sync: Any,
) -> None:
    """Publish LinkedIn posts kept as Markdown files in this git repository.

    Without a command, runs `publish sync`: `publish --dry-run` shows the plan.
    """
    ctx.obj = Context(repo=repo, config_path=config_path, debug=debug,
                      sync_given=_typed_sync_options(ctx))
    if debug:
        _log_http()
    if ctx.invoked_subcommand is None:
        ctx.invoke(sync_command, **sync)
    elif ctx.invoked_subcommand != "sync" and ctx.obj.sync_given:
        raise click.UsageError(_misplaced(ctx, ctx.invoked_subcommand))


def _typed_sync_options(ctx: click.Context) -> dict[str, Any]:
    """The sync options typed on the command line here (not from the environment)."""
    names = [p.name for p in sync_command.params if p.name]
    return {name: ctx.params[name] for name in names
            if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}


def _flag(ctx: click.Context, name: str) -> str:
    """How the option `name` of ctx's command is spelled: its long form."""
    for param in ctx.command.params:
        if param.name == name:
            return max(param.opts, key=len)
    return name


def _misplaced(ctx: click.Context, command: str) -> str:
    assert isinstance(ctx.obj, Context)
    flags = [_flag(ctx, name) for name in ctx.obj.sync_given]
    what = "is an option" if len(flags) == 1 else "are options"
    return (f"{', '.join(flags)} before `{command}` {what} of sync, not of {command}: write "
            f"`publish sync {' '.join(flags)} ...` (or `publish {' '.join(flags)} ...` with no "
            f"command); {command}'s own options go after it (`publish {command} --help`)")


def _log_http() -> None:
    """--debug: the client's HTTP log (Authorization masked), not urllib3's raw lines.

    Undone when the command ends, so that a later command in the same process is quiet.
    """
    import logging  # only for --debug: every command starts without it

    class EchoHandler(logging.Handler):
        """Log records to stderr through click, where the command's output is."""

        def emit(self, record: logging.LogRecord) -> None:
            click.echo(self.format(record), err=True)

    logger = logging.getLogger("publisher.linkedin")
    handler, level = EchoHandler(), logger.level
    handler.setFormatter(logging.Formatter("debug: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def undo() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    click.get_current_context().call_on_close(undo)


@cli.command("sync")
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
            flag = _flag(ctx, name)
            raise click.UsageError(
                f"{flag} is given both before and after `sync`, with different values: "
                "give it once")
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
    allow_stale: bool,
    **flags: bool,
) -> None:
    config = obj.config()
    now = _parse_now(now_text, config)
    options = PlanOptions(per_author_per_day=config.per_author_per_day, **flags)
    _warn_of_version_sunset(config, now)
    if dry_run:
        stale = _stale_check(config, allow_stale)
        plan = make_plan(config, now, options)[1]
        # A dry run only warns of a checkout that a sync would refuse.
        for reason in stale():
            click.echo(f"Warning: a sync would refuse this checkout: {reason}", err=True)
        _print_plan(plan, output_format, verbose)
        sys.exit(EXIT_FAILED if plan.has_errors else EXIT_OK)
    # The client and the engine are imported only when a sync will post: a dry run
    # starts faster without requests and the media libraries.
    from publisher.linkedin.transport import url_is_live
    from publisher.sync import Clients, SyncOptions, run_sync

    clients = Clients(config, token)
    result = run_sync(
        config,
        now,
        SyncOptions(plan=options, push=push, token=token, fixed_clock=now_text is not None,
                    allow_stale=allow_stale),
        client_for=clients,
        progress=TerminalProgress(),
        url_ok=url_is_live,
        on_plan=lambda plan: _print_plan(plan, "text", verbose),
    )
    warn(clients.notices)  # tokens expiring soon, refreshed, or a secret to update
    sys.exit(print_sync_result(result, config))


def _stale_check(config: Config, allow_stale: bool) -> Callable[[], list[str]]:
    """Why a sync would refuse this checkout, found while the plan is made."""
    if allow_stale:
        return list
    from publisher import gitops

    return gitops.start_stale_check(config.root, config.publish_branch)


def warn(messages: Iterable[str]) -> None:
    """Warnings a person must act on: a GitHub Actions annotation in CI (which the
    workflow's alert issue collects), a plain line elsewhere."""
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for message in messages:
        click.echo(f"::warning::{message}" if annotate else f"Warning: {message}", err=True)


def _warn_of_version_sunset(config: Config, now: datetime) -> None:
    """Weeks before LinkedIn retires the pinned version, every run says so.

    On the plan's date: today, or the --now of a rehearsal, which asks "what will LinkedIn
    say then?".
    """
    message = apiversion.notice(config.linkedin.version, now.date())
    if message:
        warn([message])


# Outcomes the summary names again at the end. Their reason is printed once, by the
# progress line as it happens: that line survives a run that is killed before its summary.
SUMMARIZED = ("failed", "unknown", "gone", "deferred")


def print_sync_result(result: SyncResult, config: Config) -> int:
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


def summary(result: SyncResult) -> str:
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


class TerminalProgress:
    """Progress lines: rewritten in place on a terminal, one plain line each otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.finished: set[str] = set()  # the client may report the last byte twice

    def begin(self, index: int, total: int, change: Change) -> None:
        self.finished.clear()
        click.echo(f"[{index}/{total}] {change.action} {change.post}", err=True)

    def upload(self, path: str, done: int, total: int) -> None:
        if path in self.finished:
            return
        if done >= total:
            self.finished.add(path)
        if self.tty:
            percent = 100 * done // total if total else 100
            click.echo(
                f"\r  uploading {path}: {percent:3d}% of {total:,} bytes",
                err=True,
                nl=done >= total,
            )
        elif done >= total:
            click.echo(f"  uploaded {path} ({total:,} bytes)", err=True)

    def finish(self, outcome: Outcome) -> None:
        detail = outcome.message
        if outcome.result in ("created", "updated") and outcome.url:
            # The URL, and why when it is not a plain new post (found, confirmed by 422).
            plain = outcome.message in ("published", "text updated")
            detail = outcome.url if plain else f"{outcome.url} ({outcome.message})"
        click.echo(f"  {outcome.result}: {detail}", err=True)


def _print_plan(plan: Plan, output_format: str, verbose: bool) -> None:
    if output_format == "json":
        click.echo(planview.as_json(plan), nl=False)
    elif output_format == "markdown":
        click.echo(planview.as_markdown(plan), nl=False)
    else:
        click.echo(planview.as_text(plan, verbose=verbose), nl=False)


def _parse_now(text: str | None, config: Config) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        return parse_time(text, config.defaults.timezone).utc
    except TimeError as error:
        raise click.BadParameter(str(error), param_hint="--now") from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--now", "now_text", metavar="TIME",
              help="Check as if it were TIME (for schedules that have passed).")
@click.pass_obj
def check(obj: Context, paths: tuple[Path, ...], now_text: str | None) -> None:
    """Validate publish.toml and the posts (all, or PATHS); exit 1 on any error."""
    from publisher.sources import check_posts

    config = obj.config()
    now = _parse_now(now_text, config)
    files = _post_paths(config, paths)
    diagnostics = check_posts(config, files, now)
    for diagnostic in diagnostics:
        click.echo(str(diagnostic))
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    click.echo(
        f"{len(files)} post{'s' if len(files) != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


def _post_paths(config: Config, paths: tuple[Path, ...]) -> list[str]:
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


@cli.command()
@click.argument("directory", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--author", "author_urn", metavar="URN",
              help="The page or member the posts are from, e.g. urn:li:organization:123 "
              "(default: an example to replace).")
@click.option("--action", metavar="OWNER/REPO@REF",
              help="Where the workflows find this tool's action (default: a placeholder).")
@click.pass_obj
def init(obj: Context, directory: Path | None, author_urn: str | None,
         action: str | None) -> None:
    """Start a content repository: publish.toml, a first post, workflows, a template."""
    from datetime import date

    from publisher.init import initialize

    root = directory or obj.repo or Path.cwd()
    done = initialize(root, date.today(), author_urn, action)
    if done.new_repository:
        click.echo(f"Made {root} a git repository (branch main).")
    for path in done.written:
        click.echo(f"  wrote {path}")
    click.echo("Next: set [authors] in publish.toml (`publish login` names your member URN),")
    click.echo("run `publish check` and `publish --dry-run`, then docs/setup.md for tokens.")


@cli.command()
@click.argument("title", required=False)
@click.option("--author", help="Author alias from publish.toml (default: [defaults].author).")
@click.option("--schedule", help="When to publish, e.g. '2026-12-01 09:00'.")
@click.option("--date", "date_text", help="Date for the folder and file name (default: today).")
@click.option("--template", metavar="NAME", help="Render templates/NAME.md instead of a skeleton.")
@click.option(
    "--set", "assignments", metavar="KEY=VALUE", multiple=True,
    help="A value for {{ KEY }} in the template (repeat for each).",
)
@click.pass_obj
def new(
    obj: Context, title: str | None, author: str | None, schedule: str | None,
    date_text: str | None, template: str | None, assignments: tuple[str, ...],
) -> None:
    """Write a new post at posts/YYYY/MM/slug.md: a skeleton, or from a template.

    With --template the title is optional (the file is named after the post's first line).
    """
    from publisher import newpost

    config = obj.config()
    if template is None and assignments:
        raise click.UsageError("--set fills a template: add --template NAME")
    if template is None and not title:
        raise click.UsageError('give a title (publish new "What we shipped") or --template NAME')
    if template is not None:
        values = newpost.parse_assignments(assignments)
        path = newpost.create_from_template(
            config, template, values, title=title, author=author, schedule=schedule,
            date_text=date_text,
        )
        click.echo(f"Created {path} from templates/{template.removesuffix('.md')}.md")
        return
    assert title is not None
    path = newpost.create(config, title, author=author, schedule=schedule, date_text=date_text)
    click.echo(f"Created {path}")
    click.echo("Edit it, run `publish check`, then commit it and open a pull request.")


@cli.command("resolve")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--urn", help="The post is on LinkedIn with this URN (looked up first).")
@click.option("--not-published", is_flag=True, help="The post is not on LinkedIn: post it again.")
@click.option("--gone", is_flag=True,
              help="LinkedIn no longer has the post: forget its URN and post it again.")
@click.pass_obj
def resolve_command(obj: Context, path: Path, urn: str | None, not_published: bool,
                    gone: bool) -> None:
    """Settle a post whose outcome is unknown, or that LinkedIn no longer has."""
    if [bool(urn), not_published, gone].count(True) != 1:
        raise click.UsageError("give exactly one of --urn URN, --not-published or --gone")
    from publisher import resolve
    from publisher.sync import Clients

    config = obj.config()
    client_for = Clients(config) if urn else None
    click.echo(resolve.resolve(config, _one_post(config, path), urn, datetime.now(UTC),
                               gone=gone, client_for=client_for))


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--urn", required=True, help="The URN of the post on LinkedIn (looked up first).")
@click.pass_obj
def adopt(obj: Context, path: Path, urn: str) -> None:
    """Track a post that was published by hand, so it is never posted again."""
    from publisher import resolve
    from publisher.sync import Clients

    config = obj.config()
    click.echo(resolve.adopt(config, _one_post(config, path), urn, datetime.now(UTC),
                             client_for=Clients(config)))


def _one_post(config: Config, path: Path) -> str:
    target = path if path.is_absolute() else Path.cwd() / path
    if not target.exists() and not path.is_absolute():
        # From the repo root, even when the file is gone: a removed post can be resolved.
        target = config.root / path
    try:
        return target.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        raise click.BadParameter(f"{path} is not inside {config.root}", param_hint="PATH") from None


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep it on loopback unless you mean otherwise.")
@click.option("--port", default=8765, show_default=True, type=int,
              help="The port to listen on (0: any free port, printed).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for URNs and metrics.")
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load and save the sandbox state in this JSON file.",
)
def sandbox(host: str, port: int, seed: int, state_file: Path | None) -> None:
    """Run the LinkedIn emulator locally (no account, no network)."""
    from publisher.sandbox import client_environ
    from publisher.sandbox.server import serve

    def ready(url: str) -> None:
        click.echo(f"LinkedIn sandbox on {url}")
        click.echo(f"  feed:     {url}/_sandbox/feed")
        pointers = " ".join(f"{name}={value}" for name, value in client_environ(url).items())
        click.echo(f"  point the tool at it: {pointers}")
        click.echo("Ctrl-C stops it.")

    serve(host, port, seed, state_file, on_ready=ready)


@cli.command()
@click.option(
    "--examples",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder with publish.toml and posts/ (default: this project's examples).",
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Work in this folder instead of a temporary one.",
)
def demo(examples: Path | None, keep: Path | None) -> None:
    """Run the whole job on the example posts against the built-in sandbox."""
    from publisher.demo import Finished, Start, run_demo

    click.echo("Starting the LinkedIn sandbox on 127.0.0.1 (no account, no network)…")
    first = True
    for step in run_demo(workdir=keep, source=examples):
        if isinstance(step, Start):
            click.echo(
                f"The sandbox's clock starts at {step.at:%Y-%m-%d %H:%M} UTC, a day before the "
                "first example is due, and moves on to each post's schedule: the demo tells "
                "the same story on any day."
            )
            continue
        if isinstance(step, Finished):
            from publisher.cli.stats import echo_demo_metrics

            echo_demo_metrics(step)
            click.echo("")
            click.echo(f"Repository:  {step.repo}  (git log shows the publish commits)")
            click.echo(f"Ledger:      {step.ledger}")
            click.echo(f"Feed page:   {step.feed}")
            return
        click.echo("")
        click.echo(click.style(f"== {step.title} ==", bold=True))
        if first:  # the whole plan once; later syncs show what they did
            click.echo(planview.as_text(step.plan), nl=False)
            first = False
        if step.result is not None:
            click.echo(summary(step.result))
            for outcome in step.result.report.outcomes:
                link = f" {outcome.url}" if outcome.url else ""
                click.echo(f"  {outcome.result}: {outcome.post}{link}")
                if outcome.result in ("failed", "unknown", "deferred"):
                    click.echo(f"    {outcome.message}")


def main() -> None:
    # Everything imported so far lives as long as the process: kept out of the collector's
    # full passes, which a plan over thousands of posts would otherwise pay for.
    gc.freeze()
    cli(prog_name="publish")
