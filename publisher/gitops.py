"""The only module that runs git (through gitpython).

Reading: which post files exist, their blob ids, and which have uncommitted changes.
Writing: one commit of the ledger and the write-backs after a sync, and pushing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import git

from publisher.errors import GitError


@dataclass(frozen=True)
class FileState:
    blob: str    # the git blob id of the file as it is in the working tree
    dirty: bool  # differs from HEAD (modified, staged, or untracked)


def blob_id(data: bytes) -> str:
    """The id git gives a blob with this content (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def open_repo(root: Path) -> git.Repo | None:
    """The repository whose work tree is `root` (or contains it), None outside git."""
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def file_states(root: Path, paths: list[str]) -> dict[str, FileState]:
    """Blob id and dirtiness of each path (from `root`), asking git once for all of them.

    Files git reports unchanged take their id from the index, so an unchanged post is
    never read; the others are hashed here. Outside git every file is dirty.
    """
    repo = open_repo(root)
    if repo is None or repo.working_tree_dir is None:
        return {p: FileState(blob_id((root / p).read_bytes()), True) for p in paths}
    prefix = _prefix(repo, root)
    index = _index_blobs(repo, prefix)
    changed = _changed(repo, prefix)
    states: dict[str, FileState] = {}
    for path in paths:
        known = index.get(path)
        if known is not None and path not in changed:
            states[path] = FileState(known, False)
        else:
            states[path] = FileState(blob_id((root / path).read_bytes()), True)
    return states


def _prefix(repo: git.Repo, root: Path) -> str:
    top = Path(str(repo.working_tree_dir)).resolve()
    relative = root.resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative + "/"


def _index_blobs(repo: git.Repo, prefix: str) -> dict[str, str]:
    output = repo.git.ls_files("-s", "-z", "--", prefix or ".")
    blobs: dict[str, str] = {}
    for record in output.split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        blobs[path.removeprefix(prefix)] = meta.split()[1]
    return blobs


def _changed(repo: git.Repo, prefix: str) -> set[str]:
    """Paths that differ from HEAD in the index or the work tree, or are untracked."""
    output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", prefix or ".")
    changed: set[str] = set()
    records = iter(output.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        changed.add(record[3:].removeprefix(prefix))
        if record[0] in "RC":
            next(records, None)  # a rename's second record is the old path
    return changed


def require_repo(root: Path) -> git.Repo:
    repo = open_repo(root)
    if repo is None:
        raise GitError(f"{root} is not in a git repository: run `git init` and commit your posts")
    return repo
