"""A pull request cannot add Markdown to the plan comment the bot posts.

The comment is parsed with markdown-it-py (CommonMark, with GitHub's tables): it has no
link, image or HTML but the tool's own, and no text outside code where GitHub would make
an autolink or an @mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token

from publisher.cli import cli
from publisher.planview import _code
from tests.builders import png_bytes

IMAGE = "![pixel](https://evil.example/p.png)"
APPROVAL = "**LGTM, approved by @security-team**"
# Valid http(s) URLs (no brackets, spaces or angle brackets) that are still Markdown:
# validation alone cannot stop them.
URL_OK = "https://status.example/ok)**LGTM,approved_by_@security-team**"
ARTICLE_OK = "https://example.com/x)**LGTM**@security-team*www.evil.example"
# URLs that break out of <...> or carry a link: refused as URLs.
ARTICLE = "https://example.com/a>)[click](https://evil.example)<b>"
# File names cannot hold '/', so these images point nowhere in particular.
TICKS = "posts/a`` `![x](x.png)` ``.md"
PIPES = "posts/b | ![y](y.png) | @security-team |.md"
FILE_IMAGE = "![pixel](p.png) @security-team"

POSTS: dict[str, str | bytes] = {
    "posts/when.md": f"""\
        ---
        publish_when: {{url_ok: "{URL_OK}"}}
        ---
        Waits for the status page. **LGTM**
        """,
    "posts/article.md": f"""\
        ---
        article: {{url: "{ARTICLE_OK}", title: "<img src=x onerror=alert(1)> [t](https://evil.example)"}}
        first_comment: "{APPROVAL} https://evil.example www.evil.example"
        ---
        An article.
        ```
        ````
        """,
    "posts/broken-article.md": f"""\
        ---
        article: {{url: "{ARTICLE}", title: T}}
        ---
        The URL is refused.
        """,
    "posts/image.md": f"""\
        ---
        images:
          - {{path: "../media/{FILE_IMAGE}.png", alt: "{APPROVAL} [a](https://evil.example) `x`"}}
        ---
        An image.
        """,
    TICKS: "---\nauthor: acme\n---\nA file name with backticks.\n",
    PIPES: "---\nauthor: acme\n---\nA file name with pipes.\n",
    "posts/key.md": f'---\n"{IMAGE} @security-team": 1\n---\nAn unknown key.\n',
    f"media/{FILE_IMAGE}.png": png_bytes(),
}


def comment(root: Path) -> str:
    result = CliRunner().invoke(
        cli, ["--repo", str(root), "--dry-run", "--format", "markdown", "--now", "2026-12-01T10:00Z"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output  # posts/broken-article.md and posts/key.md
    return result.output


def tokens(markdown: str) -> Iterator[Token]:
    parser = MarkdownIt("commonmark").enable("table")
    stack = list(reversed(parser.parse(markdown)))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(reversed(token.children or []))


def test_nothing_from_the_pull_request_becomes_markdown(make_repo: Callable[..., Path]) -> None:
    markdown = comment(make_repo(POSTS))
    found = list(tokens(markdown))
    assert [t for t in found if t.type in ("link_open", "image")] == []
    html = [t.content for t in found if t.type in ("html_inline", "html_block")]
    assert set(html) <= {"<sub>", "</sub>"}, html
    texts = [t.content for t in found if t.type == "text"]
    # GitHub turns these into links and notifications outside code; here they are all code.
    assert [t for t in texts if re.search(r"@[A-Za-z0-9]|https?:|www\.", t)] == []
    assert [t for t in texts if "LGTM" in t] == []
    assert not [t for t in found if t.type in ("strong_open", "em_open") and t.markup != "**"]
    # Bold is the tool's: the action in each table row, nothing else.
    bold = [found[i + 1].content for i, t in enumerate(found) if t.type == "strong_open"]
    assert set(bold) <= {"create", "blocked", "wait", "skip"}, bold


def test_every_table_row_keeps_its_six_cells(make_repo: Callable[..., Path]) -> None:
    markdown = comment(make_repo(POSTS))
    found = list(tokens(markdown))
    rows = [i for i, t in enumerate(found) if t.type == "tr_open"]
    assert len(rows) == 1 + 7  # the header, then every post
    for start in rows:
        end = next(i for i in range(start, len(found)) if found[i].type == "tr_close")
        cells = [t for t in found[start:end] if t.type in ("td_open", "th_open")]
        assert len(cells) == 6


def test_the_values_are_shown_whole_as_code(make_repo: Callable[..., Path]) -> None:
    markdown = comment(make_repo(POSTS))
    code = {t.content for t in tokens(markdown) if t.type == "code_inline"}
    assert {TICKS, PIPES, f"media/{FILE_IMAGE}.png"} <= code
    assert "posts/key.md:2: error: unknown key '![pixel](https://evil.example/p.png) " \
        "@security-team'" in code
    assert f"due; posts once {URL_OK} answers 2xx" in code
    assert ARTICLE_OK in code
    assert "<img src=x onerror=alert(1)> [t](https://evil.example)" in code
    assert f"{APPROVAL} https://evil.example www.evil.example" in code


def test_the_article_url_that_breaks_out_of_angle_brackets_is_refused(
    make_repo: Callable[..., Path]
) -> None:
    markdown = comment(make_repo(POSTS))
    section = markdown.split("### `posts/broken-article.md` — blocked")[1].split("###")[0]
    assert "error: article url must start with http:// or https:// and be a web address" in section


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("plain", "`plain`"),
        ("a `b` c", "``a `b` c``"),
        ("`start", "`` `start ``"),
        ("end``", "``` end`` ```"),
        (" both ", "`  both  `"),
        ("two\nlines", "`two lines`"),
        ("", ""),
    ],
)
def test_a_code_span_holds_any_text(text: str, span: str) -> None:
    assert _code(text) == span
    if text:
        parsed = [t for t in tokens(span) if t.type == "code_inline"]
        assert [t.content for t in parsed] == [text.replace("\n", " ")]
