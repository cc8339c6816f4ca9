"""Write `urn:` and `published_at:` into a post's front matter, touching nothing else;
or, once the post has left LinkedIn, turn those two lines into comments.

The file is edited as bytes: an existing key's value is replaced where it stands; a new
key is added as a line just before the closing `---` (or, for a flow-style `{...}` front
matter, inside the braces). The line ending (CRLF, LF or CR alone) and BOM of the file are
kept. Where the front matter ends is decided by `frontmatter_yaml.bounds`, the reader's
own rule. The result is parsed again and must mean exactly the old front matter plus the
new keys, else nothing is written. `check` and the plan run this same edit on every post
before it can be published (post.py), so a file that cannot take its URN is refused
before it is posted, not after. That trial is given the reader's parse: it places the
keys by it, and when the result's node tree is the reader's plus the new keys (the usual
case) it reads as exactly that, so no value is built to compare; only a result that
differs is built and compared as above.

A post file that is a symbolic link is never written: replacing it would turn the link
into a copy of whatever it pointed at.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from publisher.errors import PublisherError
from publisher.files import atomic_write
from publisher.frontmatter_yaml import (
    LINE_BREAK,
    Bounds,
    FrontMatter,
    FrontMatterError,
    SafeLoader,
    Shape,
    bounds,
    node_shape,
)


class WriteBackError(PublisherError):
    """The post file could not be updated safely; it was left as it was."""


def updated_source(
    data: bytes, values: dict[str, str], *, before: FrontMatter | None = None
) -> bytes:
    """The file `data` with each key of `values` set at the top of its front matter.

    `before`: the front matter of `data` as the reader parsed it, which spares parsing it
    again, both to place the keys and to verify the result: the result alone is parsed.
    """
    try:
        text = data.decode("utf-8")
        first_break = LINE_BREAK.search(text)
        newline = first_break.group() if first_break else "\n"
        new = _set_keys(text, values, newline, before)
        _verify(text, new, values, before)
        return new.encode("utf-8")
    except yaml.MarkedYAMLError as error:
        raise WriteBackError(
            f"the front matter cannot be read back as YAML ({error.problem or error.context})"
        ) from None
    except (yaml.YAMLError, UnicodeError) as error:
        reason = " ".join(str(error).split())
        raise WriteBackError(f"the front matter cannot be read back ({reason})") from None


def write_back(path: Path, values: dict[str, str]) -> bytes:
    """Update the file at `path` atomically; return its new bytes."""
    return _replace_file(path, updated_source(_readable(path), values))


def _readable(path: Path) -> bytes:
    """The bytes of a post file that may be replaced: never a symbolic link."""
    if path.is_symlink():
        raise WriteBackError(f"{path.name} is a symbolic link; a post file is never replaced")
    return path.read_bytes()


def _replace_file(path: Path, new: bytes) -> bytes:
    atomic_write(path, new)
    return new


# The keys publish writes: commented out when the post leaves LinkedIn.
PUBLISHED_KEYS = ("urn", "published_at")


def retired_source(data: bytes, note: str) -> bytes:
    """The file `data` with its `urn:` and `published_at:` lines turned into comments,
    `urn:` with `(note)` after it, so the file no longer reads as a live post."""
    text = data.decode("utf-8")
    where = _front_bounds(text)
    block = text[where.start : where.end]
    node = yaml.compose(block, Loader=SafeLoader) if block.strip() else None
    if not isinstance(node, yaml.MappingNode):
        raise WriteBackError("the front matter is not a mapping")
    if node.flow_style:
        raise WriteBackError("the front matter is one {...} mapping: remove urn: by hand")
    breaks = list(LINE_BREAK.finditer(block))
    starts = [0, *(found.end() for found in breaks)]
    edits: list[tuple[int, int, str]] = []  # (line start, line end, note), from the top
    for key_node, value_node in node.value:
        if key_node.value not in PUBLISHED_KEYS:
            continue
        row = key_node.start_mark.line
        if key_node.start_mark.column != 0 or value_node.end_mark.line != row:
            raise WriteBackError(f"{key_node.value}: is not a one-line key: remove it by hand")
        end = breaks[row].start() if row < len(breaks) else len(block)
        edits.append((starts[row], end, f" ({note})" if key_node.value == "urn" else ""))
    for first, last, after in reversed(edits):
        block = block[:first] + "# " + block[first:last] + after + block[last:]
    result = (text[: where.start] + block + text[where.end :]).encode("utf-8")
    _verify_retired(data, result)
    return result


def retire_keys(path: Path, note: str) -> bytes:
    """retired_source on the file at `path`, written atomically; its new bytes."""
    return _replace_file(path, retired_source(_readable(path), note))


def _verify_retired(old: bytes, new: bytes) -> None:
    before, after = _load(old), _load(new)
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise WriteBackError("the front matter is not a mapping")
    expected = {k: v for k, v in before.items() if k not in PUBLISHED_KEYS}
    if after != expected or _body(old) != _body(new):
        raise WriteBackError("commenting out urn: would change more; left the file as it was")


def _front_bounds(text: str) -> Bounds:
    try:
        return bounds(text)
    except FrontMatterError as error:
        raise WriteBackError(f"line {error.line}: {error.message}") from None


def _set_keys(text: str, values: dict[str, str], newline: str,
              before: FrontMatter | None) -> str:
    """Every key set; new keys of a block mapping (the usual case: a post just published)
    are added together, from one parse (the reader's, when it is given)."""
    where = _front_bounds(text)
    if before is not None:
        present, flow = before.top_keys(), before.flow
    else:
        node = _compose(text[where.start : where.end])
        present = {key.value for key, _ in node.value} if node is not None else set()
        flow = node is not None and bool(node.flow_style)
    if not flow and not present & values.keys():
        lines = "".join(f"{key}: {_quote(value)}{newline}" for key, value in values.items())
        return text[: where.end] + lines + text[where.end :]
    for key, value in values.items():
        text = _set_key(text, key, value, newline)
    return text


def _compose(block: str) -> yaml.MappingNode | None:
    # The reader's own parser (libyaml where PyYAML has it): the two never disagree.
    node = yaml.compose(block, Loader=SafeLoader) if block.strip() else None
    if node is not None and not isinstance(node, yaml.MappingNode):
        raise WriteBackError("the front matter is not a mapping")
    return node


def _set_key(text: str, key: str, value: str, newline: str) -> str:
    where = _front_bounds(text)
    start, end = where.start, where.end
    block = text[start:end]
    node = _compose(block)
    scalar = _quote(value)
    if node is not None:
        for key_node, value_node in node.value:
            if key_node.value == key:
                return _replace_value(text, start, block, value_node, scalar)
        if node.flow_style:
            return _insert_in_flow(text, start, block, node, key, scalar)
    return text[:end] + f"{key}: {scalar}{newline}" + text[end:]


def _offset(block: str, mark: yaml.Mark) -> int:
    """Turn a mark (line and column, YAML counting CRLF or CR as one break) into an offset."""
    starts = [0, *(match.end() for match in LINE_BREAK.finditer(block))]
    return starts[mark.line] + mark.column


def _replace_value(text: str, start: int, block: str, node: yaml.Node, scalar: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise WriteBackError("the existing key holds a list or mapping, not a value")
    first = start + _offset(block, node.start_mark)
    last = start + _offset(block, node.end_mark)
    if node.start_mark.line == node.end_mark.line and node.value == "" and not node.style:
        # An empty value ("urn:") has a zero-width node: put a space before the new value.
        # (Its style is None in PyYAML, "" in libyaml: both mean plain.)
        return text[:first] + (" " if text[first - 1] == ":" else "") + scalar + text[last:]
    return text[:first] + scalar + text[last:]


def _insert_in_flow(
    text: str, start: int, block: str, node: yaml.Node, key: str, scalar: str
) -> str:
    closing = start + _offset(block, node.end_mark) - 1
    if text[closing] != "}":
        raise WriteBackError("cannot find the end of the flow-style front matter")
    separator = ", " if node.value else ""
    return text[:closing] + f"{separator}{key}: {scalar}" + text[closing:]


_NEEDS_QUOTES = re.compile(r"[:#\s]")


def _quote(value: str) -> str:
    # URNs and ISO times are plain YAML scalars except for the colon-space rule and YAML's
    # own timestamp parsing; quoting keeps them strings however YAML reads them.
    return f'"{value}"' if _NEEDS_QUOTES.search(value) and not value.startswith("urn:") else value


def _load(data: bytes) -> object:
    text = data.decode("utf-8")
    return _front_data(text, _front_bounds(text))


def _verify(old: str, new: str, values: dict[str, str], known: FrontMatter | None) -> None:
    """`new` must read as `old` with `values` set, and hold the same text after its front
    matter. `known`: `old`'s front matter as the reader parsed it, when it has."""
    old_bounds, new_bounds = _front_bounds(old), _front_bounds(new)
    block = new[new_bounds.start : new_bounds.end]
    if known is None or not _reads_as_plus(block, known, values):
        before = known.data if known is not None else _front_data(old, old_bounds)
        after = _front_data(new, new_bounds)
        if not isinstance(before, dict) or not isinstance(after, dict):
            raise WriteBackError("the front matter is not a mapping")
        expected = {**before, **values}
        if {k: str(v) for k, v in after.items()} != {k: str(v) for k, v in expected.items()}:
            raise WriteBackError(
                "writing the URN would change other front matter; left the file as it was"
            )
    if old[old_bounds.end :] != new[new_bounds.end :]:
        raise WriteBackError(
            "writing the URN would change the post's text; left the file as it was"
        )


def _reads_as_plus(block: str, known: FrontMatter, values: dict[str, str]) -> bool:
    """Whether `block` is, node for node, the reader's front matter with `values` added as
    plain strings at the end of its mapping: then it reads as exactly that, and building
    its value to compare (the check below, which this only spares) is not needed."""
    node = yaml.compose(block, Loader=SafeLoader) if block.strip() else None
    added = tuple(("scalar", _STR, text) for pair in values.items() for text in pair)
    if not known.shape:
        expected: Shape = (("map", _MAP, len(values)), *added)
    elif known.shape[0][:2] == ("map", _MAP):
        root = ("map", _MAP, int(known.shape[0][2]) + len(values))
        expected = (root, *known.shape[1:], *added)
    else:
        return False
    return node_shape(node) == expected


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


def _front_data(text: str, where: Bounds) -> object:
    return yaml.load(text[where.start : where.end], Loader=SafeLoader) or {}


def _body(data: bytes) -> bytes:
    text = data.decode("utf-8")
    return text[_front_bounds(text).end :].encode("utf-8")
