"""`publish import`: a page's posts on LinkedIn become post files, recorded as published.

A team whose page has posted for years starts here. For each post of the page (the Posts
API's finder by author, page by page) that the ledger does not track yet, one Markdown
file is written: the author, the post's ``urn:`` and ``published_at:``, its content as
LinkedIn returned it (``linkedin_content:``: media by URN, since the files are not in the
repository), and its text converted back to Markdown (``publisher.unrender``), which
renders to the text LinkedIn has. Each file is recorded in the ledger as published with the
hashes a sync computes, so the next plan has nothing to do for it; an edit of its text is an
update, like any published post's. Running it again adds nothing twice: a URN the ledger
knows is skipped.

Only pages: LinkedIn lets a person's token post but not read posts (r_member_social is
closed to most apps), so a person's posts are tracked one by one with ``publish adopt``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from publisher import gitops, ledger
from publisher.config import Config
from publisher.errors import PublisherError
from publisher.ledger import Entry, Ledger
from publisher.linkedin.client import LinkedInClient
from publisher.newpost import slugify
from publisher.post import load_post
from publisher.render import Mention, RenderOptions, render
from publisher.unrender import unrender
from publisher.utc import format_utc

ClientFor = Callable[[str, str | None], LinkedInClient]  # (author URN, alias) -> client

# Front matter keys LinkedIn's fields map to; anything else a post has is kept as it is.
_VISIBILITY_DEFAULT = "PUBLIC"
_SLUG_WORDS = 6


@dataclass(frozen=True)
class Imported:
    urn: str
    path: str | None  # the file written; None when the post was not imported
    note: str  # "imported", or why not


@dataclass(frozen=True)
class ImportResult:
    author: str
    posts: tuple[Imported, ...]
    commit: str | None  # the commit that holds the files and the ledger, when any

    @property
    def written(self) -> tuple[Imported, ...]:
        return tuple(p for p in self.posts if p.path is not None)


def import_posts(config: Config, alias: str, client_for: ClientFor, *,
                 since: datetime | None = None, folder: Path | None = None) -> ImportResult:
    """Write a file for each post of page `alias` the ledger does not know, and record it."""
    author = _page(config, alias)
    target = _folder(config, folder)
    client = client_for(author, alias)
    with ledger.locked(gitops.lock_path(config.root)):
        book = ledger.load(config.ledger_path, config.ledger)
        known = _known_urns(book)
        results: list[Imported] = []
        for element in client.find_posts_by_author(author, sort_by="CREATED"):
            results.append(_one(config, book, known, alias, element, target, since))
        written = [r.path for r in results if r.path is not None]
        commit = None
        if written:
            ledger.save(config.ledger_path, book)
            commit = _commit(config, written, alias)
    return ImportResult(author=author, posts=tuple(results), commit=commit)


def _page(config: Config, alias: str) -> str:
    urn = config.authors.get(alias)
    if urn is None:
        known = ", ".join(sorted(config.authors)) or "none"
        raise PublisherError(f"no author '{alias}' in [authors] of publish.toml (known: {known})")
    if not urn.startswith("urn:li:organization:"):
        raise PublisherError(
            f"'{alias}' is a person ({urn}): LinkedIn does not let an app read a person's "
            "posts (r_member_social is closed to most apps), so they cannot be imported; "
            "write a file for each post you want to track and run `publish adopt PATH "
            "--urn URN` (the URN is in the post's menu, 'Copy link to post')")
    return urn


def _folder(config: Config, folder: Path | None) -> Path:
    target = (folder if folder is None or folder.is_absolute() else Path.cwd() / folder) \
        if folder is not None else config.posts_path
    resolved = target.resolve()
    if not resolved.is_relative_to(config.root.resolve()):
        raise PublisherError(f"--dir {folder} is outside the repository {config.root}")
    return resolved


def _known_urns(book: Ledger) -> set[str]:
    known: set[str] = set()
    for entry in book.posts.values():
        if entry.urn:
            known.add(entry.urn)
        known.update(entry.retired_urns)
    return known


def _one(config: Config, book: Ledger, known: set[str], alias: str,
         element: Mapping[str, Any], target: Path, since: datetime | None) -> Imported:
    urn = str(element.get("id", ""))
    why_not = _why_not(element, known, since)
    if why_not:
        return Imported(urn, None, why_not)
    text, mentions = _markdown(config, str(element.get("commentary", "")))
    path = _free_path(target, _published(element), text)
    relative = path.relative_to(config.root.resolve()).as_posix()
    data = _file(alias, element, text, mentions).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    loaded = load_post(config, relative)
    if loaded.post is None:
        path.unlink()
        first = loaded.errors[0] if loaded.errors else None
        return Imported(urn, None, f"not imported: the file it makes is not valid ({first})")
    book.put(relative, Entry(
        author=loaded.post.author,
        state="published",
        urn=urn,
        content_hash=loaded.post.content_hash,
        commentary_hash=loaded.post.commentary_hash,
        source_blob=gitops.blob_id(data),
        published_at=format_utc(_published(element)),
    ))
    known.add(urn)
    return Imported(urn, relative, "imported")


def _why_not(element: Mapping[str, Any], known: set[str], since: datetime | None) -> str:
    urn = str(element.get("id", ""))
    if not urn:
        return "skipped: LinkedIn gave no URN"
    if urn in known:
        return "skipped: already tracked"
    if element.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
        return f"skipped: {str(element.get('lifecycleState')).lower()}, not published"
    if element.get("reshareContext"):
        parent = element["reshareContext"].get("parent", "?")
        return f"skipped: a reshare of {parent}; post files cannot hold reshares yet"
    if since is not None and _published(element) < since:
        return "skipped: before --since"
    return ""


def _published(element: Mapping[str, Any]) -> datetime:
    millis = element.get("publishedAt") or element.get("createdAt") or 0
    return datetime.fromtimestamp(int(millis) / 1000, tz=UTC)


def _markdown(config: Config, commentary: str) -> tuple[str, dict[str, Mention]]:
    """The post's text as Markdown the renderer turns back into `commentary`."""
    options = config.render_options(footer=False)
    back = unrender(_without_footer(config, options, commentary), options)
    return back.markdown, back.mentions


def _without_footer(config: Config, options: RenderOptions, commentary: str) -> str:
    """`commentary` without the configured footer, which every sync adds again."""
    if not config.footer.strip():
        return commentary
    footer = render(config.footer, options).commentary
    if footer and commentary.endswith("\n\n" + footer):
        return commentary[: -len(footer) - 2]
    return commentary


def _file(alias: str, element: Mapping[str, Any], text: str,
          mentions: Mapping[str, Mention]) -> str:
    front: dict[str, Any] = {
        "author": alias,
        "urn": str(element["id"]),
        "published_at": format_utc(_published(element)),
    }
    visibility = element.get("visibility", _VISIBILITY_DEFAULT)
    if visibility != _VISIBILITY_DEFAULT:
        front["visibility"] = visibility
    if element.get("isReshareDisabledByAuthor"):
        front["reshare"] = False
    if mentions:
        front["mentions"] = {h: {"urn": m.urn, "name": m.name} for h, m in mentions.items()}
    if element.get("content"):
        front["linkedin_content"] = element["content"]
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{head}---\n{text}\n"


def _free_path(folder: Path, published: datetime, text: str) -> Path:
    stem = f"{published:%Y-%m-%d}-{slugify(' '.join(text.split()[:_SLUG_WORDS]))}"
    path, number = folder / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.md"
    return path


def _commit(config: Config, paths: Iterable[str], alias: str) -> str | None:
    files = [*paths, config.ledger]
    count = len(files) - 1
    return gitops.commit(config.root, files,
                         f"import: {count} post{'s' if count != 1 else ''} of {alias}")
