"""`publish stats` (collect metrics into the repository) and `publish report` (show them)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from publisher import report
from publisher.cli.app import Context
from publisher.cli.options import SHORT_REPORT, parse_time_option
from publisher.errors import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from publisher.analytics import StatsResult
    from publisher.api import Repository


@click.command()
@click.option("--since", "since_text", metavar="DATE",
              help="Only posts published on or after DATE (default zone if none).")
@click.option("--commit", is_flag=True, help="Commit the metrics file afterwards.")
@click.option("--token", envvar="PUBLISH_TOKEN", metavar="TOKEN",
              help="Access token for every author (else per-author environment or store).")
@click.option("--now", "now_text", metavar="TIME",
              help="Record the snapshots as taken at TIME (rehearsals; default: now).")
@click.pass_obj
def stats(obj: Context, since_text: str | None, commit: bool, token: str | None,
          now_text: str | None) -> None:
    """Collect impressions, clicks, reactions and comments of every published post.

    One line per post is appended to .publish/metrics.jsonl. An author whose token
    lacks the analytics scope is reported (exit 1); the other authors go on.
    """
    repository = obj.repository()
    config = repository.config
    since = parse_time_option(since_text, config, "--since", date_alone=True)
    now = parse_time_option(now_text, config, "--now", date_alone=True) or datetime.now(UTC)
    result = repository.stats(now, since, token=token, commit=commit)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in result.collection.notes:
        click.echo(f"note: {note}", err=True)
    for problem in result.collection.problems:
        click.echo(f"Error: {problem}", err=True)
    click.echo(_collected(result, repository))
    if result.written:
        click.echo("")
        click.echo(report.as_text(repository.metrics(), limit=SHORT_REPORT), nl=False)
    sys.exit(EXIT_FAILED if result.collection.problems else EXIT_OK)


def _collected(result: StatsResult, repository: Repository) -> str:
    shown = result.path.relative_to(repository.root).as_posix()
    if not result.posts:
        return "No published posts to measure."
    text = (f"Measured {result.written} of {len(result.posts)} published posts: "
            f"{result.written} lines appended to {shown}")
    if result.commit:
        text += f"; committed {result.commit[:10]}"
    return text


@click.command("report")
@click.option("--format", "output_format", type=click.Choice(["text", "csv", "html"]),
              default="text", show_default=True, help="text for people, csv for BI tools, "
              "html: one self-contained page with charts.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def report_command(obj: Context, output_format: str, out: Path | None) -> None:
    """Latest figures per post and per author, charts over time, experiment verdicts."""
    summary = obj.repository().metrics()
    if output_format == "csv":
        text = report.as_csv(summary)
    elif output_format == "html":
        text = report.as_html(summary)
    else:
        text = report.as_text(summary)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {out} ({len(summary.rows)} posts, {output_format})")
