"""Secrets hygiene: a token is shown only masked, and never reaches a message, a log, the
ledger, a post file or a commit.

The main test logs in (in a separate process and in process, the test playing the
browser), syncs with a token that expires on the way (so it is refreshed), runs doctor,
all with --debug, then searches every output and every file written, git objects
included, for every secret the sandbox ever issued.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from publisher import auth
from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.client import LinkedInClient
from publisher.tokens import Credential, StoredToken, mask
from tests import test_auth as shared
from tests.support import git
from tests.test_auth import (
    CLIENT_SECRET,
    JANE_ID,
    MEMBER_SECRET,
    PAGE,
    PAGE_SECRET,
    TWO_APPS,
    Browser,
    Env,
    transport,
)

# The sandbox and the repository of the login tests, as fixtures of this module too.
base_url = shared.base_url
env = shared.env


def secrets_issued(env: Env, browsers: list[Browser]) -> set[str]:
    """Every access and refresh token the sandbox issued, the authorization codes the
    browser carried, and the apps' secrets."""
    found = {CLIENT_SECRET, MEMBER_SECRET, PAGE_SECRET}
    for browser in browsers:
        for location in browser.locations:
            found.update(parse_qs(urlsplit(location).query)["code"])
    for token in env.control.state()["tokens"]:
        found.add(token["value"])
        if token["refresh_token"]:
            found.add(token["refresh_token"])
    return found


def fragments(secret: str) -> list[str]:
    """The whole secret and its middle: a mask shows only the first and last 3 characters."""
    return [secret, secret[3:-3][:16]]


def leaks(text: str, secrets: set[str]) -> list[str]:
    return sorted({mask(s) for s in secrets for piece in fragments(s) if piece in text})


def written_files(root: Path, skip: Path) -> dict[str, str]:
    """Every file under root as text; git's loose objects inflated, packs listed by git."""
    texts = {}
    for path in root.rglob("*"):
        if not path.is_file() or path == skip:
            continue
        data = path.read_bytes()
        if "/.git/objects/" in path.as_posix() and len(path.parent.name) == 2:
            data = zlib.decompress(data)
        texts[str(path)] = data.decode("utf-8", errors="replace")
    return texts


def git_contents(repo: Path) -> str:
    """Every object of the repository (packed or loose), and the full history as patches."""
    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=repo,
                             check=True, capture_output=True).stdout
    return objects.decode("utf-8", errors="replace") + git(repo, "log", "-p", "--all")


def login_in_a_process(env: Env, browser: Browser) -> str:
    """A person and a page: one login per app, each URL read from the output and visited."""
    argv = ["publish", "--debug", "--repo", str(env.root), "login", "--author", "acme",
            "--author", "jane", "--no-browser", "--port", str(env.port)]
    code = f"import sys\nfrom publisher.cli.main import main\nsys.argv = {argv!r}\nmain()\n"
    process = subprocess.Popen([sys.executable, "-c", code],
                               env={**os.environ, **env.environ, **TWO_APPS},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    head = ""
    for _ in ("member app", "page app"):
        line = ""
        while not line.startswith("  http"):
            line = process.stdout.readline()
            head += line
            assert line, head
        browser._visit(line.strip())
    rest, _ = process.communicate(timeout=30)
    assert browser.errors == [] and process.returncode == 0, head + rest
    return head + rest


def test_no_token_in_any_output_or_file(env: Env, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    browsers = [Browser(env.control), Browser(env.control)]
    outputs = [login_in_a_process(env, browsers[0])]
    # A second login with the same scopes: LinkedIn keeps both tokens valid.
    monkeypatch.setattr("webbrowser.open", browsers[1].open)
    code, output = env.publish("--debug", "login", "--author", "jane", "--author", "acme",
                               "--port", str(env.port), env=TWO_APPS)
    outputs.append(output)
    assert code == 0, output

    stored = env.store.get("acme")
    assert stored is not None
    env.control.expire_token_after(stored.access_token, 0)      # refreshed during the sync
    code, output = env.publish("--debug", "sync", env=TWO_APPS)
    outputs.append(output)
    assert code == 0, output
    code, output = env.publish("--debug", "doctor", env=TWO_APPS)
    outputs.append(output)
    everything = "\n".join(outputs)

    secrets = secrets_issued(env, [browsers[0], browsers[1].finish()])
    # Four logins (a code and an access token each, a refresh token for the page's), a
    # refresh, the three apps' secrets.
    assert len(secrets) >= 12
    # The checks can fail: the debug log ran, and the store (the one place for tokens) has them.
    assert "'Authorization': 'Bearer AQV…" in everything
    assert "/oauth/v2/accessToken -> 200" in everything
    refreshed = env.store.get("acme")
    assert refreshed is not None and refreshed.access_token != stored.access_token
    jane = env.store.get("jane")                # the member app's token, never refreshed
    assert jane is not None and jane.refresh_token is None and jane.client_id != \
        refreshed.client_id
    assert leaks(env.store_path.read_text(encoding="utf-8"), secrets)

    assert leaks(everything, secrets) == []
    files = written_files(tmp_path, skip=env.store_path)
    assert any(name.endswith(".publish/ledger.json") for name in files)
    assert any("/.git/objects/" in name for name in files)
    assert {name: leaks(text, secrets) for name, text in files.items()
            if leaks(text, secrets)} == {}
    assert leaks(git_contents(env.root), secrets) == []


def test_tokens_stay_out_of_repr(env: Env) -> None:
    token, refresh = "AQVaccess-token-secret-1234", "AQWrefresh-token-secret-5678"
    objects = [
        StoredToken(token, refresh_token=refresh, client_secret=CLIENT_SECRET),
        Credential(token, "LINKEDIN_ACCESS_TOKEN"),
        auth.App("client", CLIENT_SECRET),
        auth.LiveToken(Credential(token, "store"), "acme", refresh),
        auth.RefreshingToken(auth.TokenKeeper(transport(env), store=env.store),
                             auth.LiveToken(Credential(token, "store"), "acme", refresh)),
        oauth.token_response({"access_token": token, "refresh_token": refresh}),
    ]
    for thing in objects:
        text = repr(thing)
        assert token not in text and refresh not in text and CLIENT_SECRET not in text, text


def test_refused_tokens_stay_out_of_exception_messages(env: Env) -> None:
    page = env.issue(JANE_ID, PAGE)
    env.control.revoke_token(page["access_token"])
    messages = []
    with pytest.raises(li.AuthenticationError) as refused:
        LinkedInClient(transport(env), page["access_token"]).userinfo()
    messages.append(str(refused.value))
    with pytest.raises(li.OAuthError) as bad_refresh:
        oauth.refresh(transport(env), "AQWnot-a-refresh-token-42", "publish-test-app",
                      CLIENT_SECRET)
    messages.append(str(bad_refresh.value))
    with pytest.raises(li.OAuthError) as bad_code:
        oauth.exchange_code(transport(env), page["access_token"], "publish-test-app",
                            CLIENT_SECRET, auth.redirect_uri(env.port))
    messages.append(str(bad_code.value))
    assert all(messages)
    text = "\n".join(messages)
    for secret in (page["access_token"], "AQWnot-a-refresh-token-42", CLIENT_SECRET):
        assert secret not in text


def test_mask_shows_three_characters_each_side() -> None:
    assert mask("AQXabcdefghijklmnop4f2") == "AQX…4f2"
    assert mask("short") == "…"
