from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publisher import ledger
from publisher.errors import LedgerError, LockError
from publisher.ledger import DATED, STATES, TRANSITIONS, Entry, Ledger, MediaRecord, StateError


def sample() -> Ledger:
    book = Ledger()
    book.posts["posts/b.md"] = Entry(author="urn:li:person:x", state="published",
                                     urn="urn:li:share:2", attempts=1)
    book.posts["posts/a.md"] = Entry(
        author="urn:li:organization:1", state="pending", attempts=1,
        media={"posts/media/a.png": MediaRecord(sha256="sha256:ab", urn="urn:li:image:C1")},
    )
    return book


def test_missing_file_is_an_empty_ledger(tmp_path: Path) -> None:
    book = ledger.load(tmp_path / "ledger.json")
    assert book.posts == {} and book.serial == 0


def test_save_is_normalized_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / ".publish" / "ledger.json"
    ledger.save(path, sample())
    text = path.read_text()
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert list(data["posts"]) == ["posts/a.md", "posts/b.md"]
    again = ledger.load(path)
    assert again.posts["posts/a.md"].media["posts/media/a.png"].urn == "urn:li:image:C1"
    assert again.serial == 1


def test_serial_grows_on_every_save_and_no_temp_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    book = sample()
    for expected in (1, 2, 3):
        ledger.save(path, book)
        assert ledger.load(path).serial == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.json"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"version": 1, "serial": 1, "posts": {', "ledger.json:1: not valid JSON"),
        ('[]', "not a ledger"),
        ('{"version": 2, "serial": 1, "posts": {}}', "ledger version 2, this publish reads version 1: upgrade publish"),
        ('{"version": 1, "serial": -4, "posts": {}}', "serial must be a whole number"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": "a", "state": "posted"}}}', "state 'posted'"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": "a", "state": "published", "colour": 1}}}', "unknown fields: colour"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"state": "published"}}}', "has no author"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": 7, "state": "published"}}}', "has no author"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": "published"}}', "ledger entry for p.md must be an object"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": "a", "state": "published", "media": {"m.png": {"sha256": "x"}}}}}', "media records that are not {sha256, urn} objects"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": "a", "state": "published", "first_comment": "hi"}}}', "a first_comment that is not an object"),
        ('{"version": 1, "serial": 1, "posts": {"p.md": {"author": "a", "state": "published", "media_blobs": []}}}', "a media_blobs that is not an object"),
    ],
)
def test_a_broken_ledger_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ledger.json"
    path.write_text(text)
    with pytest.raises(LedgerError) as caught:
        ledger.load(path, "ledger.json")
    assert message in str(caught.value)
    assert "git checkout -- ledger.json" in str(caught.value) or "upgrade" in str(caught.value)


def test_lock_refuses_a_second_holder_and_takes_over_a_dead_one(tmp_path: Path) -> None:
    lock = tmp_path / "publish.lock"
    with ledger.locked(lock):
        assert lock.read_text().strip() == str(os.getpid())
        with pytest.raises(LockError, match="another publish"), ledger.locked(lock):
            pass
    assert not lock.exists()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock.write_text(dead)
    with ledger.locked(lock):
        assert lock.read_text().strip() == str(os.getpid())


def test_entries_read_from_a_file_are_the_same_made_late(tmp_path: Path) -> None:
    """settled and paths answer from the JSON as read, and the same once entries exist."""
    path = tmp_path / "ledger.json"
    book = sample()
    book.posts["posts/b.md"].source_blob = "b1"
    book.posts["posts/b.md"].media_blobs = {"posts/media/b.png": "f00"}
    book.posts["posts/c.md"] = Entry(author="urn:li:person:x", state="published",
                                     source_blob="c1", first_comment={"state": "failed"})
    ledger.save(path, book)
    read = ledger.load(path)
    questions = [("posts/b.md", "b1"), ("posts/b.md", "other"), ("posts/a.md", ""),
                 ("posts/c.md", "c1"), ("posts/none.md", "x")]
    expected = ("urn:li:person:x", "urn:li:share:2", {"posts/media/b.png": "f00"})
    unread = [read.settled([question]) for question in questions]
    assert unread == [{"posts/b.md": expected}, {}, {}, {}, {}]
    assert read.settled(questions) == {"posts/b.md": expected}
    assert read.paths() == ["posts/a.md", "posts/b.md", "posts/c.md"]
    assert read.posts == book.posts  # made now
    assert [read.settled([question]) for question in questions] == unread
    assert read.paths() == ["posts/a.md", "posts/b.md", "posts/c.md"]


# --- the states and their changes ----------------------------------------------------

POST = "posts/a.md"
CHANGES = [(before, after) for before in (None, *STATES) for after in (None, *STATES)]


def _book_at(state: str | None) -> Ledger:
    book = Ledger()
    if state is not None:
        book.posts[POST] = Entry(author="urn:li:person:x", state=state)  # type: ignore[arg-type]
    return book


def _change(book: Ledger, after: str | None) -> None:
    """Make the change the way the code does: a new entry, a new state, or none."""
    if after is None:
        book.forget(POST)
    elif POST not in book.posts:
        book.put(POST, Entry(author="urn:li:person:x", state=after))  # type: ignore[arg-type]
    else:
        book.set_state(POST, after, "2026-12-01T09:00:00Z")  # type: ignore[arg-type]


@pytest.mark.parametrize("before, after", list(TRANSITIONS), ids=str)
def test_every_change_of_the_table_is_made(before: str | None, after: str | None) -> None:
    book = _book_at(before)
    _change(book, after)
    entry = book.posts.get(POST)
    assert (entry.state if entry else None) == after
    if entry is not None and before is not None:
        assert (entry.since is not None) == (after in DATED), "only dated states carry since"


@pytest.mark.parametrize("before, after", [c for c in CHANGES if c not in TRANSITIONS],
                         ids=str)
def test_every_other_change_raises_and_changes_nothing(before: str | None,
                                                       after: str | None) -> None:
    book = _book_at(before)
    with pytest.raises(StateError, match=f"{POST}: the ledger has no change from"):
        _change(book, after)
    entry = book.posts.get(POST)
    assert (entry.state if entry else None) == before


def test_a_replaced_entry_is_checked_from_the_state_it_replaces() -> None:
    book = _book_at("unknown")  # an unknown create is never tried again by itself
    with pytest.raises(StateError):
        book.put(POST, Entry(author="urn:li:person:x", state="pending"))
    assert book.posts[POST].state == "unknown"


def test_every_state_is_reached_and_left_by_some_change() -> None:
    reached = {after for _, after in TRANSITIONS}
    left = {before for before, _ in TRANSITIONS}
    assert reached >= set(STATES) and left >= set(STATES), "no state is a dead end by mistake"


def test_a_gone_entry_keeps_its_date_through_a_save(tmp_path: Path) -> None:
    book = _book_at("published")
    book.set_state(POST, "gone", "2026-12-01T09:00:00Z")
    ledger.save(tmp_path / "ledger.json", book)
    again = ledger.load(tmp_path / "ledger.json").posts[POST]
    assert (again.state, again.since) == ("gone", "2026-12-01T09:00:00Z")


# Only ledger.py changes a state: elsewhere an entry's state is never assigned, and entries
# are never put in or taken out of `.posts` by hand. (auth.py's `state` is OAuth's.)
STATE_USERS = sorted(p for p in (Path(__file__).parent.parent / "publisher").glob("*.py")
                     if p.name not in ("ledger.py", "auth.py"))


def _bypasses(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("pop", "setdefault", "update", "clear")
              and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "posts"):
            lines.append(node.lineno)
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "state":
                lines.append(node.lineno)
            if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "posts"):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", STATE_USERS, ids=lambda p: p.name)
def test_states_change_only_through_the_table(path: Path) -> None:
    bypasses = _bypasses(ast.parse(path.read_text(encoding="utf-8")))
    assert not bypasses, f"{path.name} changes a ledger state by hand at lines {bypasses}"


def test_the_bypass_finder_finds_bypasses() -> None:
    code = "entry.state = 'gone'\nbook.posts[p] = e\ndel book.posts[p]\nbook.posts.pop(p)\n"
    assert _bypasses(ast.parse(code)) == [1, 2, 3, 4]
