"""`publish preview`: the pages it writes, read as HTML (the browser tests look at them)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from publisher import cards
from publisher.cli import cli
from publisher.config import load_config
from publisher.post import load_post
from publisher.preview import Preview, PreviewError, build_preview, relative_time
from publisher.render import fold_index, render
from tests.browser.gallery import NOW, build_gallery
from tests.support import commit_all

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    folder = tmp_path_factory.mktemp("gallery")
    root = build_gallery(folder / "repo")
    return build_preview(load_config(root, None), NOW, folder / "out")


def page(preview: Preview, post: str) -> str:
    entry = next(e for e in preview.entries if e.path == post)
    assert entry.page
    return (preview.out / entry.page).read_text(encoding="utf-8")


def test_index_lists_every_post_by_schedule_with_its_action(gallery: Preview) -> None:
    index = gallery.index.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-post="([^"]+)">', index)
    assert rows[0] == "posts/next-sync.md"  # no schedule: on the next sync, so first
    assert rows[1:] == ["posts/folded.md", "posts/images-1.md", "posts/images-2.md",
                        "posts/images-3.md", "posts/images-4.md", "posts/images-6.md",
                        "posts/no-alt.md", "posts/document.md", "posts/video.md",
                        "posts/article.md", "posts/too-long.md"]
    actions = dict(re.findall(r'<tr data-post="([^"]+)">.*?class="action action-(\w+)"',
                              index, re.S))
    assert actions["posts/next-sync.md"] == "create"
    assert actions["posts/folded.md"] == "wait"
    assert actions["posts/no-alt.md"] == actions["posts/too-long.md"] == "blocked"
    assert "Tue 01 Dec 2026, 09:00 CET (08:00 UTC)" in index
    assert "in 21 hours" in index


@pytest.mark.parametrize(("post", "layout", "tiles", "more"), [
    ("posts/images-1.md", "n1", 1, None),
    ("posts/images-2.md", "n2", 2, None),
    ("posts/images-3.md", "n3", 3, None),
    ("posts/images-4.md", "n4", 4, None),
    ("posts/images-6.md", "n5", 5, "+1"),
])
def test_image_layouts_follow_the_number_of_images(gallery: Preview, post: str, layout: str,
                                                   tiles: int, more: str | None) -> None:
    html = page(gallery, post)
    assert f'<div class="images {layout}"' in html
    assert html.count('<figure class="tile">') == tiles
    assert (f'<span class="more-images">{more}</span>' in html) is (more is not None)


def test_images_carry_their_alt_text_and_a_badge_when_it_is_missing(gallery: Preview) -> None:
    html = page(gallery, "posts/no-alt.md")
    assert 'alt="Picture 1 of 2, a plain colored block"' in html
    assert re.search(r'<img src="media/[0-9a-f]{12}-img1.png" alt=""', html)
    assert '<span class="badge alt-missing">No alt text</span>' in html
    assert "1 image without alt text" in html
    assert "images[1] has no alt text" in html  # the error, with what to do about it


def test_media_is_copied_next_to_the_pages_and_linked_relatively(gallery: Preview) -> None:
    html = gallery.index.read_text(encoding="utf-8")
    sources = re.findall(r'(?:src|href)="(media/[^"]+)"', html)
    assert sources
    for source in sources:
        assert (gallery.out / source).is_file(), source
    assert gallery.media_files == len(list((gallery.out / "media").iterdir()))


def test_pages_need_no_network(gallery: Preview) -> None:
    for html_file in gallery.out.glob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r'(?:src)="https?:', html), html_file
        assert "<link" not in html and "@import" not in html and "url(" not in html


def test_text_is_split_at_the_renderers_fold(gallery: Preview) -> None:
    entry = next(e for e in gallery.entries if e.path == "posts/folded.md")
    assert entry.card is not None
    post = load_post(load_config(gallery.out.parent / "repo", None), entry.path).post
    assert post is not None and post.rendered.fold is not None
    visible, fold = post.rendered.visible, post.rendered.fold
    assert "".join(p.text for p in entry.card.hook) == visible[:fold]
    assert "".join(p.text for p in entry.card.more) == visible[fold:]
    assert any(p.kind == "hashtag" and p.text == "#Launch" for p in entry.card.more)
    html = page(gallery, "posts/folded.md")
    assert '<button type="button" class="see-more" aria-expanded="false">…see more</button>' in html


def test_mentions_and_hashtags_are_links(gallery: Preview) -> None:
    html = page(gallery, "posts/folded.md")
    assert '<a class="mention" href="https://www.linkedin.com/company/2414183">Acme Corp</a>' in html
    assert '<a class="mention" href="https://www.linkedin.com/in/782bbtaQ">Jane Doe</a>' in html
    assert '<a class="hashtag" href="https://www.linkedin.com/feed/hashtag/launch">#Launch</a>' in html


def test_character_count_marks_a_text_over_the_limit(gallery: Preview) -> None:
    assert '<span class="count">14 / 3000 characters</span>' in page(gallery, "posts/images-1.md")
    html = page(gallery, "posts/too-long.md")
    assert '<span class="count over">3099 / 3000 characters</span>' in html
    assert "shorten by 99" in html


@pytest.mark.parametrize(("post", "expected"), [
    ("posts/document.md", ['<a class="attachment document" href="media/',
                           '<img class="doc-page" src="media/',
                           'alt="Page 1 of The release checklist" width="1104" height="1429"',
                           "<strong>The release checklist</strong><span>PDF · 3 pages</span>"]),
    ("posts/video.md", ['<video controls preload="metadata" src="media/',
                        'poster="media/', '<track kind="captions" src="data:text/vtt;',
                        "<strong>Two minutes of Acme Sync</strong><span>MP4 · 2:05</span>"]),
    ("posts/article.md", ['<a class="attachment article" href="https://example.com/story">',
                          "<strong>How Globex ships</strong><span>example.com</span>"]),
])
def test_document_video_and_article_cards(gallery: Preview, post: str,
                                          expected: list[str]) -> None:
    html = page(gallery, post)
    for fragment in expected:
        assert fragment in html


def test_a_text_linkedin_would_cut_shows_cut() -> None:
    text = cards.read_commentary("Before (after", lambda mention: None)
    assert text.shown == "Before "
    assert "cuts this text at character 7" in cards.cut_note(text, "Before (after")


@pytest.mark.parametrize(("index", "before", "after"), [
    (None, "ab#Tag", ""),
    (0, "", "ab#Tag"),
    (2, "ab", "#Tag"),
    (4, "ab#T", "ag"),
    (6, "ab#Tag", ""),
])
def test_split_keeps_every_character_and_the_link(index: int | None, before: str,
                                                  after: str) -> None:
    pieces = [cards.Piece("text", "ab"), cards.Piece("hashtag", "#Tag", "h")]
    head, tail = cards.split_at(pieces, index)
    assert "".join(p.text for p in head) == before
    assert "".join(p.text for p in tail) == after
    assert all(p.href == "h" for p in head + tail if p.text.startswith(("#", "T", "a", "g"))
               and p.kind == "hashtag")


@pytest.mark.parametrize("post", sorted((ROOT / "posts").rglob("*.md")), ids=lambda p: p.name)
def test_the_sandbox_feed_folds_the_examples_where_the_renderer_does(post: Path) -> None:
    body = post.read_text(encoding="utf-8").split("---", 2)[2].lstrip("\n")
    visible = render(body).visible
    assert cards.feed_fold(visible) == fold_index(visible)


@pytest.mark.parametrize(("seconds", "expected"), [
    (30, "now"), (-90, "1 minute ago"), (3 * 3600, "in 3 hours"), (-2 * 86400, "2 days ago"),
    (8 * 86400, "in 1 week"), (400 * 86400, "in 1 year"),
])
def test_relative_time(seconds: int, expected: str) -> None:
    from datetime import timedelta

    assert relative_time(timedelta(seconds=seconds)) == expected


def test_refuses_to_write_into_a_folder_it_did_not_write(tmp_path: Path) -> None:
    root = build_gallery(tmp_path / "repo")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(PreviewError, match="not empty and was not written by `publish preview`"):
        build_preview(load_config(root, None), NOW, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_command_writes_the_preview_and_clears_the_last_one(tmp_path: Path) -> None:
    root = build_gallery(tmp_path / "repo")
    out = tmp_path / "out"
    args = ["--repo", str(root), "preview", "--out", str(out), "--now", "2026-11-30 12:00"]
    first = CliRunner().invoke(cli, [*args, str(root / "posts/folded.md")])
    assert first.exit_code == 0, first.output
    assert f"Preview of 1 post (0 media files copied): {out / 'index.html'}" in first.output
    (out / "stale.html").write_text("old")
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "Preview of 12 posts (10 media files copied)" in second.output  # + the PDF page
    assert "posts/no-alt.md:6: error: images[1] has no alt text" in second.output
    assert not (out / "stale.html").exists()
    assert (out / ".gitignore").read_text() == "*\n"


def test_the_sandbox_feed_draws_the_same_cards_from_what_it_stored() -> None:
    from publisher.sandbox import running_sandbox
    from publisher.sandbox.control import SandboxControl
    from tests.builders import png_bytes
    from tests.sandbox.helpers import ALL_MEMBER_SCOPES, Api
    from tests.sandbox.test_media import upload_image

    with running_sandbox(seed=5) as base_url:
        control = SandboxControl(base_url)
        control.add_member("alice", "Alice Martin")
        api = Api(base_url, control.token("alice", ALL_MEMBER_SCOPES))
        images = [upload_image(api, png_bytes(120, 90)) for _ in range(3)]
        api.created_urn(commentary="Three pictures", content={"multiImage": {"images": [
            {"id": images[0], "altText": "A blue block"}, {"id": images[1]},
            {"id": images[2], "altText": "Another"}]}})
        html = control.feed_html()
    assert '<div class="images n3" data-count="3">' in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="A blue block"', html)
    assert html.count('<span class="badge alt-missing">No alt text</span>') == 2  # tile, list
    assert '<span class="count">14 / 3000 characters</span>' in html


def test_a_pdf_card_shows_its_first_page_drawn(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    build_gallery(root)
    # A PDF whose first page is red and second blue, made from pictures.
    red, blue = Image.new("RGB", (600, 800), "#cc2200"), Image.new("RGB", (600, 800), "#0033cc")
    red.save(root / "posts/media/checklist.pdf", save_all=True, append_images=[blue])
    commit_all(root, "a colored deck")
    preview = build_preview(load_config(root, None), NOW, tmp_path / "out")
    html = page(preview, "posts/document.md")
    src = html.split('<img class="doc-page" src="', 1)[1].split('"', 1)[0]
    with Image.open(preview.out / src) as drawn:
        assert drawn.size == (1104, 1472)  # the page's 3:4, at the preview's width
        assert drawn.convert("RGB").getpixel((552, 736)) == (204, 34, 0)


def test_a_document_that_is_not_a_pdf_keeps_its_title_cover(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    build_gallery(root)
    deck = root / "posts/media/deck.pptx"
    with zipfile.ZipFile(deck, "w") as archive:
        archive.writestr("[Content_Types].xml", PPTX_TYPES)
        archive.writestr("ppt/slides/slide1.xml", "<p:sld/>")
    post = root / "posts/document.md"
    post.write_text(post.read_text().replace("checklist.pdf", "deck.pptx"))
    commit_all(root, "slides")
    preview = build_preview(load_config(root, None), NOW, tmp_path / "out")
    html = page(preview, "posts/document.md")
    assert '<span class="doc-cover">The release checklist</span>' in html
    assert '<img class="doc-page"' not in html


PPTX_TYPES = (
    '<?xml version="1.0"?><Types><Override PartName="/ppt/presentation.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
    "</Types>"
)
