"""The walk over markdown-it's tokens that ``publisher.render`` runs: blocks, inline runs,
mentions, hashtags, links and emphasis, each rendered to pieces of wire and seen text.

See ``publisher.render`` for the rules; this module is its machinery.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from publisher.render_options import RenderIssue, RenderOptions, Severity, escape_little
from publisher.weblinks import is_web, trim_url, with_utm

# ----------------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class _Piece:
    wire: str  # what goes into commentary
    seen: str  # what a reader sees for it
    element: bool = False  # a mention or hashtag: never trimmed


def _text(text: str) -> _Piece:
    return _Piece(escape_little(text), text)


_Line = list[_Piece]

_PARSER = MarkdownIt("commonmark").enable("strikethrough")
# Without text_join, backslash escapes and entities stay separate `text_special` nodes, so
# "\#1" or "\@jane" in the Markdown means a literal character, never a hashtag or mention.
_PARSER.disable("text_join")
# markdown-it's text rule stops at every character that some inline rule, its own or a
# plugin's, may start at ('@', '#', ':', '-', '%', ...), and tries every rule there. Only
# these start a rule enabled above, or end a link label: stopping at the others changes no
# token (tests/test_render_parser.py compares with the stock parser) and took a fifth of
# the parse of a post. (Older markdown-it-py, without terminator_re, stops at them all.)
_INLINE_STARTS = {
    "newline": "\n", "escape": "\\", "backticks": "`", "strikethrough": "~",
    "emphasis": "*_", "link": "[]", "image": "!", "autolink": "<", "html_inline": "<",
    "entity": "&",
}
_PARSER.inline.terminator_re = re.compile(
    "[" + re.escape("".join(sorted(set("".join(_INLINE_STARTS.values()))))) + "]"
)


def _inline(state: StateCore) -> None:
    """markdown-it's core `inline` rule, with a shortcut: a paragraph, list item or heading
    whose text holds no character at which an inline rule can start is one text token, as
    the text rule (tried first) would make it by taking the whole text in one step. Most
    paragraphs of a post are such plain text, and the inline parser's set-up and passes
    over them were a third of the parse."""
    terminator = _PARSER.inline.terminator_re
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if content and terminator.search(content) is None:
                text = Token("text", "", 0)
                text.content = content
                token.children.append(text)
            else:
                state.md.inline.parse(content, state.md, state.env, token.children)


_PARSER.core.ruler.at("inline", _inline)

_RULE = "———"
_BULLETS = ("•", "◦", "▪")
_QUOTE = "> "


# ----------------------------------------------------------------------------- emphasis


def _styled(upper: int, lower: int, digits: int | None) -> dict[int, str]:
    table = {ord("A") + i: chr(upper + i) for i in range(26)}
    table.update({ord("a") + i: chr(lower + i) for i in range(26)})
    if digits is not None:
        table.update({ord("0") + i: chr(digits + i) for i in range(10)})
    return table


# Mathematical Sans-Serif letters; italic has no digits of its own, bold italic borrows bold's.
_BOLD = _styled(0x1D5D4, 0x1D5EE, 0x1D7EC)
_ITALIC = _styled(0x1D608, 0x1D622, None)
_BOLD_ITALIC = _styled(0x1D63C, 0x1D656, 0x1D7EC)
_STRIKE = "\u0336"  # combining long stroke overlay


@dataclass(frozen=True)
class _Style:
    draw: bool = False  # unicode mode: emphasis is drawn with styled letters, else dropped
    bold: bool = False
    italic: bool = False
    strike: bool = False
    literal: bool = False  # link text and alt text: no mentions, hashtags or bare URLs

    def apply(self, text: str) -> str:
        if not self.draw:
            return text
        if self.bold and self.italic:
            text = text.translate(_BOLD_ITALIC)
        elif self.bold:
            text = text.translate(_BOLD)
        elif self.italic:
            text = text.translate(_ITALIC)
        if self.strike:
            text = "".join(char + _STRIKE if not char.isspace() else char for char in text)
        return text


# ----------------------------------------------------------------------------- text scanning

# Handles: letters, digits, "_", "-", "." but not ending in "." or "-" ("@jane." -> jane),
# and not starting with a digit, so "@2pm" or "@10" are text rather than unknown mentions.
HANDLE = r"[^\W\d](?:[\w.-]*\w)?"
_ELEMENT = re.compile(
    r"(?P<url>(?i:https?)://[^\s<>]+)"
    rf"|@(?P<handle>{HANDLE})"
    r"|#(?P<tag>\w+)"
)
# Member ids are OpenID `sub` values, which hold "_" and "-" (urn:li:person:GR_0y0zfGl);
# the URN inside "(...)" is not Text in the grammar, so it is sent as is, unescaped.
MENTION_URN = re.compile(r"urn:li:(?:person:[A-Za-z0-9_-]+|organization:[0-9]+)")


def _joins_word(char: str) -> bool:
    """A sigil right after this character is part of a word ("a@b.com", "C#"), not an element."""
    return char != "" and (char.isalnum() or char in "_@#")


@dataclass
class _LinkFrame:
    """A link whose label is being rendered: where its output goes back to when it closes."""

    token: Token
    lines: list[_Line]
    line: int | None


_EMPHASIS: dict[str, dict[str, bool]] = {
    "em_open": {"italic": True},
    "strong_open": {"bold": True},
    "s_open": {"strike": True},
}


class _Inline:
    """Renders one inline run (a paragraph's or a heading's content) into lines of pieces.

    It walks markdown-it's flat inline tokens with a stack of styles instead of recursing,
    so emphasis nested thousands deep cannot exhaust Python's stack.
    """

    def __init__(self, renderer: _Renderer, line: int | None) -> None:
        self.renderer = renderer
        self.line = line  # source line of the current output line, for issues
        self.lines: list[_Line] = [[]]
        # The last character a reader sees so far, to tell "C#" from "#tag": LinkedIn reads
        # the wire, so what comes before a "#" is the rendered text (a link's added query,
        # an emphasis's letters), not the Markdown it came from.
        self.prev = ""
        self.links: list[_LinkFrame] = []

    def add(self, piece: _Piece) -> None:
        if "\n" in piece.seen and not piece.element:  # raw HTML or "&#10;" spanning lines
            wires, seens = piece.wire.split("\n"), piece.seen.split("\n")
            for index, (wire, seen) in enumerate(zip(wires, seens, strict=True)):
                if index:
                    self.newline()
                self.add(_Piece(wire, seen))
        elif piece.wire:
            self.lines[-1].append(piece)
        if piece.seen:
            self.prev = piece.seen[-1]

    def newline(self) -> None:
        self.lines.append([])
        self.prev = "\n"
        if self.line is not None:
            self.line += 1

    def run(self, tokens: Sequence[Token], style: _Style) -> None:
        styles = [style]
        for token in tokens:
            if token.nesting > 0:
                styles.append(self.open(token, styles[-1]))
            elif token.nesting < 0:
                self.close(token)
                if len(styles) > 1:
                    styles.pop()
            else:
                self.leaf(token, styles[-1])
        while self.links:  # markdown-it always closes links; this only guards the invariant
            self.close_link()

    def open(self, token: Token, style: _Style) -> _Style:
        if token.type == "link_open":
            self.links.append(_LinkFrame(token, self.lines, self.line))
            self.lines = [[]]
            return replace(style, literal=True)
        return replace(style, **_EMPHASIS.get(token.type, {}))

    def close(self, token: Token) -> None:
        if token.type == "link_close" and self.links:
            self.close_link()

    def leaf(self, token: Token, style: _Style) -> None:
        match token.type:
            case "text":
                self.text(token.content, style)
            case "text_special":  # a backslash escape or an entity: always a literal character
                self.add(_text(style.apply(token.content)))
            case "softbreak" | "hardbreak":
                self.newline()
            case "code_inline" | "html_inline":  # verbatim: never styled, never an element
                self.add(_text(token.content))
            case "image":
                self.image(token, style)
            case _:  # a token type this renderer does not know: keep its text
                if token.children:
                    self.run(token.children, style)
                else:
                    self.add(_text(token.content))

    # -- text, mentions, hashtags, bare URLs

    def text(self, text: str, style: _Style) -> None:
        if style.literal:
            self.add(_text(style.apply(text)))
            return
        pos = 0
        while (match := _ELEMENT.search(text, pos)) is not None:
            self.plain(text[pos : match.start()], style)
            pos = self.element(text, match, style)
        self.plain(text[pos:], style)

    def plain(self, text: str, style: _Style) -> None:
        if text:
            self.add(_text(style.apply(text)))

    def element(self, text: str, match: re.Match[str], style: _Style) -> int:
        """Emit the element that `match` found (or its literal text); return where to go on."""
        before = text[match.start() - 1] if match.start() else self.prev
        if match.group("url"):
            url = trim_url(match.group("url"))
            if url.endswith("://"):  # a scheme with no address is just text
                self.plain(url, style)
            else:
                self.url(url)
            return match.start() + len(url)
        if _joins_word(before):
            self.plain(match.group(0), style)
        elif match.group("handle"):
            self.mention(match.group("handle"), style)
        else:
            self.hashtag(match.group("tag"), style)
        return match.end()

    def url(self, url: str) -> None:
        shown = self.renderer.web_link(url)
        self.add(_text(shown))

    def mention(self, handle: str, style: _Style) -> None:
        target = self.renderer.options.mentions.get(handle)
        if target is None:
            self.renderer.issue(self.line, "error", (
                f"unknown mention '@{handle}': add it under mentions: in the front matter "
                "or [mentions] in publish.toml"
            ))
        elif not MENTION_URN.fullmatch(target.urn):
            self.renderer.issue(self.line, "error", (
                f"mention '@{handle}' has URN '{target.urn}', which is not a person or "
                "organization URN: fix it in the mentions registry"
            ))
        else:
            wire = f"@[{escape_little(target.name)}]({target.urn})"
            self.add(_Piece(wire, target.name, element=True))
            return
        self.plain("@" + handle, style)

    def hashtag(self, tag: str, style: _Style) -> None:
        if not any(char.isalpha() for char in tag):  # "#1" is a number, not a tag
            self.plain("#" + tag, style)
        elif "_" in tag:  # see the module docstring: the template keeps the whole tag
            wire = "{hashtag|\\#|" + escape_little(tag) + "}"
            self.add(_Piece(wire, "#" + tag, element=True))
        else:
            self.add(_Piece("#" + tag, "#" + tag, element=True))

    # -- links and images

    def close_link(self) -> None:
        frame = self.links.pop()
        label, self.lines, self.line = self.lines, frame.lines, frame.line
        target = _PARSER.normalizeLinkText(str(frame.token.attrGet("href") or ""))
        title = str(frame.token.attrGet("title") or "")
        mail = frame.token.markup == "autolink" and target.lower().startswith("mailto:")
        if mail or not target:  # <jane@example.com> is its own text; "[label]()" has no target
            self.splice(label)
            return
        shown = self.renderer.link_target(target, self.line)
        if title:
            shown = f'{shown} "{title}"'
        if _seen(label) in ("", target):
            self.add(_text(shown))
        else:
            self.splice(label)
            self.add(_text(f" ({shown})"))

    def image(self, token: Token, style: _Style) -> None:
        src = str(token.attrGet("src") or "")
        self.renderer.issue(self.line, "warning", (
            f"image '{src}' in the body is not uploaded: readers see only its alt text; "
            "attach images with images: in the front matter"
        ))
        self.run(token.children or [], replace(style, literal=True))

    def splice(self, lines: list[_Line]) -> None:
        first, *rest = lines
        self.lines[-1].extend(first)
        for line in rest:
            self.newline()
            self.lines[-1].extend(line)


def _seen(lines: list[_Line]) -> str:
    return "\n".join(["".join([piece.seen for piece in line]) for line in lines])


# ----------------------------------------------------------------------------- blocks


class _Block:
    """A block: its opening (or only) token, its type (`paragraph`, not `paragraph_open`)
    and the blocks inside it."""

    __slots__ = ("children", "token", "type")

    def __init__(self, token: Token) -> None:
        self.token = token
        self.type = token.type.removesuffix("_open")
        self.children: list[_Block] = []


def _block_tree(tokens: Sequence[Token]) -> list[_Block]:
    """markdown-it's flat block tokens as a tree, built with a stack rather than recursion."""
    top: list[_Block] = []
    stack = [top]
    for token in tokens:
        if token.nesting < 0:
            if len(stack) > 1:
                stack.pop()
            continue
        block = _Block(token)
        stack[-1].append(block)
        if token.nesting > 0:
            stack.append(block.children)
    return top


_CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open")


def _too_deep(tokens: Sequence[Token]) -> Token | None:
    """The container at which markdown-it stopped reading because of its nesting limit.

    markdown-it skips everything inside a container opened at the limit; rendering such a
    parse would silently lose text, so the caller sends the document as written instead.
    """
    limit = int(_PARSER.options["maxNesting"]) - 1
    return next((t for t in tokens if t.type in _CONTAINERS and t.level >= limit), None)


class _Renderer:
    """Walks the block structure of one Markdown document (the body or the footer)."""

    def __init__(
        self,
        options: RenderOptions,
        issues: list[RenderIssue],
        links: list[str],
        *,
        in_footer: bool,
    ) -> None:
        self.options = options
        self.issues = issues
        self.links = links
        self.in_footer = in_footer
        draw = options.emphasis == "unicode"
        self.styles = {bold: _Style(draw=draw, bold=bold) for bold in (False, True)}

    def issue(self, line: int | None, severity: Severity, message: str) -> None:
        if self.in_footer:  # the footer comes from publish.toml, not from the body's lines
            line, message = None, f"in [render].footer: {message}"
        self.issues.append(RenderIssue(line, severity, message))

    def web_link(self, url: str) -> str:
        """A http(s) URL as it goes out: with the configured UTM parameters, and recorded."""
        shown = with_utm(url, self.options.utm, self.options.utm_domains)
        self.links.append(shown)
        return shown

    def link_target(self, target: str, line: int | None) -> str:
        if is_web(target):
            return self.web_link(target)
        if not target.lower().startswith("mailto:"):
            self.issue(line, "warning", (
                f"link '{target}' is not a full http(s) URL: LinkedIn shows it as text "
                "that readers cannot open; write the whole https:// address"
            ))
        return target

    def style(self, *, bold: bool = False) -> _Style:
        """The style a block's text starts with."""
        return self.styles[bold]

    # -- documents and blocks

    def document(self, markdown: str) -> list[_Line]:
        source = markdown.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        tokens = _PARSER.parse(source)
        deep = _too_deep(tokens)
        if deep is not None:
            self.issue(_line_of(deep), "warning", (
                "lists or quotes are nested too deep to read as Markdown: the text is sent "
                "exactly as written, without formatting; nest them less deeply"
            ))
            return _trim(_verbatim(source))
        return _trim(self.blocks(_block_tree(tokens), loose=True, depth=0))

    def blocks(self, blocks: Iterable[_Block], *, loose: bool, depth: int) -> list[_Line]:
        """Render blocks one after another: a blank line between them when `loose`.

        `depth` counts the lists around these blocks, for the bullet shape.
        """
        out: list[_Line] = []
        for block in blocks:
            lines = self.block(block, depth)
            if not any(lines):
                continue
            if out and loose:
                out.append([])
            out.extend(lines)
        return out

    def block(self, block: _Block, depth: int) -> list[_Line]:
        return _BLOCK_HANDLERS.get(block.type, _Renderer.unknown)(self, block, depth)

    def paragraph(self, block: _Block, depth: int) -> list[_Line]:
        return self.inline_children(block, depth, self.style())

    def heading(self, block: _Block, depth: int) -> list[_Line]:
        return self.inline_children(block, depth, self.style(bold=True))

    def blockquote(self, block: _Block, depth: int) -> list[_Line]:
        return _prefixed(self.blocks(block.children, loose=True, depth=depth), _QUOTE, _QUOTE)

    def verbatim(self, block: _Block, depth: int) -> list[_Line]:
        return _verbatim(block.token.content)

    def rule(self, block: _Block, depth: int) -> list[_Line]:
        return [[_text(_RULE)]]

    def bare_inline(self, block: _Block, depth: int) -> list[_Line]:
        return self.inline(block.token, self.style())

    def unknown(self, block: _Block, depth: int) -> list[_Line]:
        """A block type this renderer does not know: keep its text."""
        if block.children:
            return self.blocks(block.children, loose=True, depth=depth)
        return _verbatim(block.token.content)

    def inline_children(self, block: _Block, depth: int, style: _Style) -> list[_Line]:
        lines: list[_Line] = []
        for child in block.children:
            is_inline = child.type == "inline"
            lines.extend(self.inline(child.token, style) if is_inline else self.block(child, depth))
        return lines

    def inline(self, token: Token, style: _Style) -> list[_Line]:
        run = _Inline(self, _line_of(token))
        run.run(token.children or [], style)
        return run.lines

    def list_block(self, block: _Block, depth: int) -> list[_Line]:
        ordered = block.type == "ordered_list"
        start = _int(block.token.attrGet("start"), 1)
        loose = _is_loose(block)
        lines: list[_Line] = []
        for index, item in enumerate(block.children):
            marker = f"{start + index}. " if ordered else _BULLETS[depth % len(_BULLETS)] + " "
            body = self.blocks(item.children, loose=loose, depth=depth + 1)
            lines.extend(_prefixed(body, marker, " " * len(marker)) if body else [[_text(marker)]])
        return lines


_BLOCK_HANDLERS: dict[str, Callable[[_Renderer, _Block, int], list[_Line]]] = {
    "paragraph": _Renderer.paragraph,
    "heading": _Renderer.heading,
    "bullet_list": _Renderer.list_block,
    "ordered_list": _Renderer.list_block,
    "blockquote": _Renderer.blockquote,
    "fence": _Renderer.verbatim,  # fences and info strings are markup: only the code shows
    "code_block": _Renderer.verbatim,
    "html_block": _Renderer.verbatim,  # raw HTML is never dropped: it shows as typed
    "hr": _Renderer.rule,
    "inline": _Renderer.bare_inline,
}


def _line_of(token: Token) -> int | None:
    return token.map[0] + 1 if token.map else None


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) else default


def _is_loose(block: _Block) -> bool:
    """markdown-it hides the paragraphs of tight lists; a loose list keeps blank lines in items."""
    return any(
        child.type == "paragraph" and not child.token.hidden
        for item in block.children
        for child in item.children
    )


def _prefixed(lines: list[_Line], first: str, rest: str) -> list[_Line]:
    """Lines with `first` before the first one and `rest` before the others (blank lines too)."""
    out: list[_Line] = []
    for index, line in enumerate(lines):
        prefix = first if index == 0 else rest
        if not line:
            prefix = prefix.rstrip()
        out.append([_text(prefix), *line] if prefix else list(line))
    return out


def _verbatim(content: str) -> list[_Line]:
    text = content.rstrip("\n")
    return [[_text(line)] if line else [] for line in text.split("\n")] if text else []


def _trim(lines: list[_Line]) -> list[_Line]:
    """Trailing spaces off every line, and no blank lines at the start or the end."""
    trimmed = [_rstrip(line) for line in lines]
    while trimmed and not trimmed[0]:
        trimmed.pop(0)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _rstrip(line: _Line) -> _Line:
    pieces = list(line)
    if pieces and pieces[-1].seen[-1:] not in ("", " ", "\t"):
        return pieces  # most lines: nothing to trim
    while pieces and not pieces[-1].element:
        last = pieces.pop()
        seen = last.seen.rstrip(" \t")
        if seen:
            pieces.append(_Piece(last.wire[: len(last.wire) - (len(last.seen) - len(seen))], seen))
            break
    return pieces
