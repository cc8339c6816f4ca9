"""The calendar's model: which months and weeks it draws, and on which local day a post is."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from publisher.calendar import CalendarPost, build_calendar
from publisher.config import load_config
from publisher.preview import build_preview
from tests.calendar_repo import NOW, build_calendar_repo


def post(path: str, at: datetime | None, author: str = "Acme Corp",
         state: str = "scheduled") -> CalendarPost:
    return CalendarPost(path, path, author, state, at, f"{path}.html")


def test_months_run_from_the_first_post_to_the_last_and_include_today() -> None:
    calendar = build_calendar([post("a", datetime(2026, 10, 5, 9, tzinfo=UTC)),
                               post("b", datetime(2027, 2, 1, 9, tzinfo=UTC))],
                              NOW, "Europe/Berlin")
    assert [m.id for m in calendar.months] == ["m-2026-10", "m-2026-11", "m-2026-12",
                                               "m-2027-01", "m-2027-02"]
    assert [m.count for m in calendar.months] == [1, 0, 0, 0, 1]
    assert calendar.current_month == "m-2026-12" and calendar.current_week == "w-2026-11-30"
    assert [w.id for w in calendar.weeks] == ["w-2026-10-05", "w-2026-11-30", "w-2027-02-01"]


def test_a_post_is_on_its_local_day_and_a_month_grid_is_whole_weeks() -> None:
    late = post("late", datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 in Berlin
    calendar = build_calendar([late], NOW, "Europe/Berlin")
    january = calendar.months[-1]
    assert january.id == "m-2027-01"
    [day] = [d for week in january.weeks for d in week if d.items]
    assert day.day == date(2027, 1, 1) and day.items[0].time == "00:30"
    assert all(len(week) == 7 for month in calendar.months for week in month.weeks)
    assert january.weeks[0][0].day == date(2026, 12, 28) and not january.weeks[0][0].in_month


def test_today_is_marked_once_per_view_and_drafts_without_a_date_are_listed_apart() -> None:
    calendar = build_calendar([post("draft", None, state="draft"),
                               post("now", None, state="due")], NOW, "Europe/Berlin")
    marked = [d for m in calendar.months for w in m.weeks for d in w if d.today]
    assert [d.day for d in marked] == [date(2026, 12, 1)]
    assert [i.post.path for i in calendar.undated] == ["draft"]
    assert [i.time for i in marked[0].items] == ["next sync"]


def test_authors_get_colours_in_name_order(tmp_path: Path) -> None:
    calendar = build_calendar([post("a", NOW, "Zed"), post("b", NOW, "Ann")], NOW, "UTC")
    assert [(a.name, a.index) for a in calendar.authors] == [("Ann", 0), ("Zed", 1)]
    assert calendar.authors[0].colours != calendar.authors[1].colours


def test_the_preview_writes_the_calendar_with_every_state(tmp_path: Path) -> None:
    root = build_calendar_repo(tmp_path / "repo")
    preview = build_preview(load_config(root, None), NOW, tmp_path / "out")
    states = {e.path: e.state for e in preview.entries}
    assert states == {
        "posts/queued-a.md": "queued", "posts/queued-b.md": "queued",
        "posts/jane-exact.md": "scheduled", "posts/jane-january.md": "scheduled",
        "posts/published.md": "published", "posts/expired.md": "expired",
        "posts/failed.md": "failed", "posts/draft.md": "draft",
    }
    assert preview.calendar == tmp_path / "out/calendar.html"
    html = preview.calendar.read_text(encoding="utf-8")
    assert 'href="calendar.html"' in (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert html.count('class="item author-') == 2 * 7 + 1  # month and week, the draft once
    queued = next(e for e in preview.entries if e.path == "posts/queued-b.md")
    assert queued.when.startswith("Thu 03 Dec 2026, 14:00 CET")
