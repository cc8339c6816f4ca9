"""A small mutation fuzzer over what a pull request controls: front matter, media, tokens.

Seeded and bounded, so it runs in seconds and fails the same way twice; set
PUBLISH_FUZZ_CASES to run more cases per seed file (and PUBLISH_FUZZ_SEED for others).
Whatever the mutation: no traceback, every problem is `path:line: severity: message` on
its own file, and the good post beside the mutants is unaffected.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from publisher.cli import cli
from publisher.tokens import TokenError, resolve
from tests.builders import mp4, pdf, png, png_bytes

CASES = int(os.environ.get("PUBLISH_FUZZ_CASES", "12"))
SEED = int(os.environ.get("PUBLISH_FUZZ_SEED", "18"))
GOOD = "---\nauthor: acme\n---\nThe good post beside the mutants.\n"
FRONT = """\
---
author: jane
schedule: 2026-12-01 09:00 Europe/Berlin
not_after: 2026-12-01T18:00:00+01:00
visibility: PUBLIC
images:
  - {path: m/a.png, alt: A blue square}
  - path: m/a.png
    alt: "Twice, quoted: yes"
mentions:
  bob: {urn: "urn:li:person:abc", name: Bob}
first_comment: More at https://example.com/launch
reshare: false
experiment: {name: hook, variant: B}
publish_when: {url_ok: "https://status.example/ok"}
urn: urn:li:share:7045020441609936898
published_at: 2026-12-01T08:00:03Z
---
Hello @bob and @jane! **Bold** [a link](https://example.com) #launch

- one
- two
"""
# Pieces a hostile or careless author puts in front matter.
PIECES = [
    "&a ", "*a", "<<: *a", "---", "...", "\u00a0", "\f", "\r", "\r\n", "\x00", "\u2028", "\x85",
    "{", "}", "[", "]", ": ", "- ", "'", '"', "#", "!!python/object/apply:os.system ['x']",
    "!!binary", "0001-01-01 00:30", "9999-12-31 23:59", "\t", "\ufeff", "é", "…", "\\", "%",
    "|", ">", "?", "@", "`", "\x1b[31m", "\udcff", "urn:", "1e999", "0x1F", "~", "null",
    "\u202e", "a" * 5000, "../../../../etc/passwd", "/etc/passwd",
]


def mutate_text(text: str, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        choice = rng.random()
        if choice < 0.6:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif choice < 0.8:
            text = text[:at] + text[at + rng.randint(1, 12) :]
        else:
            lines = text.split("\n")
            line = rng.randrange(len(lines))
            lines.insert(line, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
    data = text.encode("utf-8", errors="surrogateescape")
    if rng.random() < 0.1:  # a raw byte that is not UTF-8
        at = rng.randrange(len(data))
        data = data[:at] + bytes([rng.choice([0x80, 0xC3, 0xFF])]) + data[at:]
    return data


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(max(1, len(out)))
        choice = rng.random()
        if choice < 0.6 and out:
            out[at] = rng.randrange(256)
        elif choice < 0.8:
            del out[at : at + rng.randint(1, 64)]
        else:
            out[at:at] = rng.randbytes(rng.randint(1, 16))
    return bytes(out)


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("P" if fmt == "GIF" else "RGB", (32, 24), 3 if fmt == "GIF" else "red").save(
        buffer, fmt)
    return buffer.getvalue()


def _office(suffix: str) -> bytes:
    main = {"docx": "wordprocessingml.document", "pptx": "presentationml.presentation"}[suffix]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types><Override PartName="/m.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.{main}.main+xml"/></Types>'))
        archive.writestr("docProps/app.xml", "<Properties><Pages>3</Pages></Properties>")
        archive.writestr("ppt/slides/slide1.xml", "<p:sld/>")
    return buffer.getvalue()


def media_seeds(folder: Path) -> dict[str, tuple[bytes, str]]:
    """Each seed file, and the front matter that posts it (with {path})."""
    png(folder / "seed.png")
    pdf(folder / "seed.pdf")
    mp4(folder / "seed.mp4", 4096)
    srt = b"1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n"
    image = "images: [{{path: {path}, alt: A picture}}]"
    document = "document: {{path: {path}, title: The deck}}"
    return {
        "png": ((folder / "seed.png").read_bytes(), image),
        "jpg": (_image("JPEG"), image),
        "gif": (_image("GIF"), image),
        "mp4": ((folder / "seed.mp4").read_bytes(), "video: {{path: {path}, title: A clip}}"),
        "pdf": ((folder / "seed.pdf").read_bytes(), document),
        "docx": (_office("docx"), document),
        "pptx": (_office("pptx"), document),
        "srt": (srt, "video: {{path: m/ok.mp4, title: A clip, captions: {path}}}"),
    }


DIAGNOSTIC = re.compile(r"^(posts/[^:]+\.md)(?::\d+)?: (error|warning): \S")


def check_all(root: Path) -> list[str]:
    """`publish check` and `publish --dry-run` over the repository: no traceback, every
    line a diagnostic of a mutant or the summary, and the good post goes out."""
    result = CliRunner().invoke(cli, ["--repo", str(root), "check"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"\d+ posts checked: \d+ errors?, \d+ warnings?", lines[-1]), lines[-1]
    for line in lines[:-1]:
        match = DIAGNOSTIC.match(line)
        assert match, f"not a diagnostic: {line!r}"
        assert match.group(1) != "posts/good.md", line
        assert "this is a bug in publish" not in line, line  # the last-resort net caught it
    plan = CliRunner().invoke(cli, ["--repo", str(root), "--dry-run", "--format", "json",
                                    "--now", "2026-12-01T10:00Z"])
    assert plan.exception is None or isinstance(plan.exception, SystemExit), plan.output
    changes = {c["post"]: c for c in json.loads(plan.output)["changes"]}
    assert changes["posts/good.md"]["action"] == "create"
    assert changes["posts/good.md"]["diagnostics"] == []
    markdown = CliRunner().invoke(cli, ["--repo", str(root), "--dry-run", "--format",
                                        "markdown", "--now", "2026-12-01T10:00Z"])
    assert markdown.exception is None or isinstance(markdown.exception, SystemExit)
    return lines[:-1]


def test_mutated_front_matter(make_repo: Callable[..., Path]) -> None:
    rng = random.Random(SEED)
    files: dict[str, str | bytes] = {"posts/good.md": GOOD, "posts/m/a.png": png_bytes(color="steelblue")}
    for index in range(CASES * 8):
        files[f"posts/mutant-{index:03}.md"] = mutate_text(FRONT, rng)
    lines = check_all(make_repo(files))
    assert lines, "the mutants found nothing to say: the fuzzer is not mutating"


@pytest.mark.parametrize("kind", ["png", "jpg", "gif", "mp4", "pdf", "docx", "pptx", "srt"])
def test_mutated_media(make_repo: Callable[..., Path], tmp_path: Path, kind: str) -> None:
    rng = random.Random(f"{SEED}-{kind}")
    seed, front = media_seeds(tmp_path)[kind]
    files: dict[str, str | bytes] = {"posts/good.md": GOOD}
    mp4(tmp_path / "ok.mp4", 80_000)  # a valid video, so that its captions are read
    files["posts/m/ok.mp4"] = (tmp_path / "ok.mp4").read_bytes()
    for index in range(CASES * 2):
        name = f"m/mutant-{index:03}.{kind}"
        files[f"posts/{name}"] = mutate_bytes(seed, rng)
        matter = front.format(path=name)
        files[f"posts/mutant-{index:03}.md"] = f"---\n{matter}\n---\nA {kind} post.\n"
    check_all(make_repo(files))


TOKEN_PIECES = ["\n", "\r\n", " ", "\t", "…", "é", "\x00", "\u00a0", "\u200b", "😀", "\x7f", "Ω"]


def test_mutated_tokens(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    real = "AQV" + "".join(rng.choice("abcdefXYZ0123456789-_.~") for _ in range(150))
    for _ in range(CASES * 20):
        token = real
        for _ in range(rng.randint(1, 3)):
            at = rng.choice([0, len(token), rng.randrange(len(token) + 1)])
            token = token[:at] + rng.choice(TOKEN_PIECES) + token[at:]
        environ = {"LINKEDIN_ACCESS_TOKEN_ACME": token}
        try:
            credential = resolve("acme", "urn:li:organization:1", environ=environ,
                                 store=None)
        except TokenError as error:
            message = str(error)
            assert "LINKEDIN_ACCESS_TOKEN_ACME" in message
            assert real[3:20] not in message  # no part of the token is shown
        else:  # pragma: no cover - every piece above is refused
            pytest.fail(f"accepted a token with {set(credential.token) - set(real)!r}")
    assert resolve("acme", "urn:li:organization:1",
                   environ={"LINKEDIN_ACCESS_TOKEN_ACME": real}).token == real
