"""A content repository with one post of every kind, and a sandbox seeded for it.

Shared by the publishing tests: `World` runs the real `publish` (in process through
click, or as a separate process when a test needs to kill it) against the real sandbox
over 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from publisher.sandbox import client_environ
from publisher.sandbox.control import SandboxControl
from tests.builders import Run, mp4, pdf, png, publish, repository
from tests.support import commit_all, git

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOW_TEXT = "2026-12-01T09:00:00Z"
PERSON_SCOPES = ["openid", "profile", "email", "w_member_social"]
PAGE_SCOPES = ["w_member_social", "w_organization_social", "r_organization_social"]

# One post of every kind; schedules in the past (due at NOW) and in creation order.
POSTS = {
    "posts/a-text.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:00
        ---
        Plain text from the page, with a mention of @jane. #launch
        """,
    "posts/b-image.md": """\
        ---
        author: jane
        schedule: 2026-12-01 09:01
        images:
          - {path: ../media/one.png, alt: A blue square}
        ---
        One image from Jane.
        """,
    "posts/c-multi.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:02
        images:
          - {path: ../media/one.png, alt: A blue square}
          - {path: ../media/two.png, alt: A red square}
          - {path: ../media/three.png, alt: A green square}
        ---
        Three images from the page.
        """,
    "posts/d-video.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:03
        video: {path: ../media/clip.mp4, title: A short clip}
        ---
        A video from the page.
        """,
    "posts/e-document.md": """\
        ---
        author: jane
        schedule: 2026-12-01 09:04
        document: {path: ../media/deck.pdf, title: The deck}
        ---
        A document from Jane.
        """,
    "posts/f-article.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:05
        article: {url: "https://example.com/blog/launch", title: The launch}
        ---
        An article from the page.
        """,
    "posts/g-comment.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:06
        first_comment: The full story is on our blog.
        ---
        A post with a first comment.
        """,
}
# A piece of each post's text, to find it on the sandbox.
TEXTS = {
    "posts/a-text.md": "Plain text from the page",
    "posts/b-image.md": "One image from Jane.",
    "posts/c-multi.md": "Three images from the page.",
    "posts/d-video.md": "A video from the page.",
    "posts/e-document.md": "A document from Jane.",
    "posts/f-article.md": "An article from the page.",
    "posts/g-comment.md": "A post with a first comment.",
}
# A video in two parts, small enough to hash, commit and upload quickly: the worlds' sandbox
# cuts videos into parts of VIDEO_PART bytes (LinkedIn's 4 MiB would make a 5 MB file).
VIDEO_PART = 64 * 1024
VIDEO_BYTES = 100 * 1024


@dataclass
class World:
    root: Path
    url: str
    control: SandboxControl
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def environ(self) -> dict[str, str]:
        return {
            **client_environ(self.url),
            "PUBLISH_TOKEN_STORE": str(self.root.parent / "no-token-store.json"),
            **{f"LINKEDIN_ACCESS_TOKEN_{alias.upper()}": t for alias, t in self.tokens.items()},
        }

    def publish(self, *args: str, now: str | None = NOW_TEXT) -> Run:
        """`publish ARGS [--now NOW]` in this process, as a user would type it."""
        clock = ["--now", now] if now else []
        return publish(*args, *clock, repo=self.root, env=self.environ)

    def spawn(self, *args: str, now: str = NOW_TEXT, gated: bool = False) -> subprocess.Popen[str]:
        """`publish` as its own process, so the sandbox can kill it.

        Gated, it imports everything, then waits for a line on stdin before it runs, so a
        test can arm a fault for this process id before the first API call.
        """
        argv = ["publish", "--repo", str(self.root), *args, "--now", now]
        code = (
            "import sys\n"
            "from publisher.cli.main import main\n"
            f"sys.argv = {argv!r}\n"
            + ("sys.stdin.readline()\n" if gated else "")
            + "main()\n"
        )
        environ = {**os.environ, **self.environ}
        environ.pop("LINKEDIN_ACCESS_TOKEN", None)
        return subprocess.Popen([sys.executable, "-c", code], env=environ,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, cwd=self.root)

    def ledger(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.root / ".publish/ledger.json").read_text(encoding="utf-8")
        )
        return data

    def entry(self, post: str) -> dict[str, Any]:
        entry: dict[str, Any] = self.ledger()["posts"][post]
        return entry

    def sandbox_posts(self) -> list[dict[str, Any]]:
        posts: list[dict[str, Any]] = self.control.state()["posts"]
        return [p for p in posts if not p["deleted"]]

    def count_of(self, text: str) -> int:
        """How many live sandbox posts contain `text` in their commentary."""
        return sum(text in p.get("commentary", "") for p in self.sandbox_posts())

    def calls(self) -> list[dict[str, Any]]:
        """The API calls the sandbox has served: method, path, route, status."""
        log: list[dict[str, Any]] = self.control.state()["request_log"]
        return log

    def commits(self) -> list[str]:
        return git(self.root, "log", "--format=%s").splitlines()


def make_media(root: Path) -> None:
    media = root / "media"
    media.mkdir(parents=True, exist_ok=True)
    png(media / "one.png", color="steelblue")
    png(media / "two.png", color="firebrick")
    png(media / "three.png", color="seagreen")
    pdf(media / "deck.pdf", pages=2)
    mp4(media / "clip.mp4", VIDEO_BYTES)


def seed_sandbox(control: SandboxControl, *, page_scopes: list[str] | None = None,
                 jane_admin: bool = True) -> dict[str, str]:
    """Jane and the Acme page in the sandbox; a token per author alias."""
    answer = control.reset(
        seed=5, options={"video_part_bytes": VIDEO_PART}, clock={"now": NOW.isoformat()},
        members=[{"id": "782bbtaQ", "name": "Jane Doe"}],
        organizations=[{"id": "2414183", "name": "Acme Corp",
                        "admins": ["782bbtaQ"] if jane_admin else []}],
        tokens=[{"member": "782bbtaQ", "scopes": PERSON_SCOPES},
                {"member": "782bbtaQ", "scopes": page_scopes or PAGE_SCOPES}])
    jane, acme = (token["access_token"] for token in answer["tokens"])
    return {"jane": jane, "acme": acme}


def build_world(root: Path, url: str, posts: dict[str, str] | None = None,
                **seed: Any) -> World:
    repository(root, POSTS if posts is None else posts, commit=False)
    make_media(root)
    commit_all(root, "posts")
    control = SandboxControl(url)
    world = World(root, url, control)
    world.tokens = seed_sandbox(control, **seed)
    return world
