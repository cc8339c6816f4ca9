"""The media steps of a create: upload each file once per owner, wait until LinkedIn has
it AVAILABLE, build the post's payload, and read the text back after posting.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.apply_steps import Steps, normalize_commentary
from publisher.ledger import MediaRecord
from publisher.linkedin import errors as li
from publisher.reshare import parent_urn

if TYPE_CHECKING:  # a sync with nothing to send loads neither the client nor the parser
    from publisher.linkedin.client import LinkedInClient
    from publisher.post import MediaFile, Post

MEDIA_WAIT_TRIES = 6
MEDIA_WAIT_SECONDS = 2.0
# How long to wait for uploaded media to become AVAILABLE before a post uses it.
MEDIA_READY_WAIT = {"image": 120.0, "document": 120.0, "video": 900.0}


class MediaSteps(Steps):
    def _upload_all(self, post: Post, client: LinkedInClient) -> dict[str, str]:
        """Media URNs by file path, uploading only what this owner does not have yet."""
        urns: dict[str, str] = {}
        for media in post.media:
            urns[media.path] = self._upload(post, media, client)
        return urns

    def _upload(self, post: Post, media: MediaFile, client: LinkedInClient) -> str:
        cache = self.book.uploads.setdefault(post.author, {})
        key = media.upload_key
        urn = cache.get(key)
        if urn is None:
            path = self.config.root / media.path
            urn = self._send_media(client, post.author, media, path)
            cache[key] = urn
            self.journal.upload(post.author, key, urn)
        entry = self.book.posts.get(post.path)
        if entry is not None:
            entry.media[media.path] = MediaRecord(sha256=key, urn=urn)
        self._save(post.path)
        return urn

    def _confirm_media_ready(self, client: LinkedInClient, media: dict[str, str]) -> None:
        """Wait, bounded, until LinkedIn reports each file the post uses AVAILABLE.

        A post created while its media is still processing can be refused or, worse,
        accepted and never shown. A token that may not read media (403: a member token
        has no r_member_social) cannot ask: then the create itself is retried while
        LinkedIn answers MEDIA_ASSET_WAITING_UPLOAD (_create_waiting_for_media).
        """
        for urn in dict.fromkeys(media.values()):
            if urn in self.ready_media:
                continue
            try:
                client.wait_until_available(urn, max_wait=MEDIA_READY_WAIT[_kind(urn)])
            except li.Forbidden:
                return  # one token for all of them: the others are unreadable too
            self.ready_media.add(urn)

    def _send_media(self, client: LinkedInClient, owner: str, media: MediaFile, path: Path) -> str:
        def progress(done: int, total: int) -> None:
            self.progress.upload(media.path, done, total)

        content_type = media.info.content_type
        if media.kind == "image":
            return client.upload_image(owner, path, content_type=content_type, progress=progress)
        if media.kind == "document":
            return client.upload_document(owner, path, content_type=content_type, progress=progress)
        extras = {f.kind: self.config.root / f.path for f in media.extras}
        urn = client.upload_video(owner, path, progress=progress,
                                  thumbnail=extras.get("image"), captions=extras.get("captions"))
        self.ready_media.add(urn)  # the upload waited until AVAILABLE, where it could read
        return urn

    def _payload(self, post: Post, media: dict[str, str]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if post.kind == "image":
            image = post.images[0]
            kwargs["media"] = _media_item(media[image.path], alt=image.alt)
        elif post.kind == "multi_image":
            kwargs["multi_image"] = [_media_item(media[i.path], alt=i.alt) for i in post.images]
        elif post.video is not None:
            kwargs["media"] = _media_item(media[post.video.path], title=post.video.title)
        elif post.document is not None:
            kwargs["media"] = _media_item(media[post.document.path], title=post.document.title)
        elif post.article is not None:
            kwargs["article"] = _article(post, media)
        elif post.poll is not None:
            kwargs["poll"] = post.poll.payload()
        from publisher.linkedin.client import build_post_payload

        return build_post_payload(
            post.author,
            post.commentary,
            post.visibility,
            reshare_disabled=not post.reshare,
            reshare_parent=parent_urn(post, self.book),
            **kwargs,
        )

    def _read_back(self, post: Post, client: LinkedInClient, urn: str) -> str:
        """For pages we may read: check LinkedIn shows the text we sent; "" when fine.
        Raises NotFound when LinkedIn has no such post."""
        from publisher.postmodel import is_organization

        if not is_organization(post.author):
            return ""
        try:
            stored = client.get_post(urn)
        except li.NotFound:
            raise  # LinkedIn does not have it: the caller records the post as gone
        except li.LinkedInError:
            return ""  # no read scope, or not readable yet: nothing to compare
        shown = normalize_commentary(str(stored.get("commentary", "")))
        if shown == normalize_commentary(post.commentary):
            return ""
        return (
            f"LinkedIn shows a different text than was sent ({len(shown)} of "
            f"{len(post.commentary)} characters): it may have cut the post; check {urn}"
        )


def _media_item(urn: str, alt: str | None = None, title: str | None = None) -> dict[str, str]:
    item = {"id": urn}
    if alt:
        item["altText"] = alt
    if title:
        item["title"] = title
    return item


def _kind(urn: str) -> str:
    from publisher.linkedin.media import media_kind  # with the client, once media is sent

    return media_kind(urn)


def _article(post: Post, media: dict[str, str]) -> dict[str, str]:
    article = post.article
    assert article is not None
    card = {"source": article.url, "title": article.title}
    if article.description:
        card["description"] = article.description
    if article.thumbnail:
        card["thumbnail"] = media[article.thumbnail.path]
    return card
