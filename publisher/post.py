"""One Markdown file -> Post, with a strict front-matter schema; discovery of post files.

`load_post` reads a file, checks every key, resolves the author, the times, the media and
the mentions, renders the body, and returns the Post together with every diagnostic as
`path:line: severity: message`. A post with any error is returned without a Post, so
nothing invalid can reach the publishing step.

Post files come from pull requests and are read as hostile: a file that is a symbolic
link, or that lies outside the repository, is refused unread; so is one over
MAX_POST_BYTES; a file whose URN could not be written back after publishing is refused
before it is published; and no file, however broken, stops the other posts from being
checked.

Cost: a plan reads every post that changed, so this runs thousands of times. The front
matter is parsed once (the write-back's trial reuses the parse), the Markdown once, and
inside a pass (publisher.onepass) a folder's real path and a shared image are looked at
once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from publisher.config import (
    Config,
)
from publisher.errors import Diagnostic
from publisher.fanout import fan_out
from publisher.frontmatter_yaml import FrontMatter, FrontMatterError, split
from publisher.onepass import real_path, remembered
from publisher.postcheck import _PostChecker
from publisher.postmodel import (
    CONTENT_KEYS,
    EXPERIMENT_FORM,
    KEYS,
    MAX_POST_BYTES,
    POST_URN,
    STATUSES,
    TRIAL_WRITE_BACK,
    Article,
    MediaFile,
    Post,
    _escaped,
    experiment_of,
    is_organization,
)
from publisher.render import LIMIT
from publisher.writeback import WriteBackError, updated_source

# What callers import from here: the model's names with the loading API.
__all__ = [
    "CONTENT_KEYS", "EXPERIMENT_FORM", "KEYS", "MAX_POST_BYTES", "POST_URN", "STATUSES",
    "Article", "LoadedPost", "MediaFile", "Post", "PostFileError", "discover",
    "experiment_of", "is_organization", "load_post", "load_posts", "read_post_file",
    "read_text",
]


@dataclass
class LoadedPost:
    """The result of reading one file: a Post when valid, and every diagnostic."""

    path: str
    post: Post | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def discover(config: Config) -> list[str]:
    """Post files (`*.md`, recursive) under posts_dir, as sorted paths from the repo root."""
    base = config.posts_path
    if not base.is_dir():
        return []
    # os.walk with string joins: pathlib costs several times more over thousands of posts.
    prefix = base.relative_to(config.root).as_posix()
    found = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        relative = os.path.relpath(folder, base).replace(os.sep, "/")
        where = prefix if relative == "." else f"{prefix}/{relative}"
        found += [f"{where}/{name}".removeprefix("./") for name in files
                  if name.endswith(".md") and not name.startswith(".")
                  and os.path.isfile(os.path.join(folder, name))]
    return sorted(found)


def read_text(data: bytes) -> str:
    """Decode a post file; raise UnicodeDecodeError for non-UTF-8. BOM and CRLF removed."""
    text = data.decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_post(config: Config, path: str, *, keep_invalid: bool = False,
              now: datetime | None = None) -> LoadedPost:
    """Read and validate one post file (`path` from the repo root).

    `keep_invalid` keeps the Post of a file with errors when one could be built, for views
    such as the preview that show a broken post with its problems; never for publishing.
    With `now` (for `publish check`), an unpublished post scheduled before it is warned of.
    """
    result = LoadedPost(path=path, post=None)
    try:
        data = read_post_file(config, path)
    except PostFileError as error:
        result.diagnostics.append(Diagnostic(path, None, "error", str(error)))
        return result
    try:
        text = read_text(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.diagnostics.append(
            Diagnostic(
                path,
                line,
                "error",
                f"not UTF-8 (byte 0x{data[error.start]:02x}): save the file as UTF-8",
            )
        )
        return result
    try:
        front = split(text)
    except FrontMatterError as error:
        result.diagnostics.append(Diagnostic(path, error.line, "error", error.message))
        return result
    result.diagnostics += _write_back_problems(path, data, front)
    checker = _PostChecker(config, path, front)
    try:
        result.post = checker.build()
    except Exception as error:  # one broken file must not stop the others
        result.post = None
        checker.diagnostics.append(Diagnostic(
            path, None, "error",
            f"could not be checked ({type(error).__name__}: {error}); "
            "this is a bug in publish, please report it with the file",
        ))
    if now is not None and result.post is not None:
        checker.warn_if_late(result.post, now)
    result.diagnostics = sorted(
        (_one_line(d) for d in result.diagnostics + checker.diagnostics),
        key=lambda d: (d.line or 0, d.message),
    )
    if result.errors and not keep_invalid:
        result.post = None
    return result


def load_posts(config: Config, paths: Sequence[str], *,
               now: datetime | None = None) -> list[LoadedPost]:
    """load_post of each path, in order, shared between the machine's cores when there are
    many (publisher.fanout): reading only reads, so a forked copy may read a part."""

    def part(chunk: Sequence[str]) -> list[LoadedPost]:
        return [load_post(config, path, now=now) for path in chunk]

    return fan_out(part, paths)


def _one_line(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with any control character of a quoted value spelled out: one
    diagnostic is one line, whatever the file held."""
    if diagnostic.message.isprintable():
        return diagnostic
    return replace(diagnostic, message=_escaped(diagnostic.message))


class PostFileError(Exception):
    """A post file that is not read at all; the message says why and what to do."""


def _inside(full: str, root: Path) -> bool:
    """Whether `full`, a file that is not a link, lies inside the repository `root`.

    It does when its folder does: that answer, for a folder of hundreds of posts, is found
    once per pass (publisher.onepass) rather than once per post.
    """
    folder, name = os.path.split(full)
    if name not in ("", ".", "..") and remembered(
        ("folder inside", folder, root), lambda: _real_inside(Path(folder), root)
    ):
        return True
    return _real_inside(Path(full), root)


def _real_inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_path(root))
    except (OSError, RuntimeError):  # a loop of links on the way
        return False


# Non-blocking: a named pipe in place of a post must not hang the check.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_post_file(config: Config, path: str) -> bytes:
    """The bytes of a post file: a regular file inside the repository, of a sane size.

    The last component is opened with O_NOFOLLOW, so a link swapped in after the checks
    is not followed either. Plain os calls on strings: a plan reads thousands of posts,
    and pathlib's objects cost three times the reading itself.
    """
    full = os.path.join(config.root, path)
    if _is_link(full):
        raise PostFileError(
            "is a symbolic link; a post must be a file of its own in the repository: "
            "replace the link with the file it points to"
        )
    if not _inside(full, config.root):
        raise PostFileError(
            "lies outside the repository (a folder on its path is a link): "
            "move the post into the repository"
        )
    try:
        fd = os.open(full, _READ_FLAGS)
    except OSError as error:
        raise PostFileError(f"cannot read: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PostFileError("is not a regular file")
        data = _read_at_most(fd, MAX_POST_BYTES + 1) if info.st_size <= MAX_POST_BYTES else b""
    finally:
        os.close(fd)
    size = max(info.st_size, len(data))
    if size > MAX_POST_BYTES:
        raise PostFileError(
            f"is {size:,} bytes; a post file may have at most {MAX_POST_BYTES:,} "
            f"(LinkedIn shows {LIMIT:,} characters): shorten it"
        )
    return data


def _is_link(full: str) -> bool:
    """As Path.is_symlink: a path that cannot be looked at is no link."""
    try:
        return stat.S_ISLNK(os.lstat(full).st_mode)
    except (OSError, ValueError):
        return False


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes: a file that grows while it is read is still cut there."""
    chunks = []
    while limit > 0 and (chunk := os.read(fd, limit)):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _write_back_problems(path: str, data: bytes, front: FrontMatter) -> list[Diagnostic]:
    """An error when publishing could not write the URN back into this file: found now,
    before the post goes out, rather than after, when the file would be left without it."""
    try:
        updated_source(data, TRIAL_WRITE_BACK, before=front)
    except WriteBackError as error:
        return [Diagnostic(
            path, 1, "error",
            f"publish could not write the post's URN into this file after publishing "
            f"({error}): fix the front matter so it can",
        )]
    return []
