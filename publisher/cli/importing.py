"""`publish import`: a page's posts on LinkedIn become post files, tracked as published."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.cli.app import Context
from publisher.cli.options import parse_time_option


@click.command("import")
@click.option("--author", "alias", required=True, metavar="ALIAS",
              help="The page (an alias of [authors] in publish.toml) whose posts to import.")
@click.option("--since", "since_text", metavar="DATE",
              help="Only posts published on or after DATE (default zone if none).")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the post files (default: the posts folder).")
@click.pass_obj
def import_command(obj: Context, alias: str, since_text: str | None,
                   folder: Path | None) -> None:
    """Write a post file for each post a page already has on LinkedIn, tracked as published.

    The files and the ledger are committed (not pushed): review them, push, and the next
    sync has nothing to do for them. A post already tracked is skipped, so running it
    again adds nothing twice.
    """
    from publisher.importer import import_posts
    from publisher.sync import Clients

    config = obj.config()
    since = parse_time_option(since_text, config, "--since", date_alone=True)
    result = import_posts(config, alias, Clients(config), since=since, folder=folder)
    for post in result.posts:
        click.echo(f"{post.path or post.urn}: {post.note}" if post.path is None
                   else f"{post.path}: imported {post.urn}")
    written = len(result.written)
    click.echo(f"{written} post{'s' if written != 1 else ''} imported from {alias}"
               + (f", committed as {result.commit[:12]}" if result.commit else ""))

