"""Split a post into front matter and body, and parse the YAML with line numbers.

`bounds` is the one rule for where front matter starts and ends: the reader here and the
write-back (publisher/writeback.py) both use it, so a file the reader accepts is a file
the write-back can edit. PyYAML's node tree gives each key its line, which every
diagnostic needs, and the raw text of scalars, so that a schedule such as
`2026-12-01 09:00:00` is read as written instead of through YAML's own date rules.

Front matter comes from pull requests, so it is read as hostile: aliases are refused
before anything is built from them (a few hundred bytes of nested aliases expand to
gigabytes), and so is nesting deeper than any post needs.

The parse also keeps the shape of the node tree (`node_shape`) and whether the front
matter is one `{...}` mapping: the write-back's trial places its keys and checks its
result by them, without parsing the file's front matter again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# Each node of a YAML tree, in document order: its kind, tag, and value (a scalar) or size.
Shape = tuple[tuple[str, str, str | int], ...]
# libyaml's loader, where PyYAML was built with it, is several times faster.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The line breaks of a post file: the reader turns each into "\n", the write-back keeps them.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A boundary line is '---' (or '...' to close) followed by nothing but spaces and tabs.
BOUNDARY = re.compile(r"(?:---|\.\.\.)[ \t]*")
# YAML counts these as line breaks where the file's lines do not: refused, so that every
# line number (and the write-back's offsets) means the same line to both.
YAML_ONLY_BREAKS = "\x85\u2028\u2029"
CONTROL_NAMES = {"\f": "form feed", "\v": "vertical tab", "\x85": "next line"}
MAX_DEPTH = 16  # the deepest post key is images[0].alt, three levels down


@dataclass
class FrontMatter:
    """Parsed front matter with the 1-based file line of every key and the raw scalars."""

    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)
    body: str = ""
    body_line: int = 1  # file line on which the body starts
    flow: bool = False  # one `{...}` mapping rather than `key: value` lines
    shape: Shape = ()  # node_shape of the parsed front matter (after merge keys)

    def top_keys(self) -> set[str]:
        """The keys written at the top level, as written (`urn`, not what YAML makes of it)."""
        return {path[0] for path in self.lines if len(path) == 1 and isinstance(path[0], str)}

    def line(self, *path: str | int) -> int | None:
        """The line of the deepest known key along `path`."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


class FrontMatterError(Exception):
    """The front matter cannot be read; `line` is the file line of the problem."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Bounds:
    """Where the front matter is in a file's text: offsets, and the closing line's number."""

    start: int  # first character of the front matter's content (after the opening line)
    end: int  # first character of the closing line
    body: int  # first character after the closing line and its line break
    closing_line: int  # 1-based


# The reader, the trial write-back and its checks ask of the same few texts in turn.
@lru_cache(maxsize=16)
def bounds(text: str) -> Bounds:
    """The front matter of `text` (a BOM and any of CRLF, CR or LF line breaks allowed).

    The opening line is the first line and the closing line the next one that is '---'
    or '...', each followed by nothing but spaces or tabs. A line that would be a
    boundary but for other trailing whitespace (a no-break space, a form feed) is an
    error, never silently content: the two readings would disagree on the post's text.
    """
    position = 1 if text.startswith("\ufeff") else 0
    start = 0
    for number, match in enumerate(LINE_BREAK.finditer(text + "\n", position), start=1):
        line = text[position : match.start()]
        after = min(match.end(), len(text))
        if number == 1:
            _opening(line)
            start = after
        elif line.rstrip() in ("---", "..."):
            if not BOUNDARY.fullmatch(line):
                raise FrontMatterError(number, _near_boundary(line))
            return Bounds(start=start, end=position, body=after, closing_line=number)
        position = after
        if position >= len(text):
            break
    last = len(LINE_BREAK.findall(text)) + 1
    raise FrontMatterError(last, "the front matter that opens on line 1 has no closing '---' line")


def _opening(line: str) -> None:
    if BOUNDARY.fullmatch(line) and line.startswith("---"):
        return
    if line.rstrip() == "---":
        raise FrontMatterError(1, _near_boundary(line))
    raise FrontMatterError(
        1, "no front matter: a post starts with a '---' line, its settings, and another '---'"
    )


def _near_boundary(line: str) -> str:
    extra = line.strip(" \t")[3:]
    names = ", ".join(sorted({_char_name(c) for c in extra if c not in " \t"}))
    return (
        f"'{line.strip()}' is followed by {names}: a '---' line may end only in spaces or tabs; "
        "delete what follows the dashes"
    )


def _char_name(char: str) -> str:
    name = CONTROL_NAMES.get(char) or unicodedata.name(char, "control character").lower()
    return f"U+{ord(char):04X} {name}"


def split(text: str) -> FrontMatter:
    """Parse `text` (BOM and CRLF already removed) into front matter and body."""
    where = bounds(text)
    header = text[where.start : where.end]
    body = text[where.body :]
    parsed = _parse_yaml(header, first_line=2)
    parsed.body = body.strip("\n") if body.strip() else ""
    # An empty body is reported on the line right below the closing '---'.
    blank = _leading_blank_lines(body) if parsed.body else 0
    parsed.body_line = where.closing_line + 1 + blank
    return parsed


def _leading_blank_lines(body: str) -> int:
    count = 0
    for line in body.split("\n"):
        if line.strip():
            break
        count += 1
    return count


def _parse_yaml(block: str, first_line: int) -> FrontMatter:
    if not block.strip():
        return FrontMatter(data={})
    _refuse_yaml_only_breaks(block, first_line)
    loader = SafeLoader(block)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_aliases(node, first_line)
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        problem = error.problem or "invalid YAML"
        if "mapping values are not allowed" in problem:
            problem += " (put quotes around a value that contains ': ' or ends with ':')"
        raise FrontMatterError(line, f"front matter is not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        raise FrontMatterError(first_line, f"front matter is not valid YAML: {reason}") from None
    except RecursionError:
        raise FrontMatterError(
            first_line, f"the front matter is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError(
            first_line, "front matter must be a set of 'key: value' lines, found a single value"
        )
    flow = isinstance(node, yaml.MappingNode) and bool(node.flow_style)
    result = FrontMatter(data=data, flow=flow, shape=node_shape(node))
    if node is not None:
        _walk(node, (), first_line, result)
    return result


def node_shape(root: yaml.Node | None) -> Shape:
    """The tree under `root` as a flat tuple: each node's kind, tag, and value or size, in
    document order. The safe loader builds a value from nothing else, so two trees of the
    same shape (aliases aside) build the same value: the write-back's check compares
    shapes, which is cheaper than building the value."""
    shape: list[tuple[str, str, str | int]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            shape.append(("map", node.tag, len(node.value)))
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            shape.append(("seq", node.tag, len(node.value)))
            stack.extend(reversed(node.value))
        else:
            shape.append(("scalar", node.tag, str(node.value)))
    return tuple(shape)


def _refuse_yaml_only_breaks(block: str, first_line: int) -> None:
    found = next((c for c in block if c in YAML_ONLY_BREAKS), None)
    if found is not None:
        line = first_line + block[: block.index(found)].count("\n")
        raise FrontMatterError(
            line, f"the front matter holds a {_char_name(found)}, which YAML reads as a line "
            "break: delete it or use a plain line break",
        )


def _refuse_aliases(root: yaml.Node, first_line: int) -> None:
    """Refuse a node reached twice (an alias, `*name`) and nesting deeper than MAX_DEPTH.

    Runs on the composed tree, before any value is built: composing shares an aliased
    node instead of copying it, so this walk is linear in the size of the file, while
    building values (merge keys copy) or walking them would not be.
    """
    seen = {id(root)}
    # Breadth first, in file order: the alias named is the first one a reader meets.
    queue: deque[tuple[yaml.Node, int]] = deque([(root, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth > MAX_DEPTH:
            raise FrontMatterError(
                first_line + node.start_mark.line,
                f"the front matter is nested too deeply (more than {MAX_DEPTH} levels)",
            )
        for child, mark in _children(node):
            if id(child) in seen:
                raise FrontMatterError(
                    first_line + mark.line,
                    "the front matter uses a YAML alias (*name): aliases are not allowed "
                    "in posts; write the value out where it is used",
                )
            seen.add(id(child))
            queue.append((child, depth + 1))


def _children(node: yaml.Node) -> list[tuple[yaml.Node, yaml.Mark]]:
    """A node's keys and values, each with the mark that a message points at: the key of
    a mapping entry, the start of a list."""
    if isinstance(node, yaml.MappingNode):
        return [(n, key.start_mark) for key, value in node.value for n in (key, value)]
    if isinstance(node, yaml.SequenceNode):
        return [(item, node.start_mark) for item in node.value]
    return []


def _walk(node: yaml.Node, path: Path_, offset: int, out: FrontMatter) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = (*path, key)
            line = offset + key_node.start_mark.line
            if key in seen:
                out.duplicates.append((here, line))
            seen.add(key)
            out.lines[here] = line
            _walk(value_node, here, offset, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*path, index)
            out.lines[here] = offset + item.start_mark.line
            _walk(item, here, offset, out)
    elif isinstance(node, yaml.ScalarNode):
        out.raw[path] = str(node.value)
