"""Front matter is parsed strictly; every problem is `path:line: severity: message`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.post import discover, load_post
from publisher.utc import format_utc
from tests.builders import png_bytes

POST = "posts/p.md"


def load(make_repo: Callable[..., Path], text: str, extra: dict[str, str | bytes] | None = None):  # type: ignore[no-untyped-def]
    root = make_repo({POST: text, **(extra or {})})
    return load_post(load_config(root, environ={}), POST)


def messages(loaded) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(d) for d in loaded.diagnostics]


def test_a_full_valid_post(make_repo: Callable[..., Path]) -> None:
    loaded = load(make_repo, """
        ---
        author: jane
        schedule: 2026-12-01 09:00
        visibility: CONNECTIONS
        images:
          - path: media/a.png
            alt: A blue square
        first_comment: More at https://example.com
        reshare: false
        experiment: {name: hook, variant: B}
        ---
        Hello @acme! #launch
        """, {"posts/media/a.png": png_bytes()})
    assert messages(loaded) == []
    post = loaded.post
    assert post is not None
    assert post.author == "urn:li:person:782bbtaQ" and post.author_alias == "jane"
    assert format_utc(post.schedule) == "2026-12-01T08:00:00Z"  # type: ignore[arg-type]
    assert format_utc(post.not_after) == "2026-12-01T14:00:00Z"  # type: ignore[arg-type]
    assert post.kind == "image" and post.images[0].alt == "A blue square"
    assert post.images[0].path == "posts/media/a.png"
    assert post.commentary == "Hello @[Acme Corp](urn:li:organization:2414183)! #launch"
    assert post.reshare is False and post.experiment == {"name": "hook", "variant": "B"}


BAD = [
    # (front matter lines, expected diagnostic)
    ("shedule: 2026-12-01 09:00", "posts/p.md:2: error: unknown key 'shedule' (did you mean 'schedule'?)"),
    ("author: bob", "posts/p.md:2: error: unknown author 'bob': add it under [authors]"),
    ("author: 'urn:li:person:'", "posts/p.md:2: error: unknown author 'urn:li:person:': a person URN is"),
    ("author: urn:li:person:", "posts/p.md:2: error: front matter is not valid YAML: mapping values are not allowed in this context (put quotes around"),
    ("author: acme\nvisibility: CONNECTIONS", "posts/p.md:3: error: CONNECTIONS is for person authors only"),
    ("visibility: public", "posts/p.md:2: error: visibility 'public' is not one of PUBLIC"),
    ("status: published", "posts/p.md:2: error: status 'published' is not one of ready, draft, deleted"),
    ("schedule: 2026-12-01", "posts/p.md:2: error: schedule needs a date and a time"),
    ("schedule: next monday", "posts/p.md:2: error: schedule: 'next monday' is not a date and time"),
    ("schedule: 2026-03-29 02:30", "posts/p.md:2: error: schedule: 2026-03-29 02:30 does not exist in Europe/Berlin"),
    ("schedule: 2026-10-25 02:30", "posts/p.md:2: warning: schedule: 2026-10-25 02:30 happens twice"),
    ("schedule: 2026-12-01 09:00\nnot_after: 2026-12-01 08:00", "posts/p.md:3: error: not_after must be later than schedule"),
    ("images:\n  - path: media/a.png", "posts/p.md:3: error: images[0] has no alt text"),
    ("images:\n  - path: media/missing.png\n    alt: x", "posts/p.md:3: error: 'media/missing.png' does not exist"),
    ("images:\n  - path: ../../outside.png\n    alt: x", "posts/p.md:3: error: '../../outside.png' points outside the repository"),
    ("images:\n  - path: /etc/passwd\n    alt: x", "posts/p.md:3: error: '/etc/passwd' is absolute"),
    ("images:\n  - path: media/a.png\n    alt: x\n    caption: y", "posts/p.md:5: error: unknown key 'caption' in images[0]"),
    ("images:\n  - path: media/fake.png\n    alt: x", "posts/p.md:3: error: media/fake.png: "),
    ("images: []", "posts/p.md:2: error: images must be a list of {path, alt} entries"),
    ("images:\n  - path: media/a.png\n    alt: x\ndocument: {path: media/a.png, title: t}", "error: a post has at most one of images, video, document, article; found images and document"),
    ("document: {path: media/a.png}", "posts/p.md:2: error: document needs 'title'"),
    ("article: {url: example.com/x, title: T}", "posts/p.md:2: error: article url must start with http"),
    ("mentions:\n  bob: {urn: 'urn:li:person:b'}", "posts/p.md:3: error: mentions.bob: name must be the exact name"),
    ("reshare: sometimes", "posts/p.md:2: error: reshare must be true or false"),
    ("experiment: {name: x}", "posts/p.md:2: error: experiment must be {name: <experiment>, variant: <A, B, ...>}"),
    ("urn: 7123", "posts/p.md:2: error: urn '7123' is not a post URN"),
    ("publish_when: {url_ok: soon}", "posts/p.md:2: error: publish_when must be {url_ok: https://…}"),
    ("author: jane\nauthor: acme", "posts/p.md:3: error: 'author' is set twice"),
    ("first_comment: ''", "posts/p.md:2: error: first_comment is empty"),
    ("first_comment: " + "x" * 1251, "posts/p.md:2: error: first_comment is 1251 characters; LinkedIn allows 1250: shorten it by 1"),
    ("first_comment: " + "x" * 1249 + "\U0001F680", "posts/p.md:2: error: first_comment is 1251 characters"),
    ("author: [a, b", "posts/p.md:3: error: front matter is not valid YAML"),
    ("just a string", "posts/p.md:2: error: front matter must be a set of 'key: value' lines"),
]


@pytest.mark.parametrize(("front", "expected"), BAD)
def test_bad_front_matter_is_reported_with_its_line(
    make_repo: Callable[..., Path], front: str, expected: str
) -> None:
    extra = {"posts/media/a.png": png_bytes(), "posts/media/fake.png": b"not an image at all",
             "outside.png": png_bytes()}
    loaded = load(make_repo, f"---\n{front}\n---\nHello\n", extra)
    found = messages(loaded)
    assert any(expected in message for message in found), found
    if ": error: " in expected:
        assert loaded.post is None


def test_all_problems_are_reported_together(make_repo: Callable[..., Path]) -> None:
    loaded = load(make_repo, "---\nauthor: bob\nstatus: maybe\nvisibilty: PUBLIC\n---\nHi @nobody\n")
    found = messages(loaded)
    assert len([m for m in found if ": error: " in m]) == 4, found
    assert any("posts/p.md:6: error: unknown mention '@nobody'" in m for m in found), found


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"---\nauthor: acme\n", "posts/p.md:3: error: the front matter that opens on line 1 has no closing '---' line"),
        (b"Hello, no front matter\n", "posts/p.md:1: error: no front matter"),
        (b"---\nauthor: acme\n---\n", "posts/p.md:4: error: the post has no text"),
        (b"---\nauthor: acme\n---\ncaf\xe9\n", "posts/p.md:4: error: not UTF-8 (byte 0xe9): save the file as UTF-8"),
    ],
)
def test_broken_files_are_clear_errors(make_repo: Callable[..., Path], data: bytes, expected: str) -> None:
    loaded = load(make_repo, "", {POST: data})
    assert any(message.startswith(expected) for message in messages(loaded)), messages(loaded)


def test_crlf_and_bom_are_accepted(make_repo: Callable[..., Path]) -> None:
    data = "\ufeff---\r\nauthor: jane\r\n---\r\nLine one\r\nline two\r\n".encode()
    loaded = load(make_repo, "", {POST: data})
    assert loaded.post is not None
    assert loaded.post.commentary == "Line one\nline two"


def test_symlink_out_of_the_repository_is_refused(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(png_bytes())
    root = make_repo({POST: "---\nimages:\n  - path: media/link.png\n    alt: x\n---\nHi\n"}, commit=False)
    (root / "posts/media").mkdir(parents=True)
    os.symlink(outside, root / "posts/media/link.png")
    loaded = load_post(load_config(root, environ={}), POST)
    assert any("points outside the repository" in m for m in messages(loaded))


def test_image_count_limits(make_repo: Callable[..., Path]) -> None:
    images = "".join(f"  - path: media/a.png\n    alt: image {i}\n" for i in range(21))
    loaded = load(make_repo, f"---\nimages:\n{images}---\nHi\n", {"posts/media/a.png": png_bytes()})
    assert "posts/p.md:2: error: 21 images; LinkedIn takes at most 20" in messages(loaded)
    two = "".join(f"  - path: media/a.png\n    alt: image {i}\n" for i in range(2))
    loaded = load(make_repo, f"---\nimages:\n{two}---\nHi\n", {"posts/media/a.png": png_bytes()})
    assert loaded.post is not None and loaded.post.kind == "multi_image"


def test_alt_text_can_be_optional_by_config(make_repo: Callable[..., Path]) -> None:
    from tests.support import CONFIG

    config = CONFIG.replace('max_delay = "6h"', 'max_delay = "6h"\nrequire_alt_text = false')
    root = make_repo({POST: "---\nimages: [media/a.png]\n---\nHi\n", "posts/media/a.png": png_bytes()}, config=config)
    loaded = load_post(load_config(root, environ={}), POST)
    assert loaded.post is not None
    assert "posts/p.md:2: warning: images[0] has no alt text" in messages(loaded)


def test_alt_text_length_limit(make_repo: Callable[..., Path]) -> None:
    loaded = load(make_repo, f"---\nimages:\n  - path: media/a.png\n    alt: {'x' * 4087}\n---\nHi\n",
                  {"posts/media/a.png": png_bytes()})
    assert "posts/p.md:4: error: alt text is 4087 characters; LinkedIn allows 4086" in messages(loaded)


def test_discovery_is_recursive_and_skips_hidden(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/a.md": "x", "posts/2026/12/b.md": "x", "posts/.drafts/c.md": "x",
                      "posts/notes.txt": "x", "README.md": "x"})
    assert discover(load_config(root, environ={})) == ["posts/2026/12/b.md", "posts/a.md"]


def test_content_hash_tracks_what_linkedin_cannot_edit(make_repo: Callable[..., Path]) -> None:
    base = "---\nimages:\n  - path: media/a.png\n    alt: {alt}\n---\n{text}\n"
    root = make_repo({"posts/media/a.png": png_bytes()})
    config = load_config(root, environ={})

    def hashes(alt: str, text: str) -> tuple[str, str]:
        (root / POST).write_text(base.format(alt=alt, text=text))
        post = load_post(config, POST).post
        assert post is not None
        return post.content_hash, post.commentary_hash

    first = hashes("one", "Hello")
    assert hashes("one", "Hello again")[0] == first[0]
    assert hashes("one", "Hello again")[1] != first[1]
    assert hashes("two", "Hello")[0] != first[0]
