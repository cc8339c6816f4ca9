"""Reshares on the sandbox: the rules a post with ``reshareContext.parent`` must meet.

LinkedIn documents the field (Posts API, "Reshare a post": ``reshareContext.parent``, a
share or ugcPost URN) but not what it answers for a parent it cannot reshare. The sandbox
refuses, with a 422 worded here (an assumption, docs/sandbox.md): a parent that does not
exist or was deleted, a parent whose author disabled resharing
(``isReshareDisabledByAuthor``) when another author reshares it, and a parent only the
author's connections see (``CONNECTIONS``) when another author reshares it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from publisher.sandbox import errors
from publisher.sandbox.validation import PostInput

FIELD = "/reshareContext/parent"


class Stored(Protocol):
    """What the rules read of a stored post (the backend imports this module, so this
    module names none of the backend's types)."""

    @property
    def author(self) -> str: ...
    @property
    def visibility(self) -> str: ...
    @property
    def reshare_disabled(self) -> bool: ...
    @property
    def deleted(self) -> bool: ...


def parent_of(extras: Mapping[str, object]) -> str | None:
    """The parent URN of a post's stored extras, or None when it is no reshare."""
    context = extras.get("reshareContext")
    parent = context.get("parent") if isinstance(context, dict) else None
    return str(parent) if parent else None


def parent_state(extras: Mapping[str, object]) -> dict[str, str]:
    """``{"parent": URN}`` for a reshare in the state dump; nothing for another post."""
    parent = parent_of(extras)
    return {"parent": parent} if parent else {}


def check_parent(posts: Mapping[str, Stored], post_input: PostInput) -> None:
    """The 422 for a reshare of a post that cannot be reshared by this author."""
    parent = parent_of(post_input.extras)
    if parent is None:
        return
    if post_input.content is not None:
        raise errors.unprocessable(f"ERROR :: /content :: a reshare of {parent} carries no "
                                   "content of its own")
    post = posts.get(parent)
    if post is None or post.deleted:
        raise errors.unprocessable(f"ERROR :: {FIELD} :: {parent} does not exist or is not "
                                   "visible")
    if post.author == post_input.author:
        return
    if post.reshare_disabled:
        raise errors.unprocessable(f"ERROR :: {FIELD} :: the author of {parent} disabled "
                                   "resharing")
    if post.visibility == "CONNECTIONS":
        raise errors.unprocessable(f"ERROR :: {FIELD} :: {parent} is visible to the "
                                   "author's connections only and cannot be reshared")


def duplicate_text(commentary: str, extras: Mapping[str, object]) -> str:
    """The text the duplicate check compares: a reshare's words with its parent, so that
    one author may reshare two posts with the same words, or with none."""
    parent = parent_of(extras)
    return commentary if parent is None else f"{commentary}\x00reshare of {parent}"
