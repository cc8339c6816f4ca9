"""`publish init`: start a content repository."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli.app import Context


@click.command()
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
    if author_urn is None:
        click.echo("Next: set [authors] in publish.toml (`publish login` names your member "
                   "URN),")
        click.echo("run `publish check` and `publish --dry-run`, then docs/setup.md for "
                   "tokens.")
    else:
        click.echo(f"Posts are from {author_urn} ([authors] in publish.toml).")
        click.echo("Next: run `publish check` and `publish --dry-run`, then docs/setup.md "
                   "for tokens.")
