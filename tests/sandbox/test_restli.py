"""Rest.li 2.0 decoding of query values and path keys."""

from __future__ import annotations

import pytest

from publisher.sandbox.restli import (
    RestliSyntaxError,
    decode,
    decode_path_key,
    looks_fully_encoded,
    split_query,
)


@pytest.mark.parametrize(("raw", "value"), [
    ("urn%3Ali%3Ashare%3A1", "urn:li:share:1"),
    ("List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)", ["urn:li:share:1", "urn:li:ugcPost:2"]),
    ("List()", []),
    ("(share:urn%3Ali%3Ashare%3A7)", {"share": "urn:li:share:7"}),
    ("(timeRange:(start:1,end:2),timeGranularityType:DAY)",
     {"timeRange": {"start": "1", "end": "2"}, "timeGranularityType": "DAY"}),
    ("(start:(day:4,month:5,year:2024),end:(day:6,month:5,year:2024))",
     {"start": {"day": "4", "month": "5", "year": "2024"},
      "end": {"day": "6", "month": "5", "year": "2024"}}),
    ("List((k:v),(k:w))", [{"k": "v"}, {"k": "w"}]),
    ("hello%20world", "hello world"),
])
def test_decode(raw: str, value: object) -> None:
    assert decode(raw) == value


@pytest.mark.parametrize(("raw", "message"), [
    ("urn:li:person:abc", "unexpected ':'"),
    ("List(urn:li:share:1)", "expected ','"),
    ("List(a,b", "expected ','"),
    ("(k:v", "expected ','"),
    ("(kv)", "expected ':'"),
])
def test_decode_rejects_bad_syntax(raw: str, message: str) -> None:
    with pytest.raises(RestliSyntaxError, match=message):
        decode(raw)


@pytest.mark.parametrize(("raw", "encoded"), [
    ("List%28urn%3Ali%3Ashare%3A1%29", True), ("%28share:x%29", True),
    ("List(urn%3Ali%3Ashare%3A1)", False), ("urn%3Ali", False),
])
def test_fully_encoded_structure_is_recognised(raw: str, encoded: bool) -> None:
    assert looks_fully_encoded(raw) is encoded


def test_path_keys_must_be_fully_encoded() -> None:
    assert decode_path_key("urn%3Ali%3Ashare%3A1") == "urn:li:share:1"
    with pytest.raises(RestliSyntaxError, match="must be fully URL-encoded"):
        decode_path_key("urn:li:share:1")


def test_split_query_keeps_values_encoded() -> None:
    assert split_query("q=author&author=urn%3Ali%3Aperson%3Ax&count=5") == {
        "q": "author", "author": "urn%3Ali%3Aperson%3Ax", "count": "5"}


@pytest.mark.parametrize(("raw", "value"), [
    ("urn:li:person:abc", "urn:li:person:abc"),
    ("List(urn:li:share:1,urn:li:share:2)", ["urn:li:share:1", "urn:li:share:2"]),
    ("(share:urn:li:share:7)", {"share": "urn:li:share:7"}),
])
def test_lenient_decode_accepts_literal_colons_in_values(raw: str, value: object) -> None:
    assert decode(raw, lenient=True) == value
