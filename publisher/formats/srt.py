"""SubRip (SRT) captions: numbered cues, each a timing line and text, blank lines between."""

from __future__ import annotations

import re

_SRT_START = re.compile(r"\d+\s*\n\s*\d+:\d\d:\d\d[,.]\d+\s*-->")
_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME} --> {_SRT_TIME}(?: .*)?$")


def looks_like_srt(text: str) -> bool:
    """Whether text starts as SubRip does: a cue number, then a timing."""
    return _SRT_START.match(text) is not None


def srt_problem(text: str) -> tuple[str, int]:
    """The first thing wrong with SubRip `text` ("" when none) and how many cues it has."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues = 0
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        problem = _cue_problem(lines, index)
        if problem:
            return problem, cues
        cues += 1
        while index < len(lines) and lines[index].strip():
            index += 1
    if not cues:
        return "has no captions: a SubRip file is numbered cues, each a timing and text", 0
    return "", cues


def _cue_problem(lines: list[str], start: int) -> str:
    """What is wrong with the cue that starts at `start` (0-based), or ""."""
    number = start + 1  # line numbers as an editor shows them
    if not lines[start].strip().isdigit():
        return f"line {number}: expected a cue number, found {lines[start].strip()[:40]!r}"
    timing = lines[start + 1].strip() if start + 1 < len(lines) else ""
    match = _SRT_TIMING.match(timing)
    if match is None:
        return (f"line {number + 1}: expected a timing like '00:00:01,000 --> 00:00:03,500', "
                f"found {timing[:40]!r}")
    begin, end = _srt_seconds(match.groups()[:4]), _srt_seconds(match.groups()[4:])
    if end <= begin:
        return f"line {number + 1}: the cue ends before it starts ({timing})"
    if start + 2 >= len(lines) or not lines[start + 2].strip():
        return f"line {number + 2}: cue {lines[start].strip()} has no text"
    index = start + 2
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:  # the next cue's timing, with no blank line before it
            return (f"line {index + 1}: '-->' in the text of cue {lines[start].strip()}: "
                    "put a blank line between cues")
        index += 1
    return ""


def _srt_seconds(parts: tuple[str, ...]) -> float:
    hours, minutes, seconds, millis = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds + millis / 1000
