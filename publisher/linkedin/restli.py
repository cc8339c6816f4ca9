"""Rest.li 2.0 encoding: how URNs and structured values travel in paths and query strings.

LinkedIn's protocol-version page sets two different rules (linkedin-api.md 1.2):

* a resource key in the path is encoded entirely: ``urn:li:share:1`` -> ``urn%3Ali%3Ashare%3A1``;
* in a query value only the leaves are encoded; the structure stays literal:
  ``List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)`` and ``(k:v)``. Percent-encoding the
  ``(``, ``,`` or ``:`` of the structure is answered with 400 PARAM_INVALID.

So the query string is built here, by hand, and handed to the transport as it must go on the
wire; no HTTP library gets the chance to encode it a second time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote, unquote

RestliValue = str | int | bool | Sequence["RestliValue"] | Mapping[str, "RestliValue"]


def encode_key(key: str) -> str:
    """A resource key (usually a URN) for a URL path: every reserved character encoded."""
    return quote(key, safe="")


def encode_value(value: RestliValue) -> str:
    """A query-parameter value in Rest.li 2.0 syntax: leaves encoded, structure literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value, safe="")
    if isinstance(value, Mapping):
        # Records are written with sorted keys, as the official client does, so a URL is stable.
        fields = ",".join(f"{quote(k, safe='')}:{encode_value(value[k])}" for k in sorted(value))
        return f"({fields})"
    return "List(" + ",".join(encode_value(item) for item in value) + ")"


def query_string(params: Mapping[str, RestliValue]) -> str:
    """``k1=v1&k2=v2`` in the given order, each value Rest.li-encoded; no leading ``?``."""
    return "&".join(f"{quote(name, safe='')}={encode_value(value)}"
                    for name, value in params.items())


def decode_id(header_value: str) -> str:
    """The entity id from an ``x-restli-id`` header.

    LinkedIn sends simple post URNs as they are, but compound ids (comments:
    ``urn:li:comment:(urn:li:activity:1,2)``) may arrive percent-encoded; decoding an
    already plain URN changes nothing, since URNs hold no ``%``.
    """
    return unquote(header_value.strip())
