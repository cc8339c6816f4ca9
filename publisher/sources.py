"""Gather what the planner needs: post files, their git state, and parsed posts.

A post whose file is unchanged since it was published (same git blob), and whose media
files are too, is not read again, which keeps a no-op sync of thousands of posts close to
the cost of asking git once. A post is uncommitted when its file or a file it sends
(image, video, thumbnail, captions, document) has uncommitted changes: only what is in
git is published. The posts of one plan are read in one pass (publisher.onepass): a
folder's real path and an image that many posts send are looked at once.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from publisher import ledger as ledgers
from publisher.config import Config, key_lines
from publisher.errors import Diagnostic
from publisher.gitops import (
    FileState,
    WorkTree,
    file_states,
    is_shallow,
    not_a_repository,
    queue_entries,
    removed_urns,
    renamed,
    start_removed_urns,
    start_scan,
)
from publisher.ledger import Ledger
from publisher.onepass import one_pass
from publisher.plan import Plan, PlanOptions, Source, build_plan
from publisher.reshare import by_file, reshare_line, reshare_problems
from publisher.utc import format_utc

if TYPE_CHECKING:
    from publisher.post import LoadedPost, Post
    from publisher.queue import Queue


def make_plan(config: Config, now: datetime, options: PlanOptions) -> tuple[Ledger, Plan]:
    """The ledger and the plan for every post; git is asked while the ledger is read.

    Outside a git repository only `--allow-dirty` plans: what is not in git is never
    published, so a plan there would only say so of every post (a sync refuses too).
    """
    scanning = start_scan(config.root)
    if not options.allow_dirty:
        scanning = _inside_git(config, scanning)
    with _fewer_collections():
        book = ledgers.load(config.ledger_path, config.ledger)
        sources = collect(config, book, scanning=scanning)
        place_queued(config, book, sources, now)
        plan = build_plan(sources, book, now, config.defaults.timezone, options)
        if any(change.action == "wait" for change in plan.changes):
            # Only a waiting post needs the workflow's schedule: others never load it.
            from publisher.runs import with_goes_out

            plan = with_goes_out(plan, config.root)
        return book, plan


def place_queued(config: Config, ledger: Ledger, sources: list[Source],
                 now: datetime, always: bool = False) -> Queue | None:
    """Give each `schedule: queue` post its slot (publisher.queue); git is asked when the
    files came only when some post is queued. `always`: the queue even with none."""
    posts = [s.loaded.post for s in sources if s.loaded is not None and s.loaded.post]
    if not always and not any(post.queued for post in posts):
        return None  # and the queue's rules are never loaded
    from publisher.queue import build_queue

    queue = build_queue(config, posts, ledger, queue_entries(config.root, config.posts_dir),
                        now)
    caveat = SHALLOW if any(s.queued for s in posts) and is_shallow(config.root) else None
    for source in sources:
        placed = queue.slot_of(source.path)
        source.slot = replace(placed, caveat=caveat) if placed and caveat else placed
    return queue


SHALLOW = ("this clone lacks the older history, so every post looks as new as the newest "
           "commit: fetch it all (`git fetch --unshallow`, or `fetch-depth: 0` in "
           "actions/checkout) for the slot a sync will use")


def queue_of(config: Config, now: datetime) -> Queue:
    """Every author's queue as the plan at `now` places it (for `publish queue`)."""
    book = ledgers.load(config.ledger_path, config.ledger)
    queue = place_queued(config, book, collect(config, book), now, always=True)
    assert queue is not None
    return queue


def _inside_git(config: Config, scanning: Callable[[], WorkTree | None]
                ) -> Callable[[], WorkTree | None]:
    def answer() -> WorkTree | None:
        tree = scanning()
        if tree is None:
            raise not_a_repository(config.root)
        return tree

    return answer


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A plan makes a few objects per post (ledger entry, source, change) that all live
    until it is printed: the collector, run every 700 new objects by default, would walk
    them again and again and find nothing to free. It is off meanwhile: planning leaves
    next to no garbage cycles (a few dozen objects over thousands of broken posts)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def collect(
    config: Config, ledger: Ledger, scanning: Callable[[], WorkTree | None] | None = None
) -> list[Source]:
    """One Source per post file and per ledger entry whose file is gone.

    `scanning`: a start_scan of the repository already under way.
    """
    tree = (scanning or start_scan(config.root))()
    states = _post_states(config, tree)
    settled = ledger.settled((path, state.blob) for path, state in states.items())
    # A post the ledger does not know may have been published once (identity.py): git
    # searches the history for it while the posts are read.
    history = (start_removed_urns(config.root, config.posts_dir)
               if tree is not None and len(settled) < len(states) and _unknown(ledger, states)
               else None)
    unread = {path: published for path in states
              if (published := settled.get(path)) is not None
              and (not published[2] or _same_media(published[2], tree))}
    try:
        with one_pass():
            loaded = iter(_read_all(config, [p for p in states if p not in unread]))
            # By position, as plan._settled: path, blob, dirty, loaded, media_blobs,
            # uncommitted_media, settled.
            sources = [Source(path, state.blob, state.dirty, None, None, (), unread[path])
                       if path in unread else _source(config, path, state, next(loaded), tree)
                       for path, state in states.items()]
    except BaseException:
        if history is not None:
            history(False)  # no git left running behind an interrupted plan
        raise
    if tree is not None:
        _add_removed_urns(config, ledger, sources, history)
    gone = sorted(ledger.known() - states.keys())
    renames = _renames(config, ledger, gone) if gone and tree is not None else {}
    sources += [Source(path=p, blob=None, renamed_to=renames.get(p)) for p in gone]
    return sources


def _renames(config: Config, ledger: Ledger, gone: list[str]) -> dict[str, str]:
    """Where git saw the files of unsettled posts go: such a post has no urn: line yet to
    know it by when it was moved and edited at once (see identity.py)."""
    from publisher.identity import UNSETTLED

    unsettled = [p for p in gone if ledger.posts[p].state in UNSETTLED]
    return renamed(config.root, unsettled) if unsettled else {}


def _same_media(blobs: dict[str, str], tree: WorkTree | None) -> bool:
    """The files a published post sent are committed as they were then. (A post with
    none: no media, or published before their blobs were kept.)"""
    return tree is not None and all(
        tree.committed_blob(path) == blob for path, blob in blobs.items()
    )


def _unknown(ledger: Ledger, states: dict[str, FileState]) -> bool:
    known = ledger.known()
    return any(path not in known for path in states)


def _add_removed_urns(config: Config, ledger: Ledger, sources: list[Source],
                      history: Callable[[bool], dict[str, list[str]]] | None) -> None:
    """A new post's history may show it was published once (identity.py): git is asked
    only when there are posts the ledger does not know, for all of them at once (`history`:
    already asked)."""
    new = [s for s in sources if s.loaded is not None and s.loaded.post is not None
           and not s.loaded.post.urn and s.path not in ledger.posts]
    if history is None:
        if not new:
            return
        history = start_removed_urns(config.root, config.posts_dir)
    found = history(bool(new))
    for source in new:
        source.removed_urns = tuple(found.get(source.path, ()))


def _read_all(config: Config, paths: list[str]) -> list[LoadedPost]:
    """Each post read and checked, on as many cores as help (post.load_posts)."""
    if not paths:
        return []
    # The parser (front matter, YAML, Markdown, media checks) is imported only here: a
    # plan where every post is unchanged never needs it.
    from publisher.post import load_posts

    return load_posts(config, paths)


def _source(config: Config, path: str, state: FileState, loaded: LoadedPost,
            tree: WorkTree | None) -> Source:
    if loaded.post is None:
        return Source(path, state.blob, state.dirty, loaded,
                      stated_urn=_stated_urn(config, path))
    committed, uncommitted = committed_files(tree, loaded.post.files)
    return Source(path, state.blob, state.dirty, loaded, media_blobs=committed,
                  uncommitted_media=uncommitted,
                  untracked=tree is not None and path not in tree.index)


_URN_LINE = re.compile(r"^urn:[ \t]*['\"]?(urn:li:[A-Za-z]+:[0-9A-Za-z_-]+)", re.MULTILINE)


def _stated_urn(config: Config, path: str) -> str | None:
    """The urn: line of a file that is not a valid post (it may be a published post,
    moved and broken on the way): read roughly, only to hold back a prune."""
    try:
        found = _URN_LINE.search((config.root / path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return found.group(1) if found else None


def committed_files(
    tree: WorkTree | None, files: Iterable[str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The blob of each file as committed, and the files that are not committed as they
    are (all of them outside git)."""
    blobs = {f: tree.committed_blob(f) if tree else None for f in files}
    committed = {f: blob for f, blob in blobs.items() if blob is not None}
    return committed, tuple(f for f, blob in blobs.items() if blob is None)


def _post_states(config: Config, tree: WorkTree | None) -> dict[str, FileState]:
    """Git state of every post file, in path order; outside git, every file found."""
    if tree is not None:
        return tree.files(config.posts_dir)
    from publisher.post import discover

    return file_states(config.root, discover(config))


def _in_git(config: Config) -> bool:
    return start_scan(config.root)() is not None


def check_posts(config: Config, paths: list[str], now: datetime | None = None) -> list[Diagnostic]:
    """What `publish check` reports of these posts: each file's own problems, then those
    it has with the others (a copy's urn, a twin's text), which need every post read.
    `now`: also warn of unpublished posts whose schedule has passed."""
    from publisher.identity import Candidate, identify
    from publisher.post import discover, load_posts
    from publisher.runs import schedule_problems

    every = discover(config)
    everything = sorted({*paths, *every})
    with one_pass():
        loaded = dict(zip(everything, load_posts(config, everything, now=now), strict=True))
    named = set(paths)
    diagnostics = [d for path in paths for d in loaded[path].diagnostics]
    book = ledgers.load(config.ledger_path, config.ledger)
    history = removed_urns(config.root, config.posts_dir) if _in_git(config) else {}
    candidates = {
        p: Candidate(one.post, removed_urns=tuple(history.get(p, ())))
        for p, one in loaded.items() if one.post is not None
    }
    identity = identify(candidates, set(every), book)
    diagnostics += [d for path, d in identity.problems.items() if path in named]
    posts = [one.post for one in loaded.values() if one.post is not None]
    diagnostics += [d for d in _queue_problems(config, posts, book, now) if d.path in named]
    if now is not None:
        waiting = {p: post for p in paths if (post := loaded[p].post) is not None
                   and p not in book.posts}
        diagnostics += schedule_problems(config.root, waiting, now)
        diagnostics += _slot_problems(config, now)
    diagnostics += _reshare_problems(config, {p: loaded[p].post for p in loaded}, every, book,
                                     named)
    return sorted(diagnostics, key=lambda d: d.path)


def _reshare_problems(config: Config, posts: dict[str, Post | None], every: list[str],
                      book: Ledger, named: set[str]) -> list[Diagnostic]:
    """A reshare whose parent file will never be published (or is a draft)."""
    reshares = [p for p in named if (post := posts.get(p)) is not None and by_file(post)]
    if not reshares:
        return []
    lines = {p: reshare_line((config.root / p).read_text(encoding="utf-8")) for p in reshares}
    found = reshare_problems(posts, set(every), book, lines)
    return [d for d in found if d.path in named]


def _slot_problems(config: Config, now: datetime) -> list[Diagnostic]:
    """Queue slots that the publishing workflow's schedule reaches late or never (runs.py),
    each on its `slots` line of publish.toml: a post queued there would wait for the run."""
    tables = {"queue": config.queue.default.slots, **{
        f"queue.authors.{alias}": rules.slots for alias, rules in config.queue.authors.items()
        if rules.slots is not config.queue.default.slots}}
    if config.path is None or not any(tables.values()):
        return []
    from publisher.queue import slot_times
    from publisher.runs import outlook, read_schedule

    schedule = read_schedule(config.root).schedule
    if schedule is None:
        return []
    lines = key_lines(config.path.read_text(encoding="utf-8"))
    found = []
    for key, slots in tables.items():
        for slot in slots:
            at = next(slot_times([slot], now, 1))[0]
            warning = outlook(schedule, at, None).warning
            if warning is not None:
                found.append(Diagnostic(config.path.name, lines.get(f"{key}.slots"), "warning",
                                        f"{key}.slots: slot {slot}, next at "
                                        f"{format_utc(at)}: {warning}"))
    return found


def _queue_problems(config: Config, posts: list[Post], book: Ledger,
                    now: datetime | None) -> list[Diagnostic]:
    """Queued posts that can get no slot (errors), and posts with an exact schedule that
    break their author's cadence (warnings), on the file's `schedule:` line."""
    if not posts or not (any(p.queued for p in posts) or _has_cadence(config)):
        return []
    from publisher.queue import build_queue, cadence_breaches

    joined = queue_entries(config.root, config.posts_dir) if _in_git(config) else {}
    queue = build_queue(config, posts, book, joined, now or datetime.now(UTC))
    found = [Diagnostic(placed.path, _schedule_line(config, placed.path), "error",
                        f"schedule: queue: {placed.problem}")
             for placed in queue.placed.values() if placed.problem]
    found += [Diagnostic(path, _schedule_line(config, path), "warning", message)
              for path, message in cadence_breaches(queue)]
    return found


def _has_cadence(config: Config) -> bool:
    rules = [config.queue.default, *config.queue.authors.values()]
    return any(r.cadence.min_spacing or r.cadence.daily_max for r in rules)


def _schedule_line(config: Config, path: str) -> int | None:
    try:
        lines = (config.root / path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, 1) if line.startswith("schedule:")), None)
