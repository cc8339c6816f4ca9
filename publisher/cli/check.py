"""`publish check`: validate publish.toml and the posts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from publisher.cli.app import Context
from publisher.cli.options import parse_now, plural, post_paths


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--now", "now_text", metavar="TIME",
              help="Check as if it were TIME (for schedules that have passed).")
@click.pass_obj
def check(obj: Context, paths: tuple[Path, ...], now_text: str | None) -> None:
    """Validate publish.toml and the posts (all, or PATHS); exit 1 on any error."""
    repository = obj.repository()
    now = parse_now(now_text, repository.config)
    found = repository.check(post_paths(repository.config, paths), now)
    for diagnostic in found.diagnostics:
        click.echo(str(diagnostic))
    click.echo(f"{plural(len(found.files), 'post')} checked: {plural(found.errors, 'error')}, "
               f"{plural(found.warnings, 'warning')}")
    sys.exit(found.exit_code)
