"""What `publish sandbox` tells a person who wants to rehearse against it.

A fresh shell knows nothing of the sandbox: the tool needs its API and OAuth bases, and a
token of a member the sandbox has, allowed to post as that member and as a page the
member administers. The sandbox seeds one of each (``DEFAULT_MEMBER``,
``DEFAULT_ORGANIZATION``); this mints a token for them with the page app, as a team's
Community Management app would have it, and writes the lines to paste.

The token is the sandbox's own: it opens nothing on LinkedIn, and printing it is the point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publisher.sandbox.backend import Backend, ControlError
from publisher.sandbox.backend.identity import DEFAULT_MEMBER, DEFAULT_ORGANIZATION, PAGE_APP

# What the page app may grant that a rehearsal of a sync and of `publish stats` uses:
# posts as the member and as the page, reading the page's posts back.
REHEARSAL_SCOPES = ("w_member_social", "w_organization_social", "r_organization_social")


@dataclass(frozen=True)
class Rehearsal:
    """The sandbox at `url` and what a shell needs to rehearse a sync against it."""

    url: str
    environ: dict[str, str] = field(default_factory=dict, repr=False)  # holds the token
    member: str | None = None  # the URN of the seeded member, when it is there
    page: str | None = None  # the URN of the seeded page it administers
    problem: str | None = None  # why no token could be minted

    def lines(self) -> list[str]:
        """What `publish sandbox` prints: where it is, who exists, the lines to paste."""
        lines = [f"LinkedIn sandbox on {self.url}", f"  feed:     {self.url}/_sandbox/feed"]
        if self.member and self.page:
            lines += [
                f"  member:   {self.member} ({DEFAULT_MEMBER['name']})",
                f"  page:     {self.page} ({DEFAULT_ORGANIZATION['name']}, administered by "
                f"{DEFAULT_MEMBER['name']})",
            ]
        lines.append("To rehearse, paste these lines into the shell where you run publish "
                     "(the token is the sandbox's, good for 60 days of its clock):")
        lines += [f"  export {name}={value}" for name, value in self.environ.items()]
        if self.problem:
            lines.append(f"  (no token: {self.problem}; mint one with POST /_sandbox/tokens)")
        lines.append("Ctrl-C stops it.")
        return lines


def rehearsal_for(backend: Backend, url: str) -> Rehearsal:
    """Point a shell at the sandbox, with a token for its seeded member and page."""
    environ = {"LINKEDIN_API_BASE": url, "LINKEDIN_OAUTH_BASE": f"{url}/oauth/v2"}
    member, page = str(DEFAULT_MEMBER["id"]), str(DEFAULT_ORGANIZATION["id"])
    with backend.lock:
        known = member in backend.members and page in backend.organizations
        if not known:  # a state file from a sandbox whose seeds were removed
            return Rehearsal(url, environ, problem=f"the member {member!r} or the page "
                             f"{page} is not in this sandbox's state")
        try:
            answer = backend.issue_token({"member": member, "scopes": list(REHEARSAL_SCOPES),
                                          "client_id": PAGE_APP["client_id"]})
        except ControlError as error:
            return Rehearsal(url, environ, problem=str(error))
    environ["LINKEDIN_ACCESS_TOKEN"] = str(answer["access_token"])
    return Rehearsal(url, environ, f"urn:li:person:{member}", f"urn:li:organization:{page}")
