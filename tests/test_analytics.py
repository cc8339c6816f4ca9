"""The arithmetic of `publish report`, against values worked out by hand.

Hand computations use z = 1.959964 (95 %, two-sided) and z = 0.841621 (80 % power).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from publisher import analytics, report
from publisher.analytics import (
    MetricsError,
    Published,
    Snapshot,
    Variant,
    compare_variants,
    impressions_to_settle,
    summarize,
    two_proportion_test,
    wilson_interval,
)
from publisher.report import svg

# ---- statistics


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    # p = .1, z² = 3.841459: centre (.1 + .019207) / 1.038415 = .114797,
    # spread 1.959964 * sqrt(.0009 + .000096) / 1.038415 = .059568
    (10, 100, 0.055229, 0.174366),
    # no successes: low 0, high z² / (n + z²) = 3.841459 / 23.841459
    (0, 20, 0.0, 0.161125),
    # all successes: the mirror image
    (20, 20, 0.838875, 1.0),
    # p = .05 of 1000: centre (.05 + .001921) / 1.003841 = .051722,
    # spread 1.959964 * sqrt(.0000475 + .00000096) / 1.003841 = .013592
    (50, 1000, 0.038130, 0.065314),
])
def test_wilson_interval(successes: int, trials: int, low: float, high: float) -> None:
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=5e-6)


def test_wilson_interval_without_trials_says_nothing() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_two_proportion_test() -> None:
    # pooled p = 130 / 2000 = .065; se = sqrt(.065 * .935 * 2 / 1000) = .0110250
    # z = (.05 - .08) / .0110250 = -2.72109; p = erfc(2.72109 / sqrt 2) = .006507
    z, p = two_proportion_test(50, 1000, 80, 1000)
    assert z == pytest.approx(-2.72109, abs=1e-4)
    assert p == pytest.approx(0.006507, abs=1e-5)


@pytest.mark.parametrize("counts", [(0, 0, 5, 10), (0, 10, 0, 10), (10, 10, 10, 10)])
def test_two_proportion_test_that_cannot_tell(counts: tuple[int, int, int, int]) -> None:
    assert two_proportion_test(*counts) == (0.0, 1.0)


def test_impressions_to_settle() -> None:
    # mean .065: 1.959964 * sqrt(2 * .065 * .935) = .683322; .841621 * sqrt(.0475 + .0736)
    # = .292879; (.976201)² / .03² = 1058.85 -> 1059 per variant
    assert impressions_to_settle(0.05, 0.08) == 1059
    assert impressions_to_settle(0.08, 0.05) == 1059
    assert impressions_to_settle(0.05, 0.05) is None


def test_a_clear_difference_has_a_winner() -> None:
    result = compare_variants("hook", [Variant("A", ("a.md",), 1000, 50),
                                       Variant("B", ("b.md",), 1000, 80)])
    assert result.winner == "B"
    assert [v.name for v in result.variants] == ["B", "A"]
    assert result.p_value == pytest.approx(0.006507, abs=1e-5)
    assert result.verdict == "B wins: 8.00% vs 5.00% for A (p = 0.00651)"


def test_too_few_impressions_says_how_many_more() -> None:
    result = compare_variants("hook", [Variant("A", ("a.md",), 100, 5),
                                       Variant("B", ("b.md",), 100, 8)])
    assert result.winner is None
    # z = -.03 / sqrt(.065 * .935 * .02) = -.86047, p = .3895; 1059 each, 100 each seen
    assert result.p_value == pytest.approx(0.3895, abs=1e-4)
    assert result.more_impressions == 2 * (1059 - 100)
    assert result.verdict == ("no winner yet (p = 0.39): about 1,918 more impressions would "
                              "settle B vs A")


def test_three_variants_share_the_significance_level() -> None:
    # B beats A at p = .0065 < .025 = .05 / 2; at p = .0587 (below) it does not
    variants = [Variant("A", (), 1000, 50), Variant("B", (), 1000, 80), Variant("C", (), 10, 0)]
    result = compare_variants("hook", variants)
    assert result.alpha == pytest.approx(0.025)
    assert result.winner == "B"
    close = compare_variants("hook", [Variant("A", (), 2000, 120), Variant("B", (), 2000, 150),
                                      Variant("C", (), 10, 0)])
    # pooled .0675: z = .015 / sqrt(.0675 * .9325 / 1000) = 1.8907, p = .0587
    assert close.p_value == pytest.approx(0.0587, abs=1e-4)
    assert close.winner is None


def test_equal_rates_cannot_be_settled() -> None:
    result = compare_variants("hook", [Variant("A", (), 1000, 50), Variant("B", (), 2000, 100)])
    assert result.more_impressions is None
    assert result.verdict.startswith("no winner yet (p = 1): A and B engage alike so far")


def test_one_variant_is_not_an_experiment_yet() -> None:
    result = compare_variants("hook", [Variant("A", (), 1000, 50)])
    assert result.verdict == "needs a second variant to compare with"


# ---- snapshots and the metrics file


def snap(post: str, time: str, impressions: int, clicks: int | None = 10, reactions: int = 5,
         comments: int = 1, author: str = "urn:li:organization:1") -> Snapshot:
    return Snapshot(time, post, f"urn:li:share:{post}", author, impressions, impressions // 2,
                    clicks, reactions, comments, 2)


def test_engagement_is_clicks_reactions_and_comments_over_impressions() -> None:
    assert snap("a", "t", 400).engagement == pytest.approx(16 / 400)
    assert snap("a", "t", 400, clicks=None).engagement == pytest.approx(6 / 400)
    assert snap("a", "t", 0).engagement == 0.0


def test_snapshots_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / ".publish" / "metrics.jsonl"
    first = [snap("a", "2026-12-02T09:00:00Z", 400), snap("b", "2026-12-02T09:00:00Z", 0,
                                                           clicks=None)]
    assert analytics.append_snapshots(path, first) == 2
    assert analytics.append_snapshots(path, [snap("a", "2026-12-03T09:00:00Z", 900)]) == 1
    assert analytics.load_snapshots(path) == [*first, snap("a", "2026-12-03T09:00:00Z", 900)]
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert line == {"author": "urn:li:organization:1", "clicks": 10, "comments": 1,
                    "engagement": 0.04, "impressions": 400, "post": "a", "reactions": 5,
                    "reshares": 2, "time": "2026-12-02T09:00:00Z", "unique_impressions": 200,
                    "urn": "urn:li:share:a"}


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "m.jsonl:2: not valid JSON"),
    ("[1, 2]", "m.jsonl:2: not a JSON object"),
    ('{"time": "t"}', "m.jsonl:2: missing key 'post', 'urn', 'author', 'impressions'"),
])
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "m.jsonl"
    good = json.dumps(snap("a", "t", 1).to_json())
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    with pytest.raises(MetricsError) as caught:
        analytics.load_snapshots(path, "m.jsonl")
    assert str(caught.value).startswith(message)
    assert "fix or delete that line" in str(caught.value)


def test_a_count_that_is_not_a_number(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    data = {**snap("a", "t", 1).to_json(), "impressions": "many"}
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    with pytest.raises(MetricsError, match=r"m.jsonl:1: a count is not a whole number"):
        analytics.load_snapshots(path, "m.jsonl")


def test_experiment_is_read_from_the_front_matter(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("---\nexperiment: {name: hook, variant: B}\n---\nHi\n")
    (tmp_path / "bad.md").write_text("---\nschedule: 2026-12-01 09:00\nexperiment: B\n---\nHi\n")
    assert analytics.read_experiment(tmp_path, "good.md") == (("hook", "B"), None)
    experiment, warning = analytics.read_experiment(tmp_path, "bad.md")
    assert experiment is None
    assert warning is not None and warning.startswith("bad.md:3: experiment must be")
    assert analytics.read_experiment(tmp_path, "gone.md") == (None, None)


# ---- the report's figures


@pytest.mark.parametrize("value", ["{name: hook, variant: [B]}", "{name: hook, variant: ' '}",
                                   "{name: hook}", "{name: {a: 1}, variant: B}"])
def test_the_report_leaves_out_the_experiments_that_check_refuses(tmp_path: Path,
                                                                   value: str) -> None:
    (tmp_path / "p.md").write_text(f"---\nexperiment: {value}\n---\nHi\n")
    experiment, warning = analytics.read_experiment(tmp_path, "p.md")
    assert experiment is None and warning is not None
    assert warning.startswith("p.md:2: experiment must be {name: <experiment>, variant:")


def published(post: str, when: str, experiment: tuple[str, str] | None = None,
              author: str = "urn:li:organization:1") -> Published:
    return Published(post, f"urn:li:share:{post}", author, None,
                     datetime.fromisoformat(when).replace(tzinfo=UTC), experiment)


@pytest.fixture
def summary() -> analytics.Summary:
    posts = [
        published("a.md", "2026-12-16T08:00:00", ("hook", "A")),   # Wed 09:00 in Berlin
        published("b.md", "2026-12-17T08:00:00", ("hook", "B")),   # Thu 09:00
        published("c.md", "2026-12-17T16:30:00", author="urn:li:person:jane"),   # Thu 17:30
    ]
    snapshots = [
        snap("a.md", "2026-12-18T09:00:00Z", 500),
        snap("a.md", "2026-12-20T09:00:00Z", 1000, clicks=30, reactions=15, comments=5),
        snap("b.md", "2026-12-20T09:00:00Z", 1000, clicks=50, reactions=25, comments=5),
        snap("c.md", "2026-12-20T09:00:00Z", 200, clicks=None, reactions=9, comments=1,
             author="urn:li:person:jane"),
    ]
    return summarize(snapshots, posts, "Europe/Berlin", {"urn:li:person:jane": "jane"})


def test_latest_figures_per_post_and_author(summary: analytics.Summary) -> None:
    assert [(r.post, r.latest.impressions, r.author) for r in summary.rows] == [
        ("a.md", 1000, "urn:li:organization:1"), ("b.md", 1000, "urn:li:organization:1"),
        ("c.md", 200, "jane")]
    assert [(t.key, t.posts, t.impressions, t.engagements) for t in summary.authors] == [
        ("jane", 1, 200, 10), ("urn:li:organization:1", 2, 2000, 130)]
    assert summary.series["a.md"] == (("2026-12-18T09:00:00Z", 500),
                                      ("2026-12-20T09:00:00Z", 1000))


def test_posting_times_in_the_teams_zone(summary: analytics.Summary) -> None:
    assert [(t.key, t.posts, t.impressions, t.engagements) for t in summary.by_weekday] == [
        ("Wed", 1, 1000, 50), ("Thu", 2, 1200, 90)]
    assert [(t.key, t.rate) for t in summary.by_hour] == [("09:00", 130 / 2000),
                                                          ("17:00", 10 / 200)]


def test_experiment_from_the_latest_figures(summary: analytics.Summary) -> None:
    (experiment,) = summary.experiments
    assert [(v.name, v.impressions, v.engagements) for v in experiment.variants] == [
        ("B", 1000, 80), ("A", 1000, 50)]
    assert experiment.winner == "B"


def test_text_report(summary: analytics.Summary) -> None:
    text = report.as_text(summary)
    assert text.splitlines()[0] == "Metrics of 3 posts, last collected 2026-12-20 09:00 UTC"
    assert "  hook: B wins: 8.00% vs 5.00% for A (p = 0.00651)" in text
    assert "    B        1 post      1,000 impressions      80 engagements  8.00% (95% interval" \
        in text
    # Posting times in the zone the weekdays and hours are counted in, and the column says so.
    assert "published (Europe/Berlin)" in text.splitlines()[2]
    assert "By weekday of posting (Europe/Berlin)" in text
    row = next(line for line in text.splitlines() if line.startswith("c.md"))
    assert row.split() == ["c.md", "jane", "2026-12-17", "17:30", "200", "-", "9", "1", "2",
                           "5.00%"]


def test_text_report_without_metrics() -> None:
    empty = summarize([], [], "UTC")
    assert report.as_text(empty).startswith("No metrics yet: run `publish stats`")


def test_csv_report(summary: analytics.Summary) -> None:
    rows = list(csv.DictReader(io.StringIO(report.as_csv(summary))))
    assert [r["post"] for r in rows] == ["a.md", "b.md", "c.md"]
    expected = {"impressions": "1000", "engagements": "80", "engagement_rate": "0.080000",
                "experiment": "hook", "variant": "B",
                "published_at": "2026-12-17T08:00:00+00:00"}
    assert {key: rows[1][key] for key in expected} == expected
    assert list(rows[0]) == list(report.CSV_COLUMNS)
    assert rows[2]["clicks"] == ""


def test_html_report_is_self_contained(summary: analytics.Summary) -> None:
    page = report.as_html(summary)
    assert page.count("<svg") == 4          # over time, weekday, hour, one experiment
    assert "<script" not in page
    outside = [u for u in ("http://", "https://", "src=", "@import")
               if u in page.replace('xmlns="http://www.w3.org/2000/svg"', "")]
    assert outside == []
    assert "B wins" in page
    assert "Times of posting in Europe/Berlin." in page
    assert '<th class="text">published (Europe/Berlin)</th>' in page
    assert '<td class="text">2026-12-17 17:30</td>' in page  # 16:30 UTC


def test_html_escapes_what_comes_from_the_repository() -> None:
    posts = [published("<b>.md", "2026-12-16T08:00:00", ("<i>x", "<A>"))]
    page = report.as_html(summarize([snap("<b>.md", "2026-12-18T09:00:00Z", 5)], posts, "UTC"))
    assert "<b>.md" not in page and "<i>x" not in page
    assert "&lt;b&gt;.md" in page


@pytest.mark.parametrize(("value", "top"), [(0, 1.0), (0.034, 0.05), (0.1, 0.1), (7, 10),
                                            (1234, 2000), (5000, 5000), (5001, 10000)])
def test_axis_tops_are_round(value: float, top: float) -> None:
    assert svg._nice_top(value) == pytest.approx(top)


def test_page_posts_beyond_linkedins_12_months_keep_their_last_figures() -> None:
    now = datetime(2027, 12, 10, tzinfo=UTC)
    posts = [published("old.md", "2026-12-09T09:00:00"), published("new.md", "2026-12-11T09:00:00")]
    notes: list[str] = []
    kept = analytics._within_statistics_window(posts, now, "urn:li:organization:1", notes)
    assert [p.path for p in kept] == ["new.md"]
    assert notes == ["urn:li:organization:1: 1 posts are older than 12 months, beyond "
                     "LinkedIn's page statistics: their last figures are kept"]


def test_the_impressions_chart_keeps_to_the_newest_posts() -> None:
    posts = [published(f"p{n:02d}.md", f"2026-12-{n + 1:02d}T08:00:00") for n in range(15)]
    snapshots = [snap(f"p{n:02d}.md", f"2026-12-20T0{k}:00:00Z", 100 * k)
                 for n in range(15) for k in (1, 2)]
    page = report.as_html(summarize(snapshots, posts, "UTC"))
    assert page.count("<polyline") == report.CHART_POSTS
    assert "p14.md" in page.split("<h2>Impressions over time</h2>")[1].split("</svg>")[0]
    assert "p02.md" not in page.split("<h2>Impressions over time</h2>")[1].split("</svg>")[0]
    assert "The 12 most recently published posts" in page
