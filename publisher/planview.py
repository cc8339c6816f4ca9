"""The plan as text for people, JSON for scripts, and Markdown for pull-request comments.

Pure: each function takes a Plan and returns a string; the CLI prints it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from publisher.errors import spelled_out
from publisher.plan import DELETED, UNCHANGED, Change, Plan

if TYPE_CHECKING:
    from publisher.post import MediaFile

SYMBOLS = {
    "create": "+",
    "update": "~",
    "replace": "±",
    "delete": "-",
    "move": "→",
    "wait": "…",
    "expired": "×",
    "skip": "·",
    "blocked": "!",
    "noop": "=",
}
SUMMARY_WORDS = (
    ("create", "to create"),
    ("update", "to update"),
    ("replace", "to replace"),
    ("delete", "to delete"),
    ("move", "moved"),
    ("wait", "waiting"),
    ("expired", "expired"),
    ("blocked", "blocked"),
    ("skip", "skipped"),
    ("noop", "unchanged"),
)
NO_SLOT = "queued, no slot"  # a queued post its author's queue has no slot for
FOLD_MARK = "┈┈┈┈ …see more ┈┈┈┈"


def when(moment: datetime | None, zone: str, now: datetime) -> str:
    """`2026-12-01 08:00 UTC (09:00 Europe/Berlin)`, or `now` for an unscheduled post."""
    if moment is None:
        return "now"
    local = moment.astimezone(ZoneInfo(zone))
    same_day = local.date() == moment.date()
    local_text = f"{local:%H:%M}" if same_day else f"{local:%Y-%m-%d %H:%M}"
    return f"{moment:%Y-%m-%d %H:%M} UTC ({local_text} {zone})"


def summary_line(plan: Plan) -> str:
    counts = plan.summary
    parts = [f"{counts[a]} {word}" for a, word in SUMMARY_WORDS if counts[a]]
    return ", ".join(parts) if parts else "no posts"


# Compact on purpose: with `indent`, json falls back from its C encoder to Python, which
# costs more than the whole no-op plan of a large repository. Pipe it to `jq` to read.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_STRING = json.encoder.encode_basestring  # a str as a JSON string, as _ENCODE writes it
_CHANGES = "\x00changes\x00"  # stands for the list until it is encoded


def as_json(plan: Plan) -> str:
    """Exactly json.dumps(plan.to_json()), compact, but unchanged posts are written from a
    template: in a repository of thousands of published posts they are nearly all of it.
    The megabytes of changes are copied once, by one join of all the pieces."""
    head, tail = _ENCODE(plan.json_with(_CHANGES)).split(_ENCODE(_CHANGES), 1)
    return "".join([head, "[", *_changes_json(plan.changes), "]", tail, "\n"])


def _template() -> list[str]:
    """Change.to_json of an unchanged post (read from the ledger only, nothing to say),
    encoded, cut where post, author and urn go."""
    marks = ("\x01", "\x02", "\x03")
    sample = Change(marks[0], "noop", UNCHANGED, author=marks[1], urn=marks[2])
    text = _ENCODE(sample.to_json())
    for mark in marks:
        text = text.replace(_ENCODE(mark), "\x00")
    return text.split("\x00")


_UNCHANGED_PARTS = _template()


def _changes_json(changes: Iterable[Change]) -> list[str]:
    """The JSON of each change, with a comma between each two: the pieces of the list."""
    # One loop with the test and the template inline: calls per change would double it.
    start, after_post, after_author, end = _UNCHANGED_PARTS
    string = _STRING
    out: list[str] = []
    for c in changes:
        if (
            c.source is None and c.reason == UNCHANGED and c.action == "noop"
            and not c.diagnostics and c.scheduled_for is None and c.not_after is None
            and c.goes_out is None
        ):  # an unchanged post as _template has it
            author = "null" if c.author is None else string(c.author)
            urn = "null" if c.urn is None else string(c.urn)
            out.append(f"{start}{string(c.post)}{after_post}{author}{after_author}{urn}{end}")
        else:
            out.append(_ENCODE(c.to_json()))
    pieces = [","] * (2 * len(out) - 1) if out else []
    pieces[::2] = out
    return pieces


def _quiet(change: Change) -> bool:
    """Unchanged posts with nothing to say (published, or deleted from LinkedIn long
    since): listed only with --verbose."""
    return (change.action == "noop" and not change.diagnostics
            and (change.reason == UNCHANGED or change.reason.startswith(DELETED)))


def as_text(plan: Plan, verbose: bool = False) -> str:
    lines = [f"Plan at {when(plan.now, plan.timezone, plan.now).replace('now', '')}", ""]
    width = max((len(c.post) for c in plan.changes), default=10)
    for change in plan.changes:
        if _quiet(change) and not verbose:
            continue
        lines.append(_text_row(change, plan, width))
        lines.extend(f"      {d}" for d in change.diagnostics)
        if (
            verbose
            and change.commentary is not None
            and change.action in ("create", "update", "replace")
        ):
            lines.extend("      │ " + line for line in _folded(change).split("\n"))
            lines.extend(f"      {line}" for line in _text_media(change))
    hidden = sum(_quiet(c) for c in plan.changes) if not verbose else 0
    if hidden:
        lines.append(
            f"  = {hidden} unchanged post{'s' if hidden != 1 else ''} (--verbose lists them)"
        )
    lines += ["", summary_line(plan)]
    return spelled_out("\n".join(lines) + "\n")


def _text_row(change: Change, plan: Plan, width: int) -> str:
    symbol = SYMBOLS[change.action]
    length = f"{change.length}/{_limit()}" if change.length is not None else ""
    scheduled = change.source is not None and change.action != "delete"
    timing = when(change.scheduled_for, plan.timezone, plan.now) if scheduled else ""
    if scheduled and change.queued and change.scheduled_for is None:
        timing = NO_SLOT
    row = f"  {symbol} {change.action:<8} {change.post:<{width}}  {timing}"
    if length and change.action in ("create", "update", "replace", "wait"):
        row += f"  {length} chars"
    row = f"{row.rstrip()}\n      {change.reason}"
    if change.goes_out is not None:
        row += f"\n      goes out {when(change.goes_out, plan.timezone, plan.now)}: {GOES_OUT}"
    return row


GOES_OUT = "the workflow's first scheduled run at or after its time"


def _video_extras(video: MediaFile) -> list[tuple[str, str | None, str]]:
    """A video's thumbnail and captions: (label, file when set, what is said after it
    when set or instead of it when not)."""
    thumbnail, captions = video.thumbnail, video.captions
    cues = captions.info.cues if captions else None
    return [
        ("thumbnail", thumbnail.path if thumbnail else None,
         "set" if thumbnail else "not set (LinkedIn shows a frame of the video)"),
        ("captions", captions.path if captions else None,
         f"set, {cues} cue{'s' if cues != 1 else ''}" if captions else "not set"),
    ]


def _text_media(change: Change) -> list[str]:
    """The files a post sends, for the verbose text plan (the Markdown plan's list)."""
    post = change.source
    assert post is not None
    lines = [f"image {image.path}" + (f" (alt: {image.alt})" if image.alt else " (no alt text)")
             for image in post.images]
    if post.video:
        lines.append(f"video {post.video.path}" + (f" ({post.video.title})"
                                                   if post.video.title else ""))
        lines += [f"  {label}: {path} ({note})" if path else f"  {label}: {note}"
                  for label, path, note in _video_extras(post.video)]
    if post.document:
        lines.append(f"document {post.document.path} ({post.document.title or ''})")
    return lines


def _folded(change: Change) -> str:
    """The text a reader sees, with LinkedIn's '…see more' fold marked."""
    assert change.source is not None
    rendered = change.source.rendered
    if rendered.fold is None:
        return rendered.visible
    return f"{rendered.visible[: rendered.fold]}\n{FOLD_MARK}\n{rendered.visible[rendered.fold :]}"


MARKDOWN_DETAIL = ("create", "update", "replace", "wait", "blocked", "delete")


def as_markdown(plan: Plan) -> str:
    """A pull-request comment: a table of changes, then each new or changed post's text.

    The table has every change but the quiet no-ops (a repository of hundreds of
    published posts would bury the one that changed); below it, each post a reviewer
    must read: its exact text with the fold marked, its media with alt text, and its
    errors and warnings.

    Everything here but the tool's own words comes from the pull request (paths, texts,
    alt texts, titles, URLs, messages that quote them), so each such value is printed
    as an inline code span (`_code`) or inside a fence (`_fence`): it cannot add
    Markdown, HTML, a link, an image or an @mention to the comment.
    """
    lines = [
        "## LinkedIn publish plan",
        "",
        f"{summary_line(plan)} · planned at {when(plan.now, plan.timezone, plan.now)}",
        "",
    ]
    shown = [c for c in plan.changes if not _quiet(c)]
    if shown:
        lines += [
            f"| | action | post | author | when (UTC and {plan.timezone}) | characters |",
            "|---|---|---|---|---|---|",
        ]
        lines += [_markdown_row(change, plan) for change in shown]
    hidden = len(plan.changes) - len(shown)
    if hidden:
        lines += ["", f"{hidden} unchanged post{'s' if hidden != 1 else ''} not listed."]
    for change in shown:
        lines.extend(_markdown_detail(change))
    return spelled_out("\n".join(lines).rstrip() + "\n")


def _markdown_row(change: Change, plan: Plan) -> str:
    timing = ""
    if change.action == "delete":  # whatever its schedule was, it goes on the next sync
        timing = "next sync after merge"
    elif change.action != "skip" and (change.source is not None or change.scheduled_for):
        timing = (
            when(change.scheduled_for, plan.timezone, plan.now)
            if change.scheduled_for
            else NO_SLOT if change.queued else "next sync after merge"
        )
        if change.queued and change.scheduled_for:
            timing += " · queue slot"
    if change.goes_out is not None:
        timing += f" → goes out {when(change.goes_out, plan.timezone, plan.now)}"
    moved = f" (from {_code(change.moved_from, cell=True)})" if change.moved_from else ""
    return (
        f"| {SYMBOLS[change.action]} | **{change.action}** | {_code(change.post, cell=True)}"
        f"{moved} | "
        f"{_author_cell(change)} | {timing} | {_length_cell(change)} |"
    )


def _author_cell(change: Change) -> str:
    alias = change.source.author_alias if change.source else None
    urn = change.author or ""
    if alias and urn:
        return f"{_code(alias, cell=True)} ({_code(urn, cell=True)})"
    return _code(alias or urn, cell=True)


def _length_cell(change: Change) -> str:
    if change.length is None:
        return ""
    over = " ❌ over the limit" if change.length > _limit() else ""
    return f"{change.length} / {_limit()}{over}"


def _limit() -> int:
    # Only a parsed post has a length, and parsing imported the renderer already: a plan
    # with nothing to parse starts without markdown-it.
    from publisher.render import LIMIT

    return LIMIT


def _code(text: str, *, cell: bool = False) -> str:
    """`text` as an inline code span, on one line, that nothing in it can end.

    In a table cell (`cell`) a pipe is escaped: GitHub splits the row on pipes before it
    reads code spans, and shows the escaped pipe as a pipe.
    """
    if not text:
        return ""
    flat = re.sub(r"\r\n|\r|\n", " ", text)
    if cell:
        flat = flat.replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    # A space on each side keeps a backtick at either end from joining the delimiter;
    # CommonMark strips exactly one such pair.
    pad = " " if flat[0] in "` " or flat[-1] in "` " else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`, so the text cannot end it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _markdown_detail(change: Change) -> list[str]:
    if change.action not in MARKDOWN_DETAIL or (
            change.source is None and not change.diagnostics and change.action != "delete"):
        return []
    lines = ["", f"### {_code(change.post)} — {change.action}", "", _code(change.reason), ""]
    if change.action == "delete":
        return [*lines, *_deletion_lines(change)]
    if change.source is not None:
        folded = _folded(change)
        fence = _fence(folded)
        lines += [f"{fence}text", folded, fence]
        if change.source.rendered.fold is None:
            lines.append("<sub>All of it shows: no “…see more” fold.</sub>")
        lines.append("")
        lines += _media_lines(change)
    for diagnostic in change.diagnostics:
        icon = "❌" if diagnostic.severity == "error" else "⚠️"
        lines.append(f"- {icon} {_code(str(diagnostic))}")
    return lines


def _deletion_lines(change: Change) -> list[str]:
    """What a merge deletes: the post on LinkedIn, and what goes with it."""
    target = _code(change.urn) if change.urn else "the post"
    again = " (setting `status: ready` again posts it anew)" if change.source else ""
    return [f"- 🗑 deletes {target} from LinkedIn, with its likes, comments and "
            f"reshares; this cannot be undone{again}", ""]


def _media_lines(change: Change) -> list[str]:
    post = change.source
    assert post is not None
    lines = []
    for image in post.images:
        alt = f"alt: {_code(image.alt)}" if image.alt else "⚠️ no alt text"
        lines.append(f"- 🖼 {_code(image.path)} — {alt}")
    if post.video:
        lines.append(f"- 🎞 {_code(post.video.path)} — {_code(post.video.title or '')}")
        lines += [f"  - {label}: {_code(path)} ({note})" if path else f"  - {label}: {note}"
                  for label, path, note in _video_extras(post.video)]
    if post.document:
        lines.append(f"- 📄 {_code(post.document.path)} — {_code(post.document.title or '')}")
    if post.article:
        # Not a link: the reviewer reads the address; the comment does not invite a click.
        lines.append(f"- 🔗 {_code(post.article.url)} — {_code(post.article.title)}")
    if post.poll:
        answers = " / ".join(_code(option) for option in post.poll.options)
        lines.append(f"- 📊 poll: {_code(post.poll.question)} — {answers} "
                     f"({post.poll.days} day{'s' if post.poll.days != 1 else ''})")
    if post.reshare_of:
        lines.append(f"- 🔁 reshares {_code(post.reshare_of)}")
    if post.first_comment:
        lines.append(f"- 💬 first comment: {_code(post.first_comment)}")
    return [*lines, ""] if lines else []
