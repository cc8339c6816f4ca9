"""Hostile post files are refused by name, never obeyed, and never stop the other posts.

The reader and the write-back share one rule for where front matter ends: every file the
reader accepts takes its URN; every file that could not is refused before it is posted.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import cli
from publisher.config import load_config
from publisher.frontmatter_yaml import split
from publisher.post import MAX_POST_BYTES, Post, load_post, read_text
from publisher.writeback import WriteBackError, updated_source, write_back
from tests.builders import png_bytes, publish

URN = "urn:li:share:7045020441609936898"
VALUES = {"urn": URN, "published_at": "2026-12-01T08:00:03Z"}
GOOD = "---\nauthor: acme\n---\nA good post next to the hostile one.\n"


def check(root: Path) -> tuple[int, str]:
    # A traceback is a bug here: a hostile file is a message, never an exception (which
    # `publish` raises).
    code, output = publish("check", repo=root)
    assert "Traceback" not in output
    return code, output


# --- one rule for where front matter ends ----------------------------------------------------

# (file bytes, the message when the reader refuses it, or None when it accepts it)
BOUNDARIES: list[tuple[bytes, str | None]] = [
    ("---\nauthor: acme\n---\u00a0\nHello\n\n---\n\nafter a rule\n".encode(),
     "3: error: '---' is followed by U+00A0 no-break space"),
    (b"---\nauthor: acme\n---\x0c\nHello\n", "3: error: '---' is followed by U+000C form feed"),
    ("---\u00a0\nauthor: acme\n---\nHello\n".encode(), "1: error: '---' is followed by U+00A0"),
    (b"---\nauthor: acme\n...\x0b\nHello\n", "3: error: '...' is followed by U+000B"),
    ("---\nauthor: acme\u2028\n---\nHello\n".encode(), "2: error: the front matter holds a U+2028"),
    (b"---\nauthor: acme\n---\nOne\n---\nTwo\n", None),
    (b"---\nauthor: acme\n--- \t\nHello\n", None),
    (b"---\nauthor: acme\n...\nHello\n", None),
    (b"---\rauthor: acme\r---\rCR only\r", None),
    (b"---\r\nauthor: acme\r\n---\r\nCRLF\r\n", None),
    (b"---\r\nauthor: acme\n---\rmixed\r\n", None),
    ("\ufeff---\nauthor: acme\n---\nBOM\n".encode(), None),
    (b"---\nauthor: acme\n---", None),  # no text: refused by the text rule, not the boundary
    (b"---\n{author: acme,\r reshare: false}\r---\rflow\r", None),
    (b"---\nurn:\nauthor: acme\n---\nempty urn\n", None),
]


@pytest.mark.parametrize(("data", "refusal"), BOUNDARIES, ids=lambda v: repr(v)[:40])
def test_a_file_the_reader_accepts_takes_its_urn(
    make_repo: Callable[..., Path], data: bytes, refusal: str | None
) -> None:
    root = make_repo({"posts/p.md": data})
    loaded = load_post(load_config(root, environ={}), "posts/p.md")
    if refusal is not None:
        assert loaded.post is None
        assert any(refusal in str(d) for d in loaded.errors), loaded.diagnostics
        return
    boundary_errors = [d for d in loaded.errors if "has no text" not in d.message]
    assert boundary_errors == []
    written = write_back(root / "posts/p.md", VALUES)  # the rule the reader accepted
    again = load_post(load_config(root, environ={}), "posts/p.md")
    if loaded.post is not None:
        assert again.post is not None and again.post.urn == URN
        assert again.post.commentary == loaded.post.commentary
    assert written.count(b"\r\n") >= data.count(b"\r\n")  # line endings kept


def test_the_trial_with_the_readers_front_matter_writes_what_the_write_back_writes() -> None:
    for data, refusal in BOUNDARIES:
        if refusal is None:
            front = split(read_text(data))
            assert updated_source(data, VALUES, before=front) == updated_source(data, VALUES)


def test_the_write_back_refuses_what_the_reader_refuses() -> None:
    for data, refusal in BOUNDARIES:
        if refusal is not None and "U+2028" not in refusal:
            with pytest.raises(WriteBackError):
                updated_source(data, VALUES)


def test_a_file_the_write_back_cannot_edit_is_refused_before_it_is_posted(
    make_repo: Callable[..., Path]
) -> None:
    # The reader accepts a urn key holding a list; the write-back cannot replace it.
    root = make_repo({"posts/p.md": "---\nurn: [a, b]\n---\nHello\n", "posts/ok.md": GOOD})
    code, output = check(root)
    assert code == 1
    assert "posts/p.md:1: error: publish could not write the post's URN into this file" in output
    assert "posts/ok.md" not in output


# --- hostile front matter ----------------------------------------------------------------------

def laughs(levels: int, width: int = 9) -> str:
    """A billion-laughs front matter: each level a list of `width` aliases of the last."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nlaughs\n"


MERGE_BOMB = "---\n" + "\n".join(
    ["m0: &m0 {a: 1, b: 2}"]
    + [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}, *m{i - 1}], k{i}: 1}}" for i in range(1, 40)]
) + "\n---\nmerge keys\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (laughs(9), "posts/p.md:3: error: the front matter uses a YAML alias"),
        (laughs(40, width=2), "posts/p.md:3: error: the front matter uses a YAML alias"),
        (MERGE_BOMB, "posts/p.md:3: error: the front matter uses a YAML alias"),
        ("---\nauthor: &a acme\nfirst_comment: *a\n---\nHi\n",
         "posts/p.md:3: error: the front matter uses a YAML alias"),
        ("---\nexperiment: " + "[" * 200 + "]" * 200 + "\n---\nHi\n",
         "posts/p.md:2: error: the front matter is nested too deeply"),
        ("---\nexperiment: " + "[" * 20000 + "\n---\nHi\n", "posts/p.md:2: error: "),
    ],
    ids=["laughs", "deep-laughs", "merge-keys", "scalar-alias", "nesting", "deep-nesting"],
)
def test_hostile_yaml_is_refused_before_it_is_expanded(
    make_repo: Callable[..., Path], text: str, expected: str
) -> None:
    root = make_repo({"posts/p.md": text, "posts/ok.md": GOOD})
    code, output = check(root)
    assert code == 1
    assert expected in output, output
    assert "posts/ok.md" not in output  # the good post next to it is fine


def test_a_post_file_over_the_size_cap_is_refused_unparsed(make_repo: Callable[..., Path]) -> None:
    big = "---\nauthor: acme\n---\n" + "x" * MAX_POST_BYTES
    root = make_repo({"posts/big.md": big, "posts/ok.md": GOOD})
    code, output = check(root)
    assert code == 1
    assert f"posts/big.md: error: is {len(big):,} bytes; a post file may have at most" in output
    assert "posts/ok.md" not in output


def test_a_text_far_over_the_limit_is_refused_before_it_is_rendered(
    make_repo: Callable[..., Path]
) -> None:
    root = make_repo({"posts/long.md": "---\nauthor: acme\n---\n" + "*a* " * 10_000,
                      "posts/ok.md": GOOD})
    code, output = check(root)
    assert code == 1
    assert output.splitlines()[0] == (
        "posts/long.md:4: error: the text is 40,000 characters long; LinkedIn shows at most "
        "3,000: shorten it"
    )
    assert "posts/ok.md" not in output


# --- every traceback of the issue is a message on its post --------------------------------------

def _office(members: dict[str, str], patch: Callable[[bytearray], None] | None = None) -> bytes:
    types = ('<Types><Override PartName="/m.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        for name, text in members.items():
            archive.writestr(name, text)
    data = bytearray(buffer.getvalue())
    if patch:
        patch(data)
    return bytes(data)


# Where the fields sit in a ZIP's local and central headers (APPNOTE 4.3.7 and 4.3.12).
HEADERS = {b"PK\x03\x04": {"flags": 6, "method": 8}, b"PK\x01\x02": {"flags": 8, "method": 10}}


def _each_header(data: bytearray, field: str) -> list[int]:
    """The offset of `field` in every local and central header of the archive."""
    found = []
    for signature, fields in HEADERS.items():
        start = data.find(signature)
        while start != -1:
            found.append(start + fields[field])
            start = data.find(signature, start + 4)
    return found


def _deflate64(data: bytearray) -> None:
    for at in _each_header(data, "method"):
        data[at : at + 2] = struct.pack("<H", 9)  # compression method 9: Deflate64


def _encrypted(data: bytearray) -> None:
    for at in _each_header(data, "flags"):
        data[at] |= 1  # general purpose flag bit 0: encrypted


def _name_not_utf8(data: bytearray) -> None:
    """Flag every name as UTF-8 (bit 11) and put a byte in the names that UTF-8 lacks."""
    for at in _each_header(data, "flags"):
        data[at + 1] |= 0x08
    name = b"[Content_Types].xml"
    data[:] = data.replace(name, b"[Content_Types]\xa7xml")


def _damaged(data: bytearray) -> None:
    start = data.find(b"PK\x03\x04") + 30 + len("[Content_Types].xml")
    data[start : start + 12] = b"\xff" * 12


APP = {"docProps/app.xml": "<Properties><Pages>3</Pages></Properties>"}
TRACEBACKS = [
    ("year 1", "schedule: 0001-01-01 00:30", {}, "2: error: schedule: '0001-01-01 00:30' is in the year 1"),
    ("year 9999", "schedule: 9999-12-31 23:00", {}, "2: error: schedule: '9999-12-31 23:00' is in the year 9999"),
    ("published_at year 1", "published_at: 0001-01-01T00:00:00+01:00", {},
     "2: error: published_at '0001-01-01T00:00:00+01:00' is not an ISO 8601 time"),
    ("NUL in a media path", 'images: [{path: "m/a\\0b.png", alt: x}]', {},
     "2: error: 'm/a\\x00b.png' holds a NUL character"),
    ("5,000-character media name", f"images: [{{path: m/{'a' * 5000}.png, alt: x}}]", {},
     "… (5,006 characters)' is not a usable path (File name too long)"),
    ("Deflate64 DOCX", "document: {path: m/d.docx, title: T}", {"posts/m/d.docx": _office(APP, _deflate64)},
     "2: error: m/d.docx: cannot be read: its part '[Content_Types].xml' is compressed with Deflate64"),
    ("encrypted DOCX", "document: {path: m/d.docx, title: T}", {"posts/m/d.docx": _office(APP, _encrypted)},
     "2: error: m/d.docx: cannot be read: its part '[Content_Types].xml' is encrypted"),
    ("DOCX with a name that is not UTF-8", "document: {path: m/d.docx, title: T}",
     {"posts/m/d.docx": _office(APP, _name_not_utf8)},
     "2: error: m/d.docx: cannot be read: its ZIP directory is damaged (UnicodeDecodeError"),
    ("damaged DOCX", "document: {path: m/d.docx, title: T}", {"posts/m/d.docx": _office(APP, _damaged)},
     "2: error: m/d.docx: cannot be read: its part '[Content_Types].xml' is damaged"),
]


@pytest.mark.parametrize(("front", "files", "expected"), [t[1:] for t in TRACEBACKS],
                         ids=[t[0] for t in TRACEBACKS])
def test_what_crashed_is_an_error_on_its_post_and_the_others_go_on(
    make_repo: Callable[..., Path], front: str, files: dict[str, bytes], expected: str
) -> None:
    root = make_repo({"posts/p.md": f"---\n{front}\n---\nHello\n", "posts/ok.md": GOOD,
                      "posts/m/a.png": png_bytes(), **files})
    code, output = check(root)
    assert code == 1
    assert expected in output, output
    assert output.startswith("posts/p.md:")
    assert "posts/ok.md" not in output
    assert "2 posts checked: 1 error" in output


# --- links -----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["outside", "inside"])
def test_a_post_that_is_a_link_is_refused_by_name(
    make_repo: Callable[..., Path], tmp_path: Path, target: str
) -> None:
    # real.md with a text of its own: two posts with one text are an error of their own.
    root = make_repo({"posts/ok.md": GOOD, "posts/real.md": GOOD + "\nIts own text.\n"})
    secret = tmp_path / "secret.md"
    secret.write_text("---\nauthor: acme\n---\nA file from outside the repository.\n")
    link = root / "posts/link.md"
    link.symlink_to(secret if target == "outside" else root / "posts/real.md")
    code, output = check(root)
    assert code == 1
    assert "posts/link.md: error: is a symbolic link; a post must be a file of its own" in output
    assert "outside the repository" not in output and "posts/ok.md" not in output
    named = CliRunner().invoke(cli, ["--repo", str(root), "check", str(link)])
    assert named.exit_code == 1 and named.output.startswith("posts/link.md: error: is a symbolic")
    with pytest.raises(WriteBackError, match="symbolic link"):
        write_back(link, VALUES)
    assert link.is_symlink() and "urn" not in secret.read_text()


def test_a_post_in_a_linked_folder_outside_the_repository_is_refused(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({"posts/ok.md": GOOD})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "p.md").write_text(GOOD)
    (root / "posts/linked").symlink_to(outside)
    loaded = load_post(load_config(root, environ={}), "posts/linked/p.md")
    assert loaded.post is None
    assert [str(d) for d in loaded.errors] == [
        "posts/linked/p.md: error: lies outside the repository (a folder on its path is a "
        "link): move the post into the repository"
    ]


# --- URLs are URLs -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://example.com:8080/a?b=c&d=e#f", True),
        ("https://例え.jp/パス", True),
        ("http://localhost:8080/health", True),
        ("https://a.example/%20x", True),
        ("https://a.example/x)**LGTM**", True),  # URL characters: the plan view escapes it
        ("https://a.example/a b", False),
        ("https://a.example/a>)[click](https://evil.example)<b>", False),
        ("https://a.example/a`b", False),
        ("https://user:password@a.example/", False),
        ("https://a.example:99999999999/", False),
        ("https:///x", False),
        ("https://-bad-.example/", False),
        ("https://a.example/\u202ex", False),
        ("javascript:alert(1)", False),
        ("https://a.example/" + "x" * 2100, False),
    ],
)
def test_urls_are_checked_as_urls(make_repo: Callable[..., Path], url: str, valid: bool) -> None:
    root = make_repo({"posts/p.md": f'---\narticle: {{url: "{url}", title: T}}\n'
                                    f'publish_when: {{url_ok: "{url}"}}\n---\nHello\n'})
    errors = [str(d) for d in load_post(load_config(root, environ={}), "posts/p.md").errors]
    if valid:
        assert errors == []
    else:
        assert len(errors) == 2, errors
        assert errors[0].startswith("posts/p.md:2: error: article url must start with http")
        assert errors[1].startswith("posts/p.md:3: error: publish_when must be {url_ok: https://…}")


# --- names that would act on a terminal or a CI log --------------------------------------------

NAMED = "posts/a\x1b[2Kb\rc.md"  # erase the line, then return to its start


@pytest.mark.parametrize("args", [
    ("check",), ("--dry-run",), ("--dry-run", "--verbose"), ("--dry-run", "--format", "markdown"),
])
def test_a_file_name_with_control_characters_is_spelled_out(
    make_repo: Callable[..., Path], args: tuple[str, ...]
) -> None:
    # A broken post too, so that check and the plan say something of the file by name.
    root = make_repo({NAMED: "---\nauthour: acme\n---\nHello \x1b[31mred\n",
                      "posts/good.md": GOOD})
    _, output = publish(*args, repo=root)
    assert "\x1b" not in output and "\r" not in output
    assert "a\\x1b[2Kb\\x0dc.md" in output


# --- a block scalar as the last key ------------------------------------------------------------

# The front matter of each, with its last value a block scalar, and that value as YAML
# reads it anywhere else in a front matter (followed by another key).
BLOCK_ENDINGS = {
    "literal": ("first_comment: |\n  Hello there\n", "Hello there\n"),
    "kept": ("first_comment: |+\n  Hello there\n\n", "Hello there\n\n"),
    "folded": ("first_comment: >\n  Hello\n  there\n", "Hello there\n"),
    "stripped": ("first_comment: |-\n  Hello there\n", "Hello there"),
    "nested": ("images:\n  - path: i.png\n    alt: |\n      A blue square\n", "A blue square\n"),
}


@pytest.mark.parametrize("name", BLOCK_ENDINGS)
def test_a_block_scalar_may_end_the_front_matter(
    make_repo: Callable[..., Path], name: str
) -> None:
    # It reads as it does before another key, and the post takes its URN: the reader once
    # dropped the last line break of the front matter, and so refused every such post.
    front, value = BLOCK_ENDINGS[name]
    root = make_repo({"posts/p.md": f"---\n{front}---\nA post.\n",
                      "posts/q.md": f"---\n{front}author: jane\n---\nAnother post.\n",
                      "posts/i.png": png_bytes()})
    config = load_config(root, environ={})
    last, before = (load_post(config, p) for p in ("posts/p.md", "posts/q.md"))
    assert last.errors == [] and before.errors == []
    assert last.post is not None and before.post is not None

    def read(post: Post) -> str | None:
        return post.images[0].alt if name == "nested" else post.first_comment

    assert read(last.post) == read(before.post) == value
    write_back(root / "posts/p.md", VALUES)
    again = load_post(config, "posts/p.md").post
    assert again is not None and again.urn == URN and read(again) == value
