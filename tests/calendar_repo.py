"""A repository with a post in every state the calendar draws, from two authors, across
three months: queued, scheduled, published, expired, failed and a draft. Shared by the
calendar's model tests and its browser tests."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tests.support import CONFIG, write_files

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday
QUEUE = '\n[queue]\nslots = ["Tue 09:00", "Thu 14:00"]\n'
URN = "urn:li:share:7100000000000000001"

POSTS = {
    "posts/queued-a.md": "---\nschedule: queue\n---\nFirst in the queue.\n",
    "posts/queued-b.md": "---\nschedule: queue\n---\nSecond in the queue.\n",
    "posts/jane-exact.md": "---\nauthor: jane\nschedule: 2026-12-02 09:30\n---\nJane, exact.\n",
    "posts/jane-january.md": "---\nauthor: jane\nschedule: 2027-01-12 09:00\n---\nNew year.\n",
    "posts/published.md": (f"---\nschedule: 2026-11-24 09:00\nurn: {URN}\n"
                           "published_at: 2026-11-24T08:00:03Z\n---\nAlready out.\n"),
    "posts/expired.md": "---\nschedule: 2026-11-25 09:00\n---\nToo late now.\n",
    "posts/failed.md": "---\nauthor: jane\nschedule: 2026-11-30 10:00\n---\nRefused once.\n",
    "posts/draft.md": "---\nstatus: draft\n---\nNot ready.\n",
}


def build_calendar_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "t@example.com"),
                 ("config", "user.name", "T")):
        subprocess.run(["git", *args], cwd=root, check=True)
    write_files(root, {"publish.toml": CONFIG + QUEUE, **POSTS})
    blob = subprocess.run(["git", "hash-object", "posts/failed.md"], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()
    ledger = {"version": 1, "serial": 1, "posts": {"posts/failed.md": {
        "author": "urn:li:person:782bbtaQ", "state": "failed", "source_blob": blob,
        "attempts": 1, "last_error": "422: the text was refused"}}}
    write_files(root, {".publish/ledger.json": json.dumps(ledger, indent=2) + "\n"})
    at = "2026-11-30T10:00:00Z"  # the posts joined the queue on Monday
    environ = {**os.environ, "GIT_COMMITTER_DATE": at, "GIT_AUTHOR_DATE": at}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "posts"], cwd=root, check=True, env=environ)
    return root
