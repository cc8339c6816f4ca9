"""/rest/posts: create, read, find, update, delete, and the rules LinkedIn applies."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ACME, ALICE, BOB, NOW_MS, Api, key, post_body, restli_list

BAD_REQUEST = "com.linkedin.common.error.BadRequest"


def input_error(code: str, message: str, field: str | None) -> dict[str, Any]:
    detail: dict[str, Any] = {"description": message, "input": {}, "code": code}
    if field:
        detail["input"] = {"inputPath": {"fieldPath": field}}
    return {"errorDetailType": BAD_REQUEST, "code": code, "message": message,
            "errorDetails": {"inputErrors": [detail]}, "status": 400}


# ---- create

def test_create_answers_201_with_the_urn_in_a_header_and_no_body(alice: Api) -> None:
    answer = alice.create_post()
    assert answer.status_code == 201
    assert answer.content == b""
    urn = answer.headers["x-restli-id"]
    assert answer.headers["x-linkedin-id"] == urn
    assert urn.startswith("urn:li:share:7")
    assert len(urn.rsplit(":", 1)[1]) == 19


def test_same_seed_same_urns() -> None:
    def urns() -> list[str]:
        with running_sandbox(seed=42) as base:
            control = SandboxControl(base)
            api = Api(base, control.token("sandbox-member", ["w_member_social"]))
            return [api.created_urn(author="urn:li:person:sandbox-member", commentary=f"n{i}")
                    for i in range(3)]

    first, second = urns(), urns()
    assert first == second
    assert len(set(first)) == 3


@pytest.mark.parametrize(("fields", "expected"), [
    ({"commentary": ""}, input_error("INVALID_VALUE_BLANK_FIELD", "/commentary can't be blank",
                                     "/commentary")),
    ({"commentary": "   \n"}, input_error("INVALID_VALUE_BLANK_FIELD",
                                          "/commentary can't be blank", "/commentary")),
    ({"commentary": 42}, input_error("INVALID_VALUE_FOR_FIELD", "/commentary can't be set to 42",
                                     "/commentary")),
    ({"visibility": "FRIENDS"}, input_error("INVALID_VALUE_FOR_FIELD",
                                            "/visibility can't be set to FRIENDS", "/visibility")),
    ({"lifecycleState": "DRAFT"}, input_error("INVALID_VALUE_FOR_FIELD",
                                              "/lifecycleState can't be set to DRAFT",
                                              "/lifecycleState")),
    ({"distribution": {"feedDistribution": "EVERYWHERE"}},
     input_error("INVALID_VALUE_FOR_FIELD",
                 "/distribution/feedDistribution can't be set to EVERYWHERE",
                 "/distribution/feedDistribution")),
    ({"distribution": {}}, input_error("MISSING_FIELD",
                                       "/distribution/feedDistribution is required but missing",
                                       "/distribution/feedDistribution")),
    ({"distribution": {"feedDistribution": "NONE"}},
     input_error("MISSING_REQUIRED_FIELD_FOR_DSC",
                 "Field /adContext/dscAdAccount is required when the post is a Direct Sponsored "
                 "Content, but missing in the request", "/adContext/dscAdAccount")),
    ({"author": "urn:li:person:"}, input_error("INVALID_URN_ID", "The URN ID provided is invalid",
                                               "/author")),
    ({"author": "urn:li:share:123"},
     input_error("INVALID_URN_TYPE",
                 "/author value urn:li:share:123 must be a person or organization URN", "/author")),
    ({"author": "urn:li:organization:acme"},
     input_error("INVALID_URN_ID", "The URN ID provided is invalid", "/author")),
    ({"content": {"media": {"id": "urn:li:person:alice"}}},
     input_error("INVALID_URN_TYPE", "/content/media/id value urn:li:person:alice must be a "
                 "image, video or document URN", "/content/media/id")),
    ({"content": {"media": {"id": "urn:li:image:C4E10AQunknown"}}},
     input_error("INVALID_IMAGE_ID", "This Image ID is invalid", "/content/media/id")),
    ({"content": {"media": {"id": "urn:li:video:C5F10AQunknown"}}},
     input_error("INVALID_VIDEO_ID", "This Video ID is invalid", "/content/media/id")),
    ({"content": {"media": {"id": "urn:li:document:D4D10AQunknown"}}},
     input_error("MISSING_FIELD", "/content/media/title is required but missing",
                 "/content/media/title")),
    ({"content": {"media": {}, "article": {}}},
     input_error("INVALID_VALUE_FOR_FIELD", "/content can't be set to {'media': {}, "
                 "'article': {}}", "/content")),
    ({"content": {"article": {"source": "https://example.com"}}},
     input_error("MISSING_FIELD", "/content/article/title is required but missing",
                 "/content/article/title")),
    ({"content": {"poll": {"question": "Q?", "options": [{"text": "a"}],
                           "settings": {"duration": "THREE_DAYS"}}}},
     input_error("INVALID_VALUE_FOR_FIELD", "/content/poll/options can't be set to "
                 "[{'text': 'a'}]", "/content/poll/options")),
    ({"content": {"poll": {"question": "Q?", "options": [{"text": "a"}, {"text": "b"}],
                           "settings": {"duration": "ONE_YEAR"}}}},
     input_error("INVALID_VALUE_FOR_FIELD",
                 "/content/poll/settings/duration can't be set to ONE_YEAR",
                 "/content/poll/settings/duration")),
    ({"contentCallToActionLabel": "CLICK_HERE"},
     input_error("INVALID_VALUE_FOR_FIELD", "/contentCallToActionLabel can't be set to "
                 "CLICK_HERE", "/contentCallToActionLabel")),
    ({"reshareContext": {"parent": "urn:li:activity:1"}},
     input_error("INVALID_URN_TYPE", "/reshareContext/parent value urn:li:activity:1 must be a "
                 "groupPost, share or ugcPost URN", "/reshareContext/parent")),
])
def test_invalid_bodies(alice: Api, fields: dict[str, Any], expected: dict[str, Any]) -> None:
    answer = alice.create_post(**fields)
    assert answer.status_code == 400
    assert answer.json() == expected


@pytest.mark.parametrize("missing", ["author", "commentary", "visibility", "distribution",
                                     "lifecycleState"])
def test_missing_required_fields(alice: Api, missing: str) -> None:
    body = post_body()
    del body[missing]
    answer = alice.post("/rest/posts", json=body)
    assert answer.status_code == 400
    assert answer.json() == input_error("MISSING_FIELD", f"/{missing} is required but missing",
                                        f"/{missing}")


def test_connections_visibility_is_for_members_only(alice: Api) -> None:
    assert alice.create_post(visibility="CONNECTIONS").status_code == 201
    answer = alice.create_post(author=ACME, visibility="CONNECTIONS")
    assert answer.status_code == 400
    assert answer.json()["message"] == "/visibility can't be set to CONNECTIONS"


def test_unknown_and_read_only_fields_are_refused(alice: Api) -> None:
    answer = alice.create_post(id="urn:li:share:1")
    assert answer.status_code == 422
    assert answer.json() == {"status": 422, "code": "UNPROCESSABLE_ENTITY",
                             "message": "ERROR :: /id :: unrecognized field found but not "
                                        "allowed"}


def test_malformed_json(alice: Api) -> None:
    answer = alice.post("/rest/posts", data=b"{not json",
                        headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_JSON",
                             "message": "Request body is not valid JSON"}


@pytest.mark.parametrize(("commentary", "units", "accepted"), [
    ("a" * 3000, 3000, True),
    ("a" * 3001, 3001, False),
    ("🎉" * 1500, 3000, True),
    ("🎉" * 1500 + "a", 3001, False),
])
def test_commentary_limit_counts_utf16_code_units(alice: Api, commentary: str, units: int,
                                                  accepted: bool) -> None:
    answer = alice.create_post(commentary=commentary)
    if accepted:
        assert answer.status_code == 201
        return
    assert answer.status_code == 400
    assert answer.json() == input_error(
        "FIELD_LENGTH_TOO_LONG", f"/commentary length {units} can't exceeded maximum 3000 length",
        "/commentary")


# ---- who may post

def test_missing_write_scope(control: SandboxControl, base_url: str) -> None:
    api = Api(base_url, control.token("alice", ["openid", "r_member_social"]))
    answer = api.create_post()
    assert answer.status_code == 403
    assert answer.json() == {
        "status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
        "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE"}


AUTHOR_FORBIDDEN = {
    "status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
    "message": "Field Value validation failed in REQUEST_BODY: Data Processing Exception while "
               "processing fields [/author]"}


@pytest.mark.parametrize("author", [BOB, "alice", "urn:li:organization:999"])
def test_authors_the_member_cannot_post_as(alice: Api, author: str) -> None:
    answer = alice.create_post(author=author)
    assert answer.status_code == 403
    assert answer.json() == AUTHOR_FORBIDDEN


def test_organization_posts_need_an_admin_role(alice: Api, bob: Api) -> None:
    assert alice.create_post(author=ACME).status_code == 201
    answer = bob.create_post(author=ACME, commentary="not mine")
    assert answer.status_code == 403
    assert answer.json() == AUTHOR_FORBIDDEN


@pytest.mark.parametrize("role", ["CONTENT_ADMIN", "DIRECT_SPONSORED_CONTENT_POSTER"])
def test_other_posting_roles(control: SandboxControl, bob: Api, role: str) -> None:
    control.add_organization(2414183, "Acme Corp", admins=["alice"], roles={"bob": role})
    assert bob.create_post(author=ACME).status_code == 201


def test_analyst_role_cannot_post(control: SandboxControl, bob: Api) -> None:
    control.add_organization(2414183, "Acme Corp", roles={"bob": "ANALYST"})
    assert bob.create_post(author=ACME).json() == AUTHOR_FORBIDDEN


def test_organization_posts_need_w_organization_social(control: SandboxControl,
                                                       writer: Api) -> None:
    answer = writer.create_post(author=ACME)
    assert answer.status_code == 403
    assert answer.json()["message"] == (
        "Not enough permissions to access: partnerApiPostsExternal.CREATE")


# ---- read

def test_get_returns_the_post(alice: Api) -> None:
    urn = alice.created_urn(commentary="Read me #later")
    answer = alice.get_post(urn)
    assert answer.status_code == 200
    assert answer.json() == {
        "id": urn, "author": ALICE, "commentary": "Read me {hashtag|\\#|later}",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "lifecycleStateInfo": {"isEditedByAuthor": False},
        "isReshareDisabledByAuthor": False, "createdAt": NOW_MS, "publishedAt": NOW_MS,
        "lastModifiedAt": NOW_MS}


@pytest.mark.parametrize(("path", "method_header", "resource"), [
    ("/rest/posts/{urn}", None, "partnerApiPostsExternal.GET"),
    ("/rest/posts?q=author&author={author}", None, "partnerApiPostsExternal.FINDER-author"),
    ("/rest/posts?ids={ids}", "BATCH_GET", "partnerApiPostsExternal.BATCH_GET"),
])
def test_write_only_tokens_cannot_read(writer: Api, path: str, method_header: str | None,
                                       resource: str) -> None:
    urn = writer.created_urn()
    url = path.format(urn=key(urn), author=key(ALICE), ids=restli_list(urn))
    answer = writer.get(url, headers={"X-RestLi-Method": method_header})
    assert answer.status_code == 403
    assert answer.json() == {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                             "message": f"Not enough permissions to access: {resource}"}


def test_reading_another_members_post_is_refused(alice: Api, bob: Api) -> None:
    urn = alice.created_urn()
    answer = bob.get_post(urn)
    assert answer.status_code == 403
    assert answer.json()["message"] == (
        "Not enough permissions to access: partnerApiPostsExternal.GET")


def test_organization_posts_are_readable_by_its_admins(alice: Api, bob: Api) -> None:
    urn = alice.created_urn(author=ACME)
    assert alice.get_post(urn).status_code == 200
    assert bob.get_post(urn).status_code == 403


def test_unknown_post(alice: Api) -> None:
    answer = alice.get_post("urn:li:share:7000000000000000000")
    assert answer.status_code == 404
    assert answer.json() == {"status": 404, "code": "NOT_FOUND",
                             "message": "Could not find entity"}


def test_batch_get(alice: Api) -> None:
    first, second = alice.created_urn(commentary="one"), alice.created_urn(commentary="two")
    missing = "urn:li:share:7000000000000000001"
    answer = alice.get(f"/rest/posts?ids={restli_list(first, second, missing)}",
                       headers={"X-RestLi-Method": "BATCH_GET"})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body["results"]) == {first, second}
    assert body["statuses"] == {first: 200, second: 200, missing: 404}
    assert body["errors"][missing]["code"] == "NOT_FOUND"


def test_batch_get_needs_its_method_header(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.get(f"/rest/posts?ids={restli_list(urn)}")
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_RESTLI_METHOD",
                             "message": "X-RestLi-Method must be BATCH_GET for this request "
                                        "(found absent)"}


def test_finder_pages_newest_first(control: SandboxControl, alice: Api) -> None:
    urns = []
    for index in range(12):
        urns.append(alice.created_urn(commentary=f"post {index}"))
        control.advance_clock(60)
    first = alice.get(f"/rest/posts?q=author&author={key(ALICE)}").json()
    assert [e["id"] for e in first["elements"]] == urns[::-1][:10]
    assert first["paging"]["start"] == 0
    assert first["paging"]["count"] == 10
    assert "total" not in first["paging"]
    assert first["paging"]["links"][0]["rel"] == "next"
    second = alice.get(f"/rest/posts?q=author&author={key(ALICE)}&start=10&count=10").json()
    assert [e["id"] for e in second["elements"]] == urns[::-1][10:]
    assert second["paging"]["links"] == []


def test_finder_sorts_by_last_modified_or_created(control: SandboxControl, alice: Api) -> None:
    older = alice.created_urn(commentary="older")
    control.advance_clock(60)
    newer = alice.created_urn(commentary="newer")
    control.advance_clock(60)
    assert alice.update(older, {"patch": {"$set": {"commentary": "older, edited"}}}
                        ).status_code == 204
    by_modified = alice.get(f"/rest/posts?q=author&author={key(ALICE)}").json()
    by_created = alice.get(f"/rest/posts?q=author&author={key(ALICE)}&sortBy=CREATED").json()
    assert [e["id"] for e in by_modified["elements"]] == [older, newer]
    assert [e["id"] for e in by_created["elements"]] == [newer, older]


def test_finder_count_is_capped_at_100(alice: Api) -> None:
    alice.created_urn()
    page = alice.get(f"/rest/posts?q=author&author={key(ALICE)}&count=500").json()
    assert page["paging"]["count"] == 100


@pytest.mark.parametrize(("query", "message"), [
    ("q=author", "parameter 'author' is required"),
    ("q=author&author={author}&sortBy=POPULAR", "sortBy must be LAST_MODIFIED or CREATED"),
    ("q=author&author={author}&count=-1", "count must be a non-negative integer"),
    ("q=hashtag&author={author}", "unknown finder q='hashtag'"),
])
def test_finder_parameter_errors(alice: Api, query: str, message: str) -> None:
    answer = alice.get("/rest/posts?" + query.format(author=key(ALICE)))
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"
    assert message in answer.json()["message"]


def test_finder_total_is_an_option(control: SandboxControl, alice: Api) -> None:
    control.configure(finder_total=True)
    alice.created_urn()
    page = alice.get(f"/rest/posts?q=author&author={key(ALICE)}").json()
    assert page["paging"]["total"] == 1


# ---- update and delete

def test_partial_update_changes_commentary(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn(commentary="Before")
    control.advance_clock(5)
    answer = alice.update(urn, {"patch": {"$set": {"commentary": "After \\(edited\\)"}}})
    assert answer.status_code == 204
    post = alice.get_post(urn).json()
    assert post["commentary"] == "After \\(edited\\)"
    assert post["lifecycleStateInfo"] == {"isEditedByAuthor": True}
    assert post["lastModifiedAt"] == NOW_MS + 5000
    shown = next(p for p in control.posts() if p["urn"] == urn)
    assert shown["text"] == "After (edited)"


def test_partial_update_needs_the_method_header(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.post(f"/rest/posts/{key(urn)}",
                        json={"patch": {"$set": {"commentary": "x"}}})
    assert answer.status_code == 400
    assert answer.json()["message"] == ("X-RestLi-Method must be PARTIAL_UPDATE for this request "
                                        "(found absent)")


def test_the_method_header_is_case_insensitive(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.post(f"/rest/posts/{key(urn)}", json={"patch": {"$set": {"commentary": "x"}}},
                        headers={"X-RestLi-Method": "partial_update"})
    assert answer.status_code == 204


@pytest.mark.parametrize(("patch", "status", "message"), [
    ({"patch": {"$set": {"content": {"article": {}}}}}, 422, "/content is not an editable field"),
    ({"patch": {"$set": {"visibility": "LOGGED_IN"}}}, 422,
     "/visibility is not an editable field"),
    ({"patch": {"$set": {"commentary": ""}}}, 400, "/commentary can't be blank"),
    ({"patch": {"$delete": ["contentLandingPage"]}}, 422,
     "Removing fields with $delete is not supported on posts"),
    ({"commentary": "no patch"}, 400, "/patch is required but missing"),
])
def test_partial_update_errors(alice: Api, patch: dict[str, Any], status: int,
                               message: str) -> None:
    urn = alice.created_urn()
    answer = alice.update(urn, patch)
    assert answer.status_code == status
    assert answer.json()["message"] == message


def test_ad_context_patch(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.update(urn, {"patch": {"adContext": {"$set": {"dscName": "Renamed"}}}})
    assert answer.status_code == 204
    assert alice.get_post(urn).json()["adContext"] == {"dscName": "Renamed"}


def test_someone_else_cannot_update_or_delete(alice: Api, bob: Api) -> None:
    urn = alice.created_urn()
    update = bob.update(urn, {"patch": {"$set": {"commentary": "mine now"}}})
    assert update.status_code == 403
    assert update.json() == AUTHOR_FORBIDDEN
    delete = bob.delete(f"/rest/posts/{key(urn)}")
    assert delete.status_code == 403
    assert delete.json()["message"] == (
        "Not enough permissions to access: partnerApiPostsExternal.DELETE")


def test_delete_is_idempotent_and_hides_the_post(alice: Api) -> None:
    urn = alice.created_urn()
    assert alice.delete(f"/rest/posts/{key(urn)}").status_code == 204
    assert alice.delete(f"/rest/posts/{key(urn)}").status_code == 204
    assert alice.get_post(urn).status_code == 404
    finder = alice.get(f"/rest/posts?q=author&author={key(ALICE)}").json()
    assert finder["elements"] == []
    assert alice.update(urn, {"patch": {"$set": {"commentary": "x"}}}).status_code == 404


def test_write_only_tokens_may_delete_their_posts(writer: Api) -> None:
    urn = writer.created_urn()
    assert writer.delete(f"/rest/posts/{key(urn)}").status_code == 204


def test_delete_of_an_unknown_post(alice: Api) -> None:
    assert alice.delete(f"/rest/posts/{key('urn:li:share:7000000000000000009')}"
                        ).status_code == 404


# ---- duplicates

def duplicate_body(urn: str) -> dict[str, Any]:
    return {"errorDetailType": BAD_REQUEST,
            "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                       f"Content is a duplicate of {urn}",
            "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected",
                                              "input": {}, "code": "DUPLICATE_POST"}]},
            "status": 422}


def test_duplicate_within_the_window(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn(commentary="Same words")
    control.advance_clock(599)
    answer = alice.create_post(commentary="Same words")
    assert answer.status_code == 422
    assert answer.json() == duplicate_body(urn)
    control.advance_clock(1)
    assert alice.create_post(commentary="Same words").status_code == 201


def test_duplicate_even_after_delete(alice: Api) -> None:
    urn = alice.created_urn(commentary="Ghost")
    alice.delete(f"/rest/posts/{key(urn)}")
    answer = alice.create_post(commentary="Ghost")
    assert answer.status_code == 422
    assert answer.json() == duplicate_body(urn)


@pytest.mark.parametrize("change", [
    {"author": ACME}, {"commentary": "Other words"},
    {"content": {"article": {"source": "https://example.com/a", "title": "A"}}},
])
def test_not_duplicates(alice: Api, change: dict[str, Any]) -> None:
    alice.created_urn(commentary="Same words")
    fields = {"commentary": "Same words", **change}
    assert alice.create_post(**fields).status_code == 201


ARTICLE = {"article": {"source": "https://example.com/a", "title": "A"}}


@pytest.mark.parametrize(("match", "other_content_is_duplicate"), [("content", False),
                                                                   ("text", True)])
def test_duplicate_match_decides_whether_content_counts(
    control: SandboxControl, alice: Api, match: str, other_content_is_duplicate: bool
) -> None:
    control.configure(duplicate_match=match)
    urn = alice.created_urn(commentary="Same words")
    alice.delete(f"/rest/posts/{key(urn)}")
    answer = alice.create_post(commentary="Same words", content=ARTICLE)
    if other_content_is_duplicate:
        assert answer.status_code == 422
        assert answer.json() == duplicate_body(urn)  # the deleted post: a ghost
    else:
        assert answer.status_code == 201, answer.text
    assert alice.create_post(commentary="Same words", author=ACME).status_code == 201


def test_duplicate_match_refuses_other_rules(control: SandboxControl) -> None:
    with pytest.raises(Exception, match="duplicate_match must be 'content' or 'text'"):
        control.configure(duplicate_match="fuzzy")


def test_duplicate_window_is_configurable(control: SandboxControl, alice: Api) -> None:
    control.configure(duplicate_window_seconds=86400.0)
    alice.created_urn(commentary="Long memory")
    control.advance_clock(3600)
    assert alice.create_post(commentary="Long memory").status_code == 422


# ---- little text

def test_unescaped_reserved_character_is_accepted_and_cut(control: SandboxControl,
                                                          alice: Api) -> None:
    commentary = "We shipped (finally) the new release"
    urn = alice.created_urn(commentary=commentary)
    post = next(p for p in control.posts() if p["urn"] == urn)
    assert post["commentary"] == commentary
    assert post["text"] == "We shipped "
    assert post["cut_at"] == 11
    assert alice.get_post(urn).json()["commentary"] == "We shipped "


def test_commentary_on_read_can_return_the_text_as_received(control: SandboxControl,
                                                            alice: Api) -> None:
    control.configure(commentary_on_read="received")
    urn = alice.created_urn(commentary="Cut (here)")
    assert alice.get_post(urn).json()["commentary"] == "Cut (here)"


@pytest.mark.parametrize(("commentary", "shown", "read"), [
    ("Ship {hashtag|\\#|release\\_notes} now", "Ship #release_notes now",
     "Ship {hashtag|\\#|release\\_notes} now"),
    ("Ship {hashtag|\\#|release_notes} now", "Ship ", "Ship "),
    ("Ship #release\\_notes now", "Ship #release_notes now",
     "Ship {hashtag|\\#|release}\\_notes now"),
])
def test_a_hashtag_template_value_is_little_text(control: SandboxControl, alice: Api,
                                                 commentary: str, shown: str, read: str) -> None:
    urn = alice.created_urn(commentary=commentary)
    post = next(p for p in control.posts() if p["urn"] == urn)
    assert post["text"] == shown
    assert alice.get_post(urn).json()["commentary"] == read


def test_strict_little_text_refuses(control: SandboxControl, alice: Api) -> None:
    control.configure(strict_little_text=True)
    answer = alice.create_post(commentary="Cut (here)")
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "INVALID_VALUE_FOR_FIELD"
    assert body["message"] == "/commentary can't be set to Cut (here)"
    assert body["errorDetails"]["inputErrors"][0]["description"] == (
        "Reserved character '(' at index 4 must be escaped with a backslash")
    assert alice.create_post(commentary="Cut \\(here\\)").status_code == 201


def test_escaped_text_shows_in_full(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn(commentary="Hello \\(world\\) \\#1 \\@home")
    post = next(p for p in control.posts() if p["urn"] == urn)
    assert post["text"] == "Hello (world) #1 @home"
    assert post["cut_at"] is None


@pytest.mark.parametrize(("mention", "is_link"), [
    ("@[Acme Corp](urn:li:organization:2414183)", True),
    ("@[Acme](urn:li:organization:2414183)", False),
    ("@[acme corp](urn:li:organization:2414183)", False),
    ("@[Bob](urn:li:person:bob)", True),
    ("@[Stone](urn:li:person:bob)", True),
    ("@[Bob Stone](urn:li:person:bob)", True),
    ("@[bob](urn:li:person:bob)", False),
    ("@[Robert](urn:li:person:bob)", False),
    ("@[Nobody](urn:li:person:ghost)", False),
])
def test_mentions_link_only_when_the_name_matches(alice: Api, control: SandboxControl,
                                                  mention: str, is_link: bool) -> None:
    alice.created_urn(commentary=f"Thanks {mention} for this")
    page = control.feed_html()
    name = mention[2:mention.index("]")]
    assert ('class="mention"' in page) is is_link
    assert f">{name}</a>" in page if is_link else f"Thanks {name} for this" in page


def test_hashtags_show_as_links(alice: Api, control: SandboxControl) -> None:
    alice.created_urn(commentary="Launch #Release and {hashtag|\\#|News}")
    page = control.feed_html()
    assert '<a class="hashtag" href="https://www.linkedin.com/feed/hashtag/release">#Release</a>' \
        in page
    assert ">#News</a>" in page


# ---- share or ugcPost

@pytest.mark.parametrize(("content", "prefix"), [
    (None, "urn:li:share:"),
    ({"article": {"source": "https://example.com/a", "title": "A"}}, "urn:li:share:"),
    ({"poll": {"question": "Which?", "options": [{"text": "a"}, {"text": "b"}],
               "settings": {"duration": "ONE_DAY"}}}, "urn:li:ugcPost:"),
])
def test_urn_kind_follows_the_content(alice: Api, content: dict[str, Any] | None,
                                      prefix: str) -> None:
    fields: dict[str, Any] = {} if content is None else {"content": content}
    assert alice.created_urn(**fields).startswith(prefix)


def test_urn_kind_mapping_is_configurable(control: SandboxControl, alice: Api) -> None:
    control.configure(ugc_post_content=["text"])
    assert alice.created_urn().startswith("urn:li:ugcPost:")


def test_concurrent_creates_are_all_kept(alice: Api, control: SandboxControl) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def create(index: int) -> int:
        session = requests.Session()
        answer = session.post(alice.base + "/rest/posts", json=post_body(commentary=f"c{index}"),
                              headers=alice.headers(), timeout=30)
        return answer.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(create, range(40)))
    assert statuses == [201] * 40
    assert len({p["urn"] for p in control.posts()}) == 40


def test_organization_posts_need_r_organization_social_to_read(control: SandboxControl,
                                                               alice: Api,
                                                               base_url: str) -> None:
    urn = alice.created_urn(author=ACME)
    poster = Api(base_url, control.token("alice", ["w_organization_social", "r_member_social"]))
    answer = poster.get_post(urn)
    assert answer.status_code == 403
    assert answer.json()["message"] == (
        "Not enough permissions to access: partnerApiPostsExternal.GET")
