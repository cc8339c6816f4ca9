"""Share a long read-only computation between this process and forked copies of it.

A cold plan reads every post, and reading one (front matter, Markdown, media checks) is
pure Python that one core runs at about half a millisecond: ten thousand posts take
seconds on one core while a CI runner has two or four. `fan_out` splits a list in
contiguous parts, forks a copy of the process for each part but the first, which this
process works itself, and joins the answers in order.

Why fork, and by hand rather than with multiprocessing:
- A forked copy already holds the configuration, the imported parser and the pass's memo
  (publisher.onepass), so nothing but the answers is pickled, and nothing is imported
  again; each copy gets its part when it is made, so there is no task queue.
- Each copy has its own pipe and nothing else in common with its siblings: when this
  process dies, a copy writing its answer meets a closed pipe and dies too (a pool's
  workers would wait on their shared queue forever).
- Any copy that fails, whatever the cause (an exception, a signal, an answer that does not
  unpickle), or that the system cannot make, has its part worked here, so the answer
  never depends on a copy: at worst it costs the time a serial read would.
- Fork is taken only where it is safe: on Linux, with no other thread running (a forked
  copy would inherit locks held by threads it does not have). Elsewhere, and below
  MIN_PER_WORKER items a copy, everything runs here.

The work must only read: a copy's writes to memory are lost, and files it wrote would be
written twice when its part is redone.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 50    # below this, a fork costs more than the part it saves
MAX_WORKERS = 8        # beyond this, memory grows faster than the time falls
JOBS = "PUBLISH_JOBS"  # environment: how many processes at most; 1 is serial


def workers(count: int) -> int:
    """How many processes (this one included) should share `count` items."""
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return 1
    wanted = os.environ.get(JOBS, "").strip()
    cores = int(wanted) if wanted.isdigit() and int(wanted) > 0 else min(
        len(os.sched_getaffinity(0)), MAX_WORKERS)
    return max(1, min(cores, count // MIN_PER_WORKER))


def fan_out(work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
            processes: int | None = None) -> list[R]:
    """work(items), computed in up to `processes` parts (default: `workers(len(items))`)
    at once; `work` maps a part to one answer per item, and must only read."""
    count = workers(len(items)) if processes is None else processes
    if count <= 1 or len(items) < 2 or threading.active_count() > 1:
        return work(items)
    parts = _split(items, min(count, len(items)))
    copies = [_fork(work, part) for part in parts[1:]]
    try:
        answers = [work(parts[0])]
        answers += [_join(copy, work, part) for copy, part in zip(copies, parts[1:], strict=True)]
    finally:
        for copy in copies:
            if copy is not None:
                _reap(copy)
    return [answer for chunk in answers for answer in chunk]


def _split(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """`count` contiguous parts whose sizes differ by one at most."""
    size, extra = divmod(len(items), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [items[bounds[i]:bounds[i + 1]] for i in range(count)]


class _Copy:
    """A forked copy: its process id, the reading end of its pipe (-1 once closed), and
    its exit status once waited for."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self.pipe = pid, pipe
        self.status: int | None = None


def _fork(work: Callable[[Sequence[T]], list[R]], part: Sequence[T]) -> _Copy | None:
    """A copy working `part`; None when the system makes none (out of processes or of
    file descriptors): the part is then worked here."""
    try:
        reading, writing = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if pid == 0:  # the copy: it never returns from here
        os.close(reading)
        _child(work, part, writing)
    os.close(writing)
    return _Copy(pid, reading)


def _child(work: Callable[[Sequence[T]], list[R]], part: Sequence[T], pipe: int) -> None:
    code = 1
    try:
        # Ctrl-C and a cancelled CI job signal the whole process group: the parent decides,
        # and reaps its copies (see fan_out's finally).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        data = pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(pipe, "wb") as out:
            out.write(data)
        code = 0
    finally:
        # No atexit handler, no flush of buffers inherited from the parent: only _exit.
        os._exit(code)


def _join(copy: _Copy | None, work: Callable[[Sequence[T]], list[R]],
          part: Sequence[T]) -> list[R]:
    """The copy's answer, or the part worked here when there was no copy or it failed."""
    if copy is None:
        return work(part)
    with os.fdopen(copy.pipe, "rb") as pipe:
        copy.pipe = -1
        data = pipe.read()
    copy.status = os.waitpid(copy.pid, 0)[1]
    if copy.status == 0:
        try:
            answer = pickle.loads(data)
        except Exception:  # a truncated answer: the copy's exit said otherwise, but be sure
            answer = None
        if isinstance(answer, list) and len(answer) == len(part):
            return answer
    return work(part)


def _reap(copy: _Copy) -> None:
    """Leave no copy running or unwaited-for (after an exception here, say)."""
    if copy.pipe != -1:
        os.close(copy.pipe)
        copy.pipe = -1
    if copy.status is None:
        with suppress(ProcessLookupError):  # it had ended already
            os.kill(copy.pid, signal.SIGKILL)
        os.waitpid(copy.pid, 0)
        copy.status = -signal.SIGKILL
