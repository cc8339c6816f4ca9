"""API calls per post type, and the memory of uploading a large video.

Starts the sandbox as its own process, then for each kind of post runs a real
`publish` (also its own process) on a repository holding just that post, and counts
the calls the sandbox served, beside the least LinkedIn's API allows:

    text 1; image 3; n images 2n+1; document 3; video with k parts k+3 plus status polls,
    and one more for each of a thumbnail and captions; a no-op sync 0 calls and no commit.

Before a post is created, each image and document it uses is read once to confirm it is
AVAILABLE (a video's upload already waited for that); a member's token may not read media,
so for a person's post that is one 403 read, after which the create itself says whether
the media is ready.

Page posts add one read-back GET (the text LinkedIn shows, compared with what was sent);
persons' tokens cannot read posts, so their posts show the bare minimum.

Then it uploads a video of --video-mb MB (default 500, LinkedIn's limit; a sparse file)
and prints the peak RSS of that `publish` beside the peak RSS of a text-only sync (the
baseline).
Target: under 100 MiB above the baseline.

Usage: python benchmarks/api_calls.py [--video-mb 500]
"""

from __future__ import annotations

import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.publishing import NOW_TEXT, World, build_world

PART = 4 * 1024 * 1024
CAPTIONS = "1\n00:00:00,000 --> 00:00:02,000\nA short clip.\n"


def post(author: str, content: str, text: str) -> str:
    return f"---\nauthor: {author}\nschedule: 2026-12-01 09:00\n{content}---\n{text}\n"


def images(n: int) -> str:
    lines = "".join(f"  - {{path: ../media/img{i}.png, alt: Image {i + 1}}}\n" for i in range(n))
    return "images:\n" + lines


def distinct_images(media: Path, n: int = 20) -> None:
    """n different PNGs: the same file twice would be uploaded once."""
    for i in range(n):
        Image.new("RGB", (64, 48), (i * 12, 100, 200 - i * 5)).save(media / f"img{i}.png")


CASES: list[tuple[str, str, str, str]] = [
    # (name, author, front matter content, minimum as text)
    ("text", "jane", "", "1"),
    ("image", "jane", images(1), "3, +1 status read (403)"),
    ("3 images", "acme", images(3), "2n+1 = 7, +n status, +1 read-back"),
    ("20 images", "acme", images(20), "2n+1 = 41, +n status, +1 read-back"),
    ("document", "jane", "document: {path: ../media/deck.pdf, title: Deck}\n",
     "3, +1 status read (403)"),
    ("video, 2 parts", "acme", "video: {path: ../media/clip.mp4, title: Clip}\n",
     "k+3 = 5 + polls, +1 read-back"),
    ("video + extras", "acme",
     "video: {path: ../media/clip.mp4, title: Clip, thumbnail: ../media/img0.png, "
     "captions: ../media/clip.srt}\n", "k+5 = 7 + polls, +1 read-back"),
    ("article", "acme", 'article: {url: "https://example.com/a", title: A}\n',
     "1, +1 read-back"),
    ("first comment", "jane", "first_comment: More in the comments.\n", "2"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    publish = str(Path(sys.executable).with_name("publish"))
    process = subprocess.Popen([publish, "sandbox", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/_sandbox/state", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


MEASURE = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode;"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
)


def run_publish(world: World) -> tuple[int, float]:
    """Exit code and peak RSS (MiB) of one `publish`, measured in a process of its own
    (so git's memory while the test repository was built does not count)."""
    publish = str(Path(sys.executable).with_name("publish"))
    command = [publish, "--repo", str(world.root), "--now", NOW_TEXT]
    environ = {**os.environ, **world.environ}
    environ.pop("LINKEDIN_ACCESS_TOKEN", None)
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], env=environ,
                         capture_output=True, text=True, check=True)
    code, rss = out.stdout.split()
    return int(code), float(rss)


def calls_by_route(world: World) -> Counter[str]:
    log = world.control.state()["request_log"]
    return Counter(f"{c['method']} {c['route']}" for c in log)


def big_video(path: Path, size: int) -> None:
    """A sparse MP4 of `size` bytes that passes the checks, written without using RAM."""
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
    mvhd = bytes(4) + struct.pack(">IIII", 0, 0, 1000, 60_000) + bytes(80)
    times = struct.pack(">IIIII", 0, 0, 1, 0, 60_000)
    tkhd = bytes([0, 0, 0, 3]) + times + bytes(52) + struct.pack(">II", 1280 << 16, 720 << 16)
    hdlr = box(b"hdlr", bytes(8) + b"vide" + bytes(12) + b"Handler\x00")
    head = ftyp + box(b"moov", box(b"mvhd", mvhd) + box(b"trak", box(b"tkhd", tkhd)
                                                         + box(b"mdia", hdlr)))
    with path.open("wb") as out:
        out.write(head + struct.pack(">I", size - len(head)) + b"mdat")
        out.truncate(size)


def count_cases(url: str, folder: Path) -> float:
    print(f"{'post':<16} {'calls':>5}  {'least possible':<32} calls by route")
    baseline = 0.0
    for name, author, content, least in CASES:
        root = folder / name.replace(" ", "-") / "repo"
        (root / "media").mkdir(parents=True)
        distinct_images(root / "media")
        (root / "media" / "clip.srt").write_text(CAPTIONS, encoding="utf-8")
        world = build_world(root, url,
                            posts={"posts/p.md": post(author, content, f"A {name} post.")})
        code, rss = run_publish(world)
        if code != 0:
            raise SystemExit(f"{name}: publish exited {code}")
        if name == "text":
            baseline = rss
        routes = calls_by_route(world)
        detail = ", ".join(f"{n} {r}" for r, n in sorted(routes.items()))
        print(f"{name:<16} {sum(routes.values()):>5}  {least:<32} {detail}")
        if name == "first comment":
            before, commits = len(world.control.state()["request_log"]), world.commits()
            code, _ = run_publish(world)
            after = len(world.control.state()["request_log"])
            print(f"{'no-op sync':<16} {after - before:>5}  {'0, and no commit':<32} "
                  f"new commits: {len(world.commits()) - len(commits)}")
    return baseline


def video_memory(url: str, folder: Path, megabytes: int, baseline: float) -> None:
    world = build_world(folder / "big" / "repo", url, posts={"posts/p.md": post(
        "acme", "video: {path: ../media/big.mp4, title: Big}\n", "A big video.")})
    size = megabytes * 1000 * 1000  # LinkedIn's "500MB" is read as decimal megabytes
    big_video(world.root / "media" / "big.mp4", size)
    subprocess.run(["git", "add", "-A"], cwd=world.root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "big video"], cwd=world.root, check=True)
    started = time.perf_counter()
    code, rss = run_publish(world)
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the {megabytes} MB video: publish exited {code}")
    parts = sum(1 for c in world.control.state()["request_log"] if c["method"] == "PUT")
    print(f"\nvideo of {megabytes} MB ({parts} parts of 4 MiB): {seconds:.1f} s, "
          f"peak RSS {rss:.1f} MiB, {rss - baseline:.1f} MiB above the text-only sync "
          f"({baseline:.1f} MiB); target under 100 MiB above")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--video-mb", type=int, default=500)
    args = parser.parse_args()
    sandbox, url = start_sandbox()
    try:
        with tempfile.TemporaryDirectory(prefix="api-calls-") as temp:
            baseline = count_cases(url, Path(temp))
            video_memory(url, Path(temp), args.video_mb, baseline)
    finally:
        sandbox.kill()
    print(f"(sync clock: {NOW_TEXT})")


if __name__ == "__main__":
    main()
