// The plan of a pull request as one sticky comment: found by its marker and edited in
// place on every push, so a busy pull request never collects a pile of old plans.
"use strict";

const fs = require("node:fs");

const MARKER = "<!-- publish-plan -->";
// GitHub refuses comments over 65,536 characters; keep room for the note below.
const LIMIT = 65000;

function fit(body, summaryUrl) {
  if (body.length <= LIMIT) return body;
  const note =
    `\n\n… cut here: the plan is longer than a comment may be. ` +
    `The whole plan is in the [job summary](${summaryUrl}).\n`;
  return body.slice(0, LIMIT - note.length) + note;
}

async function upsert({ github, context, core, issueNumber, body, summaryUrl }) {
  const repo = context.repo;
  const text = fit(`${MARKER}\n${body.trim()}\n`, summaryUrl || "");
  const comments = await github.paginate(github.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const mine = comments.find((c) => (c.body || "").startsWith(MARKER));
  if (mine) {
    await github.rest.issues.updateComment({ ...repo, comment_id: mine.id, body: text });
    core.info(`updated the plan comment ${mine.html_url || mine.id}`);
    return mine.id;
  }
  const created = await github.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text });
  core.info(`posted the plan comment ${created.data.html_url || created.data.id}`);
  return created.data.id;
}

// From a folder the Plan workflow uploaded: comment.md and pr-number.txt (untrusted
// input from a pull request, so the number is checked before it is used).
// The pull request must be the one whose head the Plan run checked out: a fork cannot
// aim the comment at another pull request.
async function fromFolder({ github, context, core, folder, headSha }) {
  const number = Number.parseInt(fs.readFileSync(`${folder}/pr-number.txt`, "utf8").trim(), 10);
  if (!Number.isInteger(number) || number <= 0) throw new Error("pr-number.txt holds no pull request number");
  const pull = await github.rest.pulls.get({ ...context.repo, pull_number: number });
  if (pull.data.head.sha !== headSha) {
    core.notice(`pull request #${number} has moved on from ${headSha}: a newer plan will follow`);
    return null;
  }
  const body = fs.readFileSync(`${folder}/comment.md`, "utf8");
  const runUrl = fs.existsSync(`${folder}/run-url.txt`)
    ? fs.readFileSync(`${folder}/run-url.txt`, "utf8").trim()
    : "";
  return upsert({ github, context, core, issueNumber: number, body, summaryUrl: runUrl });
}

module.exports = upsert;
module.exports.fromFolder = fromFolder;
module.exports.MARKER = MARKER;
