"""A video's thumbnail and captions: their upload URLs, checks, state, GET and the feed."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from publisher import cards
from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.builders import SRT, gif_bytes, mp4_bytes, png_header
from tests.sandbox.helpers import ALICE, NOW, Api, key

VTT = "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nHello.\n\n2\n00:00:02.500 --> 00:00:04.000\nBye.\n"
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xc0\x00\x11\x08\x01\x00\x02\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9")
VIDEO = mp4_bytes(5, 100_000)


def initialize(api: Api, **flags: Any) -> dict[str, Any]:
    answer = api.post("/rest/videos?action=initializeUpload", json={"initializeUploadRequest": {
        "owner": ALICE, "fileSizeBytes": len(VIDEO), **flags}})
    assert answer.status_code == 200, answer.text
    value: dict[str, Any] = answer.json()["value"]
    return value


def upload_parts(value: dict[str, Any]) -> list[str]:
    etags = []
    for instruction in value["uploadInstructions"]:
        chunk = VIDEO[instruction["firstByte"]:instruction["lastByte"] + 1]
        put = requests.put(instruction["uploadUrl"], data=chunk, timeout=30)
        assert put.status_code == 200, put.text
        etags.append(put.headers["ETag"])
    return etags


def finalize(api: Api, value: dict[str, Any], etags: list[str]) -> requests.Response:
    return api.post("/rest/videos?action=finalizeUpload", json={"finalizeUploadRequest": {
        "video": value["video"], "uploadToken": value["uploadToken"],
        "uploadedPartIds": etags}})


def put(url: str, data: bytes, **headers: str) -> requests.Response:
    return requests.put(url, data=data, timeout=10, headers=headers)


def video_with_files(api: Api, thumbnail: bytes = png_header(640, 360), captions: str = SRT) -> str:
    """Initialize with both flags, upload the parts, the thumbnail and the captions, finalize."""
    value = initialize(api, uploadThumbnail=True, uploadCaptions=True)
    etags = upload_parts(value)
    assert put(value["thumbnailUploadUrl"], thumbnail,
               **{"Content-Type": "application/octet-stream"}).status_code == 201
    assert put(value["captionsUploadUrl"], captions.encode(),
               Authorization=f"Bearer {api.token}").status_code == 201
    assert finalize(api, value, etags).status_code == 200
    return str(value["video"])


def media_state(control: SandboxControl, urn: str) -> dict[str, Any]:
    state: dict[str, Any] = next(m for m in control.state()["media"] if m["urn"] == urn)
    return state


def video_json(api: Api, urn: str) -> dict[str, Any]:
    answer = api.get(f"/rest/videos/{key(urn)}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


# ---- initializeUpload

def test_both_flags_give_both_upload_urls(alice: Api) -> None:
    value = initialize(alice, uploadThumbnail=True, uploadCaptions=True)
    asset = value["video"].removeprefix("urn:li:video:")
    thumbnail, captions = value["thumbnailUploadUrl"], value["captionsUploadUrl"]
    assert thumbnail.startswith(f"{alice.base}/dms-uploads/{asset}/uploadedThumbnail?")
    assert captions.startswith(f"{alice.base}/dms-uploads/{asset}/uploadedCaptions?")
    part = value["uploadInstructions"][0]["uploadUrl"]
    assert thumbnail.split("?")[1] == part.split("?")[1]     # signed like the part URLs


@pytest.mark.parametrize(("flags", "present"), [
    ({}, set()),
    ({"uploadThumbnail": False, "uploadCaptions": False}, set()),
    ({"uploadThumbnail": True, "uploadCaptions": False}, {"thumbnailUploadUrl"}),
    ({"uploadCaptions": True}, {"captionsUploadUrl"}),
])
def test_upload_urls_only_when_asked(alice: Api, flags: dict[str, bool],
                                     present: set[str]) -> None:
    value = initialize(alice, **flags)
    assert set(value) == {"uploadUrlsExpireAt", "video", "uploadInstructions", "uploadToken",
                          *present}


def test_flags_must_be_booleans(alice: Api) -> None:
    answer = alice.post("/rest/videos?action=initializeUpload", json={"initializeUploadRequest": {
        "owner": ALICE, "fileSizeBytes": len(VIDEO), "uploadThumbnail": "yes"}})
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_VALUE_FOR_FIELD"
    assert answer.json()["message"] == "/initializeUploadRequest/uploadThumbnail can't be set to yes"


# ---- upload, finalize, GET, state

@pytest.mark.parametrize(("thumbnail", "image_format", "content_type"), [
    (png_header(640, 360), "PNG", "image/png"),
    (JPEG, "JPEG", "image/jpeg"),
])
def test_thumbnail_and_captions_arrive(control: SandboxControl, alice: Api, thumbnail: bytes,
                                       image_format: str, content_type: str) -> None:
    urn = video_with_files(alice, thumbnail)
    body = video_json(alice, urn)
    assert body["status"] == "AVAILABLE"
    asset = urn.removeprefix("urn:li:video:")
    assert body["thumbnail"] == f"{alice.base}/dms/video/{asset}/thumbnail"
    served = requests.get(body["thumbnail"], timeout=10)
    assert served.status_code == 200
    assert served.content == thumbnail
    assert served.headers["Content-Type"] == content_type
    state = media_state(control, urn)
    assert state["thumbnail"] == {"format": image_format, "bytes": len(thumbnail),
                                  "sha256": hashlib.sha256(thumbnail).hexdigest()}
    assert state["captions"] == {"cues": 2, "bytes": len(SRT.encode()),
                                 "sha256": hashlib.sha256(SRT.encode()).hexdigest()}
    assert control.state()["requests"]["PUT /dms-uploads/{asset}/uploadedThumbnail"] == 1
    assert control.state()["requests"]["PUT /dms-uploads/{asset}/uploadedCaptions"] == 1


def test_a_video_without_files_has_no_thumbnail(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice)
    assert finalize(alice, value, upload_parts(value)).status_code == 200
    assert "thumbnail" not in video_json(alice, value["video"])
    state = media_state(control, value["video"])
    assert "thumbnail" not in state and "captions" not in state
    asset = value["video"].removeprefix("urn:li:video:")
    assert requests.get(f"{alice.base}/dms/video/{asset}/thumbnail", timeout=10).status_code == 404


def test_finalize_without_the_requested_files(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice, uploadThumbnail=True, uploadCaptions=True)
    assert put(value["captionsUploadUrl"], SRT.encode()).status_code == 201
    assert finalize(alice, value, upload_parts(value)).status_code == 200
    assert video_json(alice, value["video"])["status"] == "AVAILABLE"
    assert "thumbnail" not in video_json(alice, value["video"])
    state = media_state(control, value["video"])
    assert state["thumbnail_requested"] is True and "thumbnail" not in state
    assert state["captions"]["cues"] == 2


def test_a_second_upload_replaces_the_first(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice, uploadThumbnail=True, uploadCaptions=True)
    three = SRT + "\n3\n00:00:05,000 --> 00:00:06,000\nAgain.\n"
    for captions in (SRT, three):
        assert put(value["captionsUploadUrl"], captions.encode()).status_code == 201
    for thumbnail in (png_header(10, 10), JPEG):
        assert put(value["thumbnailUploadUrl"], thumbnail).status_code == 201
    assert finalize(alice, value, upload_parts(value)).status_code == 200
    state = media_state(control, value["video"])
    assert state["captions"]["cues"] == 3
    assert state["captions"]["sha256"] == hashlib.sha256(three.encode()).hexdigest()
    assert state["thumbnail"]["format"] == "JPEG"
    assert requests.get(video_json(alice, value["video"])["thumbnail"], timeout=10
                        ).content == JPEG


def test_crlf_captions_with_a_bom_are_accepted(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice, uploadCaptions=True)
    data = b"\xef\xbb\xbf" + SRT.replace("\n", "\r\n").encode()
    assert put(value["captionsUploadUrl"], data).status_code == 201
    assert media_state(control, value["video"])["captions"]["cues"] == 2


# ---- refused uploads

@pytest.mark.parametrize(("data", "message"), [
    (gif_bytes(1), "Unsupported file format: video thumbnails must be JPG or PNG; this is a GIF image"),
    (b"not an image", "Unsupported file format: video thumbnails must be JPG or PNG"),
    (b"", "Unsupported file format: video thumbnails must be JPG or PNG; the body is empty"),
])
def test_thumbnail_must_be_jpeg_or_png(control: SandboxControl, alice: Api, data: bytes,
                                       message: str) -> None:
    value = initialize(alice, uploadThumbnail=True)
    answer = put(value["thumbnailUploadUrl"], data)
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_UPLOAD", "message": message}
    assert "thumbnail" not in media_state(control, value["video"])


GOOD = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n"


@pytest.mark.parametrize(("text", "problem"), [
    (GOOD + "2\n00:00:03.000 --> 00:00:04,000\nBye\n",
     "Line 6: expected a timing like 00:00:01,000 --> 00:00:02,500, found "
     "'00:00:03.000 --> 00:00:04,000'"),
    ("1\n00:00:01,000 --> 00:00:02,000\nHello\n2\n00:00:03,000 --> 00:00:04,000\nBye\n",
     "Line 5: cue text cannot contain '-->'; a blank line must separate cues"),
    ("\n\n\n1\n00:00:01,000 -> 00:00:02,000\nHello\n",
     "Line 5: expected a timing like 00:00:01,000 --> 00:00:02,500, found "
     "'00:00:01,000 -> 00:00:02,000'"),
    ((GOOD + "2\n00:00:04,000 --> 00:00:03,000\nBye\n").replace("\n", "\r\n"),
     "Line 6: cue 2 must end after it starts ('00:00:04,000 --> 00:00:03,000')"),
    (GOOD + "2\n00:00:03,000 --> 00:00:04,000\n\n", "Line 7: cue 2 has no text"),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n",
     "Line 1: expected the number of cue 1, found 'WEBVTT'"),
    ("", "Captions have no cues: SubRip captions are numbered cues, each a timing line and "
         "text"),
])
def test_captions_must_be_subrip(control: SandboxControl, alice: Api, text: str,
                                 problem: str) -> None:
    value = initialize(alice, uploadCaptions=True)
    answer = put(value["captionsUploadUrl"], text.encode())
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_UPLOAD",
                             "message": f"Invalid SubRip captions: {problem}"}
    assert "captions" not in media_state(control, value["video"])


def test_captions_must_be_utf8(alice: Api) -> None:
    value = initialize(alice, uploadCaptions=True)
    answer = put(value["captionsUploadUrl"], (GOOD + "2\n00:00:03,000 --> 00:00:04,000\n"
                                              "Café\n").encode("latin-1"))
    assert answer.status_code == 400
    assert answer.json()["message"] == ("Invalid SubRip captions: Line 7: captions must be "
                                        "UTF-8 text (byte 74 is not UTF-8)")


def test_upload_after_finalize_is_refused(alice: Api) -> None:
    value = initialize(alice, uploadThumbnail=True)
    assert finalize(alice, value, upload_parts(value)).status_code == 200
    answer = put(value["thumbnailUploadUrl"], png_header(10, 10))
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_UPLOAD", "message":
                             f"{value['video']} is already finalized; upload its thumbnail "
                             "before finalizeUpload"}


def test_unknown_unsigned_or_unrequested_urls_are_refused(alice: Api) -> None:
    value = initialize(alice, uploadThumbnail=True)
    url = value["thumbnailUploadUrl"]
    asset = value["video"].removeprefix("urn:li:video:")
    image = alice.post("/rest/images?action=initializeUpload",
                       json={"initializeUploadRequest": {"owner": ALICE}}).json()["value"]
    image_asset = image["image"].removeprefix("urn:li:image:")
    for refused in (url.replace(asset, "C5F10AQunknown0"),
                    url.split("&ut=")[0] + "&ut=forged",
                    url.replace("uploadedThumbnail", "uploadedCaptions"),   # not asked for
                    image["uploadUrl"].replace("uploaded-image/0", "uploadedThumbnail"),
                    url.replace(asset, image_asset)):
        answer = put(refused, png_header(10, 10))
        assert answer.status_code == 400, refused
        assert answer.json()["message"] == "Unknown upload URL or bad signature"


def test_expired_file_upload_url(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice, uploadCaptions=True)
    control.advance_clock(86_401)
    answer = put(value["captionsUploadUrl"], SRT.encode())
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "EXPIRED_UPLOAD_URL",
                             "message": "The Video upload URL is expired"}


# ---- persistence

def test_state_file_keeps_what_arrived(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox.json"
    with running_sandbox(seed=3, state=state_file) as base:
        control = SandboxControl(base)
        control.set_clock(NOW)
        control.add_member("alice", "Alice Martin")
        api = Api(base, control.token("alice", ["w_member_social", "r_member_social"]))
        urn = video_with_files(api)
        before = media_state(control, urn)
    saved = next(m for m in json.loads(state_file.read_text())["media"] if m["urn"] == urn)
    assert saved["thumbnail"] == before["thumbnail"]
    with running_sandbox(seed=3, state=state_file) as base:
        after = media_state(SandboxControl(base), urn)
        assert after["thumbnail"] == before["thumbnail"]
        assert after["captions"] == before["captions"]
        assert after["thumbnail"]["sha256"] == hashlib.sha256(png_header(640, 360)).hexdigest()
        assert after["captions"]["cues"] == 2
        # Uploaded bytes are not saved, as for every upload: the URL stays, its bytes are gone.
        shown = video_json(Api(base, api.token), urn)["thumbnail"]
        assert requests.get(shown, timeout=10).status_code == 404


# ---- the feed

def test_feed_draws_the_poster_and_the_captions_track(control: SandboxControl,
                                                      alice: Api) -> None:
    thumbnail = png_header(640, 360)
    urn = video_with_files(alice, thumbnail)
    alice.created_urn(commentary="Watch this", content={"media": {"id": urn, "title": "Launch"}})
    page = control.feed_html()
    poster = "data:image/png;base64," + base64.b64encode(thumbnail).decode()
    track = "data:text/vtt;charset=utf-8;base64," + base64.b64encode(VTT.encode()).decode()
    assert (f'<video preload="none" poster="{poster}" aria-label="Launch">\n'
            f'<track kind="captions" src="{track}" srclang="en" label="Captions" default>\n'
            "</video>") in page
    assert 'class="video-placeholder"' not in page


def test_feed_keeps_the_placeholder_for_a_video_without_files(control: SandboxControl,
                                                              alice: Api) -> None:
    value = initialize(alice)
    assert finalize(alice, value, upload_parts(value)).status_code == 200
    alice.created_urn(content={"media": {"id": value["video"], "title": "Plain"}})
    page = control.feed_html()
    assert '<div class="video-placeholder" role="img" aria-label="Plain">Video</div>' in page
    assert "<video" not in page and "<track" not in page


# ---- SubRip to WebVTT

@pytest.mark.parametrize(("srt", "vtt"), [
    (SRT, VTT),
    ("\ufeff" + SRT.replace("\n", "\r\n"), VTT),
    ("1\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20 Y1:5 Y2:6\nOne\ntwo lines\n\n\n\n"
     "2\n100:00:03,000 --> 100:00:04,250\n<i>Slanted</i> & a < b --> c\n",
     "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nOne\ntwo lines\n\n"
     "2\n100:00:03.000 --> 100:00:04.250\n<i>Slanted</i> &amp; a &lt; b --&gt; c\n"),
    ("", "WEBVTT\n"),
])
def test_srt_to_vtt(srt: str, vtt: str) -> None:
    assert cards.srt_to_vtt(srt) == vtt


def test_vtt_data_uri() -> None:
    uri = cards.vtt_data_uri("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nCafé\n")
    prefix = "data:text/vtt;charset=utf-8;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri.removeprefix(prefix)).decode() == (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nCafé\n")
