"""Accounts and tokens against the real sandbox over 127.0.0.1: login (the test plays the
browser), token resolution, refresh, `publish doctor` and `publish logout`."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from click.testing import CliRunner

from publisher import auth
from publisher.cli import cli
from publisher.linkedin import errors as li
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.transport import Transport
from publisher.sandbox import client_environ, running_sandbox
from publisher.sandbox.control import SandboxControl
from publisher.tokens import StoredToken, TokenError, TokenStore, mask, resolve
from tests.builders import publish, repository
from tests.support import CONFIG, commit_all

JANE_ID = "782bbtaQ"
JANE = f"urn:li:person:{JANE_ID}"
ACME = "urn:li:organization:2414183"
CLIENT_ID, CLIENT_SECRET = "publish-test-app", "publish-test-secret-0123456789"
MEMBER_APP, MEMBER_SECRET = "publish-member-app", "publish-member-secret-0123456789"
PAGE_APP, PAGE_SECRET = "publish-page-app", "publish-page-secret-0123456789"
PERSON = ["openid", "profile", "w_member_social"]
PAGE = ["openid", "profile", "w_organization_social", "r_organization_social"]
# What a page login asks the page app for: Community Management scopes only.
PAGE_LOGIN = ["w_organization_social", "r_organization_social", "rw_organization_admin",
              "r_member_postAnalytics"]
TWO_APPS = {"LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": "",
            "LINKEDIN_MEMBER_CLIENT_ID": MEMBER_APP, "LINKEDIN_MEMBER_CLIENT_SECRET": MEMBER_SECRET,
            "LINKEDIN_PAGE_CLIENT_ID": PAGE_APP, "LINKEDIN_PAGE_CLIENT_SECRET": PAGE_SECRET}
POSTS = {
    "posts/page.md": "---\nauthor: acme\n---\nNews from the page.\n",
    "posts/person.md": "---\nauthor: jane\n---\nA note from Jane.\n",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def this_months_version(config: str) -> str:
    return re.sub(r'^version = "\d{6}"$', f'version = "{datetime.now(UTC):%Y%m}"', config,
                  flags=re.M)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_sandbox(seed=3) as url:
        yield url


@dataclass
class Env:
    """The sandbox, a repository of posts, a token store, and the environment around them."""

    url: str
    control: SandboxControl
    root: Path
    store_path: Path
    port: int
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def environ(self) -> dict[str, str]:
        return {
            **client_environ(self.url),
            "PUBLISH_TOKEN_STORE": str(self.store_path),
            "LINKEDIN_CLIENT_ID": CLIENT_ID,
            "LINKEDIN_CLIENT_SECRET": CLIENT_SECRET,
            **self.extra,
        }

    @property
    def store(self) -> TokenStore:
        return TokenStore(self.store_path)

    def publish(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        """`publish --repo ROOT ARGS` in process; stdout and stderr together."""
        return publish(*args, repo=self.root, env={**self.environ, **(env or {})})

    def issue(self, member: str, scopes: list[str], **options: Any) -> dict[str, Any]:
        return self.control.issue_token(member, scopes, client_id=CLIENT_ID, **options)

    def keep(self, key: str, answer: dict[str, Any], expires_in: float | None = None,
             **record: Any) -> StoredToken:
        """Put a token the sandbox issued into the store, as `publish login` would."""
        left = answer["expires_in"] if expires_in is None else expires_in
        fields: dict[str, Any] = {
            "access_token": answer["access_token"], "expires_at": time.time() + left,
            "scopes": answer["scope"].split(","), "refresh_token": answer.get("refresh_token"),
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **record}
        token = StoredToken(**fields)
        self.store.put(key, token)
        return token


@pytest.fixture
def env(base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    for name in list(os.environ):
        if name.startswith(("LINKEDIN_", "PUBLISH_")) or name == "GITHUB_ACTIONS":
            monkeypatch.delenv(name)
    control = SandboxControl(base_url)
    control.reset(seed=3)
    # Tokens live on two clocks here, the store's (this process) and the sandbox's
    # (introspection): both run on real time, with this month's version, so that neither
    # depends on the day the tests run.
    control.set_clock(datetime.now(UTC), running=True)
    control.add_member(JANE_ID, "Jane Doe")
    control.add_member("tom", "Tom Other")
    control.add_organization(2414183, "Acme Corp", admins=[JANE_ID])
    port = free_port()
    control.register_app(CLIENT_ID, CLIENT_SECRET, [auth.redirect_uri(port)], refresh=True)
    # The two apps LinkedIn lets a team have: a person's and a page's.
    control.register_app(MEMBER_APP, MEMBER_SECRET, [auth.redirect_uri(port)],
                         products=["openid", "share"])
    control.register_app(PAGE_APP, PAGE_SECRET, [auth.redirect_uri(port)],
                         products=["community_management"])
    root = repository(tmp_path / "repo", POSTS, this_months_version(CONFIG))
    return Env(base_url, control, root, tmp_path / "config" / "tokens.json", port)


# --- the browser ------------------------------------------------------------------------------------


Tamper = Callable[[str], str]


class Browser:
    """Plays the member's browser: opens the consent page, answers it, follows the redirect."""

    def __init__(self, control: SandboxControl, member: str = JANE_ID, *, allow: bool = True,
                 tamper: Tamper | None = None, before_redirect: Callable[[], Any] | None = None):
        self.control, self.member, self.allow = control, member, allow
        self.tamper = tamper or (lambda location: location)
        self.before_redirect = before_redirect
        self.pages: list[requests.Response] = []
        self.errors: list[BaseException] = []
        self.urls: list[str] = []
        self.locations: list[str] = []
        self.threads: list[threading.Thread] = []

    def open(self, url: str) -> bool:
        """What `webbrowser.open` does: start, and return while the page loads."""
        self.urls.append(url)
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        thread.start()
        self.threads.append(thread)
        return True

    def finish(self) -> Browser:
        """Wait until the last page has loaded."""
        for thread in self.threads:
            thread.join(timeout=10)
        return self

    def _visit(self, url: str) -> None:
        try:
            consent = requests.get(url, timeout=10)
            assert consent.status_code == 200, consent.text
            location = self.control.approve(url, self.member, allow=self.allow)
            self.locations.append(location)
            if self.before_redirect:
                self.before_redirect()
            self.pages.append(requests.get(self.tamper(location), timeout=10))
        except BaseException as error:  # reported by the test, not lost in the thread
            self.errors.append(error)


def with_state(state: str) -> Tamper:
    def tamper(location: str) -> str:
        parts = urlsplit(location)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        return urlunsplit(parts._replace(query=urlencode({**params, "state": state})))
    return tamper


def login_request(env: Env, scopes: tuple[str, ...] = tuple(PERSON), key: str = "jane",
                  timeout: float = 20) -> auth.LoginRequest:
    return auth.LoginRequest({key: JANE if key == "jane" else ACME}, scopes,
                             auth.App(CLIENT_ID, CLIENT_SECRET), env.port, timeout)


def transport(env: Env) -> Transport:
    return Transport(env.url, f"{env.url}/oauth/v2", f"{datetime.now(UTC):%Y%m}")


# --- login ------------------------------------------------------------------------------------------


def test_login_end_to_end_stores_token_expiry_scopes_refresh_and_member(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "jane", "--port", str(env.port))
    assert browser.finish().errors == []
    assert code == 0, output
    assert "Logged in as Jane Doe (urn:li:person:782bbtaQ) for jane" in output
    assert browser.pages[0].status_code == 200 and "Logged in" in browser.pages[0].text

    record = env.store.get("jane")
    assert record is not None
    assert record.person_urn == JANE and record.name == "Jane Doe"
    assert sorted(record.scopes) == sorted(PERSON)
    assert record.refresh_token and record.refresh_expires_at
    assert record.expires_at and 59 < (record.expires_at - time.time()) / 86400 < 60.1
    assert stat.S_IMODE(env.store_path.stat().st_mode) == 0o600
    assert record.access_token not in output and mask(record.access_token) in output

    query = parse_qs(urlsplit(browser.urls[0]).query)
    assert query["redirect_uri"] == [auth.redirect_uri(env.port)]
    assert query["scope"] == [" ".join(PERSON)]
    assert len(query["state"][0]) >= 32


def test_login_for_a_page_uses_the_page_app_and_community_management_scopes_only(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "acme", "--port", str(env.port),
                               env=TWO_APPS)
    assert browser.finish().errors == []
    assert code == 0, output
    query = parse_qs(urlsplit(browser.urls[0]).query)
    assert query["scope"] == [" ".join(PAGE_LOGIN)] and query["client_id"] == [PAGE_APP]
    # No openid on a page app: the member is named by organizationAcls, not /v2/userinfo.
    assert f"Logged in as {JANE} for acme" in output
    assert f"  app:     page app {PAGE_APP}, from LINKEDIN_PAGE_CLIENT_ID" in output
    assert "  refresh: until " in output and "Warning" not in output
    paths = [call["path"] for call in env.control.state()["request_log"]]
    assert "/rest/organizationAcls" in paths and "/v2/userinfo" not in paths
    record = env.store.get("acme")
    assert record is not None and sorted(record.scopes) == sorted(PAGE_LOGIN)
    assert (record.person_urn, record.client_id, record.app) == (JANE, PAGE_APP, "page")
    assert record.refresh_token and record.client_secret == PAGE_SECRET


def test_login_for_a_person_uses_the_member_app_which_gives_no_refresh_token(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "jane", "--port", str(env.port),
                               env=TWO_APPS)
    assert browser.finish().errors == [] and code == 0, output
    query = parse_qs(urlsplit(browser.urls[0]).query)
    assert query["scope"] == [" ".join(PERSON)] and query["client_id"] == [MEMBER_APP]
    assert "Logged in as Jane Doe (urn:li:person:782bbtaQ) for jane" in output
    assert "  refresh: none issued (LinkedIn gives refresh tokens to Community Management " \
           "apps only)" in output
    record = env.store.get("jane")
    assert record is not None and record.refresh_token is None
    assert (record.client_id, record.app) == (MEMBER_APP, "member")


@pytest.mark.parametrize(("author", "app", "secret"), [
    ("jane", MEMBER_APP, MEMBER_SECRET), ("acme", PAGE_APP, PAGE_SECRET)])
def test_a_team_of_one_kind_needs_one_app_under_the_old_names(
    env: Env, monkeypatch: pytest.MonkeyPatch, author: str, app: str, secret: str,
) -> None:
    """LINKEDIN_CLIENT_ID alone: people only with a member app, or a page only with a page
    app; each with products as LinkedIn grants them, so a wrong scope would fail."""
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", author, "--port", str(env.port), env={
        "LINKEDIN_CLIENT_ID": app, "LINKEDIN_CLIENT_SECRET": secret})
    assert browser.finish().errors == [] and code == 0, output
    record = env.store.get(author)
    assert record is not None and record.client_id == app
    assert record.person_urn == JANE


def test_page_apps_come_from_publish_toml_with_the_secret_from_the_environment(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (env.root / "publish.toml").write_text(CONFIG + (
        f'\n[apps.page]\nclient_id = "{PAGE_APP}"\n'
        'scopes = ["w_organization_social", "rw_organization_admin"]\n'), encoding="utf-8")
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "acme", "--port", str(env.port), env={
        "LINKEDIN_CLIENT_ID": "", "LINKEDIN_PAGE_CLIENT_SECRET": PAGE_SECRET})
    assert browser.finish().errors == [] and code == 0, output
    assert f"page app {PAGE_APP}, from publish.toml [apps.page]" in output
    query = parse_qs(urlsplit(browser.urls[0]).query)
    assert query["client_id"] == [PAGE_APP]
    assert query["scope"] == ["w_organization_social rw_organization_admin"]


def test_a_page_login_by_a_member_without_a_posting_role_warns(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    env.control.add_organization(2414183, "Acme Corp", roles={JANE_ID: "ADMINISTRATOR",
                                                             "tom": "ANALYST"})
    monkeypatch.setattr("webbrowser.open", Browser(env.control, member="tom").open)
    code, output = env.publish("login", "--author", "acme", "--port", str(env.port),
                               env=TWO_APPS)
    assert code == 0, output
    assert ("Warning: urn:li:person:tom has the role ANALYST on acme (urn:li:organization:"
            "2414183): LinkedIn refuses their posts as the page") in output


def test_login_with_no_browser_prints_the_url_for_the_user_to_open(env: Env) -> None:
    """As a user would: a separate process, the URL read from its output."""
    argv = ["--repo", str(env.root), "login", "--author", "jane", "--no-browser",
            "--port", str(env.port)]
    code = f"import sys\nfrom publisher.cli.main import main\nsys.argv = {['publish', *argv]!r}\nmain()\n"
    process = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **env.environ},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines = [process.stdout.readline(), process.stdout.readline()]
    url = lines[1].strip()
    assert url.startswith(f"{env.url}/oauth/v2/authorization?"), lines
    browser = Browser(env.control)
    browser._visit(url)
    rest, _ = process.communicate(timeout=30)
    assert browser.errors == [] and process.returncode == 0, rest
    assert "Logged in as Jane Doe" in rest
    assert env.store.get("jane") is not None


@pytest.mark.parametrize(("browser_options", "message"), [
    ({"allow": False}, "consent was denied on LinkedIn (user_cancelled_authorize)"),
    ({"tamper": with_state("forged-state")}, "carries a different state than this login sent"),
])
def test_login_refusals_store_nothing(env: Env, browser_options: dict[str, Any],
                                      message: str) -> None:
    browser = Browser(env.control, **browser_options)
    with pytest.raises(auth.LoginError, match=message.replace("(", r"\(").replace(")", r"\)")):
        auth.login(login_request(env), transport(env), env.store, browser.open)
    assert browser.finish().errors == []
    assert browser.pages[0].status_code == 400      # the tab says it failed too
    assert env.store.load() == {}


def test_login_with_an_expired_code(env: Env) -> None:
    # The member takes 31 minutes between LinkedIn's redirect and our callback.
    browser = Browser(env.control, before_redirect=lambda: env.control.advance_clock(31 * 60))
    with pytest.raises(auth.LoginError, match=r"expired \(codes live 30 minutes\)"):
        auth.login(login_request(env), transport(env), env.store, browser.open)
    assert env.store.load() == {}


def test_login_on_a_busy_port(env: Env) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", env.port))
        busy.listen()
        code, output = env.publish("login", "--author", "jane", "--port", str(env.port))
    assert code == 2
    assert f"Error: port {env.port} on localhost is in use" in output
    assert "pass --port N" in output


def test_login_with_a_scope_the_app_lacks(env: Env) -> None:
    env.control.register_app(CLIENT_ID, CLIENT_SECRET, [auth.redirect_uri(env.port)],
                             refresh=True, scopes=PERSON)
    pages: list[requests.Response] = []

    def open_url(url: str) -> None:
        # The sandbox redirects with the error at once, without a consent page.
        threading.Thread(target=lambda: pages.append(requests.get(url, timeout=10)),
                         daemon=True).start()

    with pytest.raises(auth.LoginError, match=r"unauthorized_scope_error .*lacks the LinkedIn "
                                              r"product"):
        auth.login(login_request(env, tuple(PAGE), "acme"), transport(env), env.store, open_url)
    assert env.store.load() == {}


def test_login_gives_up_when_no_answer_comes(env: Env) -> None:
    request = auth.LoginRequest({"jane": JANE}, tuple(PERSON),
                                auth.App(CLIENT_ID, CLIENT_SECRET), env.port, timeout=0.3)
    with pytest.raises(auth.LoginError, match=r"no answer reached http://localhost:\d+/callback within"):
        auth.login(request, transport(env), env.store, lambda url: None)


def test_login_as_another_member_than_the_author_warns(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("webbrowser.open", Browser(env.control, member="tom").open)
    code, output = env.publish("login", "--author", "jane", "--port", str(env.port))
    assert code == 0, output
    assert "Warning: you logged in as urn:li:person:tom, but jane is urn:li:person:782bbtaQ" \
        in output


def test_login_for_an_unknown_alias(env: Env) -> None:
    code, output = env.publish("login", "--author", "jnae")
    assert code == 2
    assert "--author jnae: not an alias of [authors] in publish.toml (aliases: acme, jane)" \
        in output


def test_client_credentials_are_prompted_when_not_in_the_environment(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("webbrowser.open", Browser(env.control).open)
    result = CliRunner().invoke(
        cli, ["--repo", str(env.root), "login", "--author", "jane", "--port", str(env.port)],
        env={**env.environ, "LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": ""},
        input=f"{CLIENT_ID}\n{CLIENT_SECRET}\n")
    assert result.exit_code == 0, result.output
    assert CLIENT_SECRET not in result.output      # typed, hidden, never echoed
    record = env.store.get("jane")
    assert record is not None and record.client_id == CLIENT_ID


def test_only_the_secret_is_asked_for_when_publish_toml_names_the_app(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (env.root / "publish.toml").write_text(
        CONFIG + f'\n[apps.member]\nclient_id = "{MEMBER_APP}"\n', encoding="utf-8")
    monkeypatch.setattr("webbrowser.open", Browser(env.control).open)
    result = CliRunner().invoke(
        cli, ["--repo", str(env.root), "login", "--author", "jane", "--port", str(env.port)],
        env={**env.environ, "LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": ""},
        input=f"{MEMBER_SECRET}\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Client secret of the member app {MEMBER_APP} "
                                    "(LINKEDIN_MEMBER_CLIENT_SECRET): ")
    assert "Client ID" not in result.output and MEMBER_SECRET not in result.output
    record = env.store.get("jane")
    assert record is not None and (record.client_id, record.app) == (MEMBER_APP, "member")


def test_a_person_and_a_page_take_one_login_per_app(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "acme", "--author", "jane",
                               "--port", str(env.port), env=TWO_APPS)
    assert browser.finish().errors == [] and code == 0, output
    assert ("jane post through the member app and acme through the page app (LinkedIn keeps "
            "the Community Management API alone on its app): 2 logins follow, one per app."
            ) in output
    asked = [parse_qs(urlsplit(url).query) for url in browser.urls]
    assert [(q["client_id"][0], q["scope"][0]) for q in asked] == [
        (MEMBER_APP, " ".join(PERSON)), (PAGE_APP, " ".join(PAGE_LOGIN))]
    assert "Logged in as Jane Doe (urn:li:person:782bbtaQ) for jane" in output
    assert f"Logged in as {JANE} for acme" in output
    jane, acme = env.store.get("jane"), env.store.get("acme")
    assert jane is not None and acme is not None
    assert (jane.client_id, acme.client_id) == (MEMBER_APP, PAGE_APP)
    assert "revoked" not in output           # two apps: neither login revokes the other
    code, output = env.publish("doctor", env=TWO_APPS)
    assert code == 0, output
    code, output = env.publish("sync", env=TWO_APPS)
    assert code == 0, output
    posts = {p["author"]: p for p in env.control.posts()}
    assert set(posts) == {ACME, JANE}
    assert (posts[JANE]["client_id"], posts[ACME]["client_id"]) == (MEMBER_APP, PAGE_APP)


def test_a_person_through_the_page_app_gets_post_analytics(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--app page`: one Community Management login serves the page and the person, whose
    post statistics the member app cannot grant."""
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "jane", "--author", "acme", "--app", "page",
                               "--port", str(env.port), env=TWO_APPS)
    assert browser.finish().errors == [] and code == 0, output
    assert len(browser.urls) == 1
    assert parse_qs(urlsplit(browser.urls[0]).query)["scope"] == [
        "w_member_social r_member_postAnalytics w_organization_social r_organization_social "
        "rw_organization_admin"]
    assert f"Logged in as {JANE} for jane, acme" in output and "Warning" not in output
    assert env.publish("sync", env=TWO_APPS)[0] == 0
    code, output = env.publish("stats", env=TWO_APPS)
    assert code == 0, output
    measured = (env.root / ".publish" / "metrics.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["author"] for line in measured) == [ACME, JANE]
    code, output = env.publish("login", "--author", "acme", "--app", "member", env=TWO_APPS)
    assert code == 3 and "acme is a page: it logs in through the page app" in output


def test_a_person_and_a_page_cannot_share_one_app(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(env.control)
    monkeypatch.setattr("webbrowser.open", browser.open)
    code, output = env.publish("login", "--author", "jane", "--author", "acme",
                               "--port", str(env.port))
    assert code == 3, output
    assert ("Error: jane (a person) and acme (a page) need two LinkedIn apps, and both would "
            f"log in through app {CLIENT_ID}: the Community Management API must be the only "
            "product on its app. Set LINKEDIN_MEMBER_CLIENT_ID and "
            "LINKEDIN_MEMBER_CLIENT_SECRET for the member app and LINKEDIN_PAGE_CLIENT_ID") \
        in output
    assert browser.urls == [] and env.store.load() == {}
    code, output = env.publish("login", "--author", "jane", "--author", "acme",
                               "--scopes", "w_member_social", env=TWO_APPS)
    assert code == 3 and "--scopes asks one app for one set of scopes" in output


def test_the_old_page_scopes_fail_on_a_page_app(env: Env) -> None:
    """What `publish login --author acme` used to ask for, on an app as LinkedIn makes it."""
    request = auth.LoginRequest({"acme": ACME}, tuple(PAGE), auth.App(PAGE_APP, PAGE_SECRET),
                                env.port, 20)
    pages: list[requests.Response] = []

    def open_url(url: str) -> None:
        threading.Thread(target=lambda: pages.append(requests.get(url, timeout=10)),
                         daemon=True).start()

    with pytest.raises(auth.LoginError, match='unauthorized_scope_error Scope "openid" is not '
                                              "authorized for your application"):
        auth.login(request, transport(env), env.store, open_url)
    assert env.store.load() == {}


def test_a_second_login_with_other_scopes_says_which_token_linkedin_revoked(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("webbrowser.open", Browser(env.control).open)
    assert env.publish("login", "--author", "acme", "--port", str(env.port))[0] == 0
    code, output = env.publish("login", "--author", "jane", "--port", str(env.port))
    assert code == 0, output
    assert ("Warning: LinkedIn has now revoked the token stored for acme (same member and "
            "app, other scopes): one token can serve them all, `publish login --author jane "
            "--author acme`") in output
    code, output = env.publish("doctor")
    assert code == 1 and "PROBLEM: the token is revoked: LinkedIn no longer accepts it" in output


def test_the_page_apps_token_is_refreshed_with_the_page_app(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two apps, one refresh token (the page's): an expired page token is renewed through
    the page app's credentials, which the sandbox checks against the grant."""
    monkeypatch.setattr("webbrowser.open", Browser(env.control).open)
    code, output = env.publish("login", "--author", "jane", "--author", "acme",
                               "--port", str(env.port), env=TWO_APPS)
    assert code == 0, output
    before = env.store.get("acme")
    assert before is not None
    env.control.expire_token_after(before.access_token, 0)
    # No client credentials in the environment: the store knows each token's app.
    code, output = env.publish("sync", env={"LINKEDIN_CLIENT_ID": ""})
    assert code == 0, output
    assert _token_calls(env) == 2 + 1          # two code exchanges, one refresh
    after = env.store.get("acme")
    assert after is not None and after.access_token != before.access_token
    assert after.client_id == PAGE_APP
    assert {p["author"] for p in env.control.posts()} == {ACME, JANE}


def test_a_ci_page_token_is_refreshed_with_the_page_app_of_publish_toml(env: Env) -> None:
    """In CI: the token and refresh token are secrets, the page app's client id is in
    publish.toml and only its secret in the environment."""
    (env.root / "publish.toml").write_text(
        CONFIG + f'\n[apps.page]\nclient_id = "{PAGE_APP}"\n', encoding="utf-8")
    commit_all(env.root)
    page = env.control.issue_token(JANE_ID, PAGE_LOGIN, client_id=PAGE_APP,
                                   expires_in=3 * 86400)
    jane = env.control.issue_token(JANE_ID, PERSON, client_id=MEMBER_APP)
    code, output = env.publish("sync", env={
        "LINKEDIN_CLIENT_ID": "", "LINKEDIN_PAGE_CLIENT_SECRET": PAGE_SECRET,
        "LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
        "LINKEDIN_REFRESH_TOKEN_ACME": page["refresh_token"],
        "LINKEDIN_ACCESS_TOKEN_JANE": jane["access_token"]})
    assert code == 0, output
    assert "Warning: refreshed the token of acme (2 days left): " in output
    assert _token_calls(env) == 1
    assert {p["author"] for p in env.control.posts()} == {ACME, JANE}


def test_doctor_says_which_app_each_token_belongs_to_and_what_it_can_do(env: Env) -> None:
    """Tokens from the environment: the owner is the app whose introspection knows it."""
    page = env.control.issue_token(JANE_ID, PAGE_LOGIN, client_id=PAGE_APP)
    jane = env.control.issue_token(JANE_ID, PERSON, client_id=MEMBER_APP)
    code, output = env.publish("doctor", env={
        **TWO_APPS, "LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
        "LINKEDIN_REFRESH_TOKEN_ACME": page["refresh_token"],
        "LINKEDIN_ACCESS_TOKEN_JANE": jane["access_token"]})
    assert code == 0, output
    lines = output.splitlines()
    acme, person = lines.index("acme (urn:li:organization:2414183): 1 post"), \
        lines.index("jane (urn:li:person:782bbtaQ): 1 post")
    assert lines[acme + 2] == (f"  app:     page app {PAGE_APP}, from LINKEDIN_PAGE_CLIENT_ID; "
                               "refreshed automatically")
    assert lines[acme + 4] == ("  can:     post as the pages the member may post for, read "
                               "page posts back, read page statistics, read the member's post "
                               "statistics")
    assert lines[person + 2] == (f"  app:     member app {MEMBER_APP}, from "
                                 "LINKEDIN_MEMBER_CLIENT_ID; no refresh")
    assert lines[person + 4] == "  can:     post as the member, name the member (/v2/userinfo)"
    assert any(line.startswith("  note:    no refresh token (LinkedIn gives them to Community "
                               "Management apps only): log in again before ")
               for line in lines[person:])
    assert "  ok:      rw_organization_admin: read the page's share statistics (`publish " \
           "stats`)" in lines
    assert ("  note:    no r_member_postAnalytics: cannot read the member's post analytics "
            "(`publish stats`; only a Community Management app grants it); only the page app "
            "grants it: `publish login --author jane --app page`") in lines


# --- which token each author uses ---------------------------------------------------------------


@pytest.mark.parametrize(("given", "source"), [
    ({"cli": "AQVcli", "alias": "AQValias", "general": "AQVgeneral", "store": "AQVstore"},
     "--token"),
    ({"alias": "AQValias", "general": "AQVgeneral", "store": "AQVstore"},
     "LINKEDIN_ACCESS_TOKEN_ACME"),
    ({"general": "AQVgeneral", "store": "AQVstore"}, "LINKEDIN_ACCESS_TOKEN"),
    ({"store": "AQVstore"}, "store"),
])
def test_token_resolution_order(tmp_path: Path, given: dict[str, str], source: str) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    if "store" in given:
        store.put("acme", StoredToken(given["store"]))
    environ = {name: given[key] for key, name in
               (("alias", "LINKEDIN_ACCESS_TOKEN_ACME"), ("general", "LINKEDIN_ACCESS_TOKEN"))
               if key in given}
    credential = resolve("acme", ACME, given.get("cli"), environ, store)
    assert credential.source.startswith(source)
    assert credential.token == given[{"--token": "cli", "LINKEDIN_ACCESS_TOKEN_ACME": "alias",
                                      "LINKEDIN_ACCESS_TOKEN": "general"}.get(source, "store")]


def test_no_token_names_the_variable_and_the_login(tmp_path: Path) -> None:
    with pytest.raises(TokenError) as raised:
        resolve("acme", ACME, None, {}, TokenStore(tmp_path / "tokens.json"))
    assert str(raised.value) == (
        "no LinkedIn token for author 'acme' (urn:li:organization:2414183): set "
        "LINKEDIN_ACCESS_TOKEN_ACME (or LINKEDIN_ACCESS_TOKEN), or run "
        "`publish login --author acme`")


def test_person_and_page_authors_each_use_their_own_token(
    env: Env, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Jane's token from the environment, the page's from `publish login`."""
    monkeypatch.setattr("webbrowser.open", Browser(env.control).open)
    assert env.publish("login", "--author", "acme", "--port", str(env.port))[0] == 0
    jane = env.issue(JANE_ID, PERSON)["access_token"]
    code, output = env.publish("sync", env={"LINKEDIN_ACCESS_TOKEN_JANE": jane})
    assert code == 0, output
    posts = {p["author"]: p for p in env.control.posts()}
    assert set(posts) == {ACME, JANE}
    tokens = {t["member"]: t for t in env.control.state()["tokens"]}
    assert tokens  # the sandbox knows both tokens; each post was made with its author's
    assert "Done: 2 created" in output


# --- refresh ----------------------------------------------------------------------------------------


def _token_calls(env: Env) -> int:
    return sum(1 for call in env.control.state()["request_log"]
               if call["path"] == "/oauth/v2/accessToken")


def test_a_stored_token_with_under_7_days_left_is_refreshed_before_use(env: Env) -> None:
    old = env.keep("acme", env.issue(JANE_ID, PAGE), expires_in=3 * 86400)
    env.keep("jane", env.issue(JANE_ID, PERSON))
    code, output = env.publish("sync")
    assert code == 0, output
    assert _token_calls(env) == 1
    new = env.store.get("acme")
    assert new is not None and new.access_token != old.access_token
    assert new.expires_at and (new.expires_at - time.time()) / 86400 > 59
    assert new.refresh_token == old.refresh_token
    assert "Warning" not in output           # refreshed: nothing left to warn about


def test_an_expired_token_is_refreshed_once_and_the_call_sent_again(env: Env) -> None:
    """In CI: the token is a secret, so the warning names the secret to update."""
    page = env.issue(JANE_ID, PAGE)
    env.control.expire_token_after(page["access_token"], 0)
    extra = {"LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
             "LINKEDIN_REFRESH_TOKEN_ACME": page["refresh_token"],
             "LINKEDIN_ACCESS_TOKEN_JANE": env.issue(JANE_ID, PERSON)["access_token"],
             "GITHUB_ACTIONS": "true"}
    code, output = env.publish("sync", env=extra)
    assert code == 0, output
    assert len([p for p in env.control.posts() if p["author"] == ACME]) == 1
    assert _token_calls(env) == 1
    assert (f"::warning::refreshed the token of acme (LinkedIn answered 401 "
            f"EXPIRED_ACCESS_TOKEN): {mask(page['access_token'])} -> ") in output
    assert "The secret LINKEDIN_ACCESS_TOKEN_ACME still holds" in output
    assert page["access_token"] not in output and page["refresh_token"] not in output


def test_the_token_hook_refreshes_once_per_run_and_never_twice(env: Env) -> None:
    page = env.issue(JANE_ID, PAGE)
    keeper = auth.TokenKeeper(transport(env), store=env.store, environ={
        **env.environ, "LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
        "LINKEDIN_REFRESH_TOKEN_ACME": page["refresh_token"]})
    hook = auth.RefreshingToken(keeper, keeper.token_for("acme", ACME))
    client = LinkedInClient(transport(env), hook)
    env.control.expire_token_after(page["access_token"], 0)
    assert list(client.find_posts_by_author(ACME)) == []       # refreshed, sent again
    renewed = hook()
    assert renewed and renewed != page["access_token"] and _token_calls(env) == 1
    env.control.expire_token_after(renewed, 0)
    with pytest.raises(li.ExpiredToken):
        list(client.find_posts_by_author(ACME))
    assert _token_calls(env) == 1 and hook() == renewed
    assert page["access_token"] not in repr(client) and renewed not in repr(client)


def test_an_environment_token_near_its_end_is_refreshed_before_use(env: Env) -> None:
    """Its expiry is only known by introspection, which needs the client credentials."""
    page = env.issue(JANE_ID, PAGE, expires_in=3 * 86400)
    extra = {"LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
             "LINKEDIN_REFRESH_TOKEN_ACME": page["refresh_token"],
             "LINKEDIN_ACCESS_TOKEN_JANE": env.issue(JANE_ID, PERSON)["access_token"]}
    code, output = env.publish("sync", env=extra)
    assert code == 0, output
    statuses = [call["status"] for call in env.control.state()["request_log"]]
    assert 401 not in statuses and _token_calls(env) == 1
    assert "Warning: refreshed the token of acme (2 days left): " in output
    assert "The variable LINKEDIN_ACCESS_TOKEN_ACME still holds" in output


def test_a_refused_refresh_stops_the_author_with_the_login_hint(env: Env) -> None:
    page = env.issue(JANE_ID, PAGE)
    env.control.expire_token_after(page["access_token"], 0)
    extra = {"LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"],
             "LINKEDIN_REFRESH_TOKEN_ACME": "AQW" + "x" * 60,
             "LINKEDIN_ACCESS_TOKEN_JANE": env.issue(JANE_ID, PERSON)["access_token"]}
    code, output = env.publish("sync", env=extra)
    assert code == 3, output
    assert "Warning: could not refresh the token of acme" in output
    assert "run `publish login --author acme`" in output
    assert "comes from LINKEDIN_ACCESS_TOKEN_ACME: replace it there" in output
    assert [p["author"] for p in env.control.posts()] == [JANE]


@pytest.mark.parametrize(("ci", "prefix"), [(False, "Warning: "), (True, "::warning::")])
def test_sync_warns_about_a_token_expiring_within_14_days(env: Env, ci: bool,
                                                          prefix: str) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE), expires_in=10 * 86400 - 60,
             refresh_token=None)
    env.keep("jane", env.issue(JANE_ID, PERSON))
    code, output = env.publish("sync", env={"GITHUB_ACTIONS": "true"} if ci else {})
    assert code == 0, output
    assert f"{prefix}the LinkedIn token of acme (AQV…" in output
    assert "expires in 9 days" in output and "run `publish login --author acme`" in output
    assert "token of jane" not in output


# --- doctor -----------------------------------------------------------------------------------------


def test_doctor_all_good(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, [*PAGE, "rw_organization_admin"]))
    env.keep("jane", env.issue(JANE_ID, [*PERSON, "r_member_postAnalytics"]))
    code, output = env.publish("doctor")
    assert code == 0, output
    lines = output.splitlines()
    version = f"{datetime.now(UTC):%Y%m}"
    assert lines[0].startswith(f"ok:      LinkedIn-Version {version} is served until about ")
    assert "acme (urn:li:organization:2414183): 1 post" in lines
    assert "  ok:      w_organization_social: post as the page" in lines
    assert "  ok:      r_organization_social: read posts back (check the text LinkedIn kept, " \
           "find a post after a lost answer)" in lines
    assert "  ok:      w_member_social: post as the member" in lines
    assert any(line.startswith("  ok:      expires in 59 days") for line in lines)
    assert lines[-1] == "2 authors checked: 0 problems, 0 warnings"


def test_doctor_fails_for_an_author_without_a_usable_token(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, ["openid", "profile", "w_member_social"]))
    code, output = env.publish("doctor")
    assert code == 1, output
    assert ("  PROBLEM: no w_organization_social: cannot post as the page; log in again "
            "through the page app, `publish login --author acme`") in output
    assert "  PROBLEM: no LinkedIn token for author 'jane' (urn:li:person:782bbtaQ)" in output
    assert output.splitlines()[-1] == "2 authors checked: 2 problems, 1 warning"


def test_doctor_sees_a_revoked_token(env: Env) -> None:
    jane = env.issue(JANE_ID, PERSON)["access_token"]
    env.control.revoke_token(jane)
    env.keep("acme", env.issue(JANE_ID, PAGE))
    code, output = env.publish("doctor", env={"LINKEDIN_ACCESS_TOKEN_JANE": jane})
    assert code == 1
    assert f"  token:   {mask(jane)} from LINKEDIN_ACCESS_TOKEN_JANE: revoked" in output
    assert ("PROBLEM: the token is revoked: LinkedIn no longer accepts it (REVOKED_ACCESS_TOKEN)"
            ": the member removed the app's access, or a later login of the member with other "
            "scopes replaced it; get a new one: run `publish login --author jane` and update "
            "LINKEDIN_ACCESS_TOKEN_JANE") in output
    jane_part = output.split("jane (urn:li:person:")[1]
    assert "scopes:" not in jane_part and "ok:      w_member_social" not in jane_part


@pytest.mark.parametrize("where", ["environment", "store"])
def test_doctor_says_an_invalid_token_is_invalid_and_how_to_get_a_new_one(
        env: Env, where: str) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE))
    real = env.issue(JANE_ID, PERSON)
    changed = {**real, "access_token": real["access_token"][:-6] + "xxxxxx"}  # pasted wrong
    if where == "store":
        env.keep("jane", changed)
        variables: dict[str, str] = {}
    else:
        variables = {"LINKEDIN_ACCESS_TOKEN_JANE": changed["access_token"]}
    code, output = env.publish("doctor", env=variables)
    assert code == 1, output
    jane_part = output.split("jane (urn:li:person:")[1]
    fix = ("run `publish login --author jane`" if where == "store" else
           "run `publish login --author jane` and update LINKEDIN_ACCESS_TOKEN_JANE")
    assert ("  PROBLEM: the token is invalid: LinkedIn does not know it (INVALID_ACCESS_TOKEN): "
            "it was changed or cut short when it was copied, or it is not an access token; "
            f"get a new one: {fix}\n") in jane_part
    # The client id is set: nothing asks for it, and no introspection is tried.
    assert "LINKEDIN_CLIENT_ID" not in jane_part and "introspect" not in jane_part
    assert output.splitlines()[-1] == "2 authors checked: 1 problem, 0 warnings"


def test_doctor_warns_under_14_days_and_introspects_environment_tokens(env: Env) -> None:
    page = env.issue(JANE_ID, PAGE, expires_in=5 * 86400)
    env.keep("jane", env.issue(JANE_ID, PERSON))
    code, output = env.publish("doctor", env={"LINKEDIN_ACCESS_TOKEN_ACME": page["access_token"]})
    assert code == 0, output
    assert ("  scopes:  openid, profile, r_organization_social, w_organization_social "
            "(introspection)") in output
    assert "  warning: expires in 4 days" in output or "  warning: expires in 5 days" in output


def test_doctor_without_client_credentials_still_tests_the_token(env: Env) -> None:
    page = env.issue(JANE_ID, PAGE)["access_token"]
    jane = env.issue(JANE_ID, PERSON)["access_token"]
    code, output = env.publish("doctor", env={
        "LINKEDIN_CLIENT_ID": "", "LINKEDIN_CLIENT_SECRET": "",
        "LINKEDIN_ACCESS_TOKEN_ACME": page, "LINKEDIN_ACCESS_TOKEN_JANE": jane})
    assert code == 0, output
    assert f"  token:   {mask(page)} from LINKEDIN_ACCESS_TOKEN_ACME: active" in output
    assert "  note:    scopes unknown: set the client id and secret of the app that issued it" \
        in output


def test_doctor_catches_a_person_token_of_another_member(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE))
    tom = env.issue("tom", PERSON)["access_token"]
    code, output = env.publish("doctor", env={"LINKEDIN_ACCESS_TOKEN_JANE": tom})
    assert code == 1
    assert ("PROBLEM: the token is urn:li:person:tom's, but jane is urn:li:person:782bbtaQ"
            in output)


def test_debug_logs_end_with_their_command(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE))
    env.keep("jane", env.issue(JANE_ID, PERSON))
    debug = env.publish("--debug", "doctor")[1]
    assert "debug: GET /v2/userinfo -> 200 in" in debug and "'Bearer AQV…" in debug
    assert "debug:" not in env.publish("doctor")[1]


def test_auth_status_is_doctor(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE))
    env.keep("jane", env.issue(JANE_ID, PERSON))
    assert env.publish("auth", "status") == env.publish("doctor")


@pytest.mark.parametrize(("version", "today", "level", "text"), [
    ("202611", date(2026, 11, 29), "ok", "served until about 2027-11-15 (351 days)"),
    ("202601", date(2026, 11, 16), "warning", "retired about 2027-01-15 (in 60 days)"),
    ("202601", date(2026, 11, 14), "ok", "served until about 2027-01-15 (62 days)"),
    ("202510", date(2026, 10, 16), "error", "was retired about 2026-10-15"),
    ("202701", date(2026, 11, 29), "error", "is not released yet"),
])
def test_version_sunset(version: str, today: date, level: str, text: str) -> None:
    finding = auth.version_check(version, today).finding
    assert (finding.level, text in finding.text) == (level, True), finding.text


def test_doctor_fails_on_a_retired_version(env: Env) -> None:
    env.keep("acme", env.issue(JANE_ID, PAGE))
    env.keep("jane", env.issue(JANE_ID, PERSON))
    code, output = env.publish("doctor", env={"LINKEDIN_VERSION": "202401"})
    assert code == 1
    assert output.startswith("PROBLEM: LinkedIn-Version 202401 was retired about 2025-01-15")


# --- logout -----------------------------------------------------------------------------------------


def test_logout_one_author_then_all(env: Env) -> None:
    env.store.put("acme", StoredToken("AQVacme-token-0000"))
    env.store.put("jane", StoredToken("AQVjane-token-0000"))
    code, output = env.publish("logout", "--author", "jane")
    assert (code, output) == (0, f"Removed the stored token of jane from {env.store_path}\n")
    assert list(env.store.load()) == ["acme"]
    assert env.publish("logout")[1] == f"Removed the stored token of acme from {env.store_path}\n"
    assert env.publish("logout")[1] == f"No stored tokens in {env.store_path}\n"
    assert json.loads(env.store_path.read_text()) == {}
