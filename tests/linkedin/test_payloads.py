"""build_post_payload writes exactly the bodies of linkedin-api.md 4.2."""

from __future__ import annotations

from typing import Any

import pytest

from publisher.linkedin.client import build_post_payload

PERSON = "urn:li:person:782bbtaQ"
ORG = "urn:li:organization:2414183"
DISTRIBUTION = {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                "thirdPartyDistributionChannels": []}


def expected(author: str, commentary: str, content: dict[str, Any] | None = None,
             visibility: str = "PUBLIC", reshare_disabled: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "author": author, "commentary": commentary, "visibility": visibility,
        "distribution": DISTRIBUTION, "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": reshare_disabled,
    }
    if content is not None:
        body["content"] = content
    return body


def test_text_post_of_a_member_is_the_documented_example() -> None:
    assert build_post_payload(PERSON, "Hello \\(world\\)! #coding", "PUBLIC") == {
        "author": "urn:li:person:782bbtaQ",
        "commentary": "Hello \\(world\\)! #coding",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }


@pytest.mark.parametrize(("kwargs", "content"), [
    ({}, None),
    ({"media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "a chart"}},
     {"media": {"id": "urn:li:image:C4E10AQFoyyAjHPMQuQ", "altText": "a chart"}}),
    ({"media": {"id": "urn:li:video:C5F10AQGKQg_6y2a4sQ", "title": "Launch video"}},
     {"media": {"id": "urn:li:video:C5F10AQGKQg_6y2a4sQ", "title": "Launch video"}}),
    ({"media": {"id": "urn:li:document:D4D10AQH", "title": "slides.pdf"}},
     {"media": {"id": "urn:li:document:D4D10AQH", "title": "slides.pdf"}}),
    ({"multi_image": [{"id": "urn:li:image:A", "altText": "first slide"},
                      {"id": "urn:li:image:B", "altText": "second slide"}]},
     {"multiImage": {"images": [{"id": "urn:li:image:A", "altText": "first slide"},
                                {"id": "urn:li:image:B", "altText": "second slide"}]}}),
    ({"article": {"source": "https://example.com/latest-article",
                  "thumbnail": "urn:li:image:C49klciosC89", "title": "Latest Article Title",
                  "description": "A brief description of our latest article."}},
     {"article": {"source": "https://example.com/latest-article",
                  "thumbnail": "urn:li:image:C49klciosC89", "title": "Latest Article Title",
                  "description": "A brief description of our latest article."}}),
    ({"article": {"source": "https://example.com/a", "title": "A"}},
     {"article": {"source": "https://example.com/a", "title": "A"}}),
])
def test_content_kinds(kwargs: dict[str, Any], content: dict[str, Any] | None) -> None:
    assert build_post_payload(ORG, "text", "PUBLIC", **kwargs) == expected(ORG, "text", content)


@pytest.mark.parametrize(("author", "visibility", "reshare"), [
    (PERSON, "CONNECTIONS", True), (ORG, "LOGGED_IN", False), (PERSON, "PUBLIC", True)])
def test_visibility_and_reshare(author: str, visibility: str, reshare: bool) -> None:
    assert build_post_payload(author, "t", visibility, reshare_disabled=reshare) == expected(
        author, "t", visibility=visibility, reshare_disabled=reshare)


def test_payload_is_fresh_each_time() -> None:
    first = build_post_payload(ORG, "a", "PUBLIC")
    first["distribution"]["targetEntities"].append("x")
    assert build_post_payload(ORG, "a", "PUBLIC")["distribution"] == DISTRIBUTION


@pytest.mark.parametrize(("author", "visibility", "kwargs", "problem"), [
    (ORG, "FRIENDS", {}, "visibility must be one of"),
    (ORG, "CONNECTIONS", {}, "only for member authors"),
    (ORG, "PUBLIC", {"media": {"id": "urn:li:image:A"}, "article": {"source": "s", "title": "t"}},
     "at most one kind of content, got media and article"),
    (ORG, "PUBLIC", {"multi_image": [{"id": "urn:li:image:A"}]}, "2 to 20 images, got 1"),
    (ORG, "PUBLIC", {"multi_image": [{"id": f"urn:li:image:{i}"} for i in range(21)]},
     "2 to 20 images, got 21"),
    (ORG, "PUBLIC", {"media": {"id": "urn:li:document:D"}}, "document post needs media.title"),
    (ORG, "PUBLIC", {"media": {"altText": "x"}}, "media needs id"),
    (ORG, "PUBLIC", {"media": {"id": "urn:li:image:A", "alt": "x"}}, "unknown keys ['alt']"),
    (ORG, "PUBLIC", {"article": {"source": "https://e.com"}}, "article needs title"),
    (ORG, "PUBLIC", {"multi_image": [{"id": "urn:li:image:A", "title": "t"},
                                     {"id": "urn:li:image:B"}]}, "unknown keys ['title']"),
])
def test_shapes_linkedin_would_refuse(author: str, visibility: str, kwargs: dict[str, Any],
                                      problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        build_post_payload(author, "t", visibility, **kwargs)
