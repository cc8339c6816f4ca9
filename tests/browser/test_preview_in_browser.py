"""The preview and the sandbox feed, opened in headless Chromium: what a reviewer sees."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from publisher.config import load_config
from publisher.post import load_post
from publisher.preview import Preview
from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.browser.conftest import ROOT, screenshot, url_of
from tests.sandbox.helpers import ALL_MEMBER_SCOPES, Api

FOLDED = "posts/folded.md"
WIDTHS = (375, 1280)


def visible_text(preview: Preview, post: str) -> tuple[str, int]:
    loaded = load_post(load_config(preview.out.parent / "repo", None), post).post
    assert loaded is not None and loaded.rendered.fold is not None
    return loaded.rendered.visible, loaded.rendered.fold


def test_see_more_cuts_at_the_fold_and_expands(page: Page, gallery: Preview) -> None:
    visible, fold = visible_text(gallery, FOLDED)
    page.goto(url_of(gallery, FOLDED))
    text = page.locator("article .text")
    assert text.locator(".hook").inner_text() == visible[:fold]
    assert not text.locator(".more").is_visible()
    button = text.locator("button.see-more")
    assert button.inner_text() == "…see more"
    button.click()
    assert text.locator(".more").is_visible()
    assert not button.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    assert text.inner_text() == visible


def test_mentions_and_hashtags_are_links(page: Page, gallery: Preview) -> None:
    page.goto(url_of(gallery, FOLDED))
    page.locator("button.see-more").click()
    links = page.locator("article .text a").evaluate_all(
        "links => links.map(a => [a.className, a.textContent, a.href])")
    assert links == [
        ["mention", "Acme Corp", "https://www.linkedin.com/company/2414183"],
        ["mention", "Jane Doe", "https://www.linkedin.com/in/782bbtaQ"],
        ["hashtag", "#Launch", "https://www.linkedin.com/feed/hashtag/launch"],
    ]


def test_every_image_has_alt_and_a_missing_one_shows_a_badge(page: Page,
                                                            gallery: Preview) -> None:
    page.goto(url_of(gallery))
    alts = page.locator("img").evaluate_all("images => images.map(i => i.getAttribute('alt'))")
    assert alts and None not in alts
    card = page.locator("article", has_text="One image lacks alt text.")
    assert card.locator("img").evaluate_all("images => images.map(i => i.alt)") == [
        "Picture 1 of 2, a plain colored block", ""]
    badge = card.locator(".tile .badge.alt-missing")
    assert badge.count() == 1 and badge.is_visible()
    assert card.locator(".card-foot .alt-missing").inner_text() == "1 image without alt text"


@pytest.mark.parametrize(("post", "rows"), [
    ("posts/images-1.md", [1]),
    ("posts/images-2.md", [2]),
    ("posts/images-3.md", [1, 2]),
    ("posts/images-4.md", [1, 3]),
    ("posts/images-6.md", [2, 3]),
])
def test_image_grid_rows(page: Page, gallery: Preview, post: str, rows: list[int]) -> None:
    """LinkedIn's layouts: side by side for 2; one large above 2 or 3; 2 above 3 for 5+."""
    page.goto(url_of(gallery, post))
    boxes = [tile.bounding_box() for tile in page.locator(".images .tile").all()]
    tops: dict[int, int] = {}
    for box in boxes:
        assert box is not None
        tops[round(box["y"])] = tops.get(round(box["y"]), 0) + 1
    assert [tops[top] for top in sorted(tops)] == rows
    grid = page.locator(".images").bounding_box()
    assert grid is not None and grid["width"] > 500
    if post.endswith("6.md"):
        assert page.locator(".tile .more-images").inner_text() == "+1"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["index", "folded", "article", "images-6"])
def test_no_horizontal_overflow(page: Page, gallery: Preview, examples: Preview, width: int,
                                which: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url_of(examples) if which == "index" else url_of(gallery, f"posts/{which}.md"))
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner


def axe_violations(page: Page, axe: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe))  # inlined into the page: no network
    result: dict[str, Any] = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
    passed = {rule["id"] for rule in result["passes"]}
    expected = {"color-contrast"} | ({"image-alt"} if page.locator("img").count() else set())
    assert expected <= passed  # the checks ran and found what to check
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


@pytest.mark.parametrize("which", ["examples", "gallery", "post"])
def test_preview_passes_axe(page: Page, gallery: Preview, examples: Preview,
                            axe_source: Any, which: str) -> None:
    url = {"examples": url_of(examples), "gallery": url_of(gallery),
           "post": url_of(gallery, "posts/no-alt.md")}[which]
    page.goto(url)
    assert axe_violations(page, axe_source) == []


def test_a_video_shows_its_thumbnail_and_plays_its_captions(page: Page, gallery: Preview) -> None:
    page.goto(url_of(gallery, "posts/video.md"))
    video = page.locator("video")
    poster = video.get_attribute("poster") or ""
    assert poster.startswith("media/") and (gallery.out / poster).is_file()
    # The track is inline WebVTT: the browser parses it into the cues of the SubRip file.
    page.wait_for_function("document.querySelector('track').readyState === 2", timeout=5000)
    cues = page.evaluate(
        "Array.from(document.querySelector('video').textTracks[0].cues,"
        " c => c.getCueAsHTML().textContent)")
    assert cues == ["Welcome to Acme Sync.", "Two minutes & no more."]


def test_sandbox_feed_uses_the_cards_folds_and_shows_a_cut(page: Page, axe_source: Any) -> None:
    with running_sandbox(seed=3) as base_url:
        control = SandboxControl(base_url)
        control.add_member("alice", "Alice Martin")
        api = Api(base_url, control.token("alice", ALL_MEMBER_SCOPES))
        long_text = "\n".join(f"Line {n} of a long post" for n in range(1, 8))
        api.created_urn(commentary=long_text)
        api.created_urn(commentary="Shown up to here (and never this")
        page.goto(f"{base_url}/_sandbox/feed")
        folded = page.locator("article", has_text="Line 1")
        assert folded.locator(".hook").inner_text() == "Line 1 of a long post\n" \
            "Line 2 of a long post\nLine 3 of a long post"
        folded.locator("button.see-more").click()
        assert folded.locator(".text").inner_text() == long_text
        cut = page.locator("article", has_text="Shown up to here")
        assert cut.locator(".text").inner_text() == "Shown up to here "
        assert "cuts this text at character 17" in cut.locator(".note").inner_text()
        screenshot(page, "sandbox-feed")
        assert axe_violations(page, axe_source) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_examples(page: Page, examples: Preview, width: int) -> None:
    """What a user previews first; CI keeps the pictures (artifacts/screenshots)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url_of(examples))
    assert page.locator("article.card").count() == len(list((ROOT / "posts").rglob("*.md")))
    broken = page.locator("img").evaluate_all(
        "images => images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    assert broken == []
    shot = screenshot(page, f"preview-examples-{width}")
    assert shot.stat().st_size > 10_000
