"""atomic_write: the one way publish replaces the ledger, a post file and the token store."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from publisher.files import atomic_write
from publisher.tokens import StoredToken, TokenStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_replaced_file_keeps_its_content_and_its_mode(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("old\n")
    post.chmod(0o640)
    atomic_write(post, b"new\n")
    assert (post.read_bytes(), mode(post)) == (b"new\n", 0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_a_given_mode_wins_over_the_old_files(tmp_path: Path) -> None:
    secret = tmp_path / "tokens.json"
    secret.write_text("{}")
    secret.chmod(0o644)
    atomic_write(secret, b"{}\n", mode=0o600)
    assert mode(secret) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.json"
    ledger.write_text("kept")
    with pytest.raises(TypeError):
        atomic_write(ledger, "not bytes")  # type: ignore[arg-type]
    assert ledger.read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.json"]


def test_a_token_store_made_readable_by_others_is_private_again_after_a_write(
        tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.path.write_text("{}")
    store.path.chmod(0o644)
    store.put("jane", StoredToken(access_token="AQXsecretsecret4f2"))
    assert mode(store.path) == 0o600
    assert store.get("jane") == StoredToken(access_token="AQXsecretsecret4f2")
