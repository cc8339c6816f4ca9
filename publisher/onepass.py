"""What one plan (or one check) learns once and reuses for every post it reads.

A plan of thousands of posts asks the same few questions again and again: the real path
of a folder that holds five hundred posts, the format, size and hash of an image that a
hundred posts send. Inside ``one_pass()`` each answer is computed once; outside it,
nothing is remembered, so a long-lived process (a script using the library, the tests)
never sees a file as it was in an earlier pass, and every run of ``publish`` starts cold.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

_MEMO: ContextVar[dict[Hashable, object] | None] = ContextVar("publisher_onepass",
                                                                default=None)


@contextmanager
def one_pass() -> Iterator[None]:
    """Answers given inside are remembered until it ends."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or its answer for `key` earlier in this pass; outside a pass, compute()."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return cast(T, memo[key])


def real_path(path: Path) -> Path:
    """`path.resolve()`, once per pass: the repository's root and the folders and media
    files of its posts are asked of by every post that lies in them or sends them."""
    return remembered(("real path", path), path.resolve)
