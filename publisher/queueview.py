"""`publish queue`: each author's upcoming slots, with the post in each or why it is not
free, as text for people and JSON for scripts. Pure: a Queue in, rows and strings out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from publisher.queue import AuthorQueue, Queue, slot_windows
from publisher.utc import format_utc

SlotState = Literal["queued", "due", "taken", "cadence", "free"]
WORDS: dict[str, str] = {
    "queued": "queued",
    "due": "due now",
    "taken": "taken by",
    "cadence": "kept free",
    "free": "free",
}


@dataclass(frozen=True)
class SlotRow:
    at: datetime
    slot: str  # the weekly slot, "Tue 09:00 Europe/Berlin"
    state: SlotState
    post: str | None = None  # the post in it (queued, due, taken) or too close (cadence)
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return {"at": format_utc(self.at), "slot": self.slot, "state": self.state,
                "post": self.post, "note": self.note or None}


@dataclass(frozen=True)
class AuthorRows:
    author: str
    alias: str | None
    slots: tuple[str, ...]
    min_spacing: timedelta | None
    daily_max: int | None
    rows: tuple[SlotRow, ...]
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        spacing = self.min_spacing
        return {"author": self.author, "alias": self.alias, "slots": list(self.slots),
                "min_spacing_minutes": int(spacing.total_seconds() // 60) if spacing else None,
                "daily_max": self.daily_max, "upcoming": [r.to_json() for r in self.rows],
                "problems": list(self.problems)}


def overview(queue: Queue, now: datetime, weeks: int) -> list[AuthorRows]:
    """Every author with slots or queued posts: the slots from now for `weeks` weeks (and
    on, to the last queued post), and before them the queued posts already due."""
    rows = []
    for timeline in sorted(queue.authors.values(), key=lambda t: (t.alias or "", t.author)):
        placed = [p for p in queue.placed.values() if p.author == timeline.author]
        if not timeline.rules.slots and not placed:
            continue
        due = [SlotRow(p.at, str(p.slot), "due", p.path, "its slot has passed: the next "
                       "run posts it") for p in placed if p.at is not None and p.at <= now]
        last = max((p.at for p in placed if p.at is not None), default=now)
        until = max(now + timedelta(weeks=weeks), last + timedelta(seconds=1))
        problems = tuple(dict.fromkeys(p.problem for p in placed if p.problem))
        cadence = timeline.rules.cadence
        rows.append(AuthorRows(
            timeline.author, timeline.alias, tuple(str(s) for s in timeline.rules.slots),
            cadence.min_spacing, cadence.daily_max,
            (*sorted(due, key=lambda r: r.at), *_upcoming(timeline, now, until)), problems))
    return rows


def _upcoming(timeline: AuthorQueue, now: datetime, until: datetime) -> list[SlotRow]:
    if not timeline.rules.slots:
        return []
    found = []
    weeks = int((until - now) / timedelta(weeks=1)) + 1
    for at, slot, ends in slot_windows(timeline.rules.slots, now, weeks):
        if at >= until:
            break
        found.append(_row(timeline, at, str(slot), ends))
    return found


def _row(timeline: AuthorQueue, at: datetime, slot: str, ends: datetime) -> SlotRow:
    inside = timeline.in_window(at, ends)
    mine = next((e for e in inside if e.kind == "queued" and e.at == at), None)
    if mine is not None:
        return SlotRow(at, slot, "queued", mine.path)
    if inside:
        first = inside[0]
        return SlotRow(at, slot, "taken", first.path, f"{first.kind} {format_utc(first.at)}")
    close = timeline.cadence_problem(at)
    if close is not None:
        return SlotRow(at, slot, "cadence", close.path,
                       f"too close to it ({close.kind} {format_utc(close.at)}): "
                       "min_spacing or daily_max in [queue]")
    return SlotRow(at, slot, "free")


def as_text(authors: list[AuthorRows], now: datetime, zone: str) -> str:
    if not authors:
        return ("No queue: add [queue] slots = [\"Tue 09:00\", ...] to publish.toml and "
                "give posts schedule: queue (docs/queue.md).\n")
    local = ZoneInfo(zone)
    lines = [f"Queue at {now:%Y-%m-%d %H:%M} UTC ({now.astimezone(local):%H:%M} {zone})"]
    for author in authors:
        name = f"{author.alias} ({author.author})" if author.alias else author.author
        rules = ", ".join(author.slots) or "no slots"
        cadence = _cadence(author)
        lines += ["", f"{name}: {rules}{cadence}"]
        lines += [f"  ! {problem}" for problem in author.problems]
        for row in author.rows:
            when = row.at.astimezone(local)
            note = f"  ({row.note})" if row.note else ""
            lines.append(f"  {when:%a %Y-%m-%d %H:%M} {zone}  {WORDS[row.state]:<8} "
                         f"{row.post or ''}{note}".rstrip())
        free = sum(r.state == "free" for r in author.rows)
        queued = sum(r.state in ("queued", "due") for r in author.rows)
        lines.append(f"  {queued} queued, {free} free")
    return "\n".join(lines) + "\n"


def _cadence(author: AuthorRows) -> str:
    parts = []
    if author.min_spacing:
        hours = author.min_spacing / timedelta(hours=1)
        parts.append(f"at least {hours:g}h apart")
    if author.daily_max:
        parts.append(f"at most {author.daily_max} a day")
    return f"; {', '.join(parts)}" if parts else ""


def as_json(authors: list[AuthorRows], now: datetime, zone: str) -> str:
    data = {"version": 1, "now": format_utc(now), "timezone": zone,
            "authors": [a.to_json() for a in authors]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
