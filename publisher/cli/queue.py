"""`publish queue`: each author's upcoming slots, the posts in them, and the free ones."""

from __future__ import annotations

import click

from publisher.cli.app import Context
from publisher.cli.options import parse_now


@click.command("queue")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="How to print the queue.")
@click.option("--weeks", default=2, show_default=True, type=click.IntRange(1, 52),
              help="How many weeks of slots to list (always to the last queued post).")
@click.option("--now", "now_text", metavar="TIME", help="List the queue as at TIME.")
@click.pass_obj
def queue_command(obj: Context, output_format: str, weeks: int, now_text: str | None) -> None:
    """List each author's upcoming queue slots with their posts, and the free ones."""
    from publisher import queueview

    repository = obj.repository()
    config = repository.config
    now = parse_now(now_text, config)
    authors = repository.queue(now, weeks)
    render = queueview.as_json if output_format == "json" else queueview.as_text
    click.echo(render(authors, now, config.defaults.timezone), nl=False)
