"""The backend's core: the lock, the clock, the seeded PRNG, reset, and the gateway's counts.

Every other part of the backend builds on ``Core``. ``reset`` sets what all parts share
(seed, options, clock, faults, PRNG) and then calls ``_reset_state``, which each part
extends with the containers it owns (calling ``super()`` first), and ``_add_defaults``,
which fills a fresh sandbox. Callers hold ``lock`` around each operation: one lock is
enough for a local emulator and keeps every rule simple.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from publisher.sandbox import errors
from publisher.sandbox.backend.records import JSON, Caller, ControlError
from publisher.sandbox.faults import FaultSet
from publisher.sandbox.options import Options
from publisher.utc import format_utc_ms

iso = format_utc_ms  # the name the parts and the handlers use for a time on the wire

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CLOCK_VARIABLE = "PUBLISH_SANDBOX_CLOCK"
DAY_MS = 86_400_000


def clock_start_from(environ: Mapping[str, str]) -> float | None:
    """The time a new sandbox's clock starts at (running on from there), or None: real time.

    ``PUBLISH_SANDBOX_CLOCK`` (ISO 8601) lets a test suite or a rehearsal pin every sandbox
    it starts to one date, so that nothing it does depends on the day it runs (the API
    versions served, what is due, what has expired).
    """
    text = environ.get(CLOCK_VARIABLE, "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{CLOCK_VARIABLE}={text!r} is not an ISO 8601 time, "
                         "e.g. 2026-12-01T09:00:00Z") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class Clock:
    """Real time (or running on from `start`) unless set; once set it stands still unless
    asked to run."""

    def __init__(self, start: float | None = None) -> None:
        self.offset = 0.0 if start is None else start - time.time()
        self.frozen_at: float | None = None

    def now(self) -> float:
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def set(self, when: float, *, running: bool = False) -> None:
        if running:
            self.frozen_at = None
            self.offset = when - time.time()
        else:
            self.frozen_at = when

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds


def parse_iso(text: str) -> float:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ControlError(f"not an ISO 8601 time: {text!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class Core:
    counters: dict[str, int]            # daily quota counts, by day, app, member, resource
    requests: dict[str, int]            # "METHOD route" -> how often it was called
    log: deque[JSON]                    # the last requests, newest last

    def __init__(self, seed: int = 0, options: Options | None = None,
                 clock_start: float | None = None) -> None:
        self.lock = threading.RLock()
        self.initial_options = options or Options()
        self.clock_start = clock_start if clock_start is not None else clock_start_from(os.environ)
        self.changed = threading.Event()
        self.seed = seed
        self.reset(seed)

    # ---- state lifecycle

    def reset(self, seed: int | None = None) -> None:
        with self.lock:
            self.seed = self.seed if seed is None else seed
            self.options = Options(**asdict(self.initial_options))
            self.clock = Clock(self.clock_start)
            self.faults = FaultSet(self.seed)
            self.rng = random.Random(self.seed)
            self.activity = 7_100_000_000_000_000_000 + self.rng.randrange(10**17)
            self._reset_state()
            self._add_defaults()
            self.touch()

    def _reset_state(self) -> None:
        """Make this part's containers; every part extends it and calls ``super()`` first."""
        self.counters = {}
        self.requests = {}
        self.log = deque(maxlen=500)

    def _add_defaults(self) -> None:
        """Fill a fresh sandbox (the identity part adds its member, page and apps)."""

    def touch(self) -> None:
        """Mark the state changed (the server saves it when it runs with --state)."""
        self.changed.set()

    def now(self) -> float:
        return self.clock.now()

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # ---- ids

    def _next_activity(self) -> int:
        self.activity += self.rng.randrange(1, 4_000_000)
        return self.activity

    def _random_text(self, length: int) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(length))

    # ---- clock

    def set_clock(self, spec: Mapping[str, Any]) -> JSON:
        if "now" in spec:
            self.clock.set(parse_iso(str(spec["now"])), running=bool(spec.get("running", False)))
        elif "advance" in spec:
            seconds = spec["advance"]
            if not isinstance(seconds, int | float):
                raise ControlError("advance must be a number of seconds")
            self.clock.advance(float(seconds))
        else:
            raise ControlError('give {"now": ISO 8601} or {"advance": seconds}')
        self.touch()
        return self.clock_json()

    def clock_json(self) -> JSON:
        return {"now": iso(self.now()), "epoch_ms": self.now_ms(),
                "frozen": self.clock.frozen_at is not None}

    # ---- versions and calls

    def active_versions(self) -> list[str]:
        if self.options.active_versions is not None:
            return list(self.options.active_versions)
        today = datetime.fromtimestamp(self.now(), UTC)
        months = []
        year, month = today.year, today.month
        for _ in range(12):
            months.append(f"{year:04d}{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def check_version(self, header: str | None) -> str:
        if header is None or not header.strip():
            raise errors.version_missing()
        match = re.fullmatch(r"(\d{6})(?:\.\d{2})?", header.strip())
        if not match:
            raise errors.nonexistent_version(header.strip())
        version = match[1]
        if version not in self.active_versions():
            raise errors.nonexistent_version(f"{version}01")
        return version

    def count_call(self, caller: Caller, resource: str) -> None:
        """Daily quotas per member and per app, reset at 00:00 UTC of the sandbox clock."""
        day = datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%d")
        member_key = f"{day}|member|{caller.client_id}|{caller.member}|{resource}"
        app_key = f"{day}|app|{caller.client_id}|{resource}"
        if self.counters.get(member_key, 0) >= self.options.member_daily_limit:
            raise errors.throttled("APPLICATION_AND_MEMBER")
        if self.counters.get(app_key, 0) >= self.options.app_daily_limit:
            raise errors.throttled("APPLICATION")
        self.counters[member_key] = self.counters.get(member_key, 0) + 1
        self.counters[app_key] = self.counters.get(app_key, 0) + 1

    def record_request(self, method: str, route: str, path: str, status: int) -> None:
        key = f"{method} {route}"
        self.requests[key] = self.requests.get(key, 0) + 1
        self.log.append({"at": iso(self.now()), "method": method, "path": path,
                         "route": route, "status": status})

