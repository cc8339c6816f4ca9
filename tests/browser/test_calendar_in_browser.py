"""calendar.html of the preview in headless Chromium: months, weeks, links, keyboard, axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from publisher.config import load_config
from publisher.preview import Preview, build_preview
from tests.browser.conftest import screenshot
from tests.browser.test_preview_in_browser import axe_violations
from tests.calendar_repo import NOW, build_calendar_repo


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    folder = tmp_path_factory.mktemp("calendar")
    root = build_calendar_repo(folder / "repo")
    return build_preview(load_config(root, None), NOW, folder / "out")


def calendar_url(preview: Preview, anchor: str = "") -> str:
    assert preview.calendar is not None
    return preview.calendar.as_uri() + anchor


def test_calendar_passes_axe_and_is_kept_as_a_screenshot(page: Page, preview: Preview,
                                                         axe_source: Any) -> None:
    page.goto(calendar_url(preview))
    assert axe_violations(page, axe_source) == []
    shot = screenshot(page, "preview-calendar")
    assert shot.stat().st_size > 10_000


def test_every_post_is_on_its_day_linking_to_its_card(page: Page, preview: Preview) -> None:
    page.goto(calendar_url(preview))
    december = page.locator("#m-2026-12")
    items = december.locator("li.item a")
    titles = items.evaluate_all("links => links.map(a => a.querySelector('.title').textContent)")
    assert titles == ["First in the queue.", "Jane, exact.", "Second in the queue."]
    for href in items.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert (Path(preview.out) / href).is_file()
    thursday = december.locator("td", has_text="Second in the queue.")
    assert "Thursday 3 December 2026" in thursday.inner_text()
    november = page.locator("#m-2026-11 li.item")
    assert november.evaluate_all("items => items.map(i => i.querySelector('.who').textContent)") \
        == ["Acme Corp · published", "Acme Corp · expired", "Jane Doe · failed"]


def test_authors_are_told_by_name_and_colour(page: Page, preview: Preview) -> None:
    page.goto(calendar_url(preview))
    assert page.locator("ul.legend li").all_inner_texts() == ["Acme Corp", "Jane Doe"]
    acme = page.locator("#m-2026-12 li.item", has_text="First in the queue.")
    jane = page.locator("#m-2026-12 li.item", has_text="Jane, exact.")
    assert "Acme Corp · queued" in acme.inner_text()
    assert "Jane Doe · scheduled" in jane.inner_text()
    for colour in ("el => getComputedStyle(el).backgroundColor",
                   "el => getComputedStyle(el).borderLeftColor"):
        assert acme.evaluate(colour) != jane.evaluate(colour)
    swatch = page.locator("ul.legend li", has_text="Acme Corp").locator(".swatch")
    edge = "el => getComputedStyle(el).borderLeftColor"
    assert swatch.evaluate(edge) == acme.evaluate(edge)


def test_today_is_marked(page: Page, preview: Preview) -> None:
    page.goto(calendar_url(preview))
    today = page.locator("#m-2026-12 td[aria-current=date]")
    assert today.count() == 1
    assert "Tuesday 1 December 2026" in today.inner_text() and "Today" in today.inner_text()
    assert page.locator("#w-2026-11-30 li[aria-current=date] h4").inner_text() \
        == "Tuesday 1 December 2026 Today"


def test_months_are_reached_by_keyboard_without_a_server(page: Page, preview: Preview) -> None:
    page.goto(calendar_url(preview, "#m-2026-12"))
    link = page.locator("#m-2026-12 .step a", has_text="January 2027 →")
    link.focus()
    page.keyboard.press("Enter")
    # Following a link is a navigation the browser finishes after the key press returns.
    expect(page).to_have_url(re.compile(r"#m-2027-01$"))
    january = page.locator("#m-2027-01")
    assert january.locator("li.item", has_text="New year.").is_visible()
    top = january.bounding_box()
    assert top is not None and abs(top["y"]) < 5, "the month is scrolled into view"
    back = january.locator(".step a", has_text="← December 2026")
    back.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#m-2026-12$"))


def test_the_week_view_has_seven_days(page: Page, preview: Preview) -> None:
    page.goto(calendar_url(preview, "#w-2026-11-30"))
    days = page.locator("#w-2026-11-30 ol.days > li h4").all_inner_texts()
    assert [d.split(" ")[0] for d in days] == ["Monday", "Tuesday", "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"]
    assert page.locator("#w-2026-11-30 li.item").count() == 4
