"""Images, documents and videos: initializeUpload, the upload URLs, status, limits, use in posts."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from publisher.sandbox.control import SandboxControl
from tests.builders import gif_bytes, mp4_bytes, pdf_bytes, png_header
from tests.sandbox.helpers import ACME, ALICE, BOB, NOW_MS, Api, key

PART = 4 * 1024 * 1024


def initialize(api: Api, collection: str, owner: str = ALICE,
               **extra: Any) -> requests.Response:
    return api.post(f"/rest/{collection}?action=initializeUpload",
                    json={"initializeUploadRequest": {"owner": owner, **extra}})


def upload_image(api: Api, data: bytes, owner: str = ALICE) -> str:
    value = initialize(api, "images", owner).json()["value"]
    put = requests.put(value["uploadUrl"], data=data, timeout=30,
                       headers={"Authorization": f"Bearer {api.token}"})
    assert put.status_code == 201, put.text
    return str(value["image"])


def upload_video(api: Api, data: bytes, *, reverse: bool = False) -> str:
    value = initialize(api, "videos", fileSizeBytes=len(data), uploadCaptions=False,
                       uploadThumbnail=False).json()["value"]
    etags = []
    for instruction in value["uploadInstructions"]:
        chunk = data[instruction["firstByte"]:instruction["lastByte"] + 1]
        put = requests.put(instruction["uploadUrl"], data=chunk, timeout=30,
                           headers={"Content-Type": "application/octet-stream"})
        assert put.status_code == 200, put.text
        etags.append(put.headers["ETag"])
    finalize = api.post("/rest/videos?action=finalizeUpload", json={"finalizeUploadRequest": {
        "video": value["video"], "uploadToken": value["uploadToken"],
        "uploadedPartIds": etags[::-1] if reverse else etags}})
    assert finalize.status_code == 200, finalize.text
    return str(value["video"])


def status(api: Api, collection: str, urn: str) -> dict[str, Any]:
    answer = api.get(f"/rest/{collection}/{key(urn)}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_image_initialize_upload(alice: Api) -> None:
    answer = initialize(alice, "images")
    assert answer.status_code == 200
    value = answer.json()["value"]
    assert value["image"].startswith("urn:li:image:C4E10AQ")
    assert value["uploadUrl"].startswith(alice.base + "/dms-uploads/")
    assert value["uploadUrlExpiresAt"] == NOW_MS + 86_400_000


def test_image_lifecycle_and_post(alice: Api) -> None:
    urn = initialize(alice, "images").json()["value"]["image"]
    assert status(alice, "images", urn)["status"] == "WAITING_UPLOAD"
    waiting = alice.create_post(content={"media": {"id": urn, "altText": "A chart"}})
    assert waiting.status_code == 400
    assert waiting.json()["code"] == "MEDIA_ASSET_WAITING_UPLOAD"
    assert waiting.json()["message"] == "Media asset is waiting upload"
    urn = upload_image(alice, png_header(1200, 627))
    body = status(alice, "images", urn)
    assert body["status"] == "AVAILABLE"
    assert body["owner"] == ALICE
    assert body["downloadUrl"].startswith(alice.base + "/dms/image/")
    assert requests.get(body["downloadUrl"], timeout=10).content == png_header(1200, 627)
    assert alice.create_post(content={"media": {"id": urn, "altText": "A chart"}}
                             ).status_code == 201


def test_uploads_work_without_authorization(alice: Api) -> None:
    value = initialize(alice, "images").json()["value"]
    assert requests.put(value["uploadUrl"], data=png_header(10, 10), timeout=10).status_code == 201


def test_processing_delay_on_the_sandbox_clock(control: SandboxControl, alice: Api) -> None:
    control.configure(media_processing_seconds=30.0)
    urn = upload_image(alice, png_header(100, 100))
    assert status(alice, "images", urn)["status"] == "PROCESSING"
    answer = alice.create_post(content={"media": {"id": urn}})
    assert answer.status_code == 400
    assert answer.json()["code"] == "MEDIA_ASSET_WAITING_UPLOAD"
    control.advance_clock(30)
    assert status(alice, "images", urn)["status"] == "AVAILABLE"


def test_processing_delay_in_status_polls(control: SandboxControl, alice: Api) -> None:
    control.configure(media_processing_polls=2)
    urn = upload_image(alice, png_header(100, 100))
    assert [status(alice, "images", urn)["status"] for _ in range(3)] == [
        "PROCESSING", "PROCESSING", "AVAILABLE"]


@pytest.mark.parametrize(("data", "reason"), [
    (png_header(7000, 7000), "Image has 49000000 pixels; images must have fewer than 36152320"),
    (gif_bytes(251), "GIF has 251 frames; at most 250 are supported"),
    (b"BM not an image", "Unsupported file format: images must be JPG, GIF or PNG"),
])
def test_image_limits_fail_processing(alice: Api, data: bytes, reason: str) -> None:
    urn = upload_image(alice, data)
    body = status(alice, "images", urn)
    assert body["status"] == "PROCESSING_FAILED"
    assert body["processingFailureReason"] == reason
    answer = alice.create_post(content={"media": {"id": urn}})
    assert answer.status_code == 400
    assert answer.json()["code"] == "MEDIA_ASSET_PROCESSING_FAILED"
    assert answer.json()["message"] == "Media asset failed processing"


def test_small_gifs_and_jpegs_process(alice: Api) -> None:
    jpeg = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            b"\xff\xc0\x00\x11\x08\x01\x00\x02\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
            b"\xff\xd9")
    for data in (gif_bytes(3), jpeg):
        urn = upload_image(alice, data)
        assert status(alice, "images", urn)["status"] == "AVAILABLE"
    assert status(alice, "images", urn)["aspectRatioWidth"] == 512


def test_media_owner_must_be_the_post_author(alice: Api) -> None:
    urn = upload_image(alice, png_header(10, 10), owner=ACME)
    answer = alice.create_post(content={"media": {"id": urn}})
    assert answer.status_code == 403
    assert answer.json() == {"status": 403, "message": "Accessing this image resource is "
                             "forbidden. Please check your permissions for this resource"}
    assert alice.create_post(author=ACME, content={"media": {"id": urn}}).status_code == 201


def test_initialize_upload_for_someone_else(alice: Api) -> None:
    answer = initialize(alice, "images", owner=BOB)
    assert answer.status_code == 403
    assert answer.json()["message"].startswith("Accessing this image resource is forbidden")


@pytest.mark.parametrize("collection", ["images", "videos", "documents"])
def test_write_only_tokens_cannot_read_media(writer: Api, collection: str) -> None:
    extra: dict[str, Any] = {"fileSizeBytes": 100_000} if collection == "videos" else {}
    value = initialize(writer, collection, **extra).json()["value"]
    urn = value[collection[:-1]]
    answer = writer.get(f"/rest/{collection}/{key(urn)}")
    assert answer.status_code == 403
    assert answer.json() == {"status": 403, "message": f"Accessing this {collection[:-1]} "
                             "resource is forbidden. Please check your permissions for this "
                             "resource"}


def test_other_members_cannot_read_my_media(alice: Api, bob: Api) -> None:
    urn = upload_image(alice, png_header(10, 10))
    assert bob.get(f"/rest/images/{key(urn)}").status_code == 403


def test_batch_get_images(alice: Api) -> None:
    urn = upload_image(alice, png_header(10, 10))
    answer = alice.get(f"/rest/images?ids=List({key(urn)})",
                       headers={"X-RestLi-Method": "BATCH_GET"})
    assert answer.json()["results"][urn]["status"] == "AVAILABLE"


def test_expired_upload_url(control: SandboxControl, alice: Api) -> None:
    value = initialize(alice, "images").json()["value"]
    control.advance_clock(86_401)
    put = requests.put(value["uploadUrl"], data=png_header(10, 10), timeout=10)
    assert put.status_code == 400
    assert put.json() == {"status": 400, "code": "EXPIRED_UPLOAD_URL",
                          "message": "The Image upload URL is expired"}


def test_upload_url_signature_is_checked(alice: Api) -> None:
    value = initialize(alice, "images").json()["value"]
    forged = value["uploadUrl"].split("&ut=")[0] + "&ut=forged"
    put = requests.put(forged, data=png_header(10, 10), timeout=10)
    assert put.status_code == 400
    assert put.json()["message"] == "Unknown upload URL or bad signature"


# ---- documents

def test_document_lifecycle(alice: Api) -> None:
    value = initialize(alice, "documents").json()["value"]
    urn = value["document"]
    assert urn.startswith("urn:li:document:D4D10AQ")
    assert requests.put(value["uploadUrl"], data=pdf_bytes(3), timeout=10).status_code == 201
    assert status(alice, "documents", urn)["status"] == "AVAILABLE"
    post = alice.create_post(content={"media": {"id": urn, "title": "slides.pdf"}})
    assert post.status_code == 201
    assert post.headers["x-restli-id"].startswith("urn:li:ugcPost:")


@pytest.mark.parametrize(("data", "reason"), [
    (pdf_bytes(301), "Document has 301 pages; the limit is 300"),
    (b"plain text", "Unsupported file format: documents must be PDF, PPT, PPTX, DOC or DOCX"),
])
def test_document_limits(alice: Api, data: bytes, reason: str) -> None:
    value = initialize(alice, "documents").json()["value"]
    requests.put(value["uploadUrl"], data=data, timeout=10)
    body = status(alice, "documents", value["document"])
    assert body["status"] == "PROCESSING_FAILED"
    assert body["processingFailureReason"] == reason


# ---- videos

def test_video_parts_are_4_mib(alice: Api) -> None:
    size = 2 * PART + 1000
    value = initialize(alice, "videos", fileSizeBytes=size).json()["value"]
    assert value["video"].startswith("urn:li:video:C5F10AQ")
    assert value["uploadToken"] == ""
    assert value["uploadUrlsExpireAt"] == NOW_MS + 86_400_000
    assert [(i["firstByte"], i["lastByte"]) for i in value["uploadInstructions"]] == [
        (0, PART - 1), (PART, 2 * PART - 1), (2 * PART, size - 1)]


def test_video_part_size_is_an_option_kept_by_each_upload(control: SandboxControl,
                                                          alice: Api) -> None:
    control.configure(video_part_bytes=1000)
    value = initialize(alice, "videos", fileSizeBytes=2500).json()["value"]
    instructions = value["uploadInstructions"]
    assert [(i["firstByte"], i["lastByte"]) for i in instructions] == [
        (0, 999), (1000, 1999), (2000, 2499)]
    control.configure(video_part_bytes=PART)    # an upload keeps the parts it was given
    assert requests.put(instructions[0]["uploadUrl"], data=bytes(1000),
                        timeout=10).status_code == 200
    wrong = requests.put(instructions[2]["uploadUrl"], data=bytes(1000), timeout=10)
    assert wrong.status_code == 400
    assert wrong.json()["message"] == ("Part 2 must be bytes 2000-2499 (500 bytes); received "
                                       "1000 bytes")


def test_video_upload_finalize_and_post(alice: Api) -> None:
    urn = upload_video(alice, mp4_bytes(12.5, PART + 100_000))
    body = status(alice, "videos", urn)
    assert body["status"] == "AVAILABLE"
    assert body["duration"] == 12500
    post = alice.create_post(content={"media": {"id": urn, "title": "Launch"}})
    assert post.status_code == 201
    assert post.headers["x-restli-id"].startswith("urn:li:ugcPost:")


def test_video_parts_out_of_order_corrupt_the_video(alice: Api) -> None:
    urn = upload_video(alice, mp4_bytes(12.5, PART + 100_000), reverse=True)
    body = status(alice, "videos", urn)
    assert body["status"] == "PROCESSING_FAILED"
    assert body["processingFailureReason"] == (
        "Uploaded parts were given out of order; the video is corrupt")


def test_finalize_before_every_part_is_uploaded(alice: Api) -> None:
    value = initialize(alice, "videos", fileSizeBytes=PART + 10).json()["value"]
    first = value["uploadInstructions"][0]
    etag = requests.put(first["uploadUrl"], data=bytes(PART), timeout=30).headers["ETag"]
    answer = alice.post("/rest/videos?action=finalizeUpload", json={"finalizeUploadRequest": {
        "video": value["video"], "uploadToken": "", "uploadedPartIds": [etag]}})
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "code": "INVALID_UPLOAD", "message":
                             f"Parts [1] of {value['video']} were never uploaded; upload every "
                             "part before finalizeUpload"}


def test_finalize_with_wrong_part_ids(alice: Api) -> None:
    data = mp4_bytes(5, 100_000)
    value = initialize(alice, "videos", fileSizeBytes=len(data)).json()["value"]
    requests.put(value["uploadInstructions"][0]["uploadUrl"], data=data, timeout=30)
    answer = alice.post("/rest/videos?action=finalizeUpload", json={"finalizeUploadRequest": {
        "video": value["video"], "uploadToken": "", "uploadedPartIds": ["made-up"]}})
    assert answer.status_code == 400
    assert answer.json()["message"] == ("uploadedPartIds must list the 1 ETags returned by the "
                                        "part uploads, in order; received 1 ids")


def test_video_part_of_the_wrong_size(alice: Api) -> None:
    value = initialize(alice, "videos", fileSizeBytes=100_000).json()["value"]
    put = requests.put(value["uploadInstructions"][0]["uploadUrl"], data=bytes(10), timeout=10)
    assert put.status_code == 400
    assert put.json()["message"] == ("Part 0 must be bytes 0-99999 (100000 bytes); received 10 "
                                     "bytes")


@pytest.mark.parametrize(("data", "reason"), [
    (mp4_bytes(2, 100_000), "Video lasts 2 s; videos must last from 3 seconds to 30 minutes"),
    (mp4_bytes(1801, 100_000), "Video lasts 1801 s; videos must last from 3 seconds to 30 minutes"),
    (mp4_bytes(10, 50_000), "Video is 50000 bytes; videos must be between 75 KB and 500 MB"),
    (bytes(100_000), "Unsupported file format: videos must be MP4 with a movie header"),
])
def test_video_limits(alice: Api, data: bytes, reason: str) -> None:
    urn = upload_video(alice, data)
    body = status(alice, "videos", urn)
    assert body["status"] == "PROCESSING_FAILED"
    assert body["processingFailureReason"] == reason


@pytest.mark.parametrize(("size", "expected"), [
    (None, {"code": "MISSING_FIELD",
            "message": "/initializeUploadRequest/fileSizeBytes is required but missing"}),
    (6 * 1024**3, {"code": "INVALID_VALUE_FOR_FIELD",
                   "message": "/initializeUploadRequest/fileSizeBytes can't be set to "
                              "6442450944"}),
])
def test_video_declared_size(alice: Api, size: int | None, expected: dict[str, str]) -> None:
    extra: dict[str, Any] = {} if size is None else {"fileSizeBytes": size}
    answer = initialize(alice, "videos", **extra)
    assert answer.status_code == 400
    assert {k: answer.json()[k] for k in expected} == expected


def test_unknown_action(alice: Api) -> None:
    answer = alice.post("/rest/images?action=finalizeUpload", json={})
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"


def test_multi_image_posts(alice: Api) -> None:
    images = [upload_image(alice, png_header(100 + i, 100)) for i in range(2)]
    answer = alice.create_post(content={"multiImage": {"images": [
        {"id": urn, "altText": f"slide {i}"} for i, urn in enumerate(images)]}})
    assert answer.status_code == 201
    assert answer.headers["x-restli-id"].startswith("urn:li:ugcPost:")
    one = alice.create_post(commentary="one image", content={"multiImage": {"images": [
        {"id": images[0]}]}})
    assert one.status_code == 400
    assert one.json()["message"] == ("/content/multiImage/images can't be set to a list of 1 "
                                     "images (2 to 20 are allowed)")


def test_article_thumbnail_must_be_an_available_image(alice: Api) -> None:
    waiting = initialize(alice, "images").json()["value"]["image"]
    answer = alice.create_post(content={"article": {
        "source": "https://example.com", "title": "T", "thumbnail": waiting}})
    assert answer.status_code == 400
    assert answer.json()["code"] == "MEDIA_ASSET_WAITING_UPLOAD"
