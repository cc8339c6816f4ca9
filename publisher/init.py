"""`publish init`: a content repository in one command.

Writes what docs/github.md calls "a complete content repository" (publish.toml, a first
post, the plan and publish workflows) and the release template into a folder, new or
existing, and makes it a git repository when it is not one. Nothing that exists is
overwritten: the files already there are named and the command stops before writing any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from publisher import gitops
from publisher.errors import PublisherError

# Where each file of the skeleton (package data) goes in the repository. The workflows
# live under `github/` in the package: a folder named `.github` is not package data.
FILES = {
    "publish.toml": "publish.toml",
    "posts/hello.md": "posts/hello.md",
    "github/workflows/plan.yml": ".github/workflows/plan.yml",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
    "templates/release.md": "templates/release.md",
}


@dataclass(frozen=True)
class Initialized:
    root: Path
    written: list[str]
    new_repository: bool


def skeleton_text(name: str) -> str:
    return resources.files("publisher").joinpath("skeleton", name).read_text(encoding="utf-8")


def initialize(root: Path, today: date, author: str | None = None,
               action: str | None = None) -> Initialized:
    """Write the skeleton into `root`; refuse, writing nothing, if any of it exists."""
    root.mkdir(parents=True, exist_ok=True)
    existing = [target for target in FILES.values() if (root / target).exists()]
    if existing:
        raise PublisherError(
            f"{root} already has {', '.join(existing)}: `publish init` overwrites nothing; "
            "move those files away, or start in an empty folder"
        )
    for source, target in FILES.items():
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_filled(target, skeleton_text(source), today, author, action),
                        encoding="utf-8")
    created = gitops.ensure_repository(root)
    return Initialized(root, list(FILES.values()), created)


def _filled(target: str, text: str, today: date, author: str | None,
            action: str | None) -> str:
    if target == "publish.toml":
        text = re.sub(r'^version = "\d{6}"$', f'version = "{current_version(today)}"', text,
                      flags=re.M)
        if author:
            text = re.sub(r'^acme = ".*"$', f'acme = "{author}"', text, flags=re.M)
    if action and target.endswith(".yml"):
        text = text.replace("your-org/linkedin-publish@v1", action)
    return text


def current_version(today: date) -> str:
    """Last month's LinkedIn-Version: released everywhere, and served for about a year."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}{month:02d}"
