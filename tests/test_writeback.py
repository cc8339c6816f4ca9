"""The URN goes into the front matter; every other byte of the file stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.writeback import WriteBackError, retired_source, updated_source, write_back

URN = "urn:li:share:7045020441609936898"
VALUES = {"urn": URN, "published_at": "2026-12-01T08:00:03Z"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\nauthor: acme\n---\nHello\n",
         '---\nauthor: acme\nurn: urn:li:share:7045020441609936898\npublished_at: "2026-12-01T08:00:03Z"\n---\nHello\n'),
        # comments, odd spacing and key order are kept
        ("---\n# the launch\nschedule:   2026-12-01 09:00   # morning\nauthor: acme\n---\nHi\n",
         '---\n# the launch\nschedule:   2026-12-01 09:00   # morning\nauthor: acme\nurn: urn:li:share:7045020441609936898\npublished_at: "2026-12-01T08:00:03Z"\n---\nHi\n'),
        # CRLF stays CRLF, BOM stays
        ("\ufeff---\r\nauthor: acme\r\n---\r\nHi\r\n",
         '\ufeff---\r\nauthor: acme\r\nurn: urn:li:share:7045020441609936898\r\npublished_at: "2026-12-01T08:00:03Z"\r\n---\r\nHi\r\n'),
        # flow style front matter
        ("---\n{author: acme, reshare: false}\n---\nHi\n",
         '---\n{author: acme, reshare: false, urn: urn:li:share:7045020441609936898, published_at: "2026-12-01T08:00:03Z"}\n---\nHi\n'),
        # an existing value is replaced in place, even an empty one
        ("---\nurn:\nauthor: acme\npublished_at: old # keep me\n---\nHi\n",
         '---\nurn: urn:li:share:7045020441609936898\nauthor: acme\npublished_at: "2026-12-01T08:00:03Z" # keep me\n---\nHi\n'),
        ("---\nurn: 'urn:li:share:1'\n---\nHi\n",
         '---\nurn: urn:li:share:7045020441609936898\npublished_at: "2026-12-01T08:00:03Z"\n---\nHi\n'),
        # the body may contain '---' lines; only the front matter changes
        ("---\nauthor: acme\n---\nOne\n---\nTwo\n",
         '---\nauthor: acme\nurn: urn:li:share:7045020441609936898\npublished_at: "2026-12-01T08:00:03Z"\n---\nOne\n---\nTwo\n'),
        # empty front matter
        ("---\n---\nHi\n",
         '---\nurn: urn:li:share:7045020441609936898\npublished_at: "2026-12-01T08:00:03Z"\n---\nHi\n'),
    ],
)
def test_write_back_changes_only_what_it_must(before: str, after: str) -> None:
    assert updated_source(before.encode(), VALUES).decode() == after


def test_write_back_replaces_the_file_atomically(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_bytes(b"---\nauthor: acme\n---\nHi\n")
    new = write_back(post, {"urn": URN})
    assert post.read_bytes() == new == f"---\nauthor: acme\nurn: {URN}\n---\nHi\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


def test_a_nested_urn_key_is_refused() -> None:
    with pytest.raises(WriteBackError):
        updated_source(b"---\nurn: [a, b]\n---\nHi\n", VALUES)


NOTE = "deleted from LinkedIn on 2026-12-02"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f'---\nauthor: acme\nstatus: deleted\nurn: {URN}\npublished_at: "2026-12-01T08:00:03Z"\n---\nHi\n',
         f'---\nauthor: acme\nstatus: deleted\n# urn: {URN} ({NOTE})\n# published_at: "2026-12-01T08:00:03Z"\n---\nHi\n'),
        # CRLF and BOM stay; a comment after the value stays inside the new comment
        (f"\ufeff---\r\nurn: {URN}  # by hand\r\nauthor: acme\r\n---\r\nHi\r\n",
         f"\ufeff---\r\n# urn: {URN}  # by hand ({NOTE})\r\nauthor: acme\r\n---\r\nHi\r\n"),
        # nothing to retire: the file is unchanged
        ("---\nauthor: acme\n---\nHi\n", "---\nauthor: acme\n---\nHi\n"),
    ],
)
def test_a_retired_urn_becomes_a_comment(before: str, after: str) -> None:
    assert retired_source(before.encode(), NOTE).decode() == after


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"---\n{{author: acme, urn: {URN}}}\n---\nHi\n", "remove urn: by hand"),
        (f"---\nurn:\n  {URN}\n---\nHi\n", "not a one-line key"),
        ("---\n- a list\n---\nHi\n", "not a mapping"),
    ],
)
def test_a_urn_that_cannot_be_retired_leaves_the_file(text: str, message: str) -> None:
    with pytest.raises(WriteBackError, match=message):
        retired_source(text.encode(), NOTE)


# --- the reader's parse spares building the result, never changes the verdict -------------

# Front matters that read, or not, as the old one plus the keys: merge keys, tags, block
# scalars kept or cut, indented mappings, duplicates, numbers that stay numbers.
TRIALS = [
    "author: acme\n",
    "",
    "# only a comment\n",
    "a: 1\nb: 1.5\nc: true\nd: null\ne: 2026-01-01\n",
    "base: &b {x: 1}\n",
    "<<: {author: acme}\nreshare: false\n",
    "text: |+\n  kept\n\n\n",
    "text: >-\n  folded\n  lines\n",
    "list:\n- a\n- b\n",
    "? complex\n: value\n",
    "tagged: !!str 12\n",
    "a: 1\na: 2\n",
    "  indented: 1\n",
    "{author: acme}\n",
    "plain: multi\n  line\n",
    "urn: urn:li:share:1\n",
    "published_at:\n",
    "'quoted key': 1\n",
]


@pytest.mark.parametrize("front", TRIALS)
def test_the_trial_with_the_readers_parse_agrees_with_the_full_check(front: str) -> None:
    from dataclasses import replace

    from publisher.frontmatter_yaml import FrontMatterError, split

    data = f"---\n{front}---\nHi\n".encode()
    try:
        parsed = split(data.decode())
    except FrontMatterError:
        return  # the reader refuses it: no trial
    # A shape that matches nothing makes the trial build the result and compare values.
    unshaped = replace(parsed, shape=(("none", "", 0),))
    outcomes = []
    for before in (parsed, unshaped):
        try:
            outcomes.append(updated_source(data, VALUES, before=before))
        except WriteBackError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(("one", "other", "same"), [
    ("a: 1\nb: [x, y]\n", "{a: 1, b: [x, y]}", True),
    ("a: 1\n", "a: '1'\n", False),
    ("a: [x]\n", "a: {x: null}\n", False),
    ("a: x\n", "a: !!str x\n", True),
    ("a: 1\nb: 2\n", "b: 2\na: 1\n", False),
])
def test_two_front_matters_of_one_shape_read_alike(one: str, other: str, same: bool) -> None:
    import yaml

    from publisher.frontmatter_yaml import SafeLoader, node_shape

    nodes = [yaml.compose(text, Loader=SafeLoader) for text in (one, other)]
    assert (node_shape(nodes[0]) == node_shape(nodes[1])) is same
    if same:
        assert yaml.safe_load(one) == yaml.safe_load(other)
