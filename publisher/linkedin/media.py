"""Uploading images, documents and videos (linkedin-api.md sections 6 to 8).

Images and documents: ``initializeUpload`` names an upload URL and the new URN; the file is
PUT there in one request, with the bearer token, as the docs ask.

Videos: ``initializeUpload`` with the file size returns one upload URL per 4 MiB part
(``firstByte``/``lastByte`` inclusive). Each part is PUT without a token (the part URLs are
documented not to take one) and answers with an ``ETag``; ``finalizeUpload`` lists the ETags
in part order; then the video is polled until LinkedIn reports it AVAILABLE.

Files are streamed from disk one block at a time: a part is never held whole in memory,
let alone the file.

``initializeUpload`` is retried like a read although it is not idempotent: a repeat only
reserves another upload slot, which nothing ever shows and LinkedIn drops when unused.
``finalizeUpload`` is not retried once sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.linkedin.errors import (
    Forbidden,
    LinkedInError,
    MediaProcessingFailed,
    MediaTimeout,
    UploadError,
)
from publisher.linkedin.restli import encode_key
from publisher.linkedin.transport import FilePart, Token, Transport

ProgressCallback = Callable[[int, int], None]      # (bytes done, bytes in all)

PART_SIZE = 4 * 1024 * 1024
POLL_INTERVAL = 2.0
IMAGE_MAX_WAIT = 120.0
VIDEO_MAX_WAIT = 900.0
RESOURCES = {"image": "images", "video": "videos", "document": "documents"}


@dataclass(frozen=True)
class PartInstruction:
    """One part of a video upload: PUT bytes ``first_byte..last_byte`` (inclusive) to ``url``."""

    url: str
    first_byte: int
    last_byte: int

    @property
    def length(self) -> int:
        return self.last_byte - self.first_byte + 1


def upload_image(
    transport: Transport, token: Token, owner: str, path: Path, *,
    content_type: str = "application/octet-stream", progress: ProgressCallback | None = None,
) -> str:
    """Upload an image for ``owner`` (the future post's author); returns ``urn:li:image:…``.

    The image is usually AVAILABLE a moment later; a post created before that is refused
    with MEDIA_ASSET_WAITING_UPLOAD, which is safe to retry. A token with only
    w_member_social may not read images, so this does not poll.
    """
    return _upload_whole(transport, token, owner, path, _Whole("image", content_type, progress))


def upload_document(
    transport: Transport, token: Token, owner: str, path: Path, *,
    content_type: str = "application/octet-stream", progress: ProgressCallback | None = None,
) -> str:
    """Upload a PDF, PPT(X) or DOC(X) for ``owner``; returns ``urn:li:document:…``."""
    return _upload_whole(transport, token, owner, path, _Whole("document", content_type, progress))


@dataclass(frozen=True)
class VideoExtras:
    """Files LinkedIn keeps with a video: a thumbnail (JPEG or PNG) and SubRip captions."""

    thumbnail: Path | None = None
    captions: Path | None = None


def upload_video(
    transport: Transport, token: Token, owner: str, path: Path, *, size: int | None = None,
    progress: ProgressCallback | None = None,
    poll_interval: float = POLL_INTERVAL, max_wait: float = VIDEO_MAX_WAIT, wait: bool = True,
    extras: VideoExtras = VideoExtras(),
) -> str:
    """Upload an MP4 for ``owner`` part by part, then its extras; returns ``urn:li:video:…``.

    With ``wait`` (the default) it returns once the video is AVAILABLE, raising
    ``MediaProcessingFailed`` or ``MediaTimeout`` otherwise. If the token may not read
    the video's status (403), it returns without waiting: creating the post then says
    whether the video is ready.
    """
    size = path.stat().st_size if size is None else size
    request = {"owner": owner, "fileSizeBytes": size,
               "uploadCaptions": extras.captions is not None,
               "uploadThumbnail": extras.thumbnail is not None}
    value = _initialize(transport, token, "video", request, owner)
    urn = _text(value, "video")
    parts = upload_instructions(value, size)
    etags = []
    done = 0
    for part in parts:
        reply = transport.upload(part.url, FilePart(path, part.first_byte, part.length),
                                 token=None, progress=_shifted(progress, done, size))
        etag = reply.header("etag")
        if not etag:
            raise UploadError(f"the upload of bytes {part.first_byte}-{part.last_byte} of "
                              f"{path.name} answered {reply.status} without an ETag")
        etags.append(etag)
        done += part.length
    _upload_extras(transport, value, extras)
    _report(progress, size, size)
    finalize = {"finalizeUploadRequest": {"video": urn, "uploadToken": value.get("uploadToken", ""),
                                          "uploadedPartIds": etags}}
    transport.api("POST", "/rest/videos", token, restli_method="ACTION",
                  query="action=finalizeUpload", json_body=finalize, author=owner)
    if wait:
        try:
            wait_until_available(transport, token, urn, poll_interval=poll_interval,
                                 max_wait=max_wait)
        except Forbidden:
            transport.logger.debug("may not read %s; not waiting for it", urn)
    return urn


def _upload_extras(transport: Transport, value: Mapping[str, Any], extras: VideoExtras) -> None:
    """PUT the thumbnail and captions to the URLs initializeUpload gave for them. LinkedIn's
    docs do not print those fields; thumbnailUploadUrl and captionsUploadUrl are what the
    clients that use them read."""
    for field_name, file in (("thumbnailUploadUrl", extras.thumbnail),
                             ("captionsUploadUrl", extras.captions)):
        if file is None:
            continue
        url = value.get(field_name)
        if not isinstance(url, str) or not url:
            raise UploadError(f"initializeUpload was asked for {field_name} and returned none")
        # No token: these URLs are of the video's upload family, whose part URLs are
        # documented not to take one.
        transport.upload(url, FilePart(file, 0, file.stat().st_size), token=None)


def media_status(transport: Transport, token: Token, urn: str) -> dict[str, Any]:
    """``GET /rest/{images|videos|documents}/{urn}``: the entity, with ``status``."""
    resource = RESOURCES[media_kind(urn)]
    data = transport.api("GET", f"/rest/{resource}/{encode_key(urn)}", token).json()
    if not isinstance(data, dict):
        raise LinkedInError(f"LinkedIn answered the status of {urn} with JSON that is not "
                            "an object")
    return data


def wait_until_available(
    transport: Transport, token: Token, urn: str, *,
    poll_interval: float = POLL_INTERVAL, max_wait: float = IMAGE_MAX_WAIT,
) -> dict[str, Any]:
    """Poll until the media is AVAILABLE; at most ``max_wait`` seconds of waiting."""
    started = transport.clock()
    while True:
        entity = media_status(transport, token, urn)
        status = entity.get("status")
        if status == "AVAILABLE":
            return entity
        if status == "PROCESSING_FAILED":
            reason = entity.get("processingFailureReason")
            raise MediaProcessingFailed(urn, str(reason) if reason else None)
        waited = transport.clock() - started
        if waited + poll_interval > max_wait:
            raise MediaTimeout(urn, waited, str(status) if status else None)
        transport.sleep(poll_interval)


def media_kind(urn: str) -> str:
    """``image``, ``video`` or ``document`` from a media URN."""
    for kind in RESOURCES:
        if urn.startswith(f"urn:li:{kind}:"):
            return kind
    raise ValueError(f"not an image, video or document URN: {urn!r}")


def upload_instructions(value: Mapping[str, Any], size: int) -> list[PartInstruction]:
    """The parts of a video upload, checked to cover bytes 0..size-1 once, in order."""
    raw = value.get("uploadInstructions")
    if not isinstance(raw, list) or not raw:
        raise UploadError("initializeUpload returned no uploadInstructions")
    parts = []
    for item in raw:
        if not isinstance(item, dict):
            raise UploadError(f"malformed upload instruction: {item!r}")
        first, last = item.get("firstByte"), item.get("lastByte")
        url = item.get("uploadUrl")
        if not isinstance(first, int) or not isinstance(last, int) or not isinstance(url, str):
            raise UploadError(f"malformed upload instruction: {_without_url(item)}")
        parts.append(PartInstruction(url, first, last))
    parts.sort(key=lambda p: p.first_byte)
    expected = 0
    for part in parts:
        if part.first_byte != expected or part.last_byte < part.first_byte:
            raise UploadError("upload instructions do not cover the file in order: part "
                              f"{part.first_byte}-{part.last_byte}, expected to start at "
                              f"{expected}")
        expected = part.last_byte + 1
    if expected != size:
        raise UploadError(f"upload instructions cover {expected} bytes, the file has {size}")
    return parts


@dataclass(frozen=True)
class _Whole:
    """An image or document upload: one PUT of the whole file."""

    kind: str
    content_type: str
    progress: ProgressCallback | None


def _upload_whole(transport: Transport, token: Token, owner: str, path: Path, what: _Whole) -> str:
    size = path.stat().st_size
    value = _initialize(transport, token, what.kind, {"owner": owner}, owner)
    urn = _text(value, what.kind)
    transport.upload(_text(value, "uploadUrl"), FilePart(path, 0, size), token=token,
                     content_type=what.content_type, progress=_shifted(what.progress, 0, size))
    _report(what.progress, size, size)
    return urn


def _initialize(
    transport: Transport, token: Token, kind: str, request: Mapping[str, Any], owner: str,
) -> Mapping[str, Any]:
    reply = transport.api("POST", f"/rest/{RESOURCES[kind]}", token, restli_method="ACTION",
                          query="action=initializeUpload",
                          json_body={"initializeUploadRequest": dict(request)},
                          idempotent=True, author=owner)
    data = reply.json()
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise UploadError(f"initializeUpload for the {kind} returned no 'value'")
    return value


def _text(value: Mapping[str, Any], key: str) -> str:
    found = value.get(key)
    if not isinstance(found, str) or not found:
        raise UploadError(f"initializeUpload returned no {key!r}")
    return found


def _without_url(item: Mapping[str, Any]) -> dict[str, Any]:
    """An instruction fit for a message: its signed URL left out."""
    return {k: v for k, v in item.items() if k != "uploadUrl"}


def _shifted(
    progress: ProgressCallback | None, before: int, total: int,
) -> Callable[[int], None] | None:
    """A per-part byte counter turned into whole-file progress."""
    if progress is None:
        return None
    return lambda sent: progress(before + sent, total)


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
