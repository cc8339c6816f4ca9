"""What git says about the post files: which exist, their blob ids, which are uncommitted."""

from __future__ import annotations

from pathlib import Path

from publisher.gitops import FileState, blob_id, file_states, scan, start_scan
from tests.support import commit_all, git, write_files


def hash_object(root: Path, path: str) -> str:
    return git(root, "hash-object", path).strip()


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    return root


def test_scan_lists_tracked_and_untracked_posts_with_their_state(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write_files(root, {
        "posts/a.md": "a", "posts/b.md": "b", "posts/c.md": "c", "posts/deep/d é 🎉.md": "d",
        "posts/.hidden.md": "h", "posts/.drafts/e.md": "e", "posts/notes.txt": "t",
        "posts/ignored.md": "i", ".gitignore": "posts/ignored.md\n", "elsewhere.md": "x",
    })
    commit_all(root)
    write_files(root, {"posts/b.md": "b edited", "posts/c.md": "c staged", "posts/new.md": "n"})
    git(root, "add", "posts/c.md")
    (root / "posts/a.md").unlink()  # still in the index, gone from the work tree

    states = scan(root, "posts")

    assert states is not None
    assert list(states) == ["posts/b.md", "posts/c.md", "posts/deep/d é 🎉.md", "posts/new.md"]
    for path, state in states.items():
        assert state.blob == hash_object(root, path), path
    dirty = {path for path, state in states.items() if state.dirty}
    assert dirty == {"posts/b.md", "posts/c.md", "posts/new.md"}


def test_paths_are_from_the_folder_of_publish_toml_inside_a_larger_repository(
    tmp_path: Path,
) -> None:
    top = repo(tmp_path)
    write_files(top, {"site/linkedin/posts/a.md": "a", "site/linkedin/posts/b.md": "b",
                      "other/posts/x.md": "x"})
    commit_all(top)
    write_files(top, {"site/linkedin/posts/b.md": "b edited"})
    root = top / "site" / "linkedin"

    states = scan(root, "posts")

    assert states == {
        "posts/a.md": FileState(hash_object(root, "posts/a.md"), False),
        "posts/b.md": FileState(blob_id(b"b edited"), True),
    }
    assert file_states(root, ["posts/a.md", "posts/b.md"]) == states


def test_outside_git_nothing_is_scanned_and_every_file_is_uncommitted(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write_files(root, {"posts/a.md": "a"})
    assert scan(root, "posts") is None
    assert file_states(root, ["posts/a.md"]) == {"posts/a.md": FileState(blob_id(b"a"), True)}


def test_a_scan_started_early_answers_as_scan_does(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write_files(root, {f"posts/p{i:02d}.md": f"post {i}" for i in range(50)})
    write_files(root, {"media/a.png": "a", "media/b.png": "b", "media/c.png": "c"})
    commit_all(root)
    write_files(root, {"posts/p07.md": "edited", "posts/new.md": "new", "media/b.png": "B"})
    git(root, "add", "media/b.png")
    (root / "media/c.png").write_text("C")
    waiting = start_scan(root)
    expected = scan(root, "posts")
    assert expected is not None and len(expected) == 51
    tree = waiting()
    assert tree is not None and tree.files("posts") == expected
    # Files outside the posts folder: committed, staged only, changed in the work tree.
    assert tree.committed_blob("media/a.png") == hash_object(root, "media/a.png")
    assert tree.committed_blob("media/b.png") is None
    assert tree.committed_blob("media/c.png") is None
    assert tree.committed_blob("media/none.png") is None


def test_the_index_listing_is_read_record_by_record() -> None:
    from publisher.gitparse import parse_index

    sha1, sha256 = "a" * 40, "b" * 64
    output = (f"100644 {sha1} 0\tposts/a b.md\0"
              f"100755 {sha256} 0\tposts/tab\there.md\0"
              f"100644 {'c' * 40} 1\tposts/conflict.md\0"
              f"100644 {'d' * 40} 2\tposts/conflict.md\0")
    assert parse_index(output) == {"posts/a b.md": sha1, "posts/tab\there.md": sha256,
                                   "posts/conflict.md": "d" * 40}
    assert parse_index("") == {}


def test_a_few_paths_are_asked_by_name_and_answered_as_the_whole_status_answers(
    tmp_path: Path,
) -> None:
    from publisher.gitops import FEW_PATHS, uncommitted

    top = repo(tmp_path)
    names = ["a.md", "b.md", "c.md", "d é [1] *.md", "clean.md", "gone.md", "ledger.json"]
    write_files(top, {f"site/posts/{n}": n for n in names} | {"site/other.md": "o"})
    commit_all(top)
    write_files(top, {"site/posts/a.md": "edited", "site/posts/b.md": "staged",
                      "site/posts/new.md": "untracked", "site/posts/d é [1] *.md": "edited"})
    git(top, "add", "site/posts/b.md")
    (top / "site/posts/gone.md").unlink()
    root = top / "site"
    asked = [f"posts/{n}" for n in [*names, "new.md", "never.md"]]
    everything = start_scan(root)()
    assert everything is not None
    expected = [p for p in asked if p in everything.changed]
    assert expected == ["posts/a.md", "posts/b.md", "posts/d é [1] *.md", "posts/gone.md",
                        "posts/new.md"]
    assert uncommitted(root, asked) == expected                   # named to git
    many = asked + [f"posts/more{i}.md" for i in range(FEW_PATHS)]
    assert uncommitted(root, many) == expected                    # found in the whole status
    assert uncommitted(root, ["posts/clean.md"]) == []
    assert uncommitted(tmp_path, ["x.md"]) == []                  # outside git
