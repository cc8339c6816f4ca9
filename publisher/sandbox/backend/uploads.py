"""Images, videos and documents: initializeUpload, the upload URLs, finalizeUpload, processing
and the download URLs (linkedin-api.md section 7; the fidelity review on video parts).
"""

from __future__ import annotations

import hashlib
from typing import Any

from publisher.sandbox import errors, mediainfo
from publisher.sandbox.backend.core import DAY_MS
from publisher.sandbox.backend.identity import POSTING_ROLES
from publisher.sandbox.backend.oauth import OAuth
from publisher.sandbox.backend.records import JSON, Caller, Media
from publisher.sandbox.validation import urn_parts

MAX_VIDEO_DECLARED = 5 * 1024 * 1024 * 1024
READ_MEDIA_SCOPES = ("r_member_social", "r_organization_social", "rw_organization_admin")
MEDIA_PREFIX = {"image": "C4E10AQ", "video": "C5F10AQ", "document": "D4D10AQ"}
UPLOAD_PATH = {"image": "uploaded-image", "video": "uploadedVideo", "document": "uploaded-document"}
# A video's extra files: the initializeUpload flag that asks for each, the answer's field
# with its URL and the URL's path. LinkedIn's docs print none of these answer fields; the
# names are those that public clients of the Videos API read.
VIDEO_FILES = {"thumbnail": ("uploadThumbnail", "thumbnailUploadUrl", "uploadedThumbnail"),
               "captions": ("uploadCaptions", "captionsUploadUrl", "uploadedCaptions")}


class Uploads(OAuth):
    media: dict[str, Media]                 # URN -> record
    assets: dict[str, str]                  # asset id (in the upload URLs) -> URN
    blobs: dict[str, bytes]                 # image or document URN -> bytes
    parts: dict[str, dict[int, bytes]]      # video URN -> parts received, until finalizeUpload
    thumbnails: dict[str, bytes]            # video URN -> thumbnail bytes
    captions: dict[str, bytes]              # video URN -> SubRip bytes

    def _reset_state(self) -> None:
        super()._reset_state()
        self.media = {}
        self.assets = {}
        self.blobs = {}
        self.parts = {}
        self.thumbnails = {}
        self.captions = {}

    # ---- media

    def initialize_upload(self, caller: Caller, kind: str, body: object, base_url: str) -> JSON:
        request = body.get("initializeUploadRequest") if isinstance(body, dict) else None
        if not isinstance(request, dict):
            raise errors.missing_field("/initializeUploadRequest")
        owner = request.get("owner")
        if owner is None:
            raise errors.missing_field("/initializeUploadRequest/owner")
        parts = urn_parts(owner) if isinstance(owner, str) else None
        if parts is None or parts[0] not in ("person", "organization"):
            raise errors.invalid_urn_type("/initializeUploadRequest/owner", owner,
                                          "person or organization")
        assert isinstance(owner, str)
        if not self.may_write_as(caller, owner):
            raise errors.media_forbidden(kind)
        declared = self._declared_video_size(request) if kind == "video" else None
        files = self._requested_files(request) if kind == "video" else set()
        media = self._new_media(kind, owner, declared)
        media.thumbnail_requested = "thumbnail" in files
        media.captions_requested = "captions" in files
        return self._upload_instructions(media, base_url)

    def _declared_video_size(self, request: JSON) -> int:
        size = request.get("fileSizeBytes")
        if size is None:
            raise errors.missing_field("/initializeUploadRequest/fileSizeBytes")
        valid = isinstance(size, int) and not isinstance(size, bool)
        if not valid or not 0 < size <= MAX_VIDEO_DECLARED:
            raise errors.invalid_value("/initializeUploadRequest/fileSizeBytes", size)
        return int(size)

    def _requested_files(self, request: JSON) -> set[str]:
        """Which of the video's thumbnail and captions initializeUpload asks URLs for."""
        files: set[str] = set()
        for name, (flag, _, _) in VIDEO_FILES.items():
            value = request.get(flag, False)
            if not isinstance(value, bool):
                raise errors.invalid_value(f"/initializeUploadRequest/{flag}", value)
            if value:
                files.add(name)
        return files

    def _new_media(self, kind: str, owner: str, declared: int | None) -> Media:
        asset = MEDIA_PREFIX[kind] + self._random_text(12)
        now = self.now_ms()
        part_bytes = self.options.video_part_bytes
        parts = 1 if declared is None else -(-declared // part_bytes)
        media = Media(urn=f"urn:li:{kind}:{asset}", kind=kind, owner=owner, asset=asset,
                      signature=self._random_text(24), created_ms=now,
                      upload_expires_ms=now + int(self.options.upload_url_ttl_seconds * 1000),
                      declared_size=declared, part_count=parts, part_bytes=part_bytes,
                      part_etags=[None] * parts)
        self.media[media.urn] = media
        self.assets[asset] = media.urn
        self.touch()
        return media

    def _upload_instructions(self, media: Media, base_url: str) -> JSON:
        def url(path: str) -> str:
            return (f"{base_url}/dms-uploads/{media.asset}/{path}"
                    f"?ca=vector_ads&cn=uploads&sync=0&v=beta&ut={media.signature}")

        if media.kind != "video":
            return {"uploadUrlExpiresAt": media.upload_expires_ms,
                    "uploadUrl": url(f"{UPLOAD_PATH[media.kind]}/0"), media.kind: media.urn}
        assert media.declared_size is not None
        instructions = [{"uploadUrl": url(f"{UPLOAD_PATH['video']}/{i}"),
                         "firstByte": i * media.part_bytes,
                         "lastByte": min(media.declared_size, (i + 1) * media.part_bytes) - 1}
                        for i in range(media.part_count)]
        answer: JSON = {"uploadUrlsExpireAt": media.upload_expires_ms, "video": media.urn,
                        "uploadInstructions": instructions, "uploadToken": media.upload_token}
        for name, (_, field_name, path) in VIDEO_FILES.items():
            if _requested(media, name):
                answer[field_name] = url(path)
        return answer

    def receive_upload(self, asset: str, part: int, signature: str,
                       data: bytes) -> dict[str, str]:
        """Store uploaded bytes; answers the headers to send back (an ETag for video parts)."""
        media = self.media.get(self.assets.get(asset, ""))
        if media is None or signature != media.signature:
            raise errors.upload_rejected("Unknown upload URL or bad signature")
        if self.now_ms() > media.upload_expires_ms:
            raise errors.expired_upload_url(media.kind)
        if media.kind != "video":
            if part != 0:
                raise errors.upload_rejected("Unknown upload URL or bad signature")
            self.blobs[media.urn] = data
            self._uploaded(media, data)
            return {}
        return self._receive_video_part(media, part, data)

    def _receive_video_part(self, media: Media, part: int, data: bytes) -> dict[str, str]:
        assert media.declared_size is not None
        if not 0 <= part < media.part_count:
            raise errors.upload_rejected(f"Part {part} is not one of this upload's "
                                         f"{media.part_count} parts")
        first = part * media.part_bytes
        expected = min(media.declared_size, first + media.part_bytes) - first
        if len(data) != expected:
            raise errors.upload_rejected(
                f"Part {part} must be bytes {first}-{first + expected - 1} "
                f"({expected} bytes); received {len(data)} bytes")
        digest = hashlib.sha256(media.urn.encode() + part.to_bytes(4, "big") + data).hexdigest()
        etag = f"/ambry-video/signedId/{digest[:32]}.bin"
        self.parts.setdefault(media.urn, {})[part] = data
        media.part_etags[part] = etag
        self.touch()
        return {"ETag": etag}

    def receive_video_file(self, asset: str, name: str, signature: str, data: bytes) -> None:
        """Store a video's thumbnail or captions; a second upload replaces the first."""
        media = self.media.get(self.assets.get(asset, ""))
        if (media is None or media.kind != "video" or signature != media.signature
                or not _requested(media, name)):
            raise errors.upload_rejected("Unknown upload URL or bad signature")
        if self.now_ms() > media.upload_expires_ms:
            raise errors.expired_upload_url(media.kind)
        if media.uploaded_ms is not None:
            raise errors.upload_rejected(f"{media.urn} is already finalized; upload its {name} "
                                         "before finalizeUpload")
        digest = hashlib.sha256(data).hexdigest()
        if name == "thumbnail":
            failure = mediainfo.thumbnail_failure(data)
            if failure:
                raise errors.upload_rejected(failure)
            media.thumbnail = {"format": mediainfo.thumbnail_format(data), "bytes": len(data),
                               "sha256": digest}
            self.thumbnails[media.urn] = data
        else:
            captions = mediainfo.read_srt(data)
            if captions.failure:
                raise errors.upload_rejected(f"Invalid SubRip captions: {captions.failure}")
            media.captions = {"cues": captions.cues, "bytes": len(data), "sha256": digest}
            self.captions[media.urn] = data
        self.touch()

    def finalize_video(self, caller: Caller, body: object) -> None:
        request = body.get("finalizeUploadRequest") if isinstance(body, dict) else None
        if not isinstance(request, dict):
            raise errors.missing_field("/finalizeUploadRequest")
        urn = request.get("video")
        if not isinstance(urn, str):
            raise errors.missing_field("/finalizeUploadRequest/video")
        media = self.media.get(urn)
        if media is None or media.kind != "video":
            raise errors.invalid_media_id("video")
        if not self.may_write_as(caller, media.owner):
            raise errors.media_forbidden("video")
        if request.get("uploadToken", "") != media.upload_token:
            raise errors.invalid_value("/finalizeUploadRequest/uploadToken",
                                       request.get("uploadToken"))
        ids = request.get("uploadedPartIds")
        if not isinstance(ids, list):
            raise errors.missing_field("/finalizeUploadRequest/uploadedPartIds")
        self._check_parts(media, ids)
        stored = self.parts.pop(media.urn, {})
        data = b"".join(stored[i] for i in range(media.part_count))
        self._uploaded(media, data)
        if ids != media.part_etags:
            media.failure = "Uploaded parts were given out of order; the video is corrupt"

    def _check_parts(self, media: Media, ids: list[Any]) -> None:
        missing = [i for i, etag in enumerate(media.part_etags) if etag is None]
        if missing:
            raise errors.upload_rejected(
                f"Parts {missing} of {media.urn} were never uploaded; upload every part "
                "before finalizeUpload")
        if len(ids) != media.part_count or set(ids) != set(media.part_etags):
            raise errors.upload_rejected(
                f"uploadedPartIds must list the {media.part_count} ETags returned by the part "
                f"uploads, in order; received {len(ids)} ids")

    def _uploaded(self, media: Media, data: bytes) -> None:
        media.uploaded_ms = self.now_ms()
        media.polls_left = self.options.media_processing_polls
        media.size = len(data)
        if media.kind == "image":
            media.failure = mediainfo.image_failure(data)
            info = mediainfo.sniff_image(data)
            if info is not None:
                media.width, media.height = info.width, info.height
        elif media.kind == "document":
            media.failure = mediainfo.document_failure(data)
        else:
            media.failure = mediainfo.video_failure(data)
            duration = mediainfo.mp4_duration(data)
            media.duration_ms = None if duration is None else int(duration * 1000)
        self.touch()

    def _media_status(self, media: Media) -> str:
        if media.uploaded_ms is None:
            return "WAITING_UPLOAD"
        waited = self.now_ms() - media.uploaded_ms
        if waited < self.options.media_processing_seconds * 1000 or media.polls_left > 0:
            return "PROCESSING"
        return "PROCESSING_FAILED" if media.failure else "AVAILABLE"

    def get_media(self, caller: Caller, kind: str, urn: str, base_url: str) -> JSON:
        if not caller.scopes & set(READ_MEDIA_SCOPES):
            raise errors.media_forbidden(kind)
        media = self.media.get(urn)
        if media is None or media.kind != kind:
            raise errors.not_found()
        owner_ok = (media.owner == caller.urn
                    or self.role(caller.member, media.owner) in POSTING_ROLES)
        if not owner_ok:
            raise errors.media_forbidden(kind)
        status = self._media_status(media)
        if status == "PROCESSING" and media.polls_left > 0:
            media.polls_left -= 1
        return self.media_json(media, status, base_url)

    def media_json(self, media: Media, status: str, base_url: str) -> JSON:
        body: JSON = {"id": media.urn, "owner": media.owner, "status": status}
        if status == "AVAILABLE":
            body["downloadUrl"] = f"{base_url}/dms/{media.kind}/{media.asset}"
            body["downloadUrlExpiresAt"] = self.now_ms() + DAY_MS
        if media.width and media.height:
            body.update(aspectRatioWidth=media.width, aspectRatioHeight=media.height)
        if media.kind == "video" and media.duration_ms is not None:
            body["duration"] = media.duration_ms
        if status == "PROCESSING_FAILED":
            body["processingFailureReason"] = media.failure
        if media.thumbnail is not None:
            body["thumbnail"] = f"{base_url}/dms/video/{media.asset}/thumbnail"
        return body

    def download(self, kind: str, asset: str) -> bytes:
        urn = self.assets.get(asset)
        if urn is None or urn not in self.blobs or self.media[urn].kind != kind:
            raise errors.not_found()
        return self.blobs[urn]

    def download_thumbnail(self, asset: str) -> tuple[bytes, str]:
        """A video's thumbnail bytes and their Content-Type."""
        data = self.thumbnails.get(self.assets.get(asset, ""))
        image_format = None if data is None else mediainfo.thumbnail_format(data)
        if data is None or image_format is None:
            raise errors.not_found()
        return data, mediainfo.THUMBNAIL_TYPES[image_format]

    # ---- what a post may attach

    def _check_post_media(self, urn: str, author: str) -> None:
        kind = urn.split(":")[2]
        media = self.media.get(urn)
        if media is None:
            raise errors.invalid_media_id(kind)
        if media.owner != author:
            raise errors.media_forbidden(kind)
        status = self._media_status(media)
        if status in ("WAITING_UPLOAD", "PROCESSING"):
            raise errors.media_waiting_upload()
        if status == "PROCESSING_FAILED":
            raise errors.media_processing_failed()


def _requested(media: Media, name: str) -> bool:
    return media.thumbnail_requested if name == "thumbnail" else media.captions_requested

