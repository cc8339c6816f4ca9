"""Rest.li 2.0 decoding of query parameters and path keys (linkedin-api.md section 1.2).

In protocol 2.0 the structural characters of a value, ``List(``, ``(``, ``)``, ``,`` and
``:``, are written literally, while everything inside a primitive (a URN, say) is
percent-encoded: ``ids=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)``. A resource key in
the path is percent-encoded entirely. The functions here work on the raw, still encoded,
request text, because decoding first would erase the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

RestliValue = str | list["RestliValue"] | dict[str, "RestliValue"]

_STRUCTURAL = "(),:"


class RestliSyntaxError(ValueError):
    """A value that is not valid Rest.li 2.0 syntax."""


def split_query(raw_query: str) -> dict[str, str]:
    """Raw ``name=value`` pairs of a query string; names decoded, values left encoded."""
    pairs: dict[str, str] = {}
    for item in raw_query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs[unquote(name.replace("+", " "))] = value
    return pairs


def decode(raw: str, *, lenient: bool = False) -> RestliValue:
    """Decode one raw query value; raises RestliSyntaxError on bad syntax.

    ``lenient`` accepts literal ':' inside values (``List(urn:li:share:1)``), which strict
    Rest.li 2.0 refuses.
    """
    parser = _Parser(raw, lenient)
    value = parser.value()
    if parser.position != len(raw):
        raise RestliSyntaxError(
            f"unexpected {raw[parser.position]!r} at position {parser.position} of {raw!r}")
    return value


def looks_fully_encoded(raw: str) -> bool:
    """True for ``List%28...`` or ``%28...``: structure percent-encoded (rejected by LinkedIn)."""
    upper = raw.upper()
    return upper.startswith("LIST%28") or upper.startswith("%28")


def decode_path_key(raw_segment: str) -> str:
    """A path key must be fully encoded: ``urn%3Ali%3Ashare%3A1``, never ``urn:li:share:1``."""
    literal = [char for char in _STRUCTURAL if char in raw_segment]
    if literal:
        raise RestliSyntaxError(
            f"the resource key {raw_segment!r} must be fully URL-encoded "
            f"(found a literal {literal[0]!r})")
    return unquote(raw_segment)


@dataclass
class _Parser:
    raw: str
    lenient: bool = False
    position: int = 0

    def value(self) -> RestliValue:
        if self.raw.startswith("List(", self.position):
            self.position += len("List(")
            return self._list()
        if self.raw.startswith("(", self.position):
            self.position += 1
            return self._object()
        return self._primitive(key=False)

    def _primitive(self, *, key: bool) -> str:
        stops = "()," if self.lenient and not key else _STRUCTURAL
        start = self.position
        while self.position < len(self.raw) and self.raw[self.position] not in stops:
            self.position += 1
        return unquote(self.raw[start:self.position])

    def _list(self) -> list[RestliValue]:
        items: list[RestliValue] = []
        if self._take(")"):
            return items
        while True:
            items.append(self.value())
            if self._take(")"):
                return items
            self._expect(",")

    def _object(self) -> dict[str, RestliValue]:
        fields: dict[str, RestliValue] = {}
        if self._take(")"):
            return fields
        while True:
            key = self._primitive(key=True)
            self._expect(":")
            fields[key] = self.value()
            if self._take(")"):
                return fields
            self._expect(",")

    def _take(self, char: str) -> bool:
        if self.raw.startswith(char, self.position):
            self.position += 1
            return True
        return False

    def _expect(self, char: str) -> None:
        if not self._take(char):
            found = self.raw[self.position] if self.position < len(self.raw) else "end of value"
            raise RestliSyntaxError(
                f"expected {char!r} at position {self.position} of {self.raw!r}, found {found!r}")
