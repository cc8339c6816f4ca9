"""The first comment of a post: posted once after the post, retried when it failed, and
settled by looking on LinkedIn when a run could not tell whether it went out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publisher.apply_steps import Outcome, Steps, _short
from publisher.ledger import Entry
from publisher.linkedin import errors as li

if TYPE_CHECKING:  # a sync with nothing to send loads neither the client nor the parser
    from publisher.linkedin.client import LinkedInClient
    from publisher.post import Post


class CommentSteps(Steps):
    @staticmethod
    def _comment_failed(entry: Entry) -> bool:
        return bool(entry.first_comment) and (entry.first_comment or {}).get("state") == "failed"

    def _first_comment(self, post: Post, client: LinkedInClient, entry: Entry, urn: str) -> None:
        """Post the first comment; a failure is recorded and retried, the post stands."""
        assert post.first_comment is not None
        entry.first_comment = {"state": "pending", "urn": None, "error": None}
        self._save(post.path)
        try:
            comment = client.create_comment(urn, post.author, post.first_comment)
        except li.AmbiguousOutcome as error:
            # It may exist: never post a second copy automatically.
            entry.first_comment = {"state": "unknown", "urn": None, "error": _short(error)}
        except li.LinkedInError as error:
            entry.first_comment = {"state": "failed", "urn": None, "error": _short(error)}
        else:
            entry.first_comment = {"state": "posted", "urn": comment, "error": None}
        self._save(post.path)

    @staticmethod
    def _comment_open(entry: Entry) -> bool:
        return (entry.first_comment or {}).get("state") in ("unknown", "pending")

    def _settle_comment(self, post: Post, client: LinkedInClient, entry: Entry,
                        urn: str) -> None:
        """A first comment sent with no answer: read the post's comments; there, it is
        posted; readable and not there, post it; unreadable, it stays unknown."""
        try:
            comments = client.list_comments(urn)
        except li.LinkedInError:
            return  # the token cannot read them (a member's): a person has to look
        found = [c for c in comments if c.get("actor") == post.author
                 and (c.get("message") or {}).get("text") == post.first_comment]
        if found:
            entry.first_comment = {"state": "posted", "urn": _comment_urn(found[0]),
                                   "error": None}
            self._save(post.path)
            return
        self._first_comment(post, client, entry, urn)

    def _comment_unknown(self, path: str, urn: str | None) -> Outcome:
        comment = self.book.posts[path].first_comment or {}
        why = comment.get("error") or "no answer"
        message = (
            f"the first comment may or may not have been posted ({why}): look under the "
            f"post{f' {urn}' if urn else ''}; run `publish resolve {path} --urn COMMENT_URN` "
            f"if it is there, or `publish resolve {path} --not-published` to post it on "
            "the next sync"
        )
        return Outcome(path, "comment", "unknown", message, urn)

    @staticmethod
    def _comment_exists(post: Post, client: LinkedInClient, urn: str) -> bool:
        """On a post we did not just create (another run or an earlier attempt made it),
        is our first comment already there? Unreadable: assume not, and post it."""
        try:
            comments = client.list_comments(urn)
        except li.LinkedInError:
            return False
        return any(
            c.get("actor") == post.author
            and (c.get("message") or {}).get("text") == post.first_comment
            for c in comments
        )


def _comment_urn(comment: dict[str, Any]) -> str | None:
    found = comment.get("$URN") or comment.get("commentUrn") or comment.get("id")
    return str(found) if found else None


def _comment_note(entry: Entry) -> str:
    """What became of the post's first comment, for the line that reports the post."""
    state = (entry.first_comment or {}).get("state")
    if state is None:
        return ""
    error = (entry.first_comment or {}).get("error")
    return f"; first comment {state}" + (f" ({error})" if error else "")
