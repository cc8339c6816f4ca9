"""The one error boundary: every error the user can act on leaves as `Error: ...` and its
exit code, with a traceback only under --debug.

LinkedIn here is a port on 127.0.0.1 that nobody listens on: the request is refused at once,
as when the network or the api_base / oauth_base setting is wrong.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from click.testing import CliRunner

from publisher.api import exit_code_for
from publisher.cli import cli
from publisher.errors import (
    EXIT_AUTH,
    EXIT_CONFIG,
    EXIT_DEFERRED,
    EXIT_FAILED,
    ConfigError,
    Diagnostic,
    PublisherError,
    ValidationError,
)
from publisher.linkedin import errors as li
from publisher.tokens import TokenError
from tests.support import git

POST = "---\nauthor: jane\n---\nA note from Jane.\n"


def closed_port() -> int:
    """A port on 127.0.0.1 that refuses connections (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of a tool whose LinkedIn (API and OAuth) cannot be reached."""
    for name in ("LINKEDIN_ACCESS_TOKEN", "PUBLISH_TOKEN", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    base = f"http://127.0.0.1:{closed_port()}"
    return {
        "LINKEDIN_API_BASE": base,
        "LINKEDIN_OAUTH_BASE": f"{base}/oauth/v2",
        "LINKEDIN_CLIENT_ID": "app-id",
        "LINKEDIN_CLIENT_SECRET": "app-secret",
        "PUBLISH_TOKEN_STORE": str(tmp_path / "store" / "tokens.json"),
    }


def publish(root: Path, environ: dict[str, str], *args: str) -> tuple[int, str]:
    """`publish --repo ROOT ARGS`: exit code and stdout with stderr. An exception that
    escapes the boundary fails the test here, with its own traceback."""
    result = CliRunner().invoke(cli, ["--repo", str(root), *args], env=environ,
                                catch_exceptions=False)
    return result.exit_code, result.output


def redirecting_browser(port: int) -> Callable[[str], bool]:
    """A browser in which the member allows the login at once: LinkedIn's redirect to the
    callback, with a code and the state of the authorization URL."""
    def open_url(url: str) -> bool:
        state = parse_qs(urlsplit(url).query)["state"][0]
        callback = f"http://localhost:{port}/callback?code=a-code&state={state}"
        # In a thread, as a browser does: the tool waits for the redirect once this returns.
        threading.Thread(target=requests.get, args=(callback,), kwargs={"timeout": 10},
                         daemon=True).start()
        return True
    return open_url


@pytest.mark.parametrize("debug", [False, True])
def test_login_with_an_unreachable_token_endpoint(
    make_repo: Callable[..., Path], unreachable: dict[str, str],
    monkeypatch: pytest.MonkeyPatch, debug: bool,
) -> None:
    root = make_repo({"posts/a.md": POST})
    port = closed_port()
    monkeypatch.setattr("webbrowser.open", redirecting_browser(port))
    args = ["login", "--author", "jane", "--port", str(port), "--timeout", "20"]
    code, output = publish(root, unreachable, *(["--debug"] if debug else []), *args)
    assert code == EXIT_FAILED, output
    assert "Error: could not connect for POST /oauth/v2/accessToken (connection refused)" in output
    assert ("Traceback (most recent call last)" in output) is debug
    assert not Path(unreachable["PUBLISH_TOKEN_STORE"]).exists()   # nothing was stored


def test_doctor_with_an_unreachable_linkedin_says_what_it_could_not_check(
    make_repo: Callable[..., Path], unreachable: dict[str, str],
) -> None:
    root = make_repo({"posts/a.md": POST})
    code, output = publish(root, unreachable, "doctor", "--token", "a-token")
    assert "could not test the token: could not connect for GET /v2/userinfo" in output
    assert "introspection with app-id failed: could not connect for POST " \
           "/oauth/v2/introspectToken" in output
    assert "Traceback" not in output
    assert code == 0, output   # a warning: the token may be fine (docs/auth.md)


def test_a_sync_with_an_unreachable_api_fails_the_post_and_records_nothing(
    make_repo: Callable[..., Path], unreachable: dict[str, str],
) -> None:
    root = make_repo({"posts/a.md": POST})
    code, output = publish(root, {**unreachable, "LINKEDIN_ACCESS_TOKEN": "a-token"},
                           "sync", "--allow-stale")
    assert code == EXIT_FAILED, output
    assert "failed: posts/a.md, as jane (urn:li:person:782bbtaQ): could not connect for " \
           "POST /rest/posts (connection refused); nothing was sent" in output
    assert "Done: 1 failed" in output
    assert "Traceback" not in output
    ledger = root / ".publish" / "ledger.json"
    # Nothing was sent: no intent is left to reconcile, and nothing to commit.
    assert not ledger.exists() or json.loads(ledger.read_text(encoding="utf-8"))["posts"] == {}
    assert len(git(root, "log", "--format=%H").split()) == 1


def test_a_file_that_cannot_be_written_is_an_error_not_a_traceback(
    make_repo: Callable[..., Path], tmp_path: Path,
) -> None:
    root = make_repo({"posts/a.md": POST})
    target = tmp_path / "no such folder" / "report.html"
    code, output = publish(root, {}, "report", "--format", "html", "--out", str(target))
    assert code == EXIT_CONFIG, output
    assert output.startswith("Error: [Errno 2] No such file or directory: ")
    assert str(target) in output


def _linkedin(kind: type[li.LinkedInError], **extra: object) -> li.LinkedInError:
    return kind("what LinkedIn said", **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(("error", "code"), [
    (PublisherError("no publish.toml"), EXIT_CONFIG),
    (ConfigError([Diagnostic("publish.toml", 3, "error", "unknown key")]), EXIT_CONFIG),
    (ValidationError([Diagnostic("posts/a.md", 1, "error", "no text")]), EXIT_FAILED),
    (TokenError("no token for acme"), EXIT_AUTH),
    (_linkedin(li.ExpiredToken), EXIT_AUTH),
    (_linkedin(li.InvalidToken), EXIT_AUTH),
    (_linkedin(li.VersionRetired, version="202401"), EXIT_CONFIG),
    (_linkedin(li.RateLimited), EXIT_DEFERRED),
    (_linkedin(li.TransportError), EXIT_FAILED),
    (_linkedin(li.ServerError), EXIT_FAILED),
    (_linkedin(li.Forbidden), EXIT_FAILED),
    (li.OAuthError("invalid_client", "the client id is wrong"), EXIT_FAILED),
    (requests.ConnectionError("refused"), EXIT_FAILED),
    (requests.Timeout("no answer"), EXIT_FAILED),
    (FileNotFoundError(2, "No such file or directory"), EXIT_CONFIG),
    (ValueError("a bug"), None),
    (KeyError("a bug"), None),
])
def test_the_exit_code_of_each_kind_of_error(error: BaseException, code: int | None) -> None:
    assert exit_code_for(error) == code
