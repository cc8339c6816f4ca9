from __future__ import annotations

import stat
from pathlib import Path

import pytest

from publisher.tokens import StoredToken, TokenError, TokenStore, env_name, mask, resolve

ORG = "urn:li:organization:1"


@pytest.mark.parametrize(
    ("cli", "environ", "stored", "source", "token"),
    [
        ("T-cli-000", {"LINKEDIN_ACCESS_TOKEN_ACME": "T-alias-0", "LINKEDIN_ACCESS_TOKEN": "T-any-000"}, True, "--token", "T-cli-000"),
        (None, {"LINKEDIN_ACCESS_TOKEN_ACME": "T-alias-0", "LINKEDIN_ACCESS_TOKEN": "T-any-000"}, True, "LINKEDIN_ACCESS_TOKEN_ACME", "T-alias-0"),
        (None, {"LINKEDIN_ACCESS_TOKEN": "T-any-000"}, True, "LINKEDIN_ACCESS_TOKEN", "T-any-000"),
        (None, {}, True, "store", "T-stored-0"),
    ],
)
def test_resolution_order(tmp_path: Path, cli: str | None, environ: dict[str, str],
                          stored: bool, source: str, token: str) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    if stored:
        store.put("acme", StoredToken(access_token="T-stored-0"))
    credential = resolve("acme", ORG, cli, environ, store)
    assert credential.source.startswith(source) and credential.token == token
    assert token not in repr(credential)


def test_no_token_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(TokenError) as caught:
        resolve("acme", ORG, None, {}, TokenStore(tmp_path / "t.json"))
    assert "set LINKEDIN_ACCESS_TOKEN_ACME" in str(caught.value)
    assert "publish login --author acme" in str(caught.value)
    assert caught.value.exit_code == 3


def test_store_is_private_and_round_trips(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "cfg" / "tokens.json")
    store.put("jane", StoredToken(access_token="AQXsecret4f2", expires_at=1.0, scopes=["openid"]))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.get("jane") == StoredToken(access_token="AQXsecret4f2", expires_at=1.0, scopes=["openid"])
    assert store.remove("jane") == ["jane"] and store.get("jane") is None


@pytest.mark.parametrize(("alias", "name"), [(None, "LINKEDIN_ACCESS_TOKEN"), ("acme", "LINKEDIN_ACCESS_TOKEN_ACME"), ("my-page.2", "LINKEDIN_ACCESS_TOKEN_MY_PAGE_2")])
def test_env_names(alias: str | None, name: str) -> None:
    assert env_name(alias) == name


def test_mask() -> None:
    assert mask("AQXabcdefghij4f2") == "AQX…4f2"
    assert mask("AQXabcdef4f2") == "AQX…4f2"     # 12: six of twelve shown
    assert mask("AQXabcde4f2") == "…"           # under 12, six would be more than half
    assert mask("short") == "…"
