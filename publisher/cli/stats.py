"""`publish stats` (collect metrics into the repository) and `publish report` (show them)."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from publisher import analytics, report
from publisher.cli.main import EXIT_FAILED, EXIT_OK, Context, cli
from publisher.config import Config
from publisher.schedule import TimeError, parse_time

if TYPE_CHECKING:       # the demo pulls in the sandbox: only `publish demo` loads it
    from publisher.demo import Finished

SHORT_REPORT = 10     # posts `publish stats` shows; `publish report` shows all
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cli.command()
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
    from publisher.sync import Clients

    config = obj.config()
    since = _time(since_text, config, "--since")
    now = _time(now_text, config, "--now") or datetime.now(UTC)
    result = analytics.run_stats(config, Clients(config, token), now, since, commit=commit)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in result.collection.notes:
        click.echo(f"note: {note}", err=True)
    for problem in result.collection.problems:
        click.echo(f"Error: {problem}", err=True)
    click.echo(_collected(result, config))
    if result.written:
        click.echo("")
        click.echo(report.as_text(analytics.load_summary(config), limit=SHORT_REPORT), nl=False)
    sys.exit(EXIT_FAILED if result.collection.problems else EXIT_OK)


def _collected(result: analytics.StatsResult, config: Config) -> str:
    shown = result.path.relative_to(config.root).as_posix()
    if not result.posts:
        return "No published posts to measure."
    text = (f"Measured {result.written} of {len(result.posts)} published posts: "
            f"{result.written} lines appended to {shown}")
    if result.commit:
        text += f"; committed {result.commit[:10]}"
    return text


@cli.command("report")
@click.option("--format", "output_format", type=click.Choice(["text", "csv", "html"]),
              default="text", show_default=True, help="text for people, csv for BI tools, "
              "html: one self-contained page with charts.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def report_command(obj: Context, output_format: str, out: Path | None) -> None:
    """Latest figures per post and per author, charts over time, experiment verdicts."""
    config = obj.config()
    summary = analytics.load_summary(config)
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


def _time(text: str | None, config: Config, option: str) -> datetime | None:
    if text is None:
        return None
    if DATE_ONLY.match(text.strip()):
        text = f"{text.strip()} 00:00"       # a bare date means from its first minute
    try:
        return parse_time(text, config.defaults.timezone).utc
    except TimeError as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def echo_demo_metrics(finished: Finished) -> None:
    """The end of `publish demo`: the metrics a few days after the last post."""
    if finished.stats is None or finished.summary is None:
        return
    click.echo("")
    moment = finished.stats.collection.snapshots[0].time if finished.stats.written else ""
    click.echo(click.style(
        f"== Metrics on {report.for_people(moment)} (publish stats, then publish report) ==",
        bold=True))
    for problem in finished.stats.collection.problems:
        click.echo(f"  {problem}")
    click.echo(report.as_text(finished.summary, limit=SHORT_REPORT), nl=False)
