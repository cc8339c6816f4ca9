"""Pure readers of git's output, for ``publisher.gitops``, which runs git: the index, the
status, and the history of when each post joined the queue. Strings in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


def parse_index(output: str) -> dict[str, str]:
    """`git ls-files -s -z` output -> {path: blob id}. Each record is `mode blob stage`, a
    tab and the path; git writes the mode in six digits and the stage in one, so a SHA-1
    blob id is at [7:47] (a SHA-256 one is split out). Slices, not a pattern: this runs
    over every file of the repository on every plan, at half the cost."""
    found = {}
    for record in output.split("\0"):
        if record:
            head, _, path = record.partition("\t")
            found[path] = head[7:47] if len(head) == 50 else head.split(" ")[1]
    return found


def parse_status(output: str, prefix: str) -> set[str]:
    """`git status --porcelain -z` output -> the paths (from `prefix`) it names."""
    changed: set[str] = set()
    records = iter(output.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        changed.add(record[3:].removeprefix(prefix))
        if record[0] in "RC":
            next(records, None)  # a rename's second record is the old path
    return changed


def _commits(history: str) -> Iterator[tuple[datetime, list[str]]]:
    """`git log -z --format=%x01%ct` with names -> (commit time, its fields) per commit."""
    for record in history.split("\x01")[1:]:
        stamp, _, rest = record.partition("\0")
        yield datetime.fromtimestamp(int(stamp), UTC), rest.lstrip("\n").split("\0")


def last_edits(history: str) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for at, names in _commits(history):
        for name in filter(None, names):
            found[name] = max(at, found.get(name, at))
    return found


def queue_entries(history: str, edits: dict[str, datetime]) -> dict[str, tuple[datetime, str]]:
    first: dict[str, tuple[datetime, str]] = {}
    names: dict[str, list[str]] = {}  # every name a file had, by its current one
    for at, fields in _commits(history):
        each = iter(fields)
        for status in each:
            if status.startswith("A"):
                path = next(each, "")
                first[path], names[path] = (at, path), [path]
            elif status.startswith("R"):
                old, new = next(each, ""), next(each, "")
                first[new] = first.pop(old, (at, new))
                names[new] = [*names.pop(old, []), new]
    joined = {}
    for path, (at, name) in first.items():
        changed = [edits[n] for n in names.get(path, [path]) if n in edits]
        joined[path] = (max([at, *changed]), name)
    joined.pop("", None)
    return joined


def moved_to(fields: list[str], path: str) -> str | None:
    """From `git show --name-status -z` fields: where `path` went (see renamed)."""
    added: list[str] = []
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status[:1] in ("R", "C"):
            if status[0] == "R" and fields[index + 1] == path:
                return fields[index + 2]
            index += 3
            continue
        if status == "A" and Path(fields[index + 1]).suffix == Path(path).suffix:
            added.append(fields[index + 1])
        index += 2
    return added[0] if len(added) == 1 else None


_REMOVED_URN = re.compile(r"-urn:[ \t]*['\"]?(urn:li:[A-Za-z]+:[0-9A-Za-z_-]+)")
# The same line commented out by publish itself (`resolve --gone`, `--prune`): the file
# says the URN is no longer its post, so that removal is no revert.
_RETIRED_URN = re.compile(r"\+#[ \t]*urn:[ \t]*['\"]?(urn:li:[A-Za-z]+:[0-9A-Za-z_-]+)")


def removed_urns(history: str) -> dict[str, list[str]]:
    """`git log -p -G^urn:` output -> for each file, the post URNs its removed `urn:` lines
    named, newest first, but those publish itself commented out (see gitops.removed_urns)."""
    found: dict[str, list[str]] = {}
    retired: set[tuple[str, str]] = set()
    current = ""
    for line in history.splitlines():
        if line.startswith("--- a/") or line.startswith("+++ b/"):
            current = line[6:].rstrip("\t")
        elif current and (removed := _REMOVED_URN.match(line)):
            found.setdefault(current, []).append(removed.group(1))
        elif current and (commented := _RETIRED_URN.match(line)):
            retired.add((current, commented.group(1)))
    return {path: kept for path, urns in found.items()
            if (kept := [urn for urn in urns if (path, urn) not in retired])}
