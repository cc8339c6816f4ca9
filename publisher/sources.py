"""Gather what the planner needs: post files, their git state, and parsed posts.

A post whose file is unchanged since it was published (same git blob) is not read again,
which keeps a no-op sync of thousands of posts close to the cost of asking git once.
"""

from __future__ import annotations

import os

from publisher.config import Config
from publisher.gitops import file_states, scan
from publisher.ledger import Ledger
from publisher.plan import Source
from publisher.post import discover, load_post


def collect(config: Config, ledger: Ledger, only: list[str] | None = None) -> list[Source]:
    """One Source per post file (or per path in `only`) and per ledger entry whose file is gone."""
    scanned = scan(config.root, config.posts_dir) if only is None else None
    if scanned is not None:
        existing, states = list(scanned), scanned
    else:
        paths = discover(config) if only is None else sorted(set(only))
        root = str(config.root)
        existing = [p for p in paths if os.path.isfile(f"{root}/{p}")]
        states = file_states(config.root, existing)
    sources = []
    for path in existing:
        state = states[path]
        entry = ledger.posts.get(path)
        unchanged = (
            entry is not None and entry.state == "published" and entry.source_blob == state.blob
            and (entry.first_comment or {}).get("state") != "failed"
        )
        loaded = None if unchanged else load_post(config, path)
        sources.append(Source(path=path, blob=state.blob, dirty=state.dirty, loaded=loaded))
    if only is None:
        on_disk = set(existing)
        sources += [Source(path=p, blob=None) for p in sorted(ledger.posts) if p not in on_disk]
    return sources
