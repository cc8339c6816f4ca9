"""A poll in a post's front matter: `poll: {question, options, duration}`.

LinkedIn's Posts API takes a poll as the post's content (`content.poll`): a question of at
most 140 characters, 2 to 4 options of at most 30 characters each, and one of four
durations (lengths counted in UTF-16 units, as the text's: an emoji counts 2, the
stricter reading). A poll carries no media, and LinkedIn does not let it be edited: a changed poll
is a change that only a replace can make (see Post.content_fingerprint).

`check_poll` reads the value of the `poll:` key and reports every problem through a
callback that places it on the line of the key it is about, so `publish check` names each
limit where it is broken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from publisher.errors import did_you_mean
from publisher.render import utf16_len

DURATIONS = ("ONE_DAY", "THREE_DAYS", "SEVEN_DAYS", "FOURTEEN_DAYS")
DEFAULT_DURATION = "SEVEN_DAYS"
MAX_QUESTION = 140
MAX_OPTION = 30
MIN_OPTIONS, MAX_OPTIONS = 2, 4
KEYS = ("question", "options", "duration")
# How many days each duration lasts, for the people who read a plan or a preview.
DAYS = {"ONE_DAY": 1, "THREE_DAYS": 3, "SEVEN_DAYS": 7, "FOURTEEN_DAYS": 14}

Key = tuple[str | int, ...]
Report = Callable[[Key, str], None]  # (key path, message): one error


@dataclass(frozen=True)
class Poll:
    question: str
    options: tuple[str, ...]
    duration: str = DEFAULT_DURATION

    def fingerprint(self) -> list[object]:
        return [self.question, list(self.options), self.duration]

    def payload(self) -> dict[str, Any]:
        """The Posts API's `content.poll`."""
        return {
            "question": self.question,
            "options": [{"text": option} for option in self.options],
            "settings": {"duration": self.duration},
        }

    @property
    def days(self) -> int:
        return DAYS[self.duration]


def check_poll(value: object, raw: Mapping[Key, str], error: Report) -> Poll | None:
    """The Poll of a `poll:` value, or None after reporting every problem with it.

    `raw` holds each scalar as written: an answer `Yes` is the word, not YAML's true.
    """
    if not isinstance(value, dict):
        error(("poll",), "poll must be {question: …, options: [two to four answers], "
              "duration: SEVEN_DAYS}")
        return None
    problems = 0

    def counted(key: Key, message: str) -> None:
        nonlocal problems
        problems += 1
        error(key, message)

    for name in value:
        if name not in KEYS:
            counted(("poll", str(name)),
                    f"unknown key '{name}' in poll{did_you_mean(str(name), KEYS)}")
    question = _question(value.get("question"), raw, counted)
    options = _options(value.get("options"), raw, counted)
    duration = _duration(value.get("duration"), counted)
    if problems or question is None or options is None:
        return None
    return Poll(question, options, duration)


def _question(value: object, raw: Mapping[Key, str], error: Report) -> str | None:
    key: Key = ("poll", "question")
    if value is None or isinstance(value, (dict, list)) or not str(value).strip():
        error(("poll",) if value is None else key,
              "poll needs a question: add 'question:' with what people answer")
        return None
    question = raw.get(key, str(value))
    length = utf16_len(question)
    if length > MAX_QUESTION:
        error(key, f"poll question is {length} characters; LinkedIn allows "
              f"{MAX_QUESTION}: shorten it by {length - MAX_QUESTION}")
    return question


def _options(value: object, raw: Mapping[Key, str], error: Report) -> tuple[str, ...] | None:
    key: Key = ("poll", "options")
    if not isinstance(value, list):
        error(("poll",) if value is None else key,
              f"poll needs options: a list of {MIN_OPTIONS} to {MAX_OPTIONS} answers, "
              "one per line starting with '- '")
        return None
    if not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
        fix = "add one" if len(value) < MIN_OPTIONS else (
            f"remove {len(value) - MAX_OPTIONS}")
        error(key, f"poll has {len(value)} option{'s' if len(value) != 1 else ''}; "
              f"LinkedIn takes {MIN_OPTIONS} to {MAX_OPTIONS}: {fix}")
    options = []
    for index, option in enumerate(value):
        where: Key = ("poll", "options", index)
        if option is None or isinstance(option, (dict, list)) or not str(option).strip():
            error(where, f"poll option {index + 1} is empty: write the answer or remove it")
            continue
        text = raw.get(where, str(option))
        length = utf16_len(text)
        if length > MAX_OPTION:
            error(where, f"poll option {index + 1} is {length} characters; LinkedIn "
                  f"allows {MAX_OPTION}: shorten it by {length - MAX_OPTION}")
        options.append(text)
    if len(set(options)) < len(options):
        error(key, "poll options must differ from each other: two answers are the same")
    return tuple(options)


def _duration(value: object, error: Report) -> str:
    if value is None:
        return DEFAULT_DURATION
    text = str(value)
    if text not in DURATIONS:
        error(("poll", "duration"),
              f"poll duration '{text}' is not one of {', '.join(DURATIONS)}"
              f"{did_you_mean(text, DURATIONS)} (default {DEFAULT_DURATION})")
        return DEFAULT_DURATION
    return text
