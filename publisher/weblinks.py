"""Web links in a post: the tracking parameters a team adds to its own sites' links, and
where a bare URL typed in a sentence ends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def with_utm(url: str, utm: Mapping[str, str], domains: Sequence[str]) -> str:
    """`url` with the utm parameters it lacks, when its host is one of `domains`."""
    return _utm_for(url, tuple(utm.items()), tuple(domains))


@lru_cache(maxsize=4096)
def _utm_for(url: str, utm_items: tuple[tuple[str, str], ...], domains: tuple[str, ...]) -> str:
    # Cached: a team links the same few pages from many posts, and splitting and joining
    # a URL took a twentieth of a cold plan.
    utm = dict(utm_items)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # malformed (e.g. a bad IPv6 literal): LinkedIn shows it as typed
        return url
    if parts.scheme.lower() not in ("http", "https") or not _in_domains(host, domains):
        return url
    present = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    missing = [(key, value) for key, value in utm.items() if key not in present]
    if not missing:
        return url
    query = "&".join(filter(None, (parts.query, urlencode(missing))))
    return urlunsplit(parts._replace(query=query))


def _in_domains(host: str, domains: Sequence[str]) -> bool:
    for entry in domains:
        domain = entry.strip().lstrip(".").lower()
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


_URL_TAIL = ".,:;!?'\"*_~"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def trim_url(url: str) -> str:
    """Drop trailing punctuation that ends the sentence rather than the URL."""
    while True:
        trimmed = url.rstrip(_URL_TAIL)
        close = trimmed[-1:]
        if close in _PAIRS and trimmed.count(close) > trimmed.count(_PAIRS[close]):
            trimmed = trimmed[:-1]
        if trimmed == url:
            return url
        url = trimmed
