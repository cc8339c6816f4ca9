"""Split a post into front matter and body, and parse the YAML with line numbers.

python-frontmatter finds the block; PyYAML's node tree gives each key its line, which
every diagnostic needs, and the raw text of scalars, so that a schedule such as
`2026-12-01 09:00:00` is read as written instead of through YAML's own date rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml

Path_ = tuple[str | int, ...]
# libyaml's loader, where PyYAML was built with it, is several times faster.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class FrontMatter:
    """Parsed front matter with the 1-based file line of every key and the raw scalars."""

    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)
    body: str = ""
    body_line: int = 1  # file line on which the body starts

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


def split(text: str) -> FrontMatter:
    """Parse `text` (BOM and CRLF already removed) into front matter and body."""
    lines = text.split("\n")
    if not frontmatter.default_handlers.YAMLHandler().detect(text) or lines[0].rstrip() != "---":
        raise FrontMatterError(
            1, "no front matter: a post starts with a '---' line, its settings, and another '---'"
        )
    closing = next(
        (i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None
    )
    if closing is None:
        raise FrontMatterError(
            len(lines), "the front matter that opens on line 1 has no closing '---' line"
        )
    header = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1 :])
    parsed = _parse_yaml(header, first_line=2)
    parsed.body = body.strip("\n") if body.strip() else ""
    # An empty body is reported on the line right below the closing '---'.
    blank = _leading_blank_lines(body) if parsed.body else 0
    parsed.body_line = closing + 2 + blank
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
    loader = SafeLoader(block)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        problem = error.problem or "invalid YAML"
        if "mapping values are not allowed" in problem:
            problem += " (put quotes around a value that contains ': ' or ends with ':')"
        raise FrontMatterError(line, f"front matter is not valid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise FrontMatterError(first_line, f"front matter is not valid YAML: {error}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError(
            first_line, "front matter must be a set of 'key: value' lines, found a single value"
        )
    result = FrontMatter(data=data)
    if node is not None:
        _walk(node, (), first_line, result)
    return result


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
