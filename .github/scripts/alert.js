// One GitHub issue for what a person must act on after a `publish` run in Actions:
// opened on the first problem, updated while problems last (a comment only when the
// kind of problem changes, so a rate limit that lasts an afternoon is not 20 e-mails),
// closed by the first clean run. Called by action.yml through actions/github-script.
"use strict";

const fs = require("node:fs");

const LABEL = "publish-alert";
const TITLE = "LinkedIn publishing needs attention";
const KIND_MARK = /<!-- publish-alert:kind=([a-z+-]+) -->/;
const TAIL_LINES = 60;

// What each exit code of `publish` means, and what to do about it.
const CODES = {
  1: {
    kind: "failed",
    what: "A post failed, is invalid, or will not go out until a person acts.",
    todo: [
      "Read the lines marked `failed:`, `unknown:`, `gone:`, `blocked:` or `expired:` " +
        "below: each says why and what to do. Every run fails until it is settled.",
      "An invalid post: fix it in a pull request (`publish check` names file, line and key).",
      "An `unknown` post: look on LinkedIn, then run `publish resolve PATH --urn URN` " +
        "(it is there) or `publish resolve PATH --not-published` (post it again), and push.",
      "A `gone` post (LinkedIn answered 404): `publish resolve PATH --gone` posts it " +
        "again on the next run; `status: deleted` in the file leaves it off LinkedIn.",
      "An `expired` post: move its schedule, or set `status: draft`.",
    ],
  },
  2: {
    kind: "config",
    what: "Configuration or usage error, a retired LinkedIn API version, a held lock, " +
      "or a checkout that was not the newest state of the publish branch (nothing was posted).",
    todo: [
      "Read the `Error:` line below: it names the file and key.",
      "A retired version (HTTP 426): set `[linkedin].version` in publish.toml to the one named.",
      "`nothing was posted` because main moved while the run started: the next run " +
        "publishes, and a clean run closes this issue.",
    ],
  },
  3: {
    kind: "auth",
    what: "A LinkedIn token is missing, expired or revoked.",
    todo: [
      "The log names the secret the token came from (shown masked).",
      "Create a new token (`publish login` on a laptop, see docs/setup.md, " +
        "\"Rotating a token\") and paste it into that repository secret.",
      "Run the Publish workflow again (Actions → Publish → Run workflow).",
    ],
  },
  75: {
    kind: "deferred",
    what: "Deferred: LinkedIn rate-limited an author; the rest waits for the next run.",
    todo: [
      "Nothing, usually: the scheduled run retries every 15 minutes.",
      "If this lasts past a day, lower `[limits].per_author_per_day` or spread the schedules.",
    ],
  },
};

const EXPIRY = {
  kind: "token-expiry",
  what: "A LinkedIn token expires within 14 days, or was refreshed and its secret is stale.",
  todo: [
    "Put a new token into the secret named below before it expires: docs/setup.md, " +
      "\"Rotating a token\".",
    "LinkedIn tokens live 60 days; without a refresh token, rotation is by hand.",
  ],
};

const VERSION = {
  kind: "api-version",
  what: "The LinkedIn-Version in publish.toml is retired soon: after that LinkedIn answers 426.",
  todo: [
    "Set `[linkedin].version` in publish.toml to a recent month, run `publish --dry-run` " +
      "and `publish doctor`, and merge it (docs/api-version.md).",
    "LinkedIn serves each monthly version for about a year.",
  ],
};

function readText(path) {
  if (!path) return "";
  try {
    return fs.readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

// The warnings publish printed (GitHub `::warning::` annotations in Actions, `Warning:`
// elsewhere), without their prefix.
function warningLines(output) {
  return output
    .split("\n")
    .filter((line) => /^(::warning[^:]*::|warning:)/i.test(line.trim()))
    .map((line) => line.trim().replace(/^(::warning[^:]*::|warning:)\s*/i, ""));
}

// A token expires soon, or a refresh left its secret stale.
function expiryWarnings(output) {
  return warningLines(output).filter((line) => /token/i.test(line) && !/LinkedIn-Version/.test(line));
}

// The pinned LinkedIn-Version nears its sunset (or has passed it).
function versionWarnings(output) {
  return warningLines(output).filter((line) => /LinkedIn-Version/.test(line));
}

// The problems of one run: [] for a clean run.
function classify(exitCode, output) {
  const problems = [];
  const code = Number.parseInt(exitCode, 10);
  if (Number.isNaN(code)) {
    problems.push({
      kind: "not-run",
      what: "publish did not run (an earlier step failed, e.g. installing the tool).",
      todo: ["Open the run's log: the first red step says why."],
    });
  } else if (code !== 0) {
    problems.push(
      CODES[code] || {
        kind: "crash",
        what: `publish ended with exit code ${code}.`,
        todo: ["Open the run's log; run `publish --debug` locally for a traceback."],
      },
    );
  }
  const warnings = expiryWarnings(output);
  if (warnings.length) problems.push({ ...EXPIRY, details: warnings });
  const version = versionWarnings(output);
  if (version.length) problems.push({ ...VERSION, details: version });
  return problems;
}

function tail(text, lines) {
  const all = text.trimEnd().split("\n");
  return all.slice(Math.max(0, all.length - lines)).join("\n");
}

function issueBody(problems, output, runUrl, when) {
  const kinds = problems.map((p) => p.kind).join("+");
  const parts = [`<!-- publish-alert:kind=${kinds} -->`, `Last seen: ${when} in [this run](${runUrl}).`, ""];
  for (const problem of problems) {
    parts.push(`### ${problem.what}`, "", "What to do:", "");
    parts.push(...problem.todo.map((step) => `- ${step}`));
    if (problem.details) parts.push("", ...problem.details.map((d) => `> ${d}`));
    parts.push("");
  }
  const fence = output.includes("```") ? "````" : "```";
  parts.push(
    "<details><summary>The end of the run's output</summary>",
    "",
    `${fence}text`,
    tail(output, TAIL_LINES),
    fence,
    "",
    "</details>",
    "",
    "This issue is updated by every run while the problem lasts and closed by the first clean run.",
  );
  return parts.join("\n");
}

async function openAlert(github, repo) {
  const issues = await github.paginate(github.rest.issues.listForRepo, {
    ...repo,
    state: "open",
    labels: LABEL,
    per_page: 100,
  });
  return issues.find((issue) => !issue.pull_request) || null;
}

async function report({ github, context, core, env = process.env, now = new Date() }) {
  const output = readText(env.STDOUT_FILE) + "\n" + readText(env.STDERR_FILE);
  const problems = classify(env.EXIT_CODE, output);
  const repo = context.repo;
  const runUrl = `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${context.runId}`;
  const existing = await openAlert(github, repo);
  if (!problems.length) {
    if (existing) {
      await github.rest.issues.createComment({
        ...repo,
        issue_number: existing.number,
        body: `Resolved: [this run](${runUrl}) finished cleanly.`,
      });
      await github.rest.issues.update({ ...repo, issue_number: existing.number, state: "closed" });
      core.info(`closed #${existing.number}`);
    }
    return null;
  }
  const body = issueBody(problems, output, runUrl, now.toISOString());
  if (!existing) {
    const created = await github.rest.issues.create({ ...repo, title: TITLE, body, labels: [LABEL] });
    core.warning(`opened issue #${created.data.number}: ${problems[0].what}`);
    return created.data.number;
  }
  const before = (existing.body || "").match(KIND_MARK);
  await github.rest.issues.update({ ...repo, issue_number: existing.number, body });
  if (!before || before[1] !== body.match(KIND_MARK)[1]) {
    await github.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: `[This run](${runUrl}): ${problems.map((p) => p.what).join(" ")}`,
    });
  }
  core.warning(`updated issue #${existing.number}: ${problems[0].what}`);
  return existing.number;
}

module.exports = report;
module.exports.classify = classify;
module.exports.issueBody = issueBody;
