"""Gather what the planner needs: post files, their git state, and parsed posts.

A post whose file is unchanged since it was published (same git blob) is not read again,
which keeps a no-op sync of thousands of posts close to the cost of asking git once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from publisher import ledger as ledgers
from publisher.config import Config
from publisher.gitops import FileState, Scanned, file_states, start_scan
from publisher.ledger import Ledger
from publisher.plan import Plan, PlanOptions, Source, build_plan


def make_plan(config: Config, now: datetime, options: PlanOptions) -> tuple[Ledger, Plan]:
    """The ledger and the plan for every post; git is asked while the ledger is read."""
    scanning = start_scan(config.root, config.posts_dir)
    book = ledgers.load(config.ledger_path, config.ledger)
    sources = collect(config, book, scanning=scanning)
    return book, build_plan(sources, book, now, config.defaults.timezone, options)


def collect(
    config: Config,
    ledger: Ledger,
    only: list[str] | None = None,
    scanning: Callable[[], Scanned] | None = None,
) -> list[Source]:
    """One Source per post file (or per path in `only`) and per ledger entry whose file is gone.

    `scanning`: a start_scan of the posts folder already under way.
    """
    states = _states(config, only, scanning)
    posts = ledger.posts
    sources = []
    for path, state in states.items():
        entry = posts.get(path)
        unchanged = (
            entry is not None and entry.state == "published" and entry.source_blob == state.blob
            and (entry.first_comment is None or entry.first_comment.get("state") != "failed")
        )
        if unchanged:
            sources.append(Source(path, state.blob, state.dirty))
            continue
        # The parser (front matter, YAML, Markdown, media checks) is imported only here:
        # a plan where every post is unchanged never needs it.
        from publisher.post import load_post

        sources.append(Source(path, state.blob, state.dirty, load_post(config, path)))
    if only is None:
        sources += [Source(path=p, blob=None) for p in sorted(posts) if p not in states]
    return sources


def _states(
    config: Config, only: list[str] | None, scanning: Callable[[], Scanned] | None
) -> dict[str, FileState]:
    """Git state of every post file (or of each existing path in `only`), in path order."""
    if only is None:
        scanned = (scanning or start_scan(config.root, config.posts_dir))()
        if scanned is not None:
            return scanned
    from publisher.post import discover

    paths = discover(config) if only is None else sorted(set(only))
    root = str(config.root)
    return file_states(config.root, [p for p in paths if os.path.isfile(f"{root}/{p}")])
