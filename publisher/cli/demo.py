"""`publish demo`: the whole job on the example posts, against the built-in sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from publisher import planview
from publisher.cli.options import SHORT_REPORT, summary

if TYPE_CHECKING:       # the demo pulls in the sandbox: loaded when the command runs
    from publisher.demo import Finished


@click.command()
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
            _echo_metrics(step)
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


def _echo_metrics(finished: Finished) -> None:
    """The end of the demo: the metrics a few days after the last post."""
    from publisher import report

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
