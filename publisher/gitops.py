"""The only module that runs git.

Reading: which post files exist, their blob ids, and which have uncommitted changes, asked
of git with plain processes (a plan runs on every pull request and every scheduled run:
it must start fast, and gitpython alone takes longer to import than a no-op plan of
hundreds of posts takes to run).
Writing: one commit of the ledger and the write-backs after a sync, and pushing it, through
gitpython, imported when a sync writes.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from publisher import gitparse
from publisher.errors import GitError

if TYPE_CHECKING:
    import git


class FileState(NamedTuple):  # a tuple: one is made per post file on every plan
    blob: str  # the git blob id of the file as it is in the working tree
    dirty: bool  # differs from HEAD (modified, staged, or untracked)


def blob_id(data: bytes) -> str:
    """The id git gives a blob with this content (`git hash-object`)."""
    import hashlib  # only for files git does not know as they are: a plan often has none

    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def open_repo(root: Path) -> git.Repo | None:
    """The repository whose work tree is `root` (or contains it), None outside git."""
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def file_states(root: Path, paths: list[str]) -> dict[str, FileState]:
    """Blob id and dirtiness of each path (from `root`), asking git once for all of them.

    Files git reports unchanged take their id from the index, so an unchanged post is
    never read; the others are hashed here. Outside git every file is dirty.
    """
    tree = start_scan(root)()
    states: dict[str, FileState] = {}
    for path in paths:
        known = tree.committed_blob(path) if tree else None
        if known is not None:
            states[path] = FileState(known, False)
        else:
            states[path] = FileState(blob_id((root / path).read_bytes()), True)
    return states


@dataclass(frozen=True)
class WorkTree:
    """What git says of the files under a folder: their blob ids in the index, and which
    differ from HEAD or are untracked. Paths are from that folder."""

    root: Path
    index: dict[str, str]
    changed: frozenset[str]

    def committed_blob(self, path: str) -> str | None:
        """The blob id `path` has in HEAD; None when it has uncommitted changes (in the work
        tree or staged) or git does not track it."""
        return None if path in self.changed else self.index.get(path)

    def files(self, folder: str, suffix: str = ".md") -> dict[str, FileState]:
        """Every `*suffix` file under `folder` that git tracks or could track: not ignored,
        none in a hidden folder, in path order."""
        index, changed = self.index, self.changed
        inside = "" if folder.strip("/.") == "" else folder.strip("/") + "/"
        # Comprehensions, not a loop with calls: this runs once per post on every plan.
        paths = sorted([*index, *(changed - index.keys())])
        wanted = [p for p in paths if p.endswith(suffix) and p.startswith(inside)
                  and not (p[0] == "." or "/." in p)]  # no dot file, no dot folder
        if not changed:
            return {path: FileState(index[path], False) for path in wanted}
        states: dict[str, FileState] = {}
        for path in wanted:
            if path in changed:
                full = self.root / path
                if full.is_file():  # a file deleted from the work tree is still in the index
                    states[path] = FileState(blob_id(full.read_bytes()), True)
            else:
                states[path] = FileState(index[path], False)
        return states


def scan(root: Path, folder: str, suffix: str = ".md") -> dict[str, FileState] | None:
    """WorkTree.files of `root`; None outside git. Built from the same git calls as
    file_states, so listing the posts costs no walk of the folder."""
    tree = start_scan(root)()
    return None if tree is None else tree.files(folder, suffix)


def start_scan(root: Path) -> Callable[[], WorkTree | None]:
    """Ask git about the work tree under `root`; git works while the caller goes on, and
    calling the result waits for the answer (None outside git)."""
    asked = _ask_tree(root)

    def answer() -> WorkTree | None:
        tree = asked()
        return None if tree is None else WorkTree(root, tree[0], frozenset(tree[1]))

    return answer


Tree = tuple[dict[str, str], set[str]]  # index blob ids; paths that differ from HEAD


def _ask_tree(root: Path) -> Callable[[], Tree | None]:
    """Ask git for the index blob ids, and the paths that differ from HEAD or are
    untracked, under `root`; the answer (paths from `root`, None when `root` is not in a
    git work tree) comes from calling the result.

    The three questions go to git at once, and the caller can read the ledger meanwhile:
    on a no-op plan of thousands of posts, waiting for each in turn is a fifth of the run.
    """
    cwd = str(root)
    where = _ask_where(cwd)
    listing = _git(cwd, "ls-files", "-s", "-z", "--", ".")  # paths from cwd
    status = _ask_status(cwd, ".")

    def answer() -> Tree | None:
        prefix = _work_tree_prefix(where, listing, status)
        if prefix is None:
            return None
        index, changed = _output(listing), _output(status)
        return gitparse.parse_index(index), gitparse.parse_status(changed, prefix)

    return answer


def _ask_where(cwd: str) -> subprocess.Popen[bytes]:
    return _git(cwd, "rev-parse", "--is-inside-work-tree", "--show-prefix")


def _ask_status(cwd: str, *pathspecs: str) -> subprocess.Popen[bytes]:
    # --no-optional-locks: it only reads, so it never takes the index lock another git
    # command may be holding. Its paths are from the top of the work tree, whatever the cwd.
    return _git(cwd, "--no-optional-locks", "status", "--porcelain", "-z",
                "--untracked-files=all", "--", *pathspecs)


def _work_tree_prefix(where: subprocess.Popen[bytes],
                      *others: subprocess.Popen[bytes]) -> str | None:
    """Where the cwd of `where` (_ask_where) lies in its work tree; None outside one (the
    `others` asked alongside are then reaped unread)."""
    try:
        inside, prefix, *_ = [*_output(where).split("\n"), ""]
    except GitError as error:
        _reap(*others)
        if "not a git repository" in str(error):
            return None
        raise
    if inside != "true":  # a bare repository, or inside .git
        _reap(*others)
        return None
    return prefix


def _reap(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.communicate()


def _git(cwd: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["git", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _output(process: subprocess.Popen[bytes]) -> str:
    out, err = process.communicate()
    if process.returncode != 0:
        command = " ".join(str(a) for a in process.args)  # type: ignore[union-attr]
        raise GitError(f"`{command}` failed: {err.decode(errors='replace').strip()}")
    return out.decode("utf-8", errors="surrogateescape")


def _prefix(repo: git.Repo, root: Path) -> str:
    top = Path(str(repo.working_tree_dir)).resolve()
    relative = root.resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative + "/"


def renamed(root: Path, paths: list[str]) -> dict[str, str]:
    """Where each of these removed files (from `root`) went in the commit that removed
    it: the file git saw it renamed to, or else the one file of its kind that commit
    added (git misses a short file renamed and edited at once: one changed line of four
    is too much for its 50% similarity). Asked only for the ledger's posts whose file is
    gone, which are few."""
    found: dict[str, str] = {}
    cwd = str(root)
    for path in paths:
        last = _output(_git(cwd, "log", "-1", "--format=%H", "--", path)).strip()
        if not last:
            continue
        shown = _output(_git(cwd, "show", "-M", "--relative", "--name-status", "-z",
                             "--format=", last))
        target = gitparse.moved_to(shown.split("\0"), path)
        if target is not None:
            found[path] = target
    return found


def removed_urns(root: Path, folder: str) -> dict[str, list[str]]:
    """For each file under `folder` (paths from `root`): the post URNs that `urn:` lines
    removed from it in the committed history named, newest first. One git call for all
    files, looking only at the commits that added or removed such a line; asked only when
    a plan has posts the ledger does not know."""
    return start_removed_urns(root, folder)(True)


def start_removed_urns(root: Path, folder: str) -> Callable[[bool], dict[str, list[str]]]:
    """removed_urns, asked of git now and answered by calling the result, so that git
    searches the history while the caller reads the posts; calling it with False (the
    answer is not needed after all) stops git and answers nothing."""
    process = _git(str(root), "-c", "core.quotePath=false", "log", "-p", "--no-color",
                   "--no-renames", "--relative", "--format=", "-G^urn:", "--", folder or ".")
    if hasattr(os, "setpriority"):
        # Behind the reading of the posts, which may use every core (publisher.fanout):
        # git takes what they leave, and the answer is only needed once they are read.
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.pid, 10)

    def answer(needed: bool) -> dict[str, list[str]]:
        if not needed:
            process.kill()
            _reap(process)
            return {}
        try:
            history = _output(process)
        except GitError:
            return {}  # no commit yet: no history to look in
        return gitparse.removed_urns(history)

    return answer


# A line that makes a post queued or not: `schedule:` (queue, or an exact time) or `status:`.
QUEUE_LINE = "^(schedule|status)[ \t]*:"


def queue_entries(root: Path, folder: str) -> dict[str, tuple[datetime, str]]:
    """When each file under `folder` (paths from `root`) joined the queue, and its name
    then: the time of the commit that brought it to the checked-out branch (for a merged
    pull request, the merge), or of a later one that changed its `schedule:` or `status:`
    line (a draft made ready, an exact time made `queue`). A file renamed since keeps its
    time and the name it came with; one deleted and added again takes the time it came
    back. Two git calls for all files, run side by side."""
    cwd = str(root)
    common = ("-c", "core.quotePath=false", "log", "--first-parent", "-M", "-z",
              "--relative", "--format=%x01%ct")
    added = _git(cwd, *common, "--reverse", "--diff-filter=AR", "--name-status", "--",
                 folder or ".")
    edited = _git(cwd, *common, "--name-only", f"-G{QUEUE_LINE}", "--", folder or ".")
    try:
        arrivals, edits = _output(added), _output(edited)
    except GitError:
        _reap(edited)
        return {}  # no commit yet: nothing has come
    return gitparse.queue_entries(arrivals, gitparse.last_edits(edits))


def is_shallow(root: Path) -> bool:
    """A clone without the whole history (`actions/checkout` without `fetch-depth: 0`)."""
    return _quiet(str(root), "rev-parse", "--is-shallow-repository") == "true"


def not_a_repository(root: Path) -> GitError:
    """The one message a plan and a sync give outside git."""
    return GitError(f"{root} is not in a git repository: run `git init` and commit your "
                    "posts (only what is in git is published)")


def require_repo(root: Path) -> git.Repo:
    repo = open_repo(root)
    if repo is None:
        raise not_a_repository(root)
    return repo


def lock_path(root: Path) -> Path:
    """Where the sync lock lives: inside .git (a worktree's own git folder), so it is never
    committed. Asked of git itself: gitpython would cost a sync with nothing to do a
    third of its time."""
    found = _run(str(root), "rev-parse", "--absolute-git-dir")
    if found.returncode != 0:
        raise not_a_repository(root)
    return Path(found.stdout.strip()) / "publish.lock"


def new_repository(root: Path, message: str, name: str, email: str) -> str:
    """`git init` in `root` on branch main, commit every file in it; the commit id."""
    import git

    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", name)
        config.set_value("user", "email", email)
    repo.git.add("-A")
    repo.git.commit("-q", "-m", message)
    return str(repo.head.commit.hexsha)


def ensure_repository(root: Path) -> bool:
    """Make `root` a git repository on branch main unless it is in one; True if made."""
    inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
                            capture_output=True, text=True, check=False)
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return False
    made = subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise GitError(f"git init in {root} failed: {made.stderr.strip()}")
    return True


def commit(root: Path, paths: list[str], message: str) -> str | None:
    """Commit exactly `paths` (from `root`); return the new commit id, None if nothing changed.

    The paths and the message go to git through files, never the command line: a first
    sync of thousands of posts names more files, and says more, than an argument list holds.
    """
    import git

    repo = require_repo(root)
    prefix = _prefix(repo, root)
    full = [prefix + p for p in paths]
    with _spec_file(full) as spec, _message_file(message) as text:
        repo.git.add(f"--pathspec-from-file={spec}", "--pathspec-file-nul")
        staged = set(repo.git.diff("--cached", "--name-only", "-z").split("\0"))
        if staged.isdisjoint(full):
            return None
        try:
            repo.git.commit("-F", text, "--only", f"--pathspec-from-file={spec}",
                            "--pathspec-file-nul")
        except git.GitCommandError as error:
            # Unstage them again: a later commit of other paths must not carry them.
            repo.git.reset("-q", f"--pathspec-from-file={spec}", "--pathspec-file-nul")
            raise GitError(f"git commit failed: {_stderr(error)}: fix that, then run "
                           "again (the next run commits what this one did)") from None
    return str(repo.head.commit.hexsha)


@contextmanager
def _spec_file(paths: list[str]) -> Iterator[str]:
    """The paths as a NUL-separated file, read literally (no glob, no magic)."""
    literal = [f":(literal){path}" for path in paths]
    with _temporary("\0".join(literal)) as name:
        yield name


@contextmanager
def _message_file(message: str) -> Iterator[str]:
    with _temporary(message) as name:
        yield name


@contextmanager
def _temporary(text: str) -> Iterator[str]:
    import tempfile

    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before git reads it
        "w", encoding="utf-8", suffix=".txt", prefix="publish-", delete=False)
    try:
        with handle:
            handle.write(text)
        yield handle.name
    finally:
        Path(handle.name).unlink(missing_ok=True)


def head_text(root: Path, path: str) -> str | None:
    """The content of `path` (from `root`) in HEAD; None when HEAD does not have it."""
    process = _git(str(root), "show", f"HEAD:./{path}")
    out, _ = process.communicate()
    if process.returncode != 0:
        return None
    return out.decode("utf-8", errors="surrogateescape")


def uncommitted(root: Path, paths: list[str]) -> list[str]:
    """Of `paths` (from `root`), those that differ from HEAD (in the work tree or staged).

    A few paths are named to git: a sync asks this of its ledger on every run, and a
    status of the whole work tree takes tens of milliseconds at ten thousand posts. Many
    (what an interrupted run wrote) are looked for in the whole status.
    """
    if len(paths) > FEW_PATHS:
        tree = start_scan(root)()
        return [] if tree is None else [path for path in paths if path in tree.changed]
    if not paths:
        return []
    cwd = str(root)
    where = _ask_where(cwd)
    status = _ask_status(cwd, *(f":(literal){path}" for path in paths))
    prefix = _work_tree_prefix(where, status)
    if prefix is None:
        return []  # not in git: nothing is committed, nothing to commit either
    changed = gitparse.parse_status(_output(status), prefix)
    return [path for path in paths if path in changed]


FEW_PATHS = 64  # named on git's command line; more are found in the whole status


MergeFile = Callable[[str, str], str]  # (upstream text, our text) -> merged text


def push(root: Path, ledger_path: str, merge_ledger: MergeFile, attempts: int = 4) -> str:
    """Push HEAD to its upstream; when rejected, rebase onto it, merging the ledger, and retry."""
    import git

    repo = require_repo(root)
    remote, branch = _upstream(repo)
    prefix = _prefix(repo, root)
    for _ in range(attempts):
        try:
            repo.git.push(remote, f"HEAD:{branch}")
            return f"{remote}/{branch}"
        except git.GitCommandError as error:
            if not _rejected(error):
                raise GitError(f"git push to {remote} failed: {_stderr(error)}") from None
        repo.git.fetch(remote, branch)
        _rebase(repo, f"{remote}/{branch}", prefix + ledger_path, merge_ledger)
    raise GitError(f"git push to {remote} was still rejected after {attempts} attempts; run again")


def _upstream(repo: git.Repo) -> tuple[str, str]:
    try:
        tracking = repo.active_branch.tracking_branch()
    except TypeError:
        raise GitError("HEAD is detached: check out a branch before `publish --push`") from None
    if tracking is not None:
        return tracking.remote_name, tracking.remote_head
    if not repo.remotes:
        raise GitError("no git remote to push to: add one, or run without --push")
    return repo.remotes[0].name, repo.active_branch.name


def _rejected(error: git.GitCommandError) -> bool:
    text = _stderr(error)
    return any(
        word in text for word in ("rejected", "non-fast-forward", "fetch first", "failed to push")
    )


def _stderr(error: git.GitCommandError) -> str:
    said = str(error.stderr or "").strip().removeprefix("stderr:").strip().strip("'").strip()
    return said or f"git exited with status {error.status} (a hook may have refused it)"


def _rebase(repo: git.Repo, upstream: str, ledger_file: str, merge_ledger: MergeFile) -> None:
    """Rebase onto `upstream`; a conflict in the ledger is merged entry by entry.

    A post file conflicts too when another run published the same post meanwhile (it
    learned the same URN from LinkedIn's duplicate answer): the two sides then differ only
    in the `published_at:` line, and ours is kept, as the merged ledger keeps our entry.
    """
    import git

    try:
        # --autostash: uncommitted files (allowed by --allow-dirty) must not stop the rebase.
        repo.git.rebase("--autostash", upstream)
        return
    except git.GitCommandError:
        pass
    for _ in range(100):  # one round per replayed commit that conflicts
        conflicted = repo.git.diff("--name-only", "--diff-filter=U").split()
        stuck = [f for f in conflicted if f != ledger_file and not _same_post(repo, f)]
        if stuck or not conflicted:
            repo.git.rebase("--abort")
            raise GitError(
                "rebasing onto the remote conflicts in "
                f"{', '.join(stuck) or 'unexpected files'}: resolve by hand, then push"
            )
        for name in conflicted:
            upstream_text, ours_text = _sides(repo, name)
            merged = merge_ledger(upstream_text, ours_text) if name == ledger_file else ours_text
            (Path(str(repo.working_tree_dir)) / name).write_text(merged, encoding="utf-8")
            repo.git.add("--", name)
        try:
            repo.git.rebase("--continue", env={"GIT_EDITOR": "true"})
            return
        except git.GitCommandError:
            continue
    raise GitError("the rebase did not finish; run `git status` to see why")


def _sides(repo: git.Repo, name: str) -> tuple[str, str]:
    """During a rebase: (upstream's version, the replayed commit's version) of a file."""
    # strip_newline_in_stdout=False: gitpython drops a final newline, which the files keep.
    return (
        repo.git.show(f":2:{name}", strip_newline_in_stdout=False),
        repo.git.show(f":3:{name}", strip_newline_in_stdout=False),
    )


WRITTEN_TIME = re.compile(r"published_at:")


def _same_post(repo: git.Repo, name: str) -> bool:
    """Both sides are one post published by two runs: equal but for `published_at:`."""
    import git

    try:
        upstream_text, ours_text = _sides(repo, name)
    except git.GitCommandError:  # deleted on one side
        return False
    theirs, ours = upstream_text.splitlines(), ours_text.splitlines()
    return len(theirs) == len(ours) and all(
        a == b or (WRITTEN_TIME.match(a) is not None and WRITTEN_TIME.match(b) is not None)
        for a, b in zip(theirs, ours, strict=True)
    )


# --- is this checkout the newest state? ---------------------------------------------------


def stale_reasons(root: Path, branch: str) -> list[str]:
    """Why this checkout may not be the newest state of the publish `branch`, each with
    its fix; empty when it is.

    A sync on an old state would post again what another run published since. The
    checkout must be on `branch` (not a detached HEAD, not another branch) and, when that
    branch has an upstream, not behind it once fetched. Outside git there is no state to be
    behind: empty.
    """
    return start_stale_check(root, branch)()


def start_stale_check(root: Path, branch: str) -> Callable[[], list[str]]:
    """stale_reasons, with the fetch of the upstream (over the network, the slow part)
    left running while the caller goes on, so that a dry run makes its plan meanwhile;
    calling the result waits for the reasons. A process, not a thread: a plan may fork
    to read its posts (publisher.fanout), which is safe only in a process of one thread.
    """
    cwd = str(root)
    # Both questions at once: the answer of one git process is a few milliseconds.
    asked = _git(cwd, "symbolic-ref", "--quiet", "--short", "HEAD")
    tracking = _git(cwd, "for-each-ref",
                    "--format=%(upstream:short)%00%(upstream:remotename)", f"refs/heads/{branch}")
    out, _ = asked.communicate()
    upstream = tracking.communicate()[0].decode("utf-8", errors="replace").strip()
    if asked.returncode not in (0, 1):  # 128: not in a git repository
        return list
    current = out.decode("utf-8", errors="replace").strip()
    if asked.returncode == 1:
        return lambda: [f"HEAD is detached (not on a branch): run `git switch {branch}` and "
                        "`git pull`, so this sync sees what earlier runs published"]
    if current != branch:
        return lambda: [
            f"the checkout is on branch '{current}', not the publish branch '{branch}': "
            f"run `git switch {branch}` and `git pull` (or set [git] branch = "
            f"\"{current}\" in publish.toml if '{current}' is where posts are published)"]
    return _start_behind_upstream(cwd, branch, upstream if tracking.returncode == 0 else "")


def _start_behind_upstream(cwd: str, branch: str, tracking: str) -> Callable[[], list[str]]:
    """One problem when `branch` is behind its upstream (after fetching it); none without
    one. `tracking`: for-each-ref's `upstream%00remote` of the branch."""
    upstream, _, remote = tracking.partition("\0")
    if not upstream:
        return list  # nothing to be behind: a repository of one checkout
    fetch = None
    if remote not in ("", "."):  # "." is an upstream branch of this very repository
        # No prompt for a password: a sync runs unattended, and a fetch must fail, not wait.
        fetch = subprocess.Popen(["git", "fetch", "--quiet", remote], cwd=cwd,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})

    def reasons() -> list[str]:
        if fetch is not None:
            _, errors = fetch.communicate()
            if fetch.returncode != 0:
                why = errors.strip().splitlines()[-1:] or ["no answer"]
                return [f"could not fetch {remote} to see whether '{branch}' is up to date "
                        f"({why[0]}): fix access to {remote}, or give --allow-stale to "
                        "publish from this checkout as it is"]
        return _behind(cwd, branch, upstream)

    return reasons


def _behind(cwd: str, branch: str, upstream: str) -> list[str]:
    count = _quiet(cwd, "rev-list", "--count", "HEAD..@{upstream}")  # HEAD is `branch`
    behind = int(count) if count and count.isdigit() else 0
    if not behind:
        return []
    commits = f"{behind} commit{'s' if behind != 1 else ''}"
    return [f"'{branch}' is {commits} behind {upstream}: run `git pull`, so this sync "
            "sees what earlier runs published"]


def commit_blockers(root: Path, *, push: bool) -> list[str]:
    """What would stop a sync from committing (and with `push`, pushing) its result, each
    with its fix: found before anything is posted, not after."""
    cwd = str(root)
    blockers: list[str] = []
    if _quiet(cwd, "var", "GIT_COMMITTER_IDENT") is None:
        blockers.append("git does not know who commits the ledger: run `git config "
                        "user.name NAME` and `git config user.email EMAIL`")
    if push:
        blockers += _push_blockers(cwd)
    return blockers


def _push_blockers(cwd: str) -> list[str]:
    if _quiet(cwd, "symbolic-ref", "--quiet", "HEAD") is None:
        return ["--push needs a branch to push, and HEAD is detached: run `git switch BRANCH`"]
    has_upstream = _quiet(cwd, "rev-parse", "--abbrev-ref", "@{upstream}") is not None
    if not has_upstream and not _quiet(cwd, "remote"):
        return ["--push needs a git remote to push to: add one (`git remote add origin URL`), "
                "or run without --push"]
    return []


def _quiet(cwd: str, *args: str) -> str | None:
    """git's answer, stripped; None when git says no (exit code not 0)."""
    done = _run(cwd, *args)
    return done.stdout.strip() if done.returncode == 0 else None


def _run(cwd: str, *args: str,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, **env} if env else None)
