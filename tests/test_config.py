from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from publisher.config import load_config, parse_duration
from publisher.errors import ConfigError
from tests.support import CONFIG


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "publish.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_example_config_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CONFIG), environ={})
    assert config.authors["acme"] == "urn:li:organization:2414183"
    assert config.defaults.timezone == "Europe/Berlin"
    assert config.defaults.max_delay == timedelta(hours=6)
    assert config.mentions["jane"].name == "Jane Doe"
    assert config.utm_domains == ("example.com",)
    assert config.ledger_path == tmp_path.resolve() / ".publish/ledger.json"


def test_the_repository_example_config_loads() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root, environ={})
    assert config.defaults.author == "acme"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('shedule = 1\n', "publish.toml:1: error: shedule: unknown key"),
        ('[defaults]\ntimezon = "UTC"\n', "publish.toml:2: error: defaults.timezon: unknown key (did you mean 'timezone'?)"),
        ('[linkedin]\nversion = "2026-11"\n', "publish.toml:2: error: linkedin.version: must be a LinkedIn-Version"),
        ('[defaults]\ntimezone = "Europe/Berln"\n', "publish.toml:2: error: defaults.timezone: 'Europe/Berln' is not an IANA time zone"),
        ('[defaults]\nvisibility = "PUBLIK"\n', "defaults.visibility: 'PUBLIK' is not one of PUBLIC, CONNECTIONS, LOGGED_IN (did you mean 'PUBLIC'?)"),
        ('[defaults]\nmax_delay = "six hours"\n', "defaults.max_delay: 'six hours' is not a duration"),
        ('[authors]\nbob = "bob"\n', "publish.toml:2: error: authors.bob: must be a person or organization URN"),
        ('[authors]\nbob = "urn:li:organization:abc"\n', "authors.bob: must be a person or organization URN"),
        ('[defaults]\nauthor = "acm"\n[authors]\nacme = "urn:li:organization:1"\n', "defaults.author: 'acm' is neither an alias in [authors] nor a URN (did you mean 'acme'?)"),
        ('[mentions]\njo = { urn = "urn:li:person:x" }\n', "mentions.jo: name must be the exact name"),
        ('[mentions]\njo = { urn = "x", name = "Jo" }\n', "mentions.jo: urn must be a person or organization URN"),
        ('[render]\nemphasis = "bold"\n', "render.emphasis: 'bold' is not one of plain, unicode"),
        ('[links]\nutm_domains = "example.com"\n', "links.utm_domains: must be a list of domains"),
        ('[limits]\nper_author_per_day = 0\n', "limits.per_author_per_day: must be a whole number of at least 1"),
        ('posts_dir = "../elsewhere"\n', "posts_dir: '../elsewhere' must be a path inside the repository"),
        ('[linkedin\nversion = 1\n', "publish.toml:1: error: not valid TOML"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert expected in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = '[defaults]\ntimezone = "Mars/Base"\nvisibility = "ALL"\n[authors]\nx = "y"\n'
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert len(caught.value.diagnostics) == 3


def test_environment_overrides_api_bases(tmp_path: Path) -> None:
    env = {"LINKEDIN_API_BASE": "http://127.0.0.1:9/", "LINKEDIN_OAUTH_BASE": "http://127.0.0.1:9/oauth/v2"}
    config = load_config(write(tmp_path, CONFIG), environ=env)
    assert config.linkedin.api_base == "http://127.0.0.1:9"
    assert config.linkedin.oauth_base == "http://127.0.0.1:9/oauth/v2"
    assert config.linkedin.version == "202611"


def test_config_option_points_at_another_file(tmp_path: Path) -> None:
    other = tmp_path / "conf" / "li.toml"
    other.parent.mkdir()
    other.write_text(CONFIG, encoding="utf-8")
    config = load_config(tmp_path, other, environ={})
    assert config.root == tmp_path.resolve()
    assert config.authors["jane"] == "urn:li:person:782bbtaQ"


def test_missing_config_file_named_explicitly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path, tmp_path / "nope.toml", environ={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6h", timedelta(hours=6)), ("90m", timedelta(minutes=90)), ("1d 12h", timedelta(days=1, hours=12)),
     ("30s", timedelta(seconds=30)), ("6 hours", None), ("", None), ("h", None)],
)
def test_durations(text: str, expected: timedelta | None) -> None:
    assert parse_duration(text) == expected


def test_apps_name_the_member_app_and_the_page_app(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CONFIG + (
        '\n[apps.member]\nclient_id = "77member"\n'
        '\n[apps.page]\nclient_id = " 86page "\nscopes = ["w_organization_social"]\n')),
        environ={})
    assert config.apps["member"].client_id == "77member"
    assert config.apps["member"].scopes is None
    assert config.apps["page"].client_id == "86page"
    assert config.apps["page"].scopes == ("w_organization_social",)


def test_apps_refuse_secrets_and_unknown_keys_with_their_lines(tmp_path: Path) -> None:
    text = CONFIG + ('\n[apps.page]\nclient_id = "86page"\nclient_secret = "s3cret"\n'
                     'scope = ["x"]\n\n[apps.ads]\nclient_id = "1"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text), environ={})
    lines = text.splitlines()
    messages = {str(d) for d in raised.value.diagnostics}
    secret_line = lines.index('client_secret = "s3cret"') + 1
    assert (f"publish.toml:{secret_line}: error: apps.page.client_secret: secrets never live "
            "in publish.toml: remove it and set LINKEDIN_PAGE_CLIENT_SECRET in the environment "
            "(a repository secret in CI)") in messages
    assert any("apps.page.scope: unknown key (did you mean 'scopes'?)" in m for m in messages)
    assert any("apps.ads: unknown key" in m for m in messages)
    assert "s3cret" not in "".join(messages)
