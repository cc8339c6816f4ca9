"""LinkedIn ``commentary`` (Little Text) -> a Markdown body that renders back to it. Pure.

``publish import`` turns posts that are already on LinkedIn into post files. Their text must
come back as Markdown that ``publisher.render`` turns into the *same* wire string, or the
first sync after an import would plan an update for every imported post. So this is the
inverse of the renderer on everything the renderer produces:

- escaped reserved characters (``\\#``, ``\\(``…) stay backslash escapes: in Markdown a
  backslash before ASCII punctuation is a literal character, and the renderer escapes a
  literal reserved character again;
- mentions ``@[Name](urn:li:…)`` become ``@handle``: an entry of the mention registry with
  that URN and name keeps its handle, any other gets a new handle, returned to the caller
  to add to ``[mentions]`` or to the post's ``mentions:``;
- hashtags ``#word`` and templates ``{hashtag|\\#|word\\_x}`` become ``#word`` / ``#word_x``
  (LinkedIn returns every hashtag as a template: ``{hashtag|\\#|launch}`` is ``#launch``);
- what Markdown itself would read as structure is neutralised: a line that would start a
  list, a heading underline or a code block, a backtick, an entity; leading spaces (which
  Markdown drops) and runs of blank lines (which it merges) are kept with ``&#32;``, an
  entity the renderer sends as a plain space.

Lines the renderer made from Markdown structure (``•`` bullets, ``1.`` numbers, ``text
(url)`` links, Unicode bold letters) stay as the text they are: they render to themselves.

Text LinkedIn wrote itself (in its own editor) may hold what the renderer never makes: an
unescaped reserved character, a mention glued to a word, trailing spaces. Such text comes
back as Markdown that shows the same to a reader, not byte for byte the same wire.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The renderer's own parser and address rules, so that the inverse cannot drift from them.
from publisher.render_options import Mention, RenderOptions
from publisher.render_walk import _PARSER, HANDLE, MENTION_URN
from publisher.weblinks import trim_url, with_utm

RESERVED = "|{}@[]()<>#\\*_~"

_NOT_RESERVED = r"[^|{}@\[\]()<>#\\*_~\n]"
_ESCAPED = r"\\[|{}@\[\]()<>#\\*_~]"
_TEXT = rf"(?:{_NOT_RESERVED}|{_ESCAPED})+"
_MENTION = re.compile(rf"@\[(?P<name>{_TEXT})\]\((?P<urn>urn:li:[a-zA-Z]+:[A-Za-z0-9_-]+)\)")
_TEMPLATE = re.compile(rf"\{{hashtag\|(?:\\#|#|＃)\|(?P<tag>{_TEXT})\}}")
_HASHTAG = re.compile(r"#(?P<tag>[^\W_]+)")
_UNESCAPE = re.compile(r"\\([|{}@\[\]()<>#\\*_~])")

# What the renderer reads as a handle (its mention URNs: MENTION_URN).
_HANDLE = re.compile(HANDLE)
_ENTITY_LIKE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LIST_NUMBER = re.compile(r"[0-9]{1,9}\.")
_SPACE = "&#32;"
# Reserved characters an address may hold written as it reads: "_" only inside a word
# ("utm_source"), where Markdown never reads it as emphasis.
_UNSAFE_IN_URL = re.compile(r"[|{}\[\]<>\\*`]|(?<![^\W_])_|_(?![^\W_])")
_URL = re.compile(r"(?i:https?)://[^\s<>]+")  # as the renderer finds a bare address


@dataclass(frozen=True)
class Unrendered:
    markdown: str
    mentions: dict[str, Mention]  # handle -> mention, for handles the registry did not have


@dataclass(frozen=True)
class _Char:
    char: str
    escaped: bool  # sent as "\c": a literal reserved character


@dataclass(frozen=True)
class _Mention:
    name: str
    urn: str


@dataclass(frozen=True)
class _Tag:
    tag: str
    template: bool


_Atom = _Char | _Mention | _Tag


def unrender(commentary: str, options: RenderOptions | None = None) -> Unrendered:
    """Markdown whose rendering with `options` (and the returned mentions) is `commentary`.

    The options matter beyond the mentions: an address the renderer would give UTM
    parameters it does not have was not an address to the renderer, and is written so
    that it stays plain text.
    """
    options = options or RenderOptions()
    handles = _Handles(dict(options.mentions))
    lines = [_markdown_line(_atoms(line), handles, options)
             for line in commentary.split("\n")]
    return Unrendered(_join(lines), handles.new)


def unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


# ----------------------------------------------------------------------------- wire -> atoms


def _atoms(line: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    pos = 0
    while pos < len(line):
        atom, pos = _atom(line, pos)
        atoms.append(atom)
    return atoms


def _atom(line: str, pos: int) -> tuple[_Atom, int]:
    char = line[pos]
    if char == "\\" and line[pos + 1 : pos + 2] and line[pos + 1] in RESERVED:
        return _Char(line[pos + 1], escaped=True), pos + 2
    if char == "@" and (match := _MENTION.match(line, pos)):
        return _Mention(unescape(match["name"]), match["urn"]), match.end()
    if char == "{" and (match := _TEMPLATE.match(line, pos)):
        return _Tag(unescape(match["tag"]), template=True), match.end()
    if char == "#" and (match := _HASHTAG.match(line, pos)):
        return _Tag(match["tag"], template=False), match.end()
    # Any other reserved character here is bare: LinkedIn's own text; keep it as a literal.
    return _Char(char, escaped=char in RESERVED), pos + 1


# ----------------------------------------------------------------------------- atoms -> Markdown


class _Handles:
    """Handles for mentions: the registry's where it has the same URN and name, else new ones."""

    def __init__(self, registry: dict[str, Mention]) -> None:
        self.registry = registry
        self.new: dict[str, Mention] = {}

    def handle(self, mention: Mention) -> str:
        for handle, known in (self.registry | self.new).items():
            if known == mention:
                return handle
        handle = self._free(_slug(mention.name))
        self.new[handle] = mention
        return handle

    def _free(self, base: str) -> str:
        taken = self.registry.keys() | self.new.keys()
        handle, number = base, 1
        while handle in taken:
            number += 1
            handle = f"{base}-{number}"
        return handle


def _slug(name: str) -> str:
    words = re.findall(r"[^\W_]+", name.lower())
    slug = "-".join(words)
    if not slug or not _HANDLE.fullmatch(slug):
        slug = "-".join(["mention", *words]) if words else "mention"
    return slug


def _markdown_line(atoms: list[_Atom], handles: _Handles, options: RenderOptions) -> str:
    while atoms and isinstance(atoms[-1], _Char) and atoms[-1].char in " \t" \
            and not atoms[-1].escaped:
        atoms = atoms[:-1]  # the renderer never ends a line with spaces; Markdown drops them
    out: list[str] = []
    prev = ""  # the source character before, as the renderer sees it ("C#" is no hashtag)
    stop = False  # the element before would run on into this character: send an entity
    raw, broken, cut = _urls(atoms, options)
    for index, atom in enumerate(atoms):
        if isinstance(atom, _Mention):
            text, prev, stop = _mention(atom, prev, _following(atoms, index), handles)
            out.append(text)
            continue
        if isinstance(atom, _Tag):
            text, prev, stop = _hashtag(atom, prev, _following(atoms, index))
            out.append(text)
            continue
        if (stop or index in cut) and not atom.escaped:
            text = f"&#{ord(atom.char)};"  # ends the text token, keeps the character
        elif index in raw and not stop:
            text = atom.char
        elif atom.escaped:
            text = "\\" + atom.char
        elif index in broken:
            text = "\\:"
        else:
            text = _char(atom, atoms, index)
        out.append(text)
        prev, stop = atom.char, False
    return "".join(out)


def _urls(atoms: list[_Atom],
          options: RenderOptions) -> tuple[set[int], set[int], set[int]]:
    """Where web addresses are written as they read, and where one must be broken.

    The renderer adds UTM parameters to a whole address; an escape inside one (``a\\_b``)
    would cut it into two text tokens and the parameters would land in the middle. So an
    address is written as it reads. An address lacking parameters the renderer would add
    was text to the renderer (as in ``@janehttps://…``, an unknown handle), and one holding
    a character Markdown acts on cannot be written as it reads: its ``:`` is escaped so
    that it stays text, which the renderer sends as the same characters.
    """
    line = "".join(a.char if isinstance(a, _Char) else " " for a in atoms)
    raw: set[int] = set()
    broken: set[int] = set()
    cut: set[int] = set()
    for match in _URL.finditer(line):
        url = trim_url(match.group(0))
        if with_utm(url, options.utm, options.utm_domains) != url or not _plain_url(url):
            broken.update(match.start() + inner.end() - 3
                          for inner in re.finditer(r"(?i:https?)://", url))
        else:
            end = match.start() + len(url)
            after = atoms[end] if end < len(atoms) else None
            # The renderer must see the address end where it ends here: what follows in
            # the same text token would be read into it. An element behind it takes the
            # address's last character as an entity; a trimmed ".", ")"… is one itself.
            if after is not None and not isinstance(after, _Char):
                end -= 1
                cut.add(end)
            elif isinstance(after, _Char) and not after.escaped and not after.char.isspace():
                cut.add(end)
            raw.update(range(match.start(), end))
    return raw, broken, cut


def _plain_url(url: str) -> bool:
    """Whether `url` can be written as it reads: Markdown takes it as one run of text, and
    none of its characters can pair with a character elsewhere into emphasis or a link."""
    if _UNSAFE_IN_URL.search(url) or "~~" in url:
        return False
    return _reads_as_text(url)


def _reads_as_text(url: str) -> bool:
    """Whether Markdown reads `url`, written as it is, as one run of plain text.

    Around it every character Markdown acts on is escaped, so the address alone decides.
    """
    tokens = _PARSER.parseInline(url)
    children = tokens[0].children or [] if tokens else []
    return len(children) == 1 and children[0].type == "text" and children[0].content == url


def _following(atoms: list[_Atom], index: int) -> str:
    """The plain text right after atom `index`, up to the next escape or element."""
    out: list[str] = []
    for atom in atoms[index + 1 :]:
        if not isinstance(atom, _Char) or atom.escaped:
            break
        out.append(atom.char)
    return "".join(out)


def _joins_word(char: str) -> bool:
    return char != "" and (char.isalnum() or char in "_@#")


def _mention(atom: _Mention, prev: str, after: str,
             handles: _Handles) -> tuple[str, str, bool]:
    if _joins_word(prev) or not MENTION_URN.fullmatch(atom.urn) or not atom.name:
        # The renderer cannot make this element here: keep what readers see, the name.
        return _literal(atom.name), atom.name[-1:], False
    handle = handles.handle(Mention(urn=atom.urn, name=atom.name))
    return "@" + handle, handle[-1], _runs_on(_HANDLE, handle, after)


def _hashtag(atom: _Tag, prev: str, after: str) -> tuple[str, str, bool]:
    tag = atom.tag
    makes_tag = re.fullmatch(r"\w+", tag) is not None and any(c.isalpha() for c in tag)
    # LinkedIn returns every hashtag as a template ({hashtag|\\#|launch}): it comes back as
    # #launch, which the renderer sends as the plain element (the template only when the
    # tag holds a "_"), and LinkedIn stores as the template again.
    if _joins_word(prev) or not makes_tag:
        return "\\#" + _literal(tag), tag[-1:], False
    return "#" + tag, tag[-1], _runs_on(re.compile(r"\w+"), tag, after)


def _runs_on(pattern: re.Pattern[str], word: str, after: str) -> bool:
    """Whether the renderer's pattern for an element would read on into the text after it.

    Then that text's first character is sent as an entity, which markdown-it keeps as a
    token of its own, so the element ends where it should.
    """
    match = pattern.match(word + after)
    return bool(after) and match is not None and match.end() > len(word)


def _literal(text: str) -> str:
    """Text that Markdown and the renderer both keep as it is: no element, no structure."""
    return "".join("\\" + char if char in RESERVED or char in "`&" else char for char in text)


def _char(atom: _Char, atoms: list[_Atom], index: int) -> str:
    """A plain character, escaped where Markdown would read structure into it."""
    char = atom.char
    needs_escape = (
        (index == 0 and char in "-+=")  # a bullet, a heading underline or a rule
        or (char == "." and _LIST_NUMBER.fullmatch(_text(atoms[: index + 1])) is not None)
        or char == "`"  # a code span
        or (char == "&" and _ENTITY_LIKE.match(_text(atoms[index : index + 40])) is not None)
    )
    if needs_escape:
        return "\\" + char
    if char == "\r" or (index == 0 and char.isspace()):
        return f"&#{ord(char)};"  # Markdown drops leading spaces and reads four as code
    return char


def _text(atoms: list[_Atom]) -> str:
    return "".join(a.char if isinstance(a, _Char) and not a.escaped else "\0" for a in atoms)


def _join(lines: list[str]) -> str:
    """Lines as Markdown paragraphs: one blank line is a paragraph break, more are kept."""
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    out: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index]:
            out.append(lines[index])
            index += 1
            continue
        run = index
        while run < len(lines) and not lines[run]:
            run += 1
        blanks = run - index
        out.extend([""] if blanks == 1 else [_SPACE] * blanks)
        index = run
    return "\n".join(out)
