"""The `publish` group: its context, its lazy command table and its one error boundary.

How the command line is laid out:

* ``app`` (this module): the group, the ``Context`` every command receives, the table of
  commands, and the one place where errors become ``Error: ...`` and an exit code.
* ``options``: what several commands share: the sync options, time parsing, post paths,
  and the output helpers.
* one module per capability (``sync``, ``check``, ``new``, ``init``, ``resolve``,
  ``sandbox``, ``demo``, ``auth``, ``stats``, ``preview``): each imports ``app``,
  ``options`` and the library (``publisher.api`` first, where it covers the command),
  never another command module.

Adding a command is one module and one line: write ``publisher/cli/NAME.py`` with a
``@click.command`` function, then add ``"NAME": "publisher.cli.NAME:function"`` to
``COMMANDS`` below. A command module is imported only when its command runs (or
``--help`` lists it), so that each command starts without the others' dependencies.

Errors: every error of this package (``PublisherError``), of the LinkedIn client
(``publisher.linkedin.errors``) and of the HTTP library under it (a refused connection, a
timeout) leaves as ``Error: ...`` with the exit code of ``publisher.api.exit_code_for``;
a traceback is shown only with ``--debug``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from publisher import __version__
from publisher.cli.options import SYNC_OPTION_NAMES, sync_options

if TYPE_CHECKING:
    from publisher.api import Repository
    from publisher.config import Config


@dataclass
class Context:
    """What the `publish` group passes to its commands: the global options."""

    repo: Path | None
    config_path: Path | None
    debug: bool
    # The sync options typed before `sync` (`publish --dry-run sync`): they count as typed
    # after it, so an option works in either place.
    sync_given: dict[str, Any] = field(default_factory=dict)

    def repository(self) -> Repository:
        """The content repository of --repo/--config: every command that reads posts needs
        a publish.toml, so that none of them acts on whatever folder it happens to run in."""
        from publisher.api import open_repository

        return open_repository(self.repo, self.config_path)

    def config(self) -> Config:
        """publish.toml of the repository, for a command the library does not cover."""
        return self.repository().config


# name -> "module:attribute" of its click command. Loaded on first use: the commands'
# dependencies (HTTP servers, the sandbox, charts) would otherwise slow every start-up.
COMMANDS = {
    "sync": "publisher.cli.sync:sync_command",
    "check": "publisher.cli.check:check",
    "init": "publisher.cli.init:init",
    "new": "publisher.cli.new:new",
    "resolve": "publisher.cli.resolve:resolve_command",
    "adopt": "publisher.cli.resolve:adopt",
    "import": "publisher.cli.importing:import_command",
    "sandbox": "publisher.cli.sandbox:sandbox",
    "demo": "publisher.cli.demo:demo",
    "login": "publisher.cli.auth:login",
    "logout": "publisher.cli.auth:logout",
    "doctor": "publisher.cli.auth:doctor",
    "auth": "publisher.cli.auth:auth_group",
    "preview": "publisher.cli.preview:preview",
    "queue": "publisher.cli.queue:queue_command",
    "stats": "publisher.cli.stats:stats",
    "report": "publisher.cli.stats:report_command",
}


def load_command(name: str) -> click.Command:
    module, _, attribute = COMMANDS[name].partition(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command), COMMANDS[name]
    return command


class PublishGroup(click.Group):
    """Loads commands from COMMANDS; turns errors into `Error: ...` and their exit code."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

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
        except Exception as error:
            from publisher.api import exit_code_for

            code = exit_code_for(error)
            if code is None:  # click's own exits and usage errors, or a bug: as they are
                raise
            if isinstance(ctx.obj, Context) and ctx.obj.debug:
                import traceback  # only for --debug: every command starts without it

                traceback.print_exc()
            click.echo(f"Error: {error}", err=True)
            ctx.exit(code)


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
        ctx.invoke(load_command("sync"), **sync)
    elif ctx.invoked_subcommand != "sync" and ctx.obj.sync_given:
        raise click.UsageError(_misplaced(ctx, ctx.invoked_subcommand))


def _typed_sync_options(ctx: click.Context) -> dict[str, Any]:
    """The sync options typed on the command line here (not from the environment)."""
    return {name: ctx.params[name] for name in SYNC_OPTION_NAMES
            if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE}


def flag(ctx: click.Context, name: str) -> str:
    """How the option `name` of ctx's command is spelled: its long form."""
    for param in ctx.command.params:
        if param.name == name:
            return max(param.opts, key=len)
    return name


def _misplaced(ctx: click.Context, command: str) -> str:
    assert isinstance(ctx.obj, Context)
    flags = [flag(ctx, name) for name in ctx.obj.sync_given]
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
