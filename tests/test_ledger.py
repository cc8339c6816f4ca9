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
        with pytest.raises(LockError, match=f"another publish \\(process {os.getpid()}\\)"), \
                ledger.locked(lock):
            pass
    assert lock.exists()  # never deleted: a new file of that name would be a second lock
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock.write_text(dead)
    with ledger.locked(lock):
        assert lock.read_text().strip() == str(os.getpid())


CONTENDER = """
import sys, time
from pathlib import Path
from publisher import ledger
from publisher.errors import LockError
lock, gate = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
while not gate.exists():
    time.sleep(0.001)
try:
    with ledger.locked(lock):
        print("held", flush=True)
        time.sleep(1.5)
except LockError:
    print("refused", flush=True)
"""


@pytest.mark.parametrize("left_behind", [None, "", "999999999\n", "not a pid"],
                         ids=["no file", "empty file", "a dead process", "garbage"])
def test_of_many_processes_started_at_once_exactly_one_holds_the_lock(
        tmp_path: Path, left_behind: str | None) -> None:
    lock, gate = tmp_path / "publish.lock", tmp_path / "go"
    if left_behind is not None:
        lock.write_text(left_behind)  # what a killed run leaves
    processes = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(lock), str(gate)],
                                  stdout=subprocess.PIPE, text=True) for _ in range(12)]
    for process in processes:  # every one imported and waiting at the gate
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    gate.touch()
    answers = sorted(process.communicate(timeout=60)[0].strip() for process in processes)
    assert answers == ["held"] + ["refused"] * 11


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


def test_a_journal_left_by_a_killed_run_is_replayed_and_folded_in(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    book = sample()
    ledger.save(path, book)
    committed = path.read_text()
    journal = ledger.Journal(path, book)
    book.posts["posts/new.md"] = Entry(author="urn:li:person:x", state="pending", attempts=1)
    journal.post("posts/new.md")
    book.posts["posts/new.md"].state = "published"
    book.posts["posts/new.md"].urn = "urn:li:share:9"
    journal.post("posts/new.md")
    del book.posts["posts/b.md"]
    journal.post("posts/b.md")
    journal.upload("urn:li:person:x", "abc", "urn:li:image:1")
    # Killed here: the ledger file is as it was, the journal has every step, the last
    # record cut short as a crash in the middle of a write leaves it.
    assert path.read_text() == committed
    with ledger.journal_path(path).open("a") as handle:
        handle.write('{"post": "posts/c.md", "entry": {"auth')

    replayed = ledger.load(path)
    assert replayed.posts["posts/new.md"].urn == "urn:li:share:9"
    assert "posts/b.md" not in replayed.posts
    assert replayed.uploads["urn:li:person:x"] == {"abc": "urn:li:image:1"}
    assert path.read_text() == committed  # reading writes nothing

    assert ledger.recover(path)
    assert not ledger.journal_path(path).exists()
    assert ledger.load(path).to_json()["posts"] == replayed.to_json()["posts"]
    assert not ledger.recover(path)


def test_a_journal_record_that_is_not_one_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger.save(path, sample())
    ledger.journal_path(path).write_text('{"post": "posts/b.md", "entry": {"state": 1}}\n')
    with pytest.raises(LedgerError, match=r"ledger.json.journal:1: not a journal record"):
        ledger.load(path, "ledger.json")


@pytest.mark.parametrize(("before", "after", "news"), [
    ({"serial": 1, "attempts": 1}, {"serial": 2, "attempts": 2}, False),
    ({"serial": 1, "attempts": 1}, {"serial": 2, "attempts": 2, "last_error": "other"}, True),
    ({"serial": 1, "attempts": 1}, {"serial": 2, "attempts": 1, "state": "pending"}, True),
    ({"serial": 1, "attempts": 1}, {"serial": 2, "attempts": 1, "urn": "urn:li:share:3"}, True),
])
def test_only_news_is_worth_a_commit(before: dict[str, object], after: dict[str, object],
                                     news: bool) -> None:
    def text(change: dict[str, object]) -> str:
        book = Ledger(serial=int(str(change["serial"])))
        entry = Entry(author="urn:li:person:x", state="failed", last_error="HTTP 403",
                      attempts=int(str(change["attempts"])))
        for key in ("state", "last_error", "urn"):
            if key in change:
                setattr(entry, key, change[key])
        book.posts["posts/a.md"] = entry
        return book.dumps()

    assert ledger.bookkeeping_only(text(before), text(after)) is not news
    assert ledger.bookkeeping_only(None, Ledger(serial=3).dumps())
    assert not ledger.bookkeeping_only(None, text(before))


def test_saving_a_ledger_loaded_with_its_journal_drops_the_journal(tmp_path: Path) -> None:
    """`publish resolve` after a killed run: what it records is not undone by a replay."""
    path = tmp_path / "ledger.json"
    book = sample()
    ledger.save(path, book)
    journal = ledger.Journal(path, book)
    book.posts["posts/b.md"].state = "unknown"
    journal.post("posts/b.md")  # then killed

    loaded = ledger.load(path)
    assert loaded.posts["posts/b.md"].state == "unknown"
    del loaded.posts["posts/b.md"]  # resolve --not-published
    ledger.save(path, loaded)
    assert not ledger.journal_path(path).exists()
    assert "posts/b.md" not in ledger.load(path).posts
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
