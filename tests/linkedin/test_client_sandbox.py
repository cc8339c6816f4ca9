"""The real client against the real sandbox over 127.0.0.1: every call, every error class."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.client import LinkedInClient, build_post_payload, person_urn
from publisher.linkedin.transport import RetryPolicy, Transport
from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.builders import mp4, pdf, png
from tests.linkedin.fake_time import FakeTime

VERSION = "202611"
JANE_ID = "782bbtaQ"
JANE = f"urn:li:person:{JANE_ID}"
ACME = "urn:li:organization:2414183"
GLOBEX = "urn:li:organization:1337"
ORG_SCOPES = ["openid", "profile", "w_organization_social", "r_organization_social"]
MEMBER_SCOPES = ["openid", "profile", "email", "w_member_social"]
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_sandbox(seed=0) as url:
        yield url


@pytest.fixture
def control(base_url: str) -> SandboxControl:
    control = SandboxControl(base_url)
    control.reset(seed=0)
    control.configure(active_versions=["202604", VERSION])
    control.add_member(JANE_ID, "Jane Doe")
    control.add_member("globex-boss", "Gloria Bex")
    control.add_organization("2414183", "Acme Corp", admins=[JANE_ID])
    control.add_organization("1337", "Globex Corporation", admins=["globex-boss"])
    return control


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


def make_transport(base_url: str, time: FakeTime, version: str = VERSION,
                   timeout: float = 10) -> Transport:
    return Transport(base_url, f"{base_url}/oauth/v2", version, timeout=timeout,
                     retry=RetryPolicy(attempts=4), sleep=time.sleep, clock=time.clock)


@pytest.fixture
def transport(base_url: str, time: FakeTime) -> Transport:
    return make_transport(base_url, time)


def client_for(transport: Transport, control: SandboxControl, scopes: list[str],
               member: str = JANE_ID, **token: Any) -> LinkedInClient:
    return LinkedInClient(transport, control.token(member, scopes, **token))


@pytest.fixture
def acme(transport: Transport, control: SandboxControl) -> LinkedInClient:
    """Jane, administrator of Acme's page, with read and write scopes."""
    return client_for(transport, control, ORG_SCOPES)


@pytest.fixture
def jane(transport: Transport, control: SandboxControl) -> LinkedInClient:
    """Jane with a self-serve token: w_member_social only (she cannot read posts)."""
    return client_for(transport, control, MEMBER_SCOPES)


def text_post(author: str, commentary: str, **kwargs: Any) -> dict[str, Any]:
    return build_post_payload(author, commentary, "PUBLIC", **kwargs)


def stored(control: SandboxControl, urn: str) -> dict[str, Any]:
    matches = [p for p in control.posts() if p["urn"] == urn]
    assert len(matches) == 1, f"{urn} not in the sandbox"
    return matches[0]


# --- posts ---------------------------------------------------------------------------------------


def test_create_get_update_delete(acme: LinkedInClient, control: SandboxControl) -> None:
    urn = acme.create_post(text_post(ACME, "Hello \\(world\\)! #launch"))
    assert urn.startswith("urn:li:share:")
    post = acme.get_post(urn)
    assert (post["id"], post["author"], post["lifecycleState"]) == (urn, ACME, "PUBLISHED")
    assert post["commentary"] == "Hello \\(world\\)! {hashtag|\\#|launch}"

    acme.update_post(urn, commentary="Updated text")
    post = acme.get_post(urn)
    assert post["commentary"] == "Updated text"
    assert post["lifecycleStateInfo"]["isEditedByAuthor"] is True

    acme.delete_post(urn)
    with pytest.raises(li.NotFound):
        acme.get_post(urn)
    acme.delete_post(urn)  # deleting again is answered 204: idempotent
    assert stored(control, urn)["deleted"] is True


def test_finder_pages_until_exhausted(acme: LinkedInClient, control: SandboxControl) -> None:
    created = [acme.create_post(text_post(ACME, f"post number {i}")) for i in range(7)]
    found = [p["id"] for p in acme.find_posts_by_author(ACME, count=3, sort_by="CREATED")]
    assert found == created[::-1]
    assert control.state()["requests"]["GET /rest/posts"] == 3


def test_finder_with_total_stops_without_an_empty_page(
    acme: LinkedInClient, control: SandboxControl,
) -> None:
    control.configure(finder_total=True)
    for i in range(6):
        acme.create_post(text_post(ACME, f"post {i}"))
    assert len(list(acme.find_posts_by_author(ACME, count=3))) == 6
    assert control.state()["requests"]["GET /rest/posts"] == 2


def test_finder_scan_is_bounded(acme: LinkedInClient, control: SandboxControl) -> None:
    for i in range(5):
        acme.create_post(text_post(ACME, f"post {i}"))
    assert len(list(acme.find_posts_by_author(ACME, count=1, max_pages=3))) == 3


def test_batch_get_returns_the_posts_that_exist(acme: LinkedInClient) -> None:
    first = acme.create_post(text_post(ACME, "first"))
    second = acme.create_post(text_post(ACME, "second", media=None))
    gone = acme.create_post(text_post(ACME, "gone"))
    acme.delete_post(gone)
    found = acme.batch_get_posts([first, second, gone, "urn:li:share:1", first])
    assert sorted(found) == sorted([first, second])
    assert found[first]["commentary"] == "first"
    assert acme.batch_get_posts([]) == {}


def test_member_posts_with_a_self_serve_token(jane: LinkedInClient,
                                              control: SandboxControl) -> None:
    urn = jane.create_post(text_post(JANE, "My own post", reshare_disabled=True))
    assert stored(control, urn)["author"] == JANE
    with pytest.raises(li.Forbidden) as raised:
        jane.get_post(urn)
    assert raised.value.missing_permission == "partnerApiPostsExternal.GET"
    assert "r_organization_social" in raised.value.hint
    jane.delete_post(urn)  # deleting one's own post needs no read scope
    assert stored(control, urn)["deleted"] is True


def test_comment(acme: LinkedInClient, control: SandboxControl) -> None:
    post = acme.create_post(text_post(ACME, "with a comment"))
    comment = acme.create_comment(post, ACME, "First comment: details at example.com")
    activity = "urn:li:activity:" + post.rsplit(":", 1)[-1]
    assert re.fullmatch(rf"urn:li:comment:\({re.escape(activity)},\d+\)", comment), comment
    comments = control.state()["comments"]
    assert [(c["urn"], c["object"], c["actor"], c["text"]) for c in comments] == [
        (comment, post, ACME, "First comment: details at example.com")]


def test_userinfo(jane: LinkedInClient) -> None:
    info = jane.userinfo()
    assert (info["sub"], info["name"], info["email"]) == (JANE_ID, "Jane Doe",
                                                          f"{JANE_ID}@example.com")
    assert person_urn(info) == JANE


# --- media ---------------------------------------------------------------------------------------


def test_image_post(acme: LinkedInClient, control: SandboxControl, tmp_path: Path) -> None:
    progress: list[tuple[int, int]] = []
    path = png(tmp_path / "chart.png")
    image = acme.upload_image(ACME, path, content_type="image/png",
                              progress=lambda done, total: progress.append((done, total)))
    assert image.startswith("urn:li:image:")
    assert progress[-1] == (path.stat().st_size, path.stat().st_size)
    entity = acme.wait_until_available(image)
    assert (entity["status"], entity["aspectRatioWidth"]) == ("AVAILABLE", 64)
    urn = acme.create_post(text_post(ACME, "A chart", media={"id": image, "altText": "chart"}))
    assert stored(control, urn)["content"] == {"media": {"id": image, "altText": "chart"}}


def test_multi_image_post(acme: LinkedInClient, control: SandboxControl, tmp_path: Path) -> None:
    images = [acme.upload_image(ACME, png(tmp_path / f"{i}.png", color=c))
              for i, c in enumerate(["red", "green"])]
    urn = acme.create_post(text_post(ACME, "Two slides", multi_image=[
        {"id": images[0], "altText": "red"}, {"id": images[1], "altText": "green"}]))
    assert urn.startswith("urn:li:ugcPost:")
    assert stored(control, urn)["content_kind"] == "multiImage"


def test_document_post(acme: LinkedInClient, control: SandboxControl, tmp_path: Path) -> None:
    document = acme.upload_document(ACME, pdf(tmp_path / "slides.pdf"),
                                    content_type="application/pdf")
    assert document.startswith("urn:li:document:")
    assert acme.wait_until_available(document)["status"] == "AVAILABLE"
    urn = acme.create_post(text_post(ACME, "Slides", media={"id": document,
                                                            "title": "slides.pdf"}))
    assert stored(control, urn)["content"] == {"media": {"id": document, "title": "slides.pdf"}}


def test_video_in_three_parts(acme: LinkedInClient, control: SandboxControl,
                              tmp_path: Path) -> None:
    size = 9 * MiB + 12_345
    path = mp4(tmp_path / "launch.mp4", size)
    progress: list[int] = []
    video = acme.upload_video(ACME, path, progress=lambda done, total: progress.append(done))
    media = next(m for m in control.state()["media"] if m["urn"] == video)
    assert (media["status"], media["size"], media["part_count"]) == ("AVAILABLE", size, 3)
    assert progress == sorted(progress) and progress[-1] == size
    assert control.state()["requests"]["PUT /dms-uploads/{asset}/{kind}/{part}"] == 3
    urn = acme.create_post(text_post(ACME, "Launch video", media={"id": video,
                                                                  "title": "Launch"}))
    assert urn.startswith("urn:li:ugcPost:")


def test_media_waits_while_processing(acme: LinkedInClient, control: SandboxControl,
                                      tmp_path: Path, time: FakeTime) -> None:
    control.configure(media_processing_polls=2)
    image = acme.upload_image(ACME, png(tmp_path / "a.png"))
    with pytest.raises(li.InvalidRequest) as raised:
        acme.create_post(text_post(ACME, "too early", media={"id": image}))
    assert "MEDIA_ASSET_WAITING_UPLOAD" in raised.value.codes
    assert acme.wait_until_available(image, poll_interval=1.5)["status"] == "AVAILABLE"
    assert time.sleeps == [1.5, 1.5]


def test_media_that_never_becomes_available_times_out(
    acme: LinkedInClient, control: SandboxControl, tmp_path: Path, time: FakeTime,
) -> None:
    control.configure(media_processing_seconds=3600.0)
    with pytest.raises(li.MediaTimeout) as raised:
        acme.upload_video(ACME, mp4(tmp_path / "v.mp4", 200_000), poll_interval=5, max_wait=60)
    assert raised.value.last_status == "PROCESSING"
    assert sum(time.sleeps) <= 60 and len(time.sleeps) == 12


def test_media_that_fails_processing(acme: LinkedInClient, tmp_path: Path) -> None:
    path = tmp_path / "not-a-video.mp4"
    path.write_bytes(bytes(100_000))
    with pytest.raises(li.MediaProcessingFailed) as raised:
        acme.upload_video(ACME, path)
    assert raised.value.reason is not None and "MP4" in raised.value.reason


def test_video_of_a_member_who_may_not_read_its_status(
    jane: LinkedInClient, control: SandboxControl, tmp_path: Path,
) -> None:
    video = jane.upload_video(JANE, mp4(tmp_path / "v.mp4", 200_000))
    urn = jane.create_post(text_post(JANE, "my video", media={"id": video, "title": "v"}))
    assert stored(control, urn)["content"]["media"]["id"] == video


def test_upload_for_an_owner_the_member_does_not_manage(
    acme: LinkedInClient, tmp_path: Path,
) -> None:
    with pytest.raises(li.Forbidden) as raised:
        acme.upload_image(GLOBEX, png(tmp_path / "a.png"))
    assert "image must be owned" in raised.value.hint


# --- errors produced by the sandbox --------------------------------------------------------------


def test_expired_revoked_and_invalid_tokens(transport: Transport,
                                            control: SandboxControl) -> None:
    expired = client_for(transport, control, ORG_SCOPES, expires_in=60)
    control.advance_clock(61)
    revoked_token = control.token(JANE_ID, ORG_SCOPES)
    control.revoke_token(revoked_token)
    cases: list[tuple[LinkedInClient, type[li.AuthenticationError]]] = [
        (expired, li.ExpiredToken),
        (LinkedInClient(transport, revoked_token), li.RevokedToken),
        (LinkedInClient(transport, "AQVnot-a-token-the-sandbox-issued"), li.InvalidToken),
        (LinkedInClient(transport, ""), li.InvalidToken),
    ]
    for client, error in cases:
        with pytest.raises(error) as raised:
            client.create_post(text_post(ACME, "x"))
        assert raised.value.status == 401
    assert control.posts() == []


def test_token_that_expires_after_some_calls(transport: Transport,
                                             control: SandboxControl) -> None:
    token = control.token(JANE_ID, ORG_SCOPES)
    control.expire_token_after(token, 2)
    client = LinkedInClient(transport, token)
    client.userinfo()
    client.create_post(text_post(ACME, "still fine"))
    with pytest.raises(li.ExpiredToken):
        client.create_post(text_post(ACME, "too late"))


@pytest.mark.parametrize(("scopes", "author", "permission", "hint"), [
    (["openid"], ACME, "partnerApiPostsExternal.CREATE", "w_organization_social"),
    (["openid", "w_member_social"], ACME, "partnerApiPostsExternal.CREATE",
     "w_organization_social"),
    (["openid", "w_organization_social"], JANE, "partnerApiPostsExternal.CREATE",
     "w_member_social"),
    (ORG_SCOPES, GLOBEX, None, "ADMINISTRATOR or CONTENT_ADMIN"),
])
def test_missing_scope_or_role(transport: Transport, control: SandboxControl, *,
                               scopes: list[str], author: str, permission: str | None,
                               hint: str) -> None:
    client = client_for(transport, control, scopes)
    with pytest.raises(li.Forbidden) as raised:
        client.create_post(text_post(author, "x"))
    assert raised.value.missing_permission == permission
    assert hint in raised.value.hint and author in raised.value.hint


def test_invalid_post(acme: LinkedInClient) -> None:
    with pytest.raises(li.InvalidRequest) as raised:
        acme.create_post(text_post(ACME, ""))
    error = raised.value
    assert (error.status, type(error)) == (400, li.InvalidRequest)
    assert [(f.field_path, f.code) for f in error.field_errors] == [
        ("/commentary", "INVALID_VALUE_BLANK_FIELD")]


def test_duplicate_names_the_existing_post(acme: LinkedInClient) -> None:
    first = acme.create_post(text_post(ACME, "Same words twice"))
    with pytest.raises(li.DuplicatePost) as raised:
        acme.create_post(text_post(ACME, "Same words twice"))
    assert raised.value.existing_urn == first
    assert raised.value.status == 422


def test_retired_version(base_url: str, control: SandboxControl, time: FakeTime) -> None:
    old = LinkedInClient(make_transport(base_url, time, version="202401"),
                         control.token(JANE_ID, ORG_SCOPES))
    assert old.userinfo()["sub"] == JANE_ID  # unversioned: the classic "test passes" trap
    with pytest.raises(li.VersionRetired) as raised:
        old.create_post(text_post(ACME, "x"))
    assert raised.value.version == "202401"
    assert "20240101" in raised.value.message
    assert "[linkedin].version in publish.toml" in str(raised.value)


def test_rate_limited_with_bucket(acme: LinkedInClient, control: SandboxControl,
                                  time: FakeTime) -> None:
    control.configure(member_daily_limit=2)
    acme.create_post(text_post(ACME, "one"))
    acme.create_post(text_post(ACME, "two"))
    with pytest.raises(li.RateLimited) as raised:
        acme.create_post(text_post(ACME, "three"))
    assert (raised.value.bucket, raised.value.retry_after) == ("APPLICATION_AND_MEMBER DAY", None)
    assert time.sleeps == []
    assert len(control.posts()) == 2


def test_5xx_on_a_read_is_retried_then_succeeds(acme: LinkedInClient, control: SandboxControl,
                                                time: FakeTime) -> None:
    urn = acme.create_post(text_post(ACME, "readable"))
    control.add_fault("error", method="GET", path="/rest/posts/*", status=503, times=2)
    assert acme.get_post(urn)["id"] == urn
    assert len(time.sleeps) == 2
    assert [f["fired"] for f in control.faults()["faults"]] == [2]


def test_5xx_on_create_is_ambiguous_and_not_retried(acme: LinkedInClient,
                                                    control: SandboxControl,
                                                    time: FakeTime) -> None:
    control.add_fault("error", method="POST", path="/rest/posts", status=500, times=1)
    with pytest.raises(li.AmbiguousOutcome) as raised:
        acme.create_post(text_post(ACME, "maybe"))
    assert isinstance(raised.value.cause, li.ServerError)
    assert time.sleeps == []
    assert control.state()["requests"]["POST /rest/posts"] == 1


def test_dropped_answer_after_create_is_ambiguous_and_the_post_exists(
    acme: LinkedInClient, control: SandboxControl, time: FakeTime,
) -> None:
    control.add_fault("drop", method="POST", path="/rest/posts")
    payload = text_post(ACME, "Did this land?")
    with pytest.raises(li.AmbiguousOutcome):
        acme.create_post(payload)
    assert time.sleeps == []
    posts = control.posts()
    assert [p["commentary"] for p in posts] == ["Did this land?"]
    # Settling it without posting twice: the re-POST is refused and names the post.
    with pytest.raises(li.DuplicatePost) as raised:
        acme.create_post(payload)
    assert raised.value.existing_urn == posts[0]["urn"]
    assert len(control.posts()) == 1


def test_slow_create_times_out_as_ambiguous(base_url: str, control: SandboxControl,
                                            time: FakeTime) -> None:
    client = LinkedInClient(make_transport(base_url, time, timeout=0.2),
                            control.token(JANE_ID, ORG_SCOPES))
    control.add_fault("latency", method="POST", path="/rest/posts", seconds=0.6)
    with pytest.raises(li.AmbiguousOutcome) as raised:
        client.create_post(text_post(ACME, "slow"))
    assert "read timed out" in str(raised.value)


# --- OAuth ---------------------------------------------------------------------------------------


def test_authorization_code_flow_refresh_and_introspection(
    base_url: str, control: SandboxControl, transport: Transport,
) -> None:
    redirect = "http://127.0.0.1:8765/callback"
    control.register_app("cli-app", "cli-secret", [redirect], refresh=True)
    scopes = ["openid", "profile", "w_member_social"]
    url = oauth.authorization_url("cli-app", redirect, scopes, "st4te",
                                  oauth_base=f"{base_url}/oauth/v2")
    location = control.approve(url, JANE_ID)
    answer = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert answer["state"] == "st4te"

    token = oauth.exchange_code(transport, answer["code"], "cli-app", "cli-secret", redirect)
    assert set(token.scopes) == set(scopes)
    assert token.expires_in is not None and token.expires_in > 86_400
    assert token.refresh_token is not None and token.id_token is not None
    assert LinkedInClient(transport, token.access_token).userinfo()["sub"] == JANE_ID

    with pytest.raises(li.OAuthError) as raised:  # a code works once
        oauth.exchange_code(transport, answer["code"], "cli-app", "cli-secret", redirect)
    assert raised.value.error in ("invalid_request", "invalid_redirect_uri")

    fresh = oauth.refresh(transport, token.refresh_token, "cli-app", "cli-secret")
    assert fresh.access_token != token.access_token

    seen = oauth.introspect(transport, fresh.access_token, "cli-app", "cli-secret")
    assert (seen.active, seen.status, seen.client_id, seen.auth_type) == (
        True, "active", "cli-app", "3L")
    assert set(seen.scopes) == set(scopes) and seen.expires_at is not None

    with pytest.raises(li.OAuthError) as raised:
        oauth.refresh(transport, token.refresh_token, "cli-app", "wrong-secret")
    assert "wrong-secret" not in str(raised.value)
