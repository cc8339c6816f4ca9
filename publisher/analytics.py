"""Metrics of published posts: collect them into the repository, sum them up, compare variants.

Three parts, from side effects to pure arithmetic:

* ``published_posts`` and ``collect``: for every post the ledger lists as published, ask
  LinkedIn through the endpoint that fits its author (linkedin-api.md section 9):
  organizations through ``organizationalEntityShareStatistics`` (batched) plus
  ``socialMetadata`` for every kind of reaction, members through
  ``memberCreatorPostAnalytics`` (one call per metric). An author whose token lacks a
  scope becomes a ``Problem`` naming the scope; the other authors go on.
* ``append_snapshots`` / ``load_snapshots``: ``.publish/metrics.jsonl``, one JSON object per
  post and collection, appended, so the history of every post stays in git.
* ``summarize`` and the statistics (``wilson_interval``, ``two_proportion_test``,
  ``impressions_to_settle``, ``compare_variants``): pure functions over snapshots.

The engagement rate throughout is (clicks + reactions + comments) / impressions: what a
reader did with the post. LinkedIn's own ``engagement`` for pages also counts reshares and
only "Like" reactions; it is not used here, so pages and members compare on one measure.
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from statistics import NormalDist
from typing import Any
from zoneinfo import ZoneInfo

from publisher import gitops, ledger
from publisher.config import Config
from publisher.errors import PublisherError
from publisher.frontmatter_yaml import FrontMatterError, split
from publisher.ledger import Ledger
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.errors import (
    AuthenticationError,
    Forbidden,
    InvalidRequest,
    LinkedInError,
    RateLimited,
)
from publisher.post import EXPERIMENT_FORM, experiment_of
from publisher.utc import format_utc

METRICS_FILE = "metrics.jsonl"
STATISTICS_WINDOW = timedelta(days=365)     # LinkedIn's rolling window for page statistics
ALPHA = 0.05                # a variant wins when p < ALPHA (split between comparisons)
POWER = 0.8                 # the chance to detect the difference seen so far, for "still needed"
ORGANIZATION = "urn:li:organization:"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SNAPSHOT_KEYS = ("time", "post", "urn", "author", "impressions", "unique_impressions",
                 "clicks", "reactions", "comments", "reshares", "engagement")

ClientFor = Callable[[str, str | None], LinkedInClient]


class MetricsError(PublisherError):
    """The metrics file cannot be read."""


# --- what is published --------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """A post the ledger lists as published, with what the report needs from its file."""

    path: str
    urn: str
    author: str
    alias: str | None
    published_at: datetime | None
    experiment: tuple[str, str] | None = None     # (name, variant)


def published_posts(config: Config, book: Ledger, since: datetime | None = None
                    ) -> tuple[list[Published], list[str]]:
    """Published posts (on or after ``since``) and warnings about their files."""
    posts, warnings = [], []
    for path, entry in sorted(book.posts.items()):
        if entry.state != "published" or not entry.urn:
            continue
        when = _parse_time(entry.published_at)
        if since is not None and (when is None or when < since):
            continue
        experiment, warning = read_experiment(config.root, path)
        if warning:
            warnings.append(warning)
        posts.append(Published(path, entry.urn, entry.author, config.author_alias(entry.author),
                               when, experiment))
    return posts, warnings


def read_experiment(root: Path, path: str) -> tuple[tuple[str, str] | None, str | None]:
    """The post's ``experiment: {name, variant}``, read from its front matter only.

    The body is not rendered and its media are not hashed: the report needs only this key.
    """
    try:
        text = (root / path).read_text(encoding="utf-8")
        front = split(text.removeprefix("\ufeff").replace("\r\n", "\n"))
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return None, None       # a removed or broken file: `publish check` reports it
    value = front.data.get("experiment")
    if value is None:
        return None, None
    found = experiment_of(value)
    if found is not None:
        return found, None
    return None, (f"{path}:{front.line('experiment')}: {EXPERIMENT_FORM}: the post is left "
                  "out of experiments until it is fixed")


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- collecting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One post's lifetime figures at one moment; ``None`` where LinkedIn gave no figure."""

    time: str
    post: str
    urn: str
    author: str
    impressions: int
    unique_impressions: int | None
    clicks: int | None
    reactions: int
    comments: int
    reshares: int

    @property
    def engagements(self) -> int:
        return (self.clicks or 0) + self.reactions + self.comments

    @property
    def engagement(self) -> float:
        return engagement_rate(self.engagements, self.impressions)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "engagement": round(self.engagement, 6)}


@dataclass(frozen=True)
class Problem:
    """Why the figures of one author could not be collected, and what to do."""

    author: str
    alias: str | None
    message: str

    def __str__(self) -> str:
        who = f"{self.alias} ({self.author})" if self.alias else self.author
        return f"{who}: {self.message}"


@dataclass
class Collection:
    snapshots: list[Snapshot] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def collect(posts: Sequence[Published], client_for: ClientFor, now: datetime) -> Collection:
    """Snapshots of every post, author by author; an author that fails is a Problem."""
    result = Collection()
    stamp = format_utc(now)
    by_author: dict[str, list[Published]] = defaultdict(list)
    for post in posts:
        by_author[post.author].append(post)
    for author, group in by_author.items():
        alias = group[0].alias
        try:
            client = client_for(author, alias)
            if author.startswith(ORGANIZATION):
                recent = _within_statistics_window(group, now, author, result.notes)
                result.snapshots += _page_snapshots(client, author, recent, stamp, result.notes)
            else:
                result.snapshots += [_member_snapshot(client, post, stamp) for post in group]
        except (PublisherError, LinkedInError) as error:
            result.problems.append(Problem(author, alias, _problem_text(error, author)))
    return result


def _within_statistics_window(posts: Sequence[Published], now: datetime, author: str,
                              notes: list[str]) -> list[Published]:
    """The page's posts LinkedIn still has statistics for.

    Older posts would come back as zeros, which would read as if their figures had
    vanished, so they are left out and keep their last snapshot.
    """
    oldest = now - STATISTICS_WINDOW
    recent = [p for p in posts if p.published_at is None or p.published_at >= oldest]
    if len(recent) < len(posts):
        notes.append(f"{author}: {len(posts) - len(recent)} posts are older than 12 months, "
                     "beyond LinkedIn's page statistics: their last figures are kept")
    return recent


def _page_snapshots(client: LinkedInClient, author: str, posts: Sequence[Published],
                    stamp: str, notes: list[str]) -> list[Snapshot]:
    urns = [p.urn for p in posts]
    statistics = client.share_statistics(author, urns)
    try:
        social = client.social_metadata(urns)
    except Forbidden:
        # Share statistics still give clicks and impressions; only "Like" is counted then.
        notes.append(f"{author}: reactions count only \"Like\": the token lacks "
                     "r_organization_social, which socialMetadata needs for every reaction")
        social = {}
    snapshots = []
    for post in posts:
        stats = statistics[post.urn]
        summary = social.get(post.urn)
        snapshots.append(Snapshot(
            stamp, post.path, post.urn, author, stats.impressions, stats.unique_impressions,
            stats.clicks, summary.total_reactions if summary else stats.likes,
            max(summary.comments, stats.comments) if summary else stats.comments,
            stats.shares))
    return snapshots


def _member_snapshot(client: LinkedInClient, post: Published, stamp: str) -> Snapshot:
    def metric(query_type: str) -> int:
        return client.member_post_metric(post.urn, query_type)

    try:
        clicks: int | None = metric("LINK_CLICKS")
    except InvalidRequest:
        clicks = None           # LINK_CLICKS came with later API versions
    return Snapshot(stamp, post.path, post.urn, post.author, metric("IMPRESSION"),
                    metric("MEMBERS_REACHED"), clicks, metric("REACTION"), metric("COMMENT"),
                    metric("RESHARE"))


def _problem_text(error: Exception, author: str) -> str:
    if isinstance(error, Forbidden):
        if author.startswith(ORGANIZATION):
            need = ("the rw_organization_admin scope and the ADMINISTRATOR role on the page "
                    "(organizationalEntityShareStatistics)")
            fix = "log in again with it through the page app"
        else:
            need = "the r_member_postAnalytics scope (memberCreatorPostAnalytics)"
            # A member app cannot grant it: it is a Community Management permission.
            fix = "only the page app grants it: `publish login --app page` for this author"
        # LinkedIn's own words only: the client's hint speaks of reading posts, not metrics.
        return (f"no metrics: the token lacks {need}; {fix} "
                f"(LinkedIn answered {error.status}: {error.message})")
    if isinstance(error, AuthenticationError):
        return f"no metrics: the token was refused ({error}); replace it or log in again"
    if isinstance(error, RateLimited):
        return f"no metrics: rate limited ({error}); run `publish stats` again tomorrow"
    return f"no metrics: {error}"


@dataclass
class StatsResult:
    """What `publish stats` did: the posts asked about, what came back, where it went."""

    posts: list[Published]
    collection: Collection
    warnings: list[str]
    path: Path
    written: int = 0
    commit: str | None = None


def run_stats(config: Config, client_for: ClientFor, now: datetime,
              since: datetime | None = None, commit: bool = False) -> StatsResult:
    """Collect a snapshot of every published post and append them to the metrics file."""
    book = ledger.load(config.ledger_path, config.ledger)
    posts, warnings = published_posts(config, book, since)
    collection = collect(posts, client_for, now)
    path = metrics_path(config)
    result = StatsResult(posts, collection, warnings, path)
    result.written = append_snapshots(path, collection.snapshots)
    if commit and result.written:
        shown = path.relative_to(config.root).as_posix()
        result.commit = gitops.commit(config.root, [shown],
                                      f"stats: {result.written} posts measured")
    return result


def load_summary(config: Config) -> Summary:
    """The report's figures from the metrics file and the ledger."""
    book = ledger.load(config.ledger_path, config.ledger)
    posts, _ = published_posts(config, book)
    path = metrics_path(config)
    shown = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else None
    names = {urn: alias for alias, urn in config.authors.items()}
    return summarize(load_snapshots(path, shown), posts, config.defaults.timezone, names)


# --- the metrics file ----------------------------------------------------------------------


def metrics_path(config: Config) -> Path:
    """``.publish/metrics.jsonl``, beside the ledger."""
    return config.ledger_path.parent / METRICS_FILE


def append_snapshots(path: Path, snapshots: Iterable[Snapshot]) -> int:
    """Append one line per snapshot (sorted keys, so a git diff is one line each)."""
    lines = [json.dumps(s.to_json(), sort_keys=True, ensure_ascii=False) + "\n"
             for s in snapshots]
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.writelines(lines)
        out.flush()
        os.fsync(out.fileno())
    return len(lines)


def load_snapshots(path: Path, shown: str | None = None) -> list[Snapshot]:
    """Every snapshot of the file, in file order; a bad line is an error naming it."""
    shown = shown or str(path)
    if not path.exists():
        return []
    snapshots = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                snapshots.append(_snapshot_from_line(line, f"{shown}:{number}"))
    return snapshots


def _snapshot_from_line(line: str, where: str) -> Snapshot:
    fix = "fix or delete that line (each line is one JSON object `publish stats` wrote)"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise MetricsError(f"{where}: not valid JSON ({error.msg}): {fix}") from None
    if not isinstance(data, dict):
        raise MetricsError(f"{where}: not a JSON object: {fix}")
    missing = [k for k in SNAPSHOT_KEYS if k not in data]
    if missing:
        raise MetricsError(f"{where}: missing key {', '.join(map(repr, missing))}: {fix}")
    try:
        return Snapshot(
            str(data["time"]), str(data["post"]), str(data["urn"]), str(data["author"]),
            int(data["impressions"]), _optional_int(data["unique_impressions"]),
            _optional_int(data["clicks"]), int(data["reactions"]), int(data["comments"]),
            int(data["reshares"]))
    except (TypeError, ValueError):
        raise MetricsError(f"{where}: a count is not a whole number: {fix}") from None


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


# --- statistics (pure) ----------------------------------------------------------------------


def engagement_rate(engagements: int, impressions: int) -> float:
    return engagements / impressions if impressions > 0 else 0.0


def z_for(confidence: float) -> float:
    """The two-sided normal quantile: 1.96 for 0.95."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95
                    ) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when there are no trials.

    Wilson rather than the textbook p ± z·se: it stays inside [0, 1] and keeps its
    coverage for the small rates (a few percent) that engagement has.
    """
    if trials <= 0:
        return 0.0, 1.0
    successes = min(max(successes, 0), trials)
    z = z_for(confidence)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test: (z, two-sided p-value); (0, 1) when it cannot tell."""
    if n1 <= 0 or n2 <= 0:
        return 0.0, 1.0
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return z, math.erfc(abs(z) / math.sqrt(2))


def impressions_to_settle(p1: float, p2: float, alpha: float = ALPHA,
                          power: float = POWER) -> int | None:
    """Impressions each variant needs to tell ``p1`` from ``p2`` (two-sided test).

    The usual sample size of a two-proportion test; None when the rates are equal, since
    no number of impressions settles a difference of zero.
    """
    if p1 == p2:
        return None
    z_alpha = NormalDist().inv_cdf(1 - alpha / 2)
    z_beta = NormalDist().inv_cdf(power)
    mean = (p1 + p2) / 2
    root = (z_alpha * math.sqrt(2 * mean * (1 - mean))
            + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)))
    return math.ceil(root * root / ((p1 - p2) ** 2))


@dataclass(frozen=True)
class Variant:
    name: str
    posts: tuple[str, ...]
    impressions: int
    engagements: int

    @property
    def rate(self) -> float:
        return engagement_rate(self.engagements, self.impressions)

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.engagements, self.impressions)


@dataclass(frozen=True)
class Experiment:
    """The verdict on one experiment; ``variants`` best first."""

    name: str
    variants: tuple[Variant, ...]
    z: float = 0.0
    p_value: float = 1.0
    alpha: float = ALPHA
    winner: str | None = None
    more_impressions: int | None = None   # still needed in all, when there is no winner

    @property
    def verdict(self) -> str:
        if len(self.variants) < 2:
            return "needs a second variant to compare with"
        leader, runner_up = self.variants[0], self.variants[1]
        if self.winner:
            return (f"{self.winner} wins: {leader.rate:.2%} vs {runner_up.rate:.2%} "
                    f"for {runner_up.name} (p = {self.p_value:.3g})")
        if self.more_impressions is None:
            return (f"no winner yet (p = {self.p_value:.3g}): {leader.name} and "
                    f"{runner_up.name} engage alike so far")
        return (f"no winner yet (p = {self.p_value:.3g}): about {self.more_impressions:,} "
                f"more impressions would settle {leader.name} vs {runner_up.name}")


def compare_variants(name: str, variants: Sequence[Variant], alpha: float = ALPHA
                     ) -> Experiment:
    """Leader against runner-up by a two-proportion test.

    With k variants the leader is tested at alpha / (k - 1), a Bonferroni share for the
    k - 1 comparisons it has to win, so more variants do not mean more false winners.
    """
    ranked = tuple(sorted(variants, key=lambda v: (-v.rate, v.name)))
    if len(ranked) < 2:
        return Experiment(name, ranked)
    level = alpha / (len(ranked) - 1)
    leader, runner_up = ranked[0], ranked[1]
    z, p = two_proportion_test(leader.engagements, leader.impressions,
                               runner_up.engagements, runner_up.impressions)
    if p < level and leader.rate > runner_up.rate:
        return Experiment(name, ranked, z, p, level, winner=leader.name)
    needed = impressions_to_settle(leader.rate, runner_up.rate, level)
    more = None
    if needed is not None:
        more = (max(0, needed - leader.impressions) + max(0, needed - runner_up.impressions))
    return Experiment(name, ranked, z, p, level, more_impressions=more)


# --- the report's figures (pure) ------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """Latest figures of one post."""

    post: str
    urn: str
    author: str
    published_at: datetime | None
    latest: Snapshot


@dataclass(frozen=True)
class Total:
    key: str
    posts: int
    impressions: int
    engagements: int

    @property
    def rate(self) -> float:
        return engagement_rate(self.engagements, self.impressions)


@dataclass(frozen=True)
class Summary:
    rows: tuple[Row, ...]
    authors: tuple[Total, ...]
    series: Mapping[str, tuple[tuple[str, int], ...]]     # post -> (time, impressions)...
    by_weekday: tuple[Total, ...]
    by_hour: tuple[Total, ...]
    experiments: tuple[Experiment, ...]
    timezone: str


def summarize(snapshots: Sequence[Snapshot], posts: Sequence[Published],
              timezone: str, names: Mapping[str, str] | None = None) -> Summary:
    """Latest figures per post and per author, the history, posting times, experiments.

    ``names`` shows author URNs by alias. Posts with snapshots but no longer published
    (deleted since) still count: their figures were real.
    """
    names = names or {}
    known = {p.urn: p for p in posts}
    latest: dict[str, Snapshot] = {}
    series: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for snap in sorted(snapshots, key=lambda s: s.time):
        latest[snap.urn] = snap
        series[snap.post].append((snap.time, snap.impressions))
    rows = tuple(sorted(
        (Row(s.post, urn, names.get(s.author, s.author),
             known[urn].published_at if urn in known else None, s)
         for urn, s in latest.items()), key=lambda r: r.post))
    zone = ZoneInfo(timezone)
    timed = [(r, r.published_at.astimezone(zone)) for r in rows if r.published_at]
    return Summary(
        rows=rows,
        authors=_totals((r.author, r.latest) for r in rows),
        series={post: tuple(points) for post, points in sorted(series.items())},
        by_weekday=_totals((WEEKDAYS[t.weekday()], r.latest) for r, t in timed),
        by_hour=_totals((f"{t.hour:02d}:00", r.latest) for r, t in timed),
        experiments=_experiments(rows, known),
        timezone=timezone,
    )


def _totals(pairs: Iterable[tuple[str, Snapshot]]) -> tuple[Total, ...]:
    sums: dict[str, list[int]] = {}
    for key, snap in pairs:
        total = sums.setdefault(key, [0, 0, 0])
        total[0] += 1
        total[1] += snap.impressions
        total[2] += snap.engagements
    order = {day: i for i, day in enumerate(WEEKDAYS)}
    keys = sorted(sums, key=lambda k: (order.get(k, 99), k))
    return tuple(Total(k, *sums[k]) for k in keys)


def _experiments(rows: Sequence[Row], known: Mapping[str, Published]) -> tuple[Experiment, ...]:
    groups: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        post = known.get(row.urn)
        if post is not None and post.experiment is not None:
            name, variant = post.experiment
            groups[name][variant].append(row)
    return tuple(
        compare_variants(name, [
            Variant(variant, tuple(r.post for r in members),
                    sum(r.latest.impressions for r in members),
                    sum(r.latest.engagements for r in members))
            for variant, members in sorted(variants.items())])
        for name, variants in sorted(groups.items()))
