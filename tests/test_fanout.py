"""Reading many posts on several cores (publisher.fanout): the same answer as on one.

Forking is only safe in a process without other threads, and a test process has some
(pytest-xdist's channel, the sandbox): each case here runs in a fresh interpreter, as the
command line does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from publisher.fanout import JOBS, MIN_PER_WORKER, fan_out, workers
from tests.builders import png_bytes, repository
from tests.support import commit_all, git


def _python(script: str, env: dict[str, str] | None = None, timeout: float = 60) -> dict:
    """Run `script` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})},
                          check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_parts_are_worked_by_forked_copies_and_joined_in_order() -> None:
    found = _python("""
        import json, os
        from publisher.fanout import fan_out
        def work(part):
            return [(x * 2, os.getpid()) for x in part]
        out = fan_out(work, list(range(1001)), processes=3)
        print(json.dumps({"values": [v for v, _ in out], "pids": sorted({p for _, p in out}),
                          "me": os.getpid()}))
    """)
    assert found["values"] == [x * 2 for x in range(1001)]
    assert len(found["pids"]) == 3 and found["me"] in found["pids"]


@pytest.mark.parametrize("failure", [
    "raise RuntimeError('boom')",                      # an exception in the copy
    "os.kill(os.getpid(), signal.SIGKILL)",            # the copy killed
    "return part[:-1]",                                # an answer of the wrong length
])
def test_the_part_of_a_failed_copy_is_worked_again_here(failure: str) -> None:
    found = _python(f"""
        import json, os, signal
        from publisher.fanout import fan_out
        ME = os.getpid()
        def work(part):
            if os.getpid() != ME:
                {failure}
            return [(x + 1, os.getpid()) for x in part]
        out = fan_out(work, list(range(300)), processes=2)
        print(json.dumps({{"values": [v for v, _ in out],
                          "pids": sorted({{p for _, p in out}}), "me": ME}}))
    """)
    assert found["values"] == [x + 1 for x in range(300)]
    assert found["pids"] == [found["me"]]


def test_a_system_that_makes_no_copy_has_every_part_worked_here() -> None:
    # Out of file descriptors: no pipe, so no copy.
    found = _python("""
        import json, os, resource
        from publisher.fanout import fan_out
        used = len(os.listdir("/proc/self/fd"))
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (used, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        out = fan_out(lambda part: [(x, os.getpid()) for x in part], list(range(300)),
                      processes=3)
        print(json.dumps({"values": [v for v, _ in out], "pids": sorted({p for _, p in out}),
                          "me": os.getpid()}))
    """)
    assert found["values"] == list(range(300))
    assert found["pids"] == [found["me"]]


def test_an_interrupted_read_leaves_no_copy_behind() -> None:
    # The copies would sleep for a minute; the parent is interrupted in its own part, and
    # must kill and reap them rather than wait (the run's timeout would fail the test).
    found = _python("""
        import json, os, time
        from publisher.fanout import fan_out
        ME = os.getpid()
        def work(part):
            if os.getpid() != ME:
                time.sleep(60)
            raise KeyboardInterrupt
        try:
            fan_out(work, list(range(30)), processes=3)
        except KeyboardInterrupt:
            pass
        try:
            os.waitpid(-1, os.WNOHANG)
            left = "a child is left"
        except ChildProcessError:
            left = "none"
        print(json.dumps({"left": left}))
    """, timeout=30)
    assert found == {"left": "none"}


def test_a_process_with_other_threads_reads_alone() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pids = fan_out(lambda part: [os.getpid() for _ in part], list(range(500)), processes=2)
    finally:
        stop.set()
        other.join()
    assert set(pids) == {os.getpid()}


def test_how_many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JOBS, "3")
    assert workers(10_000) == 3
    assert workers(2 * MIN_PER_WORKER) == 2  # never fewer than MIN_PER_WORKER items a copy
    assert workers(MIN_PER_WORKER - 1) == 1
    monkeypatch.setenv(JOBS, "1")
    assert workers(10_000) == 1
    monkeypatch.setenv(JOBS, "many")  # not a number: the machine's cores decide
    assert workers(10_000) == min(len(os.sched_getaffinity(0)), 8)


# --- the plan and check of a repository, on one process and on two ----------------------------

GOOD = "---\nauthor: {author}\n---\nPost {n} (with @jane, #tag and https://example.com/{n}).\n"
KINDS = [
    GOOD,
    "---\nimages:\n  - path: media/chart.png\n    alt: A chart\n---\nPost {n} with a chart.\n",
    "---\nschedule: 2027-03-0{m} 09:00\n---\nScheduled post {n}.\n\n- one\n- two\n",
    "---\nstatus: draft\n---\nDraft {n}.\n",
    "---\nauthor: [unclosed\n---\nBroken YAML {n}.\n",
    "---\na: &x 1\nb: *x\n---\nAn alias {n}.\n",
    "---\nauthour: acme\n---\nA misspelt key {n}.\n",
    "---\nimages:\n  - path: media/missing.png\n    alt: Gone\n---\nA missing image {n}.\n",
    "---\n---\n" + "Far too long. " * 260 + "{n}\n",
]


def _posts(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"posts/media/chart.png": png_bytes()}
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        files[f"posts/p{n:04d}.md"] = kind.format(n=n, m=n % 9 + 1,
                                                  author="jane" if n % 2 else "acme")
    files["posts/p9998.md"] = b"---\n---\nnot UTF-8 \xff\n"
    return files


def _run(repo: Path, jobs: str, *args: str, env: dict[str, str] | None = None
         ) -> tuple[int, str]:
    """`publish ARGS` in a fresh process with PUBLISH_JOBS=jobs, os.fork counted: it must
    fork once a process but the first."""
    script = f"""
        import os, sys
        forks = []
        real = os.fork
        def counted():
            forks.append(1)
            return real()
        os.fork = counted
        sys.argv = ["publish", *{list(args)!r}]
        from publisher.cli.main import main
        try:
            main()
        except SystemExit as exit:
            code = exit.code
        sys.stdout.flush()
        sys.stderr.write(f"\\nforks={{len(forks)}} code={{code}}\\n")
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=repo,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {}), JOBS: jobs}, check=False)
    tail = done.stderr.rstrip().splitlines()[-1]
    forks, code = (int(part.split("=")[1]) for part in tail.split())
    assert forks == (int(jobs) - 1), done.stderr
    return code, done.stdout


@pytest.fixture(scope="module")
def many_posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = repository(tmp_path_factory.mktemp("fanout") / "repo", _posts(3 * MIN_PER_WORKER))
    (root / "posts/p9999.md").symlink_to("p0000.md")  # refused unread, on any core
    commit_all(root)
    # An upstream to fetch: a dry run checks it is not behind while it plans, and must
    # still read on several processes (the fetch is a process, not a thread).
    origin = root.parent / "origin.git"
    git(root.parent, "init", "-q", "--bare", str(origin))
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "-q", "-u", "origin", "main")
    # A slow one, so that the fetch is surely still running when the posts are read.
    git(root, "config", "remote.origin.uploadpack", "sleep 0.5; git-upload-pack")
    return root


@pytest.mark.parametrize("args", [
    ("--dry-run", "--format", "json", "--now", "2027-03-04T10:00Z"),
    ("check", "--now", "2027-03-04T10:00Z"),
])
def test_three_processes_find_what_one_finds(many_posts: Path, args: tuple[str, ...]) -> None:
    alone = _run(many_posts, "1", *args)
    shared = _run(many_posts, "3", *args)
    assert shared == alone
    assert alone[0] == 1  # the broken posts are errors, on one core or three
    for path in ("posts/p0004.md", "posts/p0005.md", "posts/p9998.md", "posts/p9999.md"):
        assert path in alone[1]


def test_every_kind_of_post_comes_back_from_a_copy_as_it_was_read(tmp_path: Path) -> None:
    # A copy sends its posts back pickled: a post of any kind that did not survive that
    # would have its part read again in the parent, correct but on one core, unseen.
    import pickle

    from publisher.config import load_config
    from publisher.post import load_post
    from tests.publishing import POSTS, make_media

    more = {
        "posts/h-poll.md": "---\npoll: {question: Which day?, options: [Monday, Friday]}\n"
                           "---\nVote.\n",
        "posts/i-reshare.md": "---\nreshare_of: posts/a-text.md\n---\nWorth a read.\n",
        "posts/j-reshare-urn.md": "---\nreshare_of: urn:li:share:7045020441609936898\n---\n"
                                  "Also this.\n",
        "posts/k-video-extras.md": "---\nvideo: {path: ../media/clip.mp4, title: Clip, "
                                   "thumbnail: ../media/one.png, captions: ../media/clip.srt}"
                                   "\n---\nWith captions.\n",
        "posts/l-imported.md": "---\nurn: urn:li:share:7045020441609936899\n"
                               "linkedin_content: {media: {id: 'urn:li:image:C4E'}}\n---\n"
                               "Imported.\n",
    }
    files: dict[str, str | bytes] = {
        **{path: textwrap.dedent(text) for path, text in POSTS.items()}, **more,
        "media/clip.srt": "1\n00:00:00,000 --> 00:00:02,000\nHello\n\n"}
    root = repository(tmp_path / "repo", files)
    make_media(root)
    config = load_config(root, environ={})
    for path in files:
        if not path.endswith(".md"):
            continue
        loaded = load_post(config, path)
        assert loaded.post is not None, (path, loaded.diagnostics)
        assert pickle.loads(pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL)) == loaded, path


def test_a_sync_that_reads_on_two_processes_posts_each_post_once(
        sandbox_url: str, tmp_path: Path) -> None:
    # The sandbox is the oracle: its live posts, not the ledger's opinion of them.
    from tests.publishing import NOW_TEXT, SandboxControl, World, seed_sandbox
    from tests.support import CONFIG

    posts = {f"posts/p{n:03d}.md": f"---\nauthor: {'acme' if n % 2 else 'jane'}\n---\n"
             f"Post number {n} of the batch.\n" for n in range(2 * MIN_PER_WORKER)}
    posts["posts/zz-broken.md"] = "---\nauthour: acme\n---\nNever posted.\n"
    config = CONFIG.replace("[authors]", "[limits]\nper_author_per_day = 500\n\n[authors]")
    root = repository(tmp_path / "repo", posts, config=config)
    control = SandboxControl(sandbox_url)
    world = World(root, sandbox_url, control)
    world.tokens = seed_sandbox(control)
    code, output = _run(root, "2", "--now", NOW_TEXT, env=world.environ)
    assert code == 1, output  # the broken post, and only it
    texts = [p["commentary"] for p in world.sandbox_posts()]
    assert sorted(texts) == sorted(f"Post number {n} of the batch."
                                   for n in range(2 * MIN_PER_WORKER))
    assert "posts/zz-broken.md" in output
