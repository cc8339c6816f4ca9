"""Announce a software release on LinkedIn, from the release webhook's JSON payload.

    python from_event.py --repo path/to/content release.json [--author acme]

The payload is the one a forge sends when a release is published (GitHub's `release`
event: `release.tag_name`, `release.name`, `release.html_url`, `repository.full_name`).
The script writes posts/releases/REPOSITORY-TAG.md, checks and commits it, then runs a
sync, which publishes it (and any other post that is due) and commits the URN back.

A second delivery of the same event finds the file already there and publishes nothing:
webhooks are delivered at least once. Tokens come from the environment as for `publish`
(LINKEDIN_ACCESS_TOKEN or LINKEDIN_ACCESS_TOKEN_<ALIAS>); the exit code is publish's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from publisher.api import exit_code_for, open_repository
from publisher.errors import PublisherError


def post_text(payload: dict[str, Any], author: str) -> str:
    """The post file: front matter, then a short announcement with the release's link."""
    release, repository = payload["release"], payload["repository"]
    name = release.get("name") or release["tag_name"]
    return (
        f"---\nauthor: {author}\n---\n"
        f"{repository['full_name']} {name} is out.\n\n"
        f"Read what changed: {release['html_url']}\n\n#release\n"
    )


def post_path(payload: dict[str, Any]) -> str:
    """One file per repository and tag, so that a redelivered event maps to the same file."""
    slug = f"{payload['repository']['full_name']}-{payload['release']['tag_name']}"
    return f"posts/releases/{re.sub(r'[^A-Za-z0-9.]+', '-', slug).strip('-').lower()}.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("payload", type=Path, help="the webhook's JSON body")
    parser.add_argument("--repo", type=Path, help="the content repository (default: here)")
    parser.add_argument("--author", default="acme", help="author alias from publish.toml")
    args = parser.parse_args()

    payload = json.loads(args.payload.read_text(encoding="utf-8"))
    if payload.get("action", "published") != "published":
        print(f"nothing to announce: the release was {payload['action']}")
        return 0
    repo = open_repository(args.repo)
    path = post_path(payload)
    if (repo.root / path).exists():
        print(f"{path} exists already: this release was announced")
        return 0
    repo.add_post(path, post_text(payload, args.author),
                  commit=f"Announce {payload['release']['tag_name']}")
    result = repo.sync()
    for outcome in result.report.outcomes:
        print(f"{outcome.result}: {outcome.post} {outcome.url or outcome.message}")
    return result.report.exit_code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PublisherError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(exit_code_for(error))
