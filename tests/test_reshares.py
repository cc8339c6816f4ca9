"""Reshares: `reshare_of:` names a post by URN or by its file; a reshare waits for its
parent, goes out after it (in a later run, or later in the same run), and is refused or
held with a clear message when its parent will never be on LinkedIn. The oracle is the
sandbox's live posts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.post import load_post
from publisher.preview import build_preview
from publisher.sandbox.control import SandboxControl
from tests.publishing import NOW, PAGE_SCOPES, PERSON_SCOPES, World
from tests.sandbox.helpers import Api
from tests.support import CONFIG, commit_all, git, write_files

PAGE = "urn:li:organization:2414183"
TEAM = CONFIG.replace('jane = "urn:li:person:782bbtaQ"\n', 'jane = "urn:li:person:782bbtaQ"\n'
                      'bob = "urn:li:person:bob42"\ncarol = "urn:li:person:carol7"\n')
LAUNCH = """\
---
author: acme
schedule: 2026-12-01 10:00
---
We launched the new dashboard today. #launch
"""


def reshare(author: str, at: str, text: str = "", parent: str = "../launch.md") -> str:
    return f"---\nauthor: {author}\nschedule: 2026-12-01 {at}\nreshare_of: {parent}\n---\n{text}"


ADVOCACY = {
    "posts/launch.md": LAUNCH,
    "posts/team/jane.md": reshare("jane", "11:00", "Proud of this team.\n"),
    "posts/team/bob.md": reshare("bob", "11:30"),
    "posts/team/carol.md": reshare("carol", "12:00", "Worth a look.\n"),
}


# ------------------------------------------------------------------ front matter


def loaded(make_repo: Callable[..., Path], text: str, extra: dict[str, str] | None = None
           ) -> tuple[list[str], object]:
    root = make_repo({"posts/team/r.md": text, "posts/launch.md": LAUNCH, **(extra or {})},
                     config=TEAM)
    result = load_post(load_config(root, environ={}), "posts/team/r.md")
    return [str(d) for d in result.diagnostics], result.post


def test_a_reshare_names_a_file_relative_to_itself_and_may_say_nothing(
        make_repo: Callable[..., Path]) -> None:
    found, post = loaded(make_repo, reshare("jane", "11:00"))
    assert found == []
    assert post.reshare_of == "posts/launch.md" and post.kind == "reshare"  # type: ignore[attr-defined]
    assert post.commentary == ""  # type: ignore[attr-defined]


def test_a_reshare_by_urn(make_repo: Callable[..., Path]) -> None:
    found, post = loaded(make_repo, reshare("jane", "11:00", "Look", "urn:li:ugcPost:7000"))
    assert found == [] and post.reshare_of == "urn:li:ugcPost:7000"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("parent", "expected"), [
    ("urn:li:activity:7000", "posts/team/r.md:4: error: reshare_of 'urn:li:activity:7000' is "
     "not a post URN: LinkedIn reshares urn:li:share:…, urn:li:ugcPost:… or urn:li:groupPost:… "
     "(the activity URN of a post's address is not one"),
    ("../../publish.toml", "posts/team/r.md:4: error: reshare_of '../../publish.toml' is neither "
     "a post URN nor the path of a post file"),
    ("../../outside.md", "posts/team/r.md:4: error: reshare_of '../../outside.md' is not under "
     "posts/"),
    ("r.md", "posts/team/r.md:4: error: reshare_of names this post itself"),
])
def test_a_bad_parent_is_an_error_on_its_line(make_repo: Callable[..., Path], parent: str,
                                              expected: str) -> None:
    found, post = loaded(make_repo, reshare("jane", "11:00", "Look", parent))
    assert post is None
    assert any(line.startswith(expected) for line in found), found


def test_a_reshare_carries_no_media_of_its_own(make_repo: Callable[..., Path]) -> None:
    text = reshare("jane", "11:00", "Look").replace(
        "reshare_of:", "poll: {question: Q?, options: [a, b]}\nreshare_of:")
    found, post = loaded(make_repo, text)
    assert post is None
    assert "posts/team/r.md:4: error: a reshare shows the post it reshares and carries no poll " \
           "of its own: remove it, or remove reshare_of" in found


def test_a_post_that_is_no_reshare_still_needs_text(make_repo: Callable[..., Path]) -> None:
    found, _ = loaded(make_repo, "---\nauthor: jane\n---\n")
    assert any("the post has no text" in line for line in found)


# ------------------------------------------------------------------ against the sandbox



def team_world(root: Path, url: str, posts: dict[str, str]) -> World:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    write_files(root, {"publish.toml": TEAM, **posts})
    commit_all(root, "posts")
    control = SandboxControl(url)
    control.reset(seed=5)
    control.set_clock(NOW)
    control.add_member("782bbtaQ", "Jane Doe")
    control.add_member("bob42", "Bob Stone")
    control.add_member("carol7", "Carol Hill")
    control.add_organization(2414183, "Acme Corp", admins=["782bbtaQ"])
    world = World(root, url, control)
    world.tokens = {"acme": control.token("782bbtaQ", PAGE_SCOPES),
                    **{alias: control.token(member, PERSON_SCOPES) for alias, member in
                       (("jane", "782bbtaQ"), ("bob", "bob42"), ("carol", "carol7"))}}
    return world


@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    return team_world(tmp_path / "repo", sandbox_url, ADVOCACY)


def at(world: World, hhmm: str) -> str:
    """Move the sandbox's clock to 2026-12-01 HH:MM UTC, and return that time for --now."""
    when = f"2026-12-01T{hhmm}:00Z"
    world.control.set_clock(when)
    return when


def reshares_of(world: World, urn: str) -> list[dict[str, object]]:
    return [p for p in world.sandbox_posts() if p.get("parent") == urn]


def test_a_page_post_then_three_peoples_reshares_scheduled_after_it(world: World) -> None:
    first = world.publish(now=at(world, "09:05"))        # 10:05 in Berlin: the page's post
    assert first.code == 0, first.output
    page = world.entry("posts/launch.md")["urn"]
    assert [p["urn"] for p in world.sandbox_posts()] == [page]
    plan = world.publish("--dry-run", now=at(world, "09:30"))
    assert plan.output.count("wait") >= 3, plan.output

    later = world.publish(now=at(world, "11:05"))         # 12:05 in Berlin: all three due
    assert later.code == 0, later.output
    live = world.sandbox_posts()
    assert len(live) == 4
    shared = reshares_of(world, page)
    assert sorted(str(p["author"]) for p in shared) == [
        "urn:li:person:782bbtaQ", "urn:li:person:bob42", "urn:li:person:carol7"]
    assert sorted(str(p["commentary"]) for p in shared) == [
        "", "Proud of this team.", "Worth a look."]
    # Each reshare's file got its own URN, and the feed shows the page's post inside each.
    urns = {world.entry(f"posts/team/{name}.md")["urn"] for name in ("jane", "bob", "carol")}
    assert urns == {p["urn"] for p in shared}
    feed = world.control.feed_html()
    assert feed.count('class="reshared"') == 3
    assert feed.count("We launched the new dashboard today.") == 4
    assert world.publish(now=at(world, "12:00")).code == 0 and len(world.sandbox_posts()) == 4


def test_reshares_due_with_their_parent_go_out_after_it_in_the_same_run(
        tmp_path: Path, sandbox_url: str) -> None:
    # The reshares are due before the page's post, and their files sort before it.
    posts = {"posts/zz-launch.md": LAUNCH.replace("10:00", "11:50"),
             "posts/a.md": reshare("jane", "11:00", "First!\n", "zz-launch.md"),
             "posts/b.md": reshare("bob", "11:10", "", "zz-launch.md")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    plan = world.publish("--dry-run", now=at(world, "11:00"))
    order = [line.split()[2] for line in plan.output.splitlines()
             if line.strip().startswith("+ create")]
    assert order == ["posts/zz-launch.md", "posts/a.md", "posts/b.md"], plan.output
    assert "after its parent posts/zz-launch.md is posted in this run" in plan.output
    run = world.publish(now=at(world, "11:00"))
    assert run.code == 0, run.output
    page = world.entry("posts/zz-launch.md")["urn"]
    assert len(world.sandbox_posts()) == 3 and len(reshares_of(world, page)) == 2


def test_a_reshare_waits_for_a_parent_scheduled_later(tmp_path: Path, sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH.replace("10:00", "15:00"),
             "posts/team/jane.md": reshare("jane", "10:00", "Soon!\n")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 0, run.output
    assert "waits for its parent posts/launch.md (wait: scheduled for 2026-12-01T14:00:00Z)" \
        in run.output
    assert world.sandbox_posts() == []
    assert world.publish(now=at(world, "14:30")).code == 0
    assert len(reshares_of(world, world.entry("posts/launch.md")["urn"])) == 1


def test_a_waiting_reshare_takes_no_place_in_the_days_limit(tmp_path: Path,
                                                           sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH.replace("10:00", "15:00"),
             "posts/a-reshare.md": reshare("jane", "10:00", "Soon!\n", parent="launch.md"),
             "posts/b-own.md": "---\nauthor: jane\nschedule: 2026-12-01 10:00\n---\nMy news.\n"}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    (world.root / "publish.toml").write_text(TEAM + "\n[limits]\nper_author_per_day = 1\n",
                                             encoding="utf-8")
    commit_all(world.root, "one post a day")
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 0, run.output
    assert [post["commentary"] for post in world.sandbox_posts()] == ["My news."]
    assert "waits for its parent posts/launch.md" in run.output


def test_check_says_a_late_reshare_goes_out_after_its_parent(tmp_path: Path,
                                                             sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH.replace("10:00", "15:00"),
             "posts/team/jane.md": reshare("jane", "10:00", "Soon!\n")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    check = world.publish("check", now="2026-12-01T12:00:00Z")
    assert "the next sync posts it as soon as posts/launch.md is on LinkedIn" in check.output
    assert "posts it at once" not in check.output.split("posts/team/jane.md")[-1]


def test_a_reshare_of_a_draft_waits_and_check_says_why(tmp_path: Path, sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH.replace("---\nWe", "status: draft\n---\nWe"),
             "posts/team/jane.md": reshare("jane", "10:00", "Soon!\n")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    check = world.publish("check")
    assert "posts/team/jane.md:4: warning: reshare_of: posts/launch.md is a draft: this " \
           "reshare waits until it is published" in check.output
    run = world.publish(now=at(world, "10:00"))
    assert "waits for its parent posts/launch.md, a draft: set its status: ready to publish " \
           "both" in run.output
    assert world.sandbox_posts() == []


@pytest.mark.parametrize(("parent", "check_says", "plan_says"), [
    ("status: deleted", "reshare_of: posts/launch.md has status: deleted and is never published",
     "its parent posts/launch.md has status: deleted and will never be published"),
    ("missing", "reshare_of: posts/launch.md does not exist: name a post file",
     "reshare_of: posts/launch.md is no post file, and the ledger has no post of that path"),
])
def test_a_reshare_of_a_post_never_published_fails_check_and_is_blocked(
        tmp_path: Path, sandbox_url: str, parent: str, check_says: str, plan_says: str) -> None:
    posts = {"posts/team/jane.md": reshare("jane", "10:00", "Soon!\n")}
    if parent != "missing":
        posts["posts/launch.md"] = LAUNCH.replace("---\nWe", f"{parent}\n---\nWe")
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    check = world.publish("check")
    assert check.code == 1
    assert f"posts/team/jane.md:4: error: {check_says}" in check.output, check.output
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 1 and plan_says in run.output, run.output
    assert world.sandbox_posts() == []


def test_a_reshare_whose_parent_is_deleted_later(world: World) -> None:
    assert world.publish(now=at(world, "11:05")).code == 0
    page = world.entry("posts/launch.md")["urn"]
    assert len(reshares_of(world, page)) == 3
    launch = world.root / "posts/launch.md"
    launch.write_text(launch.read_text(encoding="utf-8").replace(
        "---\nWe", "status: deleted\n---\nWe"), encoding="utf-8")
    write_files(world.root, {"posts/team/dan.md": reshare("jane", "11:40", "Late to it.\n")})
    commit_all(world.root, "take the launch post down")
    pruned = world.publish("--prune", now=at(world, "11:45"))
    # The reshares already out stay up (LinkedIn keeps them), and say their post is gone.
    assert page not in {p["urn"] for p in world.sandbox_posts()}
    assert len(reshares_of(world, page)) == 3
    assert world.control.feed_html().count("it was deleted by its author") == 3
    # A new reshare of it is never sent: the plan holds it, check says why.
    assert pruned.code == 1
    assert "its parent posts/launch.md is deleted in this run" in pruned.output, pruned.output
    again = world.publish(now=at(world, "11:50"))
    assert "its parent posts/launch.md was deleted from LinkedIn on 2026-12-01" in again.output
    assert world.publish("check").code == 1
    assert len(world.sandbox_posts()) == 3
    # Named by its URN, it is held too: the ledger knows publish deleted it.
    write_files(world.root, {"posts/team/erin.md": reshare("bob", "11:55", "Hm.\n", page)})
    commit_all(world.root, "by urn")
    by_urn = world.publish("--dry-run", now=at(world, "11:58"))
    assert f"it reshares {page}, the post of posts/launch.md that publish deleted from " \
           "LinkedIn" in by_urn.output, by_urn.output


def test_a_reshare_by_urn_of_a_post_linkedin_does_not_have_fails_clearly(
        tmp_path: Path, sandbox_url: str) -> None:
    posts = {"posts/jane.md": reshare("jane", "10:00", "Look\n", "urn:li:share:424242")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 1
    assert "urn:li:share:424242 does not exist or is not visible" in run.output, run.output
    assert world.entry("posts/jane.md")["state"] == "failed"
    assert world.sandbox_posts() == []


def test_the_preview_draws_the_reshared_post_inside(world: World) -> None:
    preview = build_preview(load_config(world.root, None), NOW, world.root.parent / "preview")
    entry = next(e for e in preview.entries if e.path == "posts/team/bob.md")
    html = (preview.out / str(entry.page)).read_text(encoding="utf-8")
    assert 'class="reshared"' in html and "We launched the new dashboard today." in html


def test_the_pull_request_plan_names_what_a_reshare_shares(world: World) -> None:
    run = world.publish("--dry-run", "--format", "markdown", now=at(world, "11:05"))
    assert run.output.count("- 🔁 reshares `posts/launch.md`") == 3, run.output


def test_a_reshare_whose_parent_fails_in_the_same_run_is_not_sent(
        tmp_path: Path, sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH, "posts/team/jane.md": reshare("jane", "10:00", "Yes!\n")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    world.control.add_fault("error", status=400, times=1, method="POST", path="/rest/posts")
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 1
    assert "waits for posts/launch.md, which is not published yet: the next sync posts it " \
           "after it" in run.output, run.output
    assert world.sandbox_posts() == []
    assert "posts/team/jane.md" not in world.ledger()["posts"]
    # The parent is edited (so tried again): both go out, the reshare after it.
    launch = world.root / "posts/launch.md"
    launch.write_text(launch.read_text(encoding="utf-8").replace("today", "this morning"),
                      encoding="utf-8")
    commit_all(world.root, "try again")
    assert world.publish(now=at(world, "10:30")).code == 0
    assert len(reshares_of(world, world.entry("posts/launch.md")["urn"])) == 1


def test_a_reshares_words_are_edited_in_place_even_to_none(world: World) -> None:
    assert world.publish(now=at(world, "11:05")).code == 0
    urn = world.entry("posts/team/jane.md")["urn"]
    path = world.root / "posts/team/jane.md"
    text = path.read_text(encoding="utf-8")
    assert "urn:" in text
    path.write_text(text.replace("Proud of this team.\n", ""), encoding="utf-8")
    commit_all(world.root, "no words after all")
    run = world.publish(now=at(world, "12:30"))
    assert run.code == 0 and "1 updated" in run.output, run.output
    [live] = [p for p in world.sandbox_posts() if p["urn"] == urn]
    assert live["commentary"] == "" and live["edited"]


def test_a_parent_that_others_may_not_reshare_fails_check_and_is_blocked(
        tmp_path: Path, sandbox_url: str) -> None:
    posts = {"posts/launch.md": LAUNCH.replace("---\nWe", "reshare: false\n---\nWe"),
             "posts/team/jane.md": reshare("jane", "10:00", "Look!\n")}
    world = team_world(tmp_path / "repo", sandbox_url, posts)
    check = world.publish("check")
    assert check.code == 1
    assert "posts/team/jane.md:4: error: reshare_of: posts/launch.md has reshare: false: " \
           "LinkedIn lets no one else reshare it" in check.output, check.output
    run = world.publish(now=at(world, "10:00"))
    assert run.code == 1 and "posts/launch.md has reshare: false" in run.output
    assert [p["parent"] for p in world.sandbox_posts() if "parent" in p] == []
    assert len(world.sandbox_posts()) == 1


def test_a_silent_page_reshare_with_no_answer_is_never_taken_for_another(
        tmp_path: Path, sandbox_url: str) -> None:
    """The page's finder shows two reshares without words: the one whose create got no
    answer is told apart by its parent, never recorded as the other one."""
    world = team_world(tmp_path / "repo", sandbox_url, {"posts/.keep": ""})
    jane = Api(world.url, world.tokens["jane"])
    parents = [jane.created_urn(author="urn:li:person:782bbtaQ", commentary=f"Parent {n}")
               for n in (1, 2)]
    write_files(world.root, {"posts/a.md": reshare("acme", "10:00", "", parents[0]),
                             "posts/b.md": reshare("acme", "10:01", "", parents[1])})
    commit_all(world.root, "two reshares")
    # The second create answers 500: it may or may not have landed (it has not).
    world.control.add_fault("error", status=500, times=1, skip=1, method="POST",
                            path="/rest/posts")
    run = world.publish(now=at(world, "10:05"))
    assert run.code == 0, run.output
    live = {p["urn"]: p["parent"] for p in world.sandbox_posts() if "parent" in p}
    a, b = world.entry("posts/a.md")["urn"], world.entry("posts/b.md")["urn"]
    assert a != b
    assert live == {a: parents[0], b: parents[1]}
