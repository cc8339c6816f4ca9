"""Load on the sandbox: concurrent clients creating posts, then a check that none was lost.

Starts the sandbox (as a separate process by default, so that the clients and the server
do not share one interpreter lock; ``--in-process`` runs it in threads of this process),
then ``--threads`` client threads each create ``--posts`` posts with distinct texts through
their own requests session. Prints requests per second and p50/p99 latency, then reads
``/_sandbox/state`` and checks that exactly threads x posts posts exist, each text once.
Exits 1 when a request failed or a post is missing or duplicated.

Usage: python benchmarks/sandbox_load.py [--threads 8] [--posts 500] [--in-process]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl

SERVE = """
from publisher.sandbox.server import serve
serve("127.0.0.1", 0, 0, None, on_ready=lambda url: print(url, flush=True))
"""
AUTHOR = "urn:li:person:sandbox-member"


@contextlib.contextmanager
def sandbox_process() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-c", SERVE], stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parent.parent)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def client(base: str, token: str, worker: int, count: int, results: Results) -> None:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "LinkedIn-Version": "202601",
               "X-Restli-Protocol-Version": "2.0.0"}
    for index in range(count):
        body = {"author": AUTHOR, "commentary": f"Load test post {worker}-{index}",
                "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
                "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                 "thirdPartyDistributionChannels": []}}
        started = time.perf_counter()
        try:
            answer = session.post(f"{base}/rest/posts", json=body, headers=headers, timeout=30)
        except requests.RequestException as error:
            results.failures.append(f"{worker}-{index}: {error}")
            continue
        results.latencies.append(time.perf_counter() - started)
        if answer.status_code != 201:
            results.failures.append(f"{worker}-{index}: {answer.status_code} {answer.text[:120]}")


def run(base: str, threads: int, posts: int) -> int:
    control = SandboxControl(base)
    control.set_clock("2026-01-15T09:00:00Z")
    token = control.token("sandbox-member", ["w_member_social"])
    results = Results()
    workers = [threading.Thread(target=client, args=(base, token, w, posts, results))
               for w in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started

    latencies, failures = results.latencies, results.failures
    ordered = sorted(latencies)
    total = threads * posts
    print(f"{total} creates by {threads} threads in {elapsed:.2f} s: "
          f"{len(latencies) / elapsed:.0f} requests/s")
    print(f"latency p50 {statistics.median(ordered) * 1000:.1f} ms, "
          f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.1f} ms, "
          f"max {ordered[-1] * 1000:.1f} ms")

    stored = control.posts()
    texts = [p["commentary"] for p in stored]
    expected = {f"Load test post {w}-{i}" for w in range(threads) for i in range(posts)}
    urns = {p["urn"] for p in stored}
    problems = list(failures[:5])
    if len(stored) != total or len(urns) != total:
        problems.append(f"{len(stored)} posts with {len(urns)} distinct URNs; expected {total}")
    if set(texts) != expected or len(texts) != len(set(texts)):
        problems.append("posts lost or duplicated: "
                        f"{len(expected - set(texts))} missing, {len(texts) - len(set(texts))} "
                        "duplicated")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print(f"state check: exactly {total} posts, {total} distinct URNs, none lost or duplicated")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--posts", type=int, default=500, help="posts per thread")
    parser.add_argument("--in-process", action="store_true",
                        help="run the sandbox in threads of this process")
    options = parser.parse_args()
    server = running_sandbox() if options.in_process else sandbox_process()
    with server as base:
        return run(base, options.threads, options.posts)


if __name__ == "__main__":
    sys.exit(main())
