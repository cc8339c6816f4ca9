"""Faults injected on request, matched on HTTP method and a path pattern.

Kinds (all take ``method`` (default "*"), ``path`` (an fnmatch pattern on the decoded path,
default "*") and ``times`` (how often it fires; null means every time)):

``latency``     sleep ``seconds`` before answering matching requests (times: unlimited)
``error``       answer ``status`` (500, 503, 429, ...) to the next ``times`` matching requests
``error_rate``  answer ``status`` to a seeded random ``rate`` share of matching requests
``drop``        run the request, then close the connection without an answer, for the next
                ``times`` matching requests that succeed (the post exists, the client sees a
                closed connection)
``signal``      send ``signal`` (name or number, default SIGKILL) to ``pid`` once the
                ``after``-th matching request has been answered in full

``skip`` lets that many matching requests through before a fault starts firing. A token
that expires after N calls is not matched on requests; the backend handles it
(``{"kind": "expire_token", "token": ..., "after_calls": N}``).
"""

from __future__ import annotations

import fnmatch
import random
import signal as signals
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("latency", "error", "error_rate", "drop", "signal")


@dataclass
class Fault:
    id: int
    kind: str
    method: str = "*"
    path: str = "*"
    times: int | None = 1
    skip: int = 0
    seconds: float = 0.0
    status: int = 500
    rate: float = 0.0
    pid: int | None = None
    signal: int = int(signals.SIGKILL)
    seen: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and fnmatch.fnmatchcase(path, self.path)

    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Before:
    """What to do before handling a request."""

    delay: float = 0.0
    status: int | None = None


@dataclass(frozen=True)
class After:
    """What to do once the answer is known: drop it, and signals to send after writing it."""

    drop: bool = False
    signals: tuple[tuple[int, int], ...] = ()


@dataclass
class FaultSet:
    seed: int = 0
    faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        self._next_id = 1

    def add(self, spec: Mapping[str, Any]) -> Fault:
        fault = parse_fault(self._next_id, spec)
        with self._lock:
            self._next_id += 1
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def to_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.to_json() for fault in self.faults]

    def before(self, method: str, path: str) -> Before:
        delay = 0.0
        status: int | None = None
        with self._lock:
            for fault in self.faults:
                if fault.kind not in ("latency", "error", "error_rate"):
                    continue
                if not self._fires(fault, method, path):
                    continue
                if fault.kind == "latency":
                    delay += fault.seconds
                elif status is None and (fault.kind == "error"
                                         or self._random.random() < fault.rate):
                    status = fault.status
                else:
                    fault.fired -= 1        # a rate fault that did not hit this time
        return Before(delay, status)

    def after(self, method: str, path: str, status: int) -> After:
        drop = False
        to_send: list[tuple[int, int]] = []
        with self._lock:
            for fault in self.faults:
                if fault.kind == "drop" and status < 300 and not drop:
                    drop = self._fires(fault, method, path)
                elif fault.kind == "signal" and self._fires(fault, method, path):
                    assert fault.pid is not None
                    to_send.append((fault.pid, fault.signal))
        return After(drop, tuple(to_send))

    def _fires(self, fault: Fault, method: str, path: str) -> bool:
        """Count a matching request and say whether the fault acts on it."""
        if fault.exhausted() or not fault.matches(method, path):
            return False
        fault.seen += 1
        if fault.seen <= fault.skip:
            return False
        fault.fired += 1
        return True


def parse_fault(fault_id: int, spec: Mapping[str, Any]) -> Fault:
    """Build a Fault from its JSON spec, with ValueError naming what is wrong."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"fault kind must be one of {', '.join(KINDS)} (got {kind!r})")
    known = {"kind", "method", "path", "times", "skip", "seconds", "status", "rate", "pid",
             "signal", "after"}
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"unknown fault fields {sorted(unknown)}; known: {sorted(known)}")
    fault = Fault(id=fault_id, kind=kind, method=str(spec.get("method", "*")).upper(),
                  path=str(spec.get("path", "*")))
    fault.times = spec.get("times", None if kind in ("latency", "error_rate") else 1)
    fault.skip = int(spec.get("skip", 0))
    fault.seconds = float(spec.get("seconds", 0.0))
    fault.status = int(spec.get("status", 500))
    fault.rate = float(spec.get("rate", 0.0))
    if kind == "signal":
        _signal_fields(fault, spec)
    if kind == "error_rate" and not 0.0 <= fault.rate <= 1.0:
        raise ValueError("error_rate needs a rate between 0 and 1")
    if kind in ("error", "error_rate") and not 400 <= fault.status <= 599:
        raise ValueError("error faults need a status between 400 and 599")
    return fault


def _signal_fields(fault: Fault, spec: Mapping[str, Any]) -> None:
    if not isinstance(spec.get("pid"), int):
        raise ValueError("a signal fault needs the pid to signal")
    fault.pid = spec["pid"]
    name = spec.get("signal", "SIGKILL")
    try:
        fault.signal = int(signals.Signals[name] if isinstance(name, str) else name)
    except KeyError as error:
        raise ValueError(f"unknown signal {name!r}") from error
    # "after": N means the N-th matching request triggers it.
    after = int(spec.get("after", 1))
    if after < 1:
        raise ValueError("after must be 1 or more")
    fault.skip = after - 1
    fault.times = 1
