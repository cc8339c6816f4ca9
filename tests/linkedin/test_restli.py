"""Rest.li 2.0 encoding (linkedin-api.md 1.2)."""

from __future__ import annotations

import pytest

from publisher.linkedin.restli import RestliValue, decode_id, encode_key, encode_value, query_string


@pytest.mark.parametrize(("key", "encoded"), [
    ("urn:li:share:6844785523593134080", "urn%3Ali%3Ashare%3A6844785523593134080"),
    ("urn:li:ugcPost:1", "urn%3Ali%3AugcPost%3A1"),
    ("urn:li:comment:(urn:li:activity:1,2)",
     "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A1%2C2%29"),
    ("urn:li:image:C4E10AQFoyy-AjH_PMQ", "urn%3Ali%3Aimage%3AC4E10AQFoyy-AjH_PMQ"),
    ("a/b c", "a%2Fb%20c"),
])
def test_path_keys_are_encoded_entirely(key: str, encoded: str) -> None:
    assert encode_key(key) == encoded


@pytest.mark.parametrize(("value", "encoded"), [
    ("urn:li:organization:5515715", "urn%3Ali%3Aorganization%3A5515715"),
    (["urn:li:share:1", "urn:li:ugcPost:2"], "List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)"),
    ([], "List()"),
    ({"share": "urn:li:share:1"}, "(share:urn%3Ali%3Ashare%3A1)"),
    ({"b": 2, "a": True}, "(a:true,b:2)"),
    ({"timeRange": {"start": 1, "end": 2}}, "(timeRange:(end:2,start:1))"),
    (10, "10"), (False, "false"),
    ("a b,c", "a%20b%2Cc"),
])
def test_query_values_encode_leaves_and_keep_structure(value: RestliValue, encoded: str) -> None:
    assert encode_value(value) == encoded


def test_query_string_keeps_order() -> None:
    assert query_string({"q": "author", "author": "urn:li:organization:5515715", "count": 10,
                         "start": 0, "sortBy": "LAST_MODIFIED"}) == (
        "q=author&author=urn%3Ali%3Aorganization%3A5515715&count=10&start=0&sortBy=LAST_MODIFIED")


@pytest.mark.parametrize(("header", "urn"), [
    ("urn:li:share:7045020441609936898", "urn:li:share:7045020441609936898"),
    (" urn%3Ali%3AugcPost%3A1 ", "urn:li:ugcPost:1"),
    ("urn:li:comment:%28urn:li:activity:1%2C2%29", "urn:li:comment:(urn:li:activity:1,2)"),
])
def test_created_ids_are_decoded(header: str, urn: str) -> None:
    assert decode_id(header) == urn
