"""Time and memory of `publish --dry-run` over a large repository of posts.

Builds a temporary git repository with N posts, then measures the figures below. Two sets
of posts: `real` (the default), about 1 KB each as teams write them: three paragraphs
with mentions, hashtags, parentheses, accents, an emoji and a link, some with a list or
an image; and `short`, a few lines each (the set earlier figures were measured on).

- cold: empty ledger, every post is read, validated and rendered, on as many processes
  as the plan uses on this machine (publisher.fanout), and again on one (PUBLISH_JOBS=1);
- no-op: every post already published and unchanged, so nothing should be read;
- floor: `git ls-files -s` plus loading the ledger JSON in Python, the least a no-op must do;
- start-up: `publish --version`, the interpreter and imports alone, beside the bare
  interpreter (`python -c pass`).

Every command runs with bytecode written and read (as for an installed package), after
one warm-up run that is not counted; each figure is the best of --runs.

Usage: python benchmarks/plan_scale.py [--posts 10000] [--set real|short] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from publisher.fanout import workers
from publisher.gitops import blob_id

CONFIG = """\
posts_dir = "posts"
[defaults]
author = "acme"
timezone = "Europe/Berlin"
[authors]
acme = "urn:li:organization:2414183"
jane = "urn:li:person:782bbtaQ"
[mentions]
jane = { urn = "urn:li:person:782bbtaQ", name = "Jane Doe" }
[links]
utm = { utm_source = "linkedin" }
utm_domains = ["example.com"]
"""
PARAGRAPHS = [
    "We shipped **faster sync** today (thanks @jane!). It cuts the wait from minutes to seconds.",
    "Three things we learned:\n\n- measure first\n- keep the *hook* short\n- ship small [changes](https://example.com/blog)",
    "Questions? Read the docs at https://example.com/docs or reply below. #engineering #launch",
    "Our team grew to 12 people this quarter, and we're hiring: see https://example.com/jobs.",
]


REAL_PARAGRAPHS = [
    "Last quarter our support team answered 4,200 tickets (up 35 % on the quarter before), "
    "and the median first answer came in 11 minutes. That is not luck: @jane rebuilt the "
    "rota around the hours our customers actually write to us, and the queue never grew "
    "past what two people can clear before lunch. #customersuccess #support",
    "What changed for customers? Three things: replies in their own language (Français, "
    "Español, Deutsch), one person following a ticket from start to end, and answers that "
    "link the exact page of the docs (https://example.com/docs/sync?tab=setup) instead of "
    "the front page. Small things; together they moved our satisfaction score from 86 to "
    "94 🎉",
    "We wrote up how the rota works, with the spreadsheet we use to plan it, in our blog: "
    "https://example.com/blog/support-rota (a 6-minute read). If your team runs support "
    "across time zones, we would love to hear what works for you [and what did not]. "
    "#teamwork #remote",
    "A note on tooling: the whole thing runs on the help desk we already had; the only "
    "addition is a weekly review where the team reads ten random answers aloud (yes, "
    "aloud) and picks one to improve. It takes 30 minutes; it is the best half hour of "
    "our week. Thanks to everyone who joined it so far, and to @jane for starting it.",
    "Next up:\n\n- a status page that says what we know, not just \"investigating\"\n"
    "- answers on weekends for paying customers (from 2027)\n"
    "- a public changelog at https://example.com/changelog",
]


def real_post_text(index: int, rng: random.Random) -> str:
    """About 1 KB: three paragraphs as a team writes them (see the module docstring)."""
    front = [f"author: {rng.choice(['acme', 'jane'])}"]
    if index % 3 == 0:
        front.append(f"schedule: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:00")
    if index % 10 == 0:
        front += ["images:", "  - path: ../media/chart.png",
                  "    alt: A bar chart of weekly sign-ups"]
    body = "\n\n".join(rng.sample(REAL_PARAGRAPHS, k=3))
    return "---\n" + "\n".join(front) + f"\n---\nUpdate {index} from the team.\n\n{body}\n"


def post_text(index: int, rng: random.Random) -> str:
    front = [f"author: {rng.choice(['acme', 'jane'])}"]
    if index % 3 == 0:
        front.append(f"schedule: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:00")
    if index % 10 == 0:
        front += [
            "images:",
            "  - path: ../media/chart.png",
            "    alt: A bar chart of weekly sign-ups",
        ]
    body = "\n\n".join(rng.sample(PARAGRAPHS, k=3))
    return "---\n" + "\n".join(front) + f"\n---\nPost number {index}.\n\n{body}\n"


def build(root: Path, count: int, real: bool = True) -> dict[str, str]:
    rng = random.Random(7)
    text = real_post_text if real else post_text
    (root / "publish.toml").write_text(CONFIG)
    (root / "posts" / "media").mkdir(parents=True)
    Image.new("RGB", (600, 314), "#3366cc").save(root / "posts" / "media" / "chart.png")
    blobs = {}
    for index in range(count):
        folder = root / "posts" / f"batch{index // 500:03d}"
        folder.mkdir(exist_ok=True)
        data = text(index, rng).encode()
        (folder / f"post{index:05d}.md").write_bytes(data)
        blobs[f"posts/batch{index // 500:03d}/post{index:05d}.md"] = blob_id(data)
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run(
        [*git, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "posts"],
        check=True,
    )
    return blobs


def published_ledger(blobs: dict[str, str], chart: str) -> str:
    """Every post published; those with the chart also record its blob, as publish does."""
    posts = {
        path: {
            "author": "urn:li:organization:2414183",
            "state": "published",
            "urn": f"urn:li:share:{7000000000000000000 + i}",
            "source_blob": blob,
            "content_hash": "sha256:x",
            "commentary_hash": "sha256:y",
            "published_at": "2026-01-01T00:00:00Z",
            "attempts": 1,
            **({"media_blobs": {"posts/media/chart.png": chart}}
               if int(path[-8:-3]) % 10 == 0 else {}),
        }
        for i, (path, blob) in enumerate(sorted(blobs.items()))
    }
    return json.dumps(
        {"version": 1, "serial": 1, "posts": posts, "uploads": {}}, indent=2, sort_keys=True
    )


ENVIRON: dict[str, str] = {}


def installed_environ(cache: Path) -> dict[str, str]:
    """The environment of the measured commands: Python writes and reads bytecode (in
    `cache`), as it does for an installed package, even where PYTHONDONTWRITEBYTECODE
    is set; otherwise every run would compile the package from source first."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "PUBLISH_JOBS")}
    return {**environ, "PYTHONPYCACHEPREFIX": str(cache)}


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MiB and CPU seconds (user and system, of the command and
    of every process it waited for: its forked copies and git) of one run of `command`."""
    script = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE);"
        "w = time.perf_counter() - t;"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "m = u.ru_maxrss / 1024;"
        "print(w, m, u.ru_utime + u.ru_stime, r.returncode);"
        "sys.stderr.write(r.stderr.decode()[-2000:])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=ENVIRON,
    )
    wall, rss, cpu, code = out.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{command} failed ({code}): {out.stderr}")
    return float(wall), float(rss), float(cpu)


def best(command: list[str], cwd: Path, runs: int) -> tuple[float, float, float]:
    """The least wall time, the most memory and the least CPU time of `runs` runs."""
    measure(command, cwd)  # warm-up: bytecode written, files in the page cache
    results = [measure(command, cwd) for _ in range(runs)]
    return (min(r[0] for r in results), max(r[1] for r in results),
            min(r[2] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--set", choices=["real", "short"], default="real", dest="posts_set",
                        help="posts of about 1 KB (real) or a few lines (short)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary repository")
    args = parser.parse_args()
    publish = str(Path(sys.executable).with_name("publish"))
    root = Path(tempfile.mkdtemp(prefix="plan-scale-"))
    ENVIRON.update(installed_environ(root.with_name(root.name + "-bytecode")))
    try:
        blobs = build(root, args.posts, real=args.posts_set == "real")
        sizes = [len(f.read_bytes()) for f in (root / "posts").rglob("*.md")]
        dry = [publish, "--dry-run", "--format", "json", "--now", "2026-06-01T00:00Z"]
        python, _, _ = best([sys.executable, "-c", "pass"], root, args.runs)
        startup, startup_rss, _ = best([publish, "--version"], root, args.runs)
        cold, cold_rss, cold_cpu = best(dry, root, args.runs)
        cores = workers(args.posts) if "PUBLISH_JOBS" not in os.environ else "its cores"
        ENVIRON["PUBLISH_JOBS"] = "1"
        alone, _, alone_cpu = best(dry, root, args.runs)
        del ENVIRON["PUBLISH_JOBS"]
        ledger = root / ".publish" / "ledger.json"
        ledger.parent.mkdir()
        chart = blob_id((root / "posts/media/chart.png").read_bytes())
        ledger.write_text(published_ledger(blobs, chart))
        noop, noop_rss, _ = best(dry, root, args.runs)
        git_floor, _, _ = best(["git", "ls-files", "-s"], root, args.runs)
        json_floor, _, _ = best(
            [sys.executable, "-c", f"import json; json.load(open({str(ledger)!r}))"],
            root,
            args.runs,
        )
        floor = git_floor + json_floor
        per_post_ms = (cold - python) / args.posts * 1000
        print(f"posts:              {args.posts} ({args.posts_set}, "
              f"{sum(sizes) / len(sizes):.0f} bytes on average)")
        print(f"interpreter:        {python:7.3f} s   (python -c pass)")
        print(
            f"start-up:           {startup:7.3f} s   peak RSS {startup_rss:6.1f} MiB  "
            "(publish --version)"
        )
        print(
            f"cold dry-run:       {cold:7.3f} s   peak RSS {cold_rss:6.1f} MiB  "
            f"({per_post_ms:.3f} ms/post above interpreter start-up; target <= 0.5 ms)"
        )
        print(
            f"cold, one process:  {alone:7.3f} s                      "
            f"({(alone - python) / args.posts * 1000:.3f} ms/post; PUBLISH_JOBS=1, "
            f"where the cold plan above read on {cores})"
        )
        print(
            f"cold CPU time:      {cold_cpu:7.3f} s on {cores}, {alone_cpu:.3f} s on one "
            "(user and system, git included: what sharing the posts costs in all)"
        )
        print(
            f"no-op dry-run:      {noop:7.3f} s   peak RSS {noop_rss:6.1f} MiB  "
            f"({noop / floor:.2f}x the floor, start-up included; target <= 3x; "
            f"{(noop - startup) / floor:.2f}x above publish's start-up)"
        )
        print(
            f"floor:              {floor:7.3f} s   "
            f"(git ls-files -s {git_floor:.3f} s + json.load {json_floor:.3f} s)"
        )
        if args.keep:
            print(f"repository kept at {root}")
    finally:
        shutil.rmtree(ENVIRON["PYTHONPYCACHEPREFIX"], ignore_errors=True)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
