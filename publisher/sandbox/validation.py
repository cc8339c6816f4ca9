"""Schema checks of a Posts API body (linkedin-api.md 4.1, 4.4, 4.6, 13), with no state.

``validate_post`` answers the 400/403/422 a create body earns on its own; the backend then
checks what needs state (who may post as the author, the media, duplicates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from publisher.littletext import utf16_length
from publisher.sandbox import errors

JSON = dict[str, Any]

MAX_COMMENTARY = 3000
MAX_COMMENT = 1250  # a comment's message text (LinkedIn's help centre: 1,250 characters)
MAX_ALT_TEXT = 4086
VISIBILITIES = ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER")
FEED_DISTRIBUTIONS = ("MAIN_FEED", "NONE")
LIFECYCLE_STATES = ("PUBLISHED", "DRAFT", "PUBLISH_REQUESTED", "PUBLISH_FAILED")
POLL_DURATIONS = ("ONE_DAY", "THREE_DAYS", "SEVEN_DAYS", "FOURTEEN_DAYS")
CALLS_TO_ACTION = ("APPLY", "DOWNLOAD", "VIEW_QUOTE", "LEARN_MORE", "SIGN_UP", "SUBSCRIBE",
                   "REGISTER", "JOIN", "ATTEND", "REQUEST_DEMO", "SEE_MORE", "BUY_NOW",
                   "SHOP_NOW")
CONTENT_KEYS = ("media", "multiImage", "article", "poll", "celebration", "reference")
CREATE_FIELDS = ("author", "commentary", "visibility", "distribution", "lifecycleState",
                 "isReshareDisabledByAuthor", "content", "reshareContext", "contentLandingPage",
                 "contentCallToActionLabel", "adContext", "container")
EXTRA_FIELDS = ("reshareContext", "contentLandingPage", "contentCallToActionLabel", "adContext",
                "container")
EDITABLE_FIELDS = ("commentary", "contentCallToActionLabel", "contentLandingPage",
                   "lifecycleState")

URN = re.compile(r"^urn:li:(?P<type>[A-Za-z]+):(?P<id>.*)$")
PERSON_ID = re.compile(r"^[A-Za-z0-9_-]+$")
NUMERIC_ID = re.compile(r"^[0-9]+$")
MEDIA_ID = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class PostInput:
    author: str
    commentary: str
    visibility: str
    distribution: JSON
    lifecycle_state: str
    reshare_disabled: bool
    content: JSON | None
    content_kind: str                           # "text", "image", "video", "multiImage", ...
    media_refs: tuple[tuple[str, str], ...]     # (field path, media URN) to check
    extras: JSON


def urn_parts(value: str) -> tuple[str, str] | None:
    match = URN.match(value)
    return (match["type"], match["id"]) if match else None


def valid_urn_id(urn_type: str, urn_id: str) -> bool:
    if urn_type == "person":
        return bool(PERSON_ID.match(urn_id))
    if urn_type in ("organization", "share", "ugcPost", "groupPost"):
        return bool(NUMERIC_ID.match(urn_id))
    return bool(MEDIA_ID.match(urn_id))


def check_urn(field: str, value: object, allowed: tuple[str, ...], described: str) -> str:
    """A URN of one of the allowed types, or the LinkedIn-worded 400."""
    if not isinstance(value, str):
        raise errors.invalid_value(field, value)
    parts = urn_parts(value)
    if parts is None or parts[0] not in allowed:
        raise errors.invalid_urn_type(field, value, described)
    if not valid_urn_id(*parts):
        raise errors.invalid_urn_id(field)
    return value


def validate_post(body: object) -> PostInput:
    if not isinstance(body, dict):
        raise errors.invalid_json()
    _refuse_unknown_fields(body, CREATE_FIELDS)
    author = _author(body)
    commentary = check_commentary(body.get("commentary"), present="commentary" in body)
    visibility = _enum(body, "visibility", VISIBILITIES)
    if visibility == "CONNECTIONS" and author.startswith("urn:li:organization:"):
        raise errors.invalid_value("/visibility", visibility)
    distribution = _distribution(body)
    lifecycle = _enum(body, "lifecycleState", LIFECYCLE_STATES)
    if lifecycle != "PUBLISHED":
        raise errors.invalid_value("/lifecycleState", lifecycle)
    reshare_disabled = body.get("isReshareDisabledByAuthor", False)
    if not isinstance(reshare_disabled, bool):
        raise errors.invalid_value("/isReshareDisabledByAuthor", reshare_disabled)
    content, kind, refs = _content(body.get("content"))
    extras = {name: body[name] for name in EXTRA_FIELDS if name in body}
    _check_extras(extras)
    return PostInput(author, commentary, visibility, distribution, lifecycle, reshare_disabled,
                     content, kind, refs, extras)


def _refuse_unknown_fields(body: JSON, allowed: tuple[str, ...], prefix: str = "") -> None:
    """Rest.li schema validation: unknown or read-only fields are a 422."""
    for name in body:
        if name not in allowed:
            raise errors.unprocessable(
                f"ERROR :: {prefix}/{name} :: unrecognized field found but not allowed")


def _author(body: JSON) -> str:
    if "author" not in body:
        raise errors.missing_field("/author")
    author = body["author"]
    if isinstance(author, str) and not author.startswith("urn:"):
        raise errors.author_forbidden()         # a bare id: LinkedIn answers 403, not 400
    return check_urn("/author", author, ("person", "organization"), "person or organization")


def check_commentary(value: object, *, present: bool, field: str = "/commentary",
                     maximum: int = MAX_COMMENTARY) -> str:
    if not present:
        raise errors.missing_field(field)
    if not isinstance(value, str):
        raise errors.invalid_value(field, value)
    if not value.strip():
        raise errors.blank_field(field)
    length = utf16_length(value)
    if length > maximum:
        raise errors.too_long(field, length, maximum)
    return value


def _enum(body: JSON, name: str, allowed: tuple[str, ...]) -> str:
    if name not in body:
        raise errors.missing_field(f"/{name}")
    value = body[name]
    if value not in allowed:
        raise errors.invalid_value(f"/{name}", value)
    return str(value)


def _distribution(body: JSON) -> JSON:
    if "distribution" not in body:
        raise errors.missing_field("/distribution")
    distribution = body["distribution"]
    if not isinstance(distribution, dict):
        raise errors.invalid_value("/distribution", distribution)
    if "feedDistribution" not in distribution:
        raise errors.missing_field("/distribution/feedDistribution")
    feed = distribution["feedDistribution"]
    if feed not in FEED_DISTRIBUTIONS:
        raise errors.invalid_value("/distribution/feedDistribution", feed)
    for name in ("targetEntities", "thirdPartyDistributionChannels"):
        if name in distribution and not isinstance(distribution[name], list):
            raise errors.invalid_value(f"/distribution/{name}", distribution[name])
    ad_context = body.get("adContext")
    if feed == "NONE" and not (isinstance(ad_context, dict) and ad_context.get("dscAdAccount")):
        raise errors.missing_dsc_account()
    return dict(distribution)


def _content(content: object) -> tuple[JSON | None, str, tuple[tuple[str, str], ...]]:
    if content is None:
        return None, "text", ()
    if not (isinstance(content, dict) and len(content) == 1
            and next(iter(content)) in CONTENT_KEYS):
        raise errors.invalid_value("/content", content)
    key, value = next(iter(content.items()))
    if not isinstance(value, dict):
        raise errors.invalid_value(f"/content/{key}", value)
    if key == "media":
        kind, refs = _media(value)
    elif key == "multiImage":
        kind, refs = "multiImage", _multi_image(value)
    elif key == "article":
        kind, refs = "article", _article(value)
    elif key == "poll":
        _poll(value)
        kind, refs = "poll", ()
    else:
        kind, refs = key, ()
    return dict(content), kind, refs


def _media(media: JSON) -> tuple[str, tuple[tuple[str, str], ...]]:
    if "id" not in media:
        raise errors.missing_field("/content/media/id")
    urn = check_urn("/content/media/id", media["id"], ("image", "video", "document"),
                    "image, video or document")
    kind = urn.split(":")[2]
    _alt_text("/content/media/altText", media)
    if kind == "document" and not media.get("title"):
        raise errors.missing_field("/content/media/title")
    return kind, (("/content/media/id", urn),)


def _multi_image(multi: JSON) -> tuple[tuple[str, str], ...]:
    images = multi.get("images")
    if not isinstance(images, list):
        raise errors.missing_field("/content/multiImage/images")
    if not 2 <= len(images) <= 20:
        raise errors.invalid_value("/content/multiImage/images",
                                   f"a list of {len(images)} images (2 to 20 are allowed)")
    refs = []
    for index, image in enumerate(images):
        field = f"/content/multiImage/images/{index}"
        if not isinstance(image, dict) or "id" not in image:
            raise errors.missing_field(f"{field}/id")
        refs.append((f"{field}/id", check_urn(f"{field}/id", image["id"], ("image",), "image")))
        _alt_text(f"{field}/altText", image)
    return tuple(refs)


def _alt_text(field: str, holder: JSON) -> None:
    alt = holder.get("altText")
    if alt is None:
        return
    if not isinstance(alt, str):
        raise errors.invalid_value(field, alt)
    if utf16_length(alt) > MAX_ALT_TEXT:
        raise errors.too_long(field, utf16_length(alt), MAX_ALT_TEXT)


def _article(article: JSON) -> tuple[tuple[str, str], ...]:
    source = article.get("source")
    if source is None:
        raise errors.missing_field("/content/article/source")
    if not isinstance(source, str) or not re.match(r"^https?://\S+$", source):
        raise errors.invalid_value("/content/article/source", source)
    if not article.get("title"):
        raise errors.missing_field("/content/article/title")
    thumbnail = article.get("thumbnail")
    if thumbnail is None:
        return ()
    return (("/content/article/thumbnail",
             check_urn("/content/article/thumbnail", thumbnail, ("image",), "image")),)


def _poll(poll: JSON) -> None:
    question = poll.get("question")
    if not isinstance(question, str) or not question.strip():
        raise errors.missing_field("/content/poll/question")
    options = poll.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 4:
        raise errors.invalid_value("/content/poll/options", options)
    for index, option in enumerate(options):
        if not isinstance(option, dict) or not isinstance(option.get("text"), str):
            raise errors.missing_field(f"/content/poll/options/{index}/text")
    settings = poll.get("settings")
    duration = settings.get("duration") if isinstance(settings, dict) else None
    if duration is None:
        raise errors.missing_field("/content/poll/settings/duration")
    if duration not in POLL_DURATIONS:
        raise errors.invalid_value("/content/poll/settings/duration", duration)


def _check_extras(extras: JSON) -> None:
    reshare = extras.get("reshareContext")
    if reshare is not None:
        if not isinstance(reshare, dict) or "parent" not in reshare:
            raise errors.missing_field("/reshareContext/parent")
        check_urn("/reshareContext/parent", reshare["parent"], ("share", "ugcPost", "groupPost"),
                  "groupPost, share or ugcPost")
    label = extras.get("contentCallToActionLabel")
    if label is not None and label not in CALLS_TO_ACTION:
        raise errors.invalid_value("/contentCallToActionLabel", label)
    page = extras.get("contentLandingPage")
    if page is not None and not isinstance(page, str):
        raise errors.invalid_value("/contentLandingPage", page)
    ad_context = extras.get("adContext")
    if isinstance(ad_context, dict):
        for read_only in ("dscAdType", "isDsc"):
            if read_only in ad_context:
                raise errors.unprocessable(
                    f"ERROR :: /adContext/{read_only} :: field is read-only")


def validate_patch(body: object) -> JSON:
    """The ``$set`` of a PARTIAL_UPDATE body, restricted to editable fields."""
    if not isinstance(body, dict) or not isinstance(body.get("patch"), dict):
        raise errors.missing_field("/patch")
    changes: JSON = {}
    for key, value in body["patch"].items():
        changes.update(_patch_entry(key, value))
    if "commentary" in changes:
        check_commentary(changes["commentary"], present=True)
    if "lifecycleState" in changes and changes["lifecycleState"] != "PUBLISHED":
        raise errors.invalid_value("/lifecycleState", changes["lifecycleState"])
    if "contentCallToActionLabel" in changes:
        _check_extras({"contentCallToActionLabel": changes["contentCallToActionLabel"]})
    return changes


def _patch_entry(key: str, value: object) -> JSON:
    """One entry of ``patch``: ``$set`` of top-level fields or ``adContext: {$set: ...}``."""
    if key == "$set" and isinstance(value, dict):
        for name in value:
            if name != "adContext" and name not in EDITABLE_FIELDS:
                raise errors.not_editable(f"/{name}")
        return dict(value)
    if key == "adContext" and isinstance(value, dict) and isinstance(value.get("$set"), dict):
        return {"adContext": value["$set"]}
    if key == "$delete":
        raise errors.unprocessable("Removing fields with $delete is not supported on posts")
    raise errors.not_editable(f"/{key}")
