"""Time to check hostile post files, by size: the check must stay linear in the file.

Each case is a post file built to grow some cost faster than its size (nested YAML
aliases, merge keys, deep nesting, long lines), at a few sizes up to the post size cap.
For each it prints the size, the time `load_post` takes (best of --runs), the time per
KiB, and the first diagnostic: a linear check keeps the time per KiB flat as files grow.

Usage: python benchmarks/hostile_check.py [--runs 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from publisher.config import load_config
from publisher.post import MAX_POST_BYTES, load_post

CONFIG = """\
posts_dir = "posts"
[defaults]
author = "acme"
timezone = "Europe/Berlin"
[authors]
acme = "urn:li:organization:1"
"""


def laughs(levels: int) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nlaughs\n"


def merge_keys(levels: int) -> str:
    lines = ["m0: &m0 {a: 1, b: 2}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: 1}}" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + "\n---\nmerge keys\n"


def nesting(depth: int) -> str:
    return "---\nexperiment: " + "[" * depth + "]" * depth + "\n---\nnested\n"


def wide(keys: int) -> str:
    return "---\n" + "\n".join(f"key{i}: value {i}" for i in range(keys)) + "\n---\nwide\n"


def long_body(size: int) -> str:
    return "---\nauthor: acme\n---\n" + "*a [b](c) `d` " * (size // 14) + "\n"


CASES: dict[str, tuple[Callable[[int], str], list[int]]] = {
    "billion laughs": (laughs, [9, 90, 900, 4000]),
    "merge keys": (merge_keys, [30, 300, 3000, 12000]),
    "deep nesting": (nesting, [100, 1000, 10_000, 100_000]),
    "many keys": (wide, [100, 1000, 10_000, 30_000]),
    "long body": (long_body, [4_000, 40_000, 400_000, MAX_POST_BYTES - 100]),
}


def best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "publish.toml").write_text(CONFIG)
        (root / "posts").mkdir()
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        config = load_config(root, environ={})
        print(f"{'case':<16} {'bytes':>9} {'ms':>9} {'ms/KiB':>8}  first diagnostic")
        for name, (build, sizes) in CASES.items():
            for size in sizes:
                text = build(size)
                path = root / "posts/p.md"
                path.write_text(text, encoding="utf-8")
                loaded = load_post(config, "posts/p.md")
                seconds = best(args.runs, lambda: load_post(config, "posts/p.md"))
                kib = len(text.encode()) / 1024
                first = loaded.diagnostics[0].message[:60] if loaded.diagnostics else "-"
                print(f"{name:<16} {len(text.encode()):>9,} {seconds * 1000:>9.2f} "
                      f"{seconds * 1000 / kib:>8.3f}  {first}")


if __name__ == "__main__":
    main()
