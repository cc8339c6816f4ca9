"""publisher.httpsession.Session: requests' answers, read from the environment once per host."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import requests.sessions

from publisher.httpsession import Session

URLS = ("https://api.linkedin.com/rest/posts", "http://127.0.0.1:5000/rest/posts",
        "https://www.linkedin.com/dms-uploads/C5F10AQ/0")


def test_the_settings_are_those_requests_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem")
    ours, theirs = Session(), requests.Session()
    for url in URLS * 2:
        assert (ours.merge_environment_settings(url, {}, None, None, None)
                == theirs.merge_environment_settings(url, {}, None, None, None))
    assert ours.merge_environment_settings(URLS[0], {}, None, None, None)["proxies"][
        "https"] == "http://proxy.example:3128"
    assert "https" not in ours.merge_environment_settings(URLS[1], {}, None, None, None)[
        "proxies"]
    assert ours.merge_environment_settings(URLS[0], {}, None, None, None)["verify"] == (
        "/etc/company-ca.pem")


def test_the_environment_is_read_once_per_host(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    reads: list[str] = []
    real = requests.sessions.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    session = Session()
    for _ in range(3):
        for url in URLS:
            settings = session.merge_environment_settings(url, {}, None, None, None)
            settings["proxies"]["https"] = "changed by a caller"   # never reaches the next one
    assert reads == list(URLS)
    assert "https" not in session.merge_environment_settings(URLS[0], {}, None, None, None)[
        "proxies"]


def test_a_session_without_the_environment_reads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    session = Session()
    session.trust_env = False
    assert session.merge_environment_settings(URLS[0], {}, None, None, None)["proxies"] == {}


def test_a_netrc_line_never_replaces_the_bearer_token(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.linkedin.com login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    request = requests.Request("GET", URLS[0], headers={"Authorization": "Bearer TOKEN"})
    assert requests.Session().prepare_request(request).headers["Authorization"].startswith(
        "Basic ")  # what requests alone does
    assert Session().prepare_request(request).headers["Authorization"] == "Bearer TOKEN"
