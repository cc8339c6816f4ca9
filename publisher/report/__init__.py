"""`publish report` in three forms: text for people, CSV for BI tools, HTML with charts.

Each function takes a ``Summary`` (``publisher.analytics.summarize``) and returns a string;
nothing here reads files or asks LinkedIn. The HTML page is one self-contained file:
styles inline, charts as inline SVG (``svg``), no script and nothing fetched.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from publisher.analytics import Experiment, Summary, Total
from publisher.report import svg

CHART_POSTS = 12      # lines in the impressions chart: the newest posts
CSV_COLUMNS = ("post", "urn", "author", "published_at", "measured_at", "impressions",
               "unique_impressions", "clicks", "reactions", "comments", "reshares",
               "engagements", "engagement_rate", "experiment", "variant")

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _when(moment: datetime | None, zone: str) -> str:
    """A time of posting in the team's zone: the weekdays and hours the report groups
    posts by are that zone's, so the column must be too, or a post published on Sunday
    23:30 UTC would be listed on Sunday and counted on Monday."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}" if moment else "-"


def _variant_of(summary: Summary) -> dict[str, tuple[str, str]]:
    return {post: (e.name, v.name) for e in summary.experiments for v in e.variants
            for post in v.posts}


# --- text -----------------------------------------------------------------------------------


def as_text(summary: Summary, limit: int | None = None) -> str:
    """Posts (newest ``limit`` when given), authors, posting times and experiments."""
    if not summary.rows:
        return "No metrics yet: run `publish stats` after something is published.\n"
    lines = [_headline(summary), "", *_post_table(summary, limit), "", "By author"]
    lines += [_total_line(t) for t in summary.authors]
    if summary.by_weekday:
        lines += ["", f"By weekday of posting ({summary.timezone})"]
        lines += [_total_line(t) for t in summary.by_weekday]
    if summary.experiments:
        lines += ["", "Experiments"]
        for experiment in summary.experiments:
            lines += _experiment_lines(experiment)
    return "\n".join(lines) + "\n"


def _headline(summary: Summary) -> str:
    latest = max(r.latest.time for r in summary.rows)
    posts = len(summary.rows)
    return (f"Metrics of {posts} post{'s' if posts != 1 else ''}, "
            f"last collected {for_people(latest)}")


def for_people(moment: str) -> str:
    """An ISO 8601 UTC time as a person reads it: '2026-12-20 09:00 UTC'."""
    try:
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return moment
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _post_table(summary: Summary, limit: int | None) -> list[str]:
    rows = summary.rows
    chosen = sorted(rows, key=lambda r: (r.published_at is None, r.published_at), reverse=True)
    shown = chosen[:limit] if limit else chosen
    width = max(len(r.post) for r in shown)
    published = f"published ({summary.timezone})"
    column = max(16, len(published))
    head = (f"{'post':<{width}}  {'author':<10} {published:<{column}} {'impr.':>9} "
            f"{'clicks':>7} {'react.':>7} {'comm.':>6} {'resh.':>6} {'rate':>7}")
    lines = [head]
    for row in shown:
        s = row.latest
        when = _when(row.published_at, summary.timezone)
        lines.append(f"{row.post:<{width}}  {row.author[:10]:<10} {when:<{column}} "
                     f"{_count(s.impressions):>9} {_count(s.clicks):>7} "
                     f"{_count(s.reactions):>7} {_count(s.comments):>6} "
                     f"{_count(s.reshares):>6} {s.engagement:>7.2%}")
    if len(shown) < len(chosen):
        lines.append(f"… and {len(chosen) - len(shown)} older posts (publish report)")
    return lines


def _posts(count: int) -> str:
    return f"{count} post{'s' if count != 1 else ''}"


def _total_line(total: Total) -> str:
    posts = _posts(total.posts)
    return (f"  {total.key:<12} {posts:>9}  {total.impressions:>10,} impressions  "
            f"{total.rate:.2%} engagement")


def _experiment_lines(experiment: Experiment) -> list[str]:
    lines = [f"  {experiment.name}: {experiment.verdict}"]
    for variant in experiment.variants:
        low, high = variant.interval
        lines.append(f"    {variant.name:<6} {_posts(len(variant.posts)):>8} "
                     f"{variant.impressions:>10,} impressions {variant.engagements:>7,} "
                     f"engagements  {variant.rate:.2%} (95% interval {low:.2%} to {high:.2%})")
    return lines


# --- CSV --------------------------------------------------------------------------------------


def as_csv(summary: Summary) -> str:
    """One row per post with its latest figures; empty cells where LinkedIn gave none."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    variants = _variant_of(summary)
    for row in summary.rows:
        s = row.latest
        experiment, variant = variants.get(row.post, ("", ""))
        writer.writerow([
            row.post, row.urn, row.author,
            row.published_at.isoformat() if row.published_at else "", s.time, s.impressions,
            "" if s.unique_impressions is None else s.unique_impressions,
            "" if s.clicks is None else s.clicks, s.reactions, s.comments, s.reshares,
            s.engagements, f"{s.engagement:.6f}", experiment, variant])
    return buffer.getvalue()


# --- HTML -------------------------------------------------------------------------------------


def as_html(summary: Summary, title: str = "LinkedIn posts: metrics") -> str:
    charts = {
        "impressions": svg.line_chart(_recent_series(summary),
                                      "Impressions over time, per post"),
        "weekday": svg.bar_chart(_bars(summary.by_weekday),
                                 "Engagement rate by weekday of posting"),
        "hour": svg.bar_chart(_bars(summary.by_hour), "Engagement rate by hour of posting"),
    }
    experiments = [
        (e, svg.interval_chart([(v.name, v.rate, *v.interval) for v in e.variants],
                               f"Engagement rate of the variants of {e.name}"))
        for e in summary.experiments]
    template = _TEMPLATES.get_template("report.html.j2")
    return template.render(title=title, summary=summary, charts=charts,
                           experiments=experiments, variants=_variant_of(summary),
                           headline=_headline(summary) if summary.rows else "No metrics yet",
                           count=_count, when=_when, chart_posts=CHART_POSTS)


def _recent_series(summary: Summary) -> dict[str, list[tuple[datetime, int]]]:
    """The newest posts' histories: past a dozen lines a chart is no longer readable."""
    newest = sorted(summary.rows, key=lambda r: (r.published_at is not None, r.published_at,
                                                 r.post), reverse=True)[:CHART_POSTS]
    return {row.post: [(_parse(t), v) for t, v in summary.series.get(row.post, ())]
            for row in sorted(newest, key=lambda r: r.post)}


def _bars(totals: tuple[Total, ...]) -> list[tuple[str, float, str]]:
    return [(t.key, t.rate, f"{t.posts} posts, {t.impressions:,} impressions") for t in totals]


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
