"""`publish resolve` and `publish adopt`: settle what the ledger cannot know by itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from publisher.cli.app import Context
from publisher.cli.options import one_post


@click.command("resolve")
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
    click.echo(resolve.resolve(config, one_post(config, path), urn, datetime.now(UTC),
                               gone=gone, client_for=client_for))


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--urn", required=True, help="The URN of the post on LinkedIn (looked up first).")
@click.pass_obj
def adopt(obj: Context, path: Path, urn: str) -> None:
    """Track a post that was published by hand, so it is never posted again."""
    from publisher import resolve
    from publisher.sync import Clients

    config = obj.config()
    click.echo(resolve.adopt(config, one_post(config, path), urn, datetime.now(UTC),
                             client_for=Clients(config)))
