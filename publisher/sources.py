"""Gather what the planner needs: post files, their git state, and parsed posts.

A post whose file is unchanged since it was published (same git blob), and whose media
files are too, is not read again, which keeps a no-op sync of thousands of posts close to
the cost of asking git once. A post is uncommitted when its file or a file it sends
(image, video, thumbnail, captions, document) has uncommitted changes: only what is in
git is published.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from publisher import ledger as ledgers
from publisher.config import Config
from publisher.gitops import FileState, WorkTree, file_states, start_scan
from publisher.ledger import Entry, Ledger
from publisher.plan import Plan, PlanOptions, Source, build_plan


def make_plan(config: Config, now: datetime, options: PlanOptions) -> tuple[Ledger, Plan]:
    """The ledger and the plan for every post; git is asked while the ledger is read."""
    scanning = start_scan(config.root)
    book = ledgers.load(config.ledger_path, config.ledger)
    sources = collect(config, book, scanning=scanning)
    return book, build_plan(sources, book, now, config.defaults.timezone, options)


def collect(
    config: Config, ledger: Ledger, scanning: Callable[[], WorkTree | None] | None = None
) -> list[Source]:
    """One Source per post file and per ledger entry whose file is gone.

    `scanning`: a start_scan of the repository already under way.
    """
    tree = (scanning or start_scan(config.root))()
    states = _post_states(config, tree)
    posts = ledger.posts
    sources = []
    for path, state in states.items():
        entry = posts.get(path)
        if entry is not None and entry.source_blob == state.blob and _unchanged(entry, tree):
            sources.append(Source(path, state.blob, state.dirty))
        else:
            sources.append(_read(config, path, state, tree))
    sources += [Source(path=p, blob=None) for p in sorted(posts) if p not in states]
    return sources


def _unchanged(entry: Entry, tree: WorkTree | None) -> bool:
    """Published from the file as it is (the caller compared the blobs), with these very
    media, and nothing left to do."""
    if entry.state != "published":
        return False
    if entry.first_comment is not None and entry.first_comment.get("state") == "failed":
        return False
    if not entry.media_blobs:  # no media, or published before their blobs were kept
        return True
    return tree is not None and all(
        tree.committed_blob(path) == blob for path, blob in entry.media_blobs.items()
    )


def _read(config: Config, path: str, state: FileState, tree: WorkTree | None) -> Source:
    # The parser (front matter, YAML, Markdown, media checks) is imported only here: a
    # plan where every post is unchanged never needs it.
    from publisher.post import load_post

    loaded = load_post(config, path)
    if loaded.post is None:
        return Source(path, state.blob, state.dirty, loaded)
    files = loaded.post.files
    blobs = {f: tree.committed_blob(f) for f in files} if tree else dict.fromkeys(files)
    committed = {f: blob for f, blob in blobs.items() if blob is not None}
    uncommitted = tuple(f for f, blob in blobs.items() if blob is None)
    return Source(path, state.blob, state.dirty, loaded, media_blobs=committed,
                  uncommitted_media=uncommitted)


def _post_states(config: Config, tree: WorkTree | None) -> dict[str, FileState]:
    """Git state of every post file, in path order; outside git, every file found."""
    if tree is not None:
        return tree.files(config.posts_dir)
    from publisher.post import discover

    return file_states(config.root, discover(config))
