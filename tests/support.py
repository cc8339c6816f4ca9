"""Helpers shared by the tests: publish.toml, files, git. (What they build: tests/builders.py.)"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

CONFIG = """\
posts_dir = "posts"
ledger = ".publish/ledger.json"

[linkedin]
version = "202611"

[defaults]
author = "acme"
timezone = "Europe/Berlin"
max_delay = "6h"

[authors]
acme = "urn:li:organization:2414183"
jane = "urn:li:person:782bbtaQ"

[mentions]
acme = { urn = "urn:li:organization:2414183", name = "Acme Corp" }
jane = { urn = "urn:li:person:782bbtaQ", name = "Jane Doe" }

[links]
utm = { utm_source = "linkedin" }
utm_domains = ["example.com"]
"""

Files = dict[str, str | bytes]


def write_files(root: Path, files: Files) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def commit_all(root: Path, message: str = "posts") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
