"""The media and article keys of a post's front matter, checked entry by entry: files
inside the repository, their formats against LinkedIn's rules, alt texts, titles, a video's
thumbnail and captions. A part of ``publisher.postcheck``'s checker.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from publisher.config import (
    Config,
)
from publisher.errors import Diagnostic, Severity, did_you_mean
from publisher.formats.common import MediaKind
from publisher.frontmatter_yaml import FrontMatter
from publisher.mediarules import inspect_media, sha256_file
from publisher.onepass import real_path, remembered
from publisher.postmodel import (
    MAX_ALT,
    MAX_IMAGES,
    MAX_TITLE,
    MEDIA_KEYS,
    VIDEO_THUMBNAIL_FORMATS,
    Article,
    MediaFile,
    _is_http,
    _name,
    _shown,
)


class Checks:
    """What the checks of one post file share: the file, its front matter, the findings."""

    config: Config
    path: str
    front: FrontMatter
    data: dict[str, Any]
    folder: Path
    diagnostics: list[Diagnostic]

    def report(self, severity: Severity, key: tuple[str | int, ...], message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, self.front.line(*key), severity, message))

    def error(self, key: tuple[str | int, ...], message: str) -> None:
        self.report("error", key, message)


class MediaChecks(Checks):
    def _images(self) -> tuple[MediaFile, ...]:
        value = self.data["images"]
        if not isinstance(value, list) or not value:
            self.error(("images",), "images must be a list of {path, alt} entries")
            return ()
        if len(value) > MAX_IMAGES:
            self.error(("images",), f"{len(value)} images; LinkedIn takes at most {MAX_IMAGES}")
        files = []
        for index, entry in enumerate(value):
            media = self._media_entry(("images", index), entry, "image")
            if media:
                files.append(media)
        return tuple(files)

    def _media_block(self, key: str, kind: MediaKind) -> MediaFile | None:
        return self._media_entry((key,), self.data[key], kind)

    def _media_entry(
        self, key: tuple[str | int, ...], entry: object, kind: MediaKind
    ) -> MediaFile | None:
        schema = MEDIA_KEYS[str(key[0])]
        if isinstance(entry, str) and kind == "image":
            entry = {"path": entry}
        if not isinstance(entry, dict):
            self.error(key, f"{_name(key)} must be a mapping with {', '.join(sorted(schema[0]))}")
            return None
        if not self._entry_keys(key, entry, schema):
            return None
        alt = self._alt_text(key, entry) if kind == "image" else None
        title = self._title(key, entry)
        media = self._media_file(key, str(entry["path"]), kind, alt=alt, title=title)
        if media is None or kind != "video":
            return media
        thumbnail, captions = self._video_extra(key, entry, "thumbnail", "image"), None
        if thumbnail is not None and thumbnail.info.format not in VIDEO_THUMBNAIL_FORMATS:
            self.error((*key, "thumbnail"), f"{thumbnail.path}: a video thumbnail must be "
                       "a JPEG or PNG image: convert it")
        captions = self._video_extra(key, entry, "captions", "captions")
        return replace(media, thumbnail=thumbnail, captions=captions)

    def _video_extra(
        self, key: tuple[str | int, ...], entry: dict[str, Any], name: str, kind: MediaKind
    ) -> MediaFile | None:
        value = entry.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error((*key, name), f"video {name} must be a path to a file")
            return None
        return self._media_file((*key, name), value, kind)

    def _entry_keys(
        self,
        key: tuple[str | int, ...],
        entry: dict[str, Any],
        schema: tuple[frozenset[str], frozenset[str]],
    ) -> bool:
        required, optional = schema
        ok = True
        for name in entry:
            if name not in required | optional:
                self.error(
                    (*key, name),
                    f"unknown key '{name}' in {_name(key)}"
                    f"{did_you_mean(str(name), required | optional)}",
                )
                ok = False
        for name in sorted(required - set(entry)):
            self.error(key, f"{_name(key)} needs '{name}'")
            ok = False
        return ok

    def _alt_text(self, key: tuple[str | int, ...], entry: dict[str, Any]) -> str | None:
        alt = entry.get("alt")
        if alt is None or not str(alt).strip():
            if self.config.defaults.require_alt_text:
                self.error(
                    key,
                    f"{_name(key)} has no alt text: add 'alt:' describing the image "
                    "for people who cannot see it ([defaults].require_alt_text)",
                )
            else:
                self.report("warning", key, f"{_name(key)} has no alt text")
            return None
        if len(str(alt)) > MAX_ALT:
            self.error(
                (*key, "alt"), f"alt text is {len(str(alt))} characters; LinkedIn allows {MAX_ALT}"
            )
        return str(alt)

    def _title(self, key: tuple[str | int, ...], entry: dict[str, Any]) -> str | None:
        title = entry.get("title")
        if title is None:
            return None
        if not str(title).strip() or len(str(title)) > MAX_TITLE:
            self.error((*key, "title"), f"title must be 1 to {MAX_TITLE} characters")
        return str(title)

    def _media_file(
        self,
        key: tuple[str | int, ...],
        relative: str,
        kind: MediaKind,
        alt: str | None = None,
        title: str | None = None,
    ) -> MediaFile | None:
        resolved = self._resolve(key, relative)
        if resolved is None:
            return None
        # A file that many posts send is inspected and hashed once per pass.
        info, problems = remembered(("media", resolved, kind),
                                    lambda: inspect_media(resolved, kind))
        for problem in problems:
            self.error((*key, "path"), f"{relative}: {problem}")
        if info is None or problems:
            return None
        return MediaFile(
            path=resolved.relative_to(real_path(self.config.root)).as_posix(),
            kind=kind,
            sha256=remembered(("sha256", resolved), lambda: sha256_file(resolved)),
            info=info,
            alt=alt,
            title=title,
        )

    def _resolve(self, key: tuple[str | int, ...], relative: str) -> Path | None:
        """The file a media path names, refusing anything outside the repository."""
        where = (*key, "path") if (*key, "path") in self.front.lines else key
        shown = _shown(relative)
        if "\x00" in relative:
            self.error(where, f"'{shown}' holds a NUL character, which no file name can: "
                       "write the path to the file")
            return None
        if Path(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative):
            self.error(where, f"'{shown}' is absolute; write it relative to the post file")
            return None
        root = real_path(self.config.root)
        try:
            target = real_path(self.folder / relative)
            if not target.is_relative_to(root):
                self.error(where, f"'{shown}' points outside the repository; "
                           "keep media inside it")
                return None
            found = target.is_file()
        except (OSError, ValueError) as error:  # a name too long for the file system
            reason = getattr(error, "strerror", None) or str(error)
            self.error(where, f"'{shown}' is not a usable path ({reason}): "
                       "write the path to the file")
            return None
        if not found:
            self.error(
                where,
                f"'{shown}' does not exist "
                f"(looked for {_shown(target.relative_to(root).as_posix())})",
            )
            return None
        return target

    def _article(self) -> Article | None:
        entry = self.data["article"]
        key: tuple[str | int, ...] = ("article",)
        if not isinstance(entry, dict):
            self.error(key, "article must be {url, title, description?, thumbnail?}")
            return None
        if not self._entry_keys(key, entry, MEDIA_KEYS["article"]):
            return None
        if not _is_http(entry["url"]):
            self.error(
                (*key, "url"),
                "article url must start with http:// or https:// and be a web address: a host "
                "name, and no spaces, quotes, angle brackets or backticks; "
                f"found {_shown(repr(entry['url']))}",
            )
        title = self._title(key, entry)
        thumbnail = None
        if entry.get("thumbnail") is not None:
            thumbnail = self._media_file((*key, "thumbnail"), str(entry["thumbnail"]), "image")
        description = entry.get("description")
        return Article(
            url=str(entry["url"]),
            title=title or "",
            description=None if description is None else str(description),
            thumbnail=thumbnail,
        )
