"""What a scheduled run of the Publish workflow costs after checkout, step by step.

Replays the action's steps on this machine: a fresh virtual environment, the install of
the tool with a warm cache (as the runner's cache restores it), then a no-op sync of a
repository of 500 published posts. Each installer is measured the same way, after one
uncounted warm-up run that fills its cache:

- pip: `python -m venv` + `pip install` of the checkout (the action before the lock);
- uv: what action.yml's "Install publish" step runs, with the same environment
  (UV_PYTHON_DOWNLOADS=never, VIRTUAL_ENV): `uv venv --python PYTHON`, `uv pip install
  --require-hashes -r requirements.lock`, then `uv pip install --no-deps` of the checkout
  (setup-uv's cache, keyed on the lock, is the warm uv cache here).

Needs uv on PATH or beside this Python (the test extra brings it). Prints seconds per
step, the best of --runs, and the load average the figures were taken under; the target
is at most 8 s in all.

Usage: python benchmarks/ci_run.py [--posts 500] [--runs 3] [--installer pip|uv|both]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plan_scale

CHECKOUT = Path(__file__).resolve().parent.parent


def uv_binary() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(found).exists():
        raise SystemExit("uv is missing: pip install uv")
    return found


def timed(command: list[str], cwd: Path, environ: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def install_steps(installer: str, venv: Path) -> list[tuple[str, list[str]]]:
    python = str(venv / "bin" / "python")
    if installer == "pip":
        return [("venv", [sys.executable, "-m", "venv", str(venv)]),
                ("install", [python, "-m", "pip", "install", "--quiet", str(CHECKOUT)])]
    uv = uv_binary()
    return [("venv", [uv, "venv", "--quiet", "--clear", "--python", sys.executable, str(venv)]),
            ("install", [uv, "pip", "install", "--quiet",
                         "--require-hashes", "-r", str(CHECKOUT / "requirements.lock")]),
            ("tool", [uv, "pip", "install", "--quiet", "--no-deps", str(CHECKOUT)])]


def one_run(installer: str, repo: Path, work: Path, environ: dict[str, str]) -> dict[str, float]:
    venv = work / f"venv-{installer}"
    shutil.rmtree(venv, ignore_errors=True)
    # As action.yml's step sets them: uv installs into this venv, never downloads Python.
    environ = {**environ, "VIRTUAL_ENV": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    times = {name: timed(command, work, environ)
             for name, command in install_steps(installer, venv)}
    sync = [str(venv / "bin" / "publish"), "sync"]
    times["no-op sync"] = timed(sync, repo, environ)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--installer", choices=["pip", "uv", "both"], default="both")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ci-run-"))
    environ = {**os.environ, "PIP_CACHE_DIR": str(work / "pip-cache"),
               "UV_CACHE_DIR": str(work / "uv-cache"), "GIT_AUTHOR_NAME": "b",
               "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "b",
               "GIT_COMMITTER_EMAIL": "b@example.com"}
    try:
        repo = work / "content"
        repo.mkdir()
        blobs = plan_scale.build(repo, args.posts)
        chart = plan_scale.blob_id((repo / "posts/media/chart.png").read_bytes())
        (repo / ".publish").mkdir()
        (repo / ".publish/ledger.json").write_text(plan_scale.published_ledger(blobs, chart))
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", "ledger"], check=True, env=environ)
        for installer in (["pip", "uv"] if args.installer == "both" else [args.installer]):
            one_run(installer, repo, work, environ)          # warm-up: fills the cache
            runs = [one_run(installer, repo, work, environ) for _ in range(args.runs)]
            best = {step: min(run[step] for run in runs) for step in runs[0]}
            total = min(sum(run.values()) for run in runs)
            steps = "  ".join(f"{step} {seconds:6.2f} s" for step, seconds in best.items())
            load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
            print(f"{installer:>4}: {steps}  total {total:6.2f} s (target <= 8 s)  "
                  f"load average {load}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
