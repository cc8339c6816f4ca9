"""``publish preview``: self-contained HTML pages that show each post as the feed will.

Discover -> plan -> one Card per post -> pages. The cards are drawn by the card templates
that the sandbox's feed page uses too (``publisher.cards``), so the two cannot drift
apart; the page layouts around them live in ``publisher/templates``. The text is the
rendered commentary read back as little text, so what the preview shows is what LinkedIn
would show, cut included, folded at ``Rendered.fold``.

The output folder holds ``index.html`` (every post by schedule, with its plan action, and
the feed), one page per post, and ``media/`` with copies of the files the posts use: it
needs no network and no server, so it can be opened from disk or kept as a CI artifact.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image as PILImage

from publisher import cards
from publisher.calendar import WEEKDAY_NAMES, CalendarPost, build_calendar
from publisher.calendar import State as CalendarState
from publisher.cards import poll as pollcard
from publisher.config import Config
from publisher.errors import Diagnostic, PublisherError
from publisher.plan import Change, Plan, PlanOptions
from publisher.post import MediaFile, Post, is_organization, load_post
from publisher.sources import make_plan

PAGES = Path(__file__).parent / "templates"
MARKER = ".publish-preview"  # marks a folder this command wrote, so it may clear it
_ENV = cards.environment(PAGES)


class PreviewError(PublisherError):
    """The preview cannot be written where it was asked to go."""


@dataclass(frozen=True)
class Entry:
    """One post of the preview: its plan action, and its card when the file could be read."""

    path: str
    action: str
    reason: str
    when: str
    when_relative: str
    when_iso: str
    author: str
    kind: str
    length: int | None
    page: str | None  # file name of the post's page; None when the file is gone
    card: cards.Card | None
    diagnostics: tuple[Diagnostic, ...]
    at: datetime | None = None  # when it goes out (or went out); None: on the next sync
    commentary: str = ""  # the wire text, for the post's page
    cut: str = ""  # why LinkedIn would show the text cut short, if it would
    state: CalendarState | None = None  # how the calendar shows it; None: not there

    @property
    def title(self) -> str:
        """The first line of what a reader sees, to name the post in the index."""
        if self.card is None:
            return self.path
        first = "".join(piece.text for piece in self.card.hook).strip().split("\n", 1)[0]
        return first[:90] + ("…" if len(first) > 90 else "") or self.path

    @property
    def warnings(self) -> list[str]:
        """What a reviewer should look at: problems, cuts and images without alt text."""
        found = [str(d) for d in self.diagnostics]
        if self.cut:
            found.append(f"{self.path}: {self.cut}")
        if self.card and self.card.missing_alt and not any("alt text" in f for f in found):
            found.append(f"{self.path}: {self.card.missing_alt} image(s) without alt text")
        return found


@dataclass(frozen=True)
class Preview:
    out: Path
    index: Path
    entries: tuple[Entry, ...]
    media_files: int
    calendar: Path | None = None


def build_preview(
    config: Config,
    now: datetime,
    out: Path,
    paths: Iterable[str] | None = None,
    options: PlanOptions | None = None,
) -> Preview:
    """Write the preview of every post (or of `paths`, from the repo root) into `out`."""
    plan = _plan(config, now, options or PlanOptions(per_author_per_day=config.per_author_per_day))
    wanted = None if paths is None else set(paths)
    changes = [c for c in plan.changes if wanted is None or c.post in wanted]
    _prepare(out)
    media = _MediaCopies(config.root, out / "media")
    built = [_entry(config, plan, change, media) for change in changes]
    # By schedule, even for posts the plan blocks: a reviewer reads the calendar.
    entries = tuple(sorted(built, key=lambda e: (e.at or plan.now, e.path)))
    for entry in entries:
        if entry.page:
            _write(out / entry.page, "preview-post.html.j2", entry=entry, plan=plan)
    index = out / "index.html"
    _write(index, "preview-index.html.j2", entries=entries, plan=plan,
           summary={a: n for a, n in plan.summary.items() if n})
    calendar = out / "calendar.html"
    dated = [CalendarPost(e.path, e.title, e.author, e.state, e.at, e.page)
             for e in entries if e.state]
    _write(calendar, "preview-calendar.html.j2", plan=plan, count=len(dated),
           calendar=build_calendar(dated, plan.now, plan.timezone), weekdays=WEEKDAY_NAMES)
    return Preview(out=out, index=index, entries=entries, media_files=media.count,
                   calendar=calendar)


def _plan(config: Config, now: datetime, options: PlanOptions) -> Plan:
    return make_plan(config, now, options)[1]


def _prepare(out: Path) -> None:
    """Empty `out` if an earlier preview wrote it; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise PreviewError(f"--out {out} is a file; give a folder for the preview")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise PreviewError(
                f"--out {out} is not empty and was not written by `publish preview`; "
                "give an empty or new folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by publish preview; cleared on the next run\n")
    # The folder ignores itself, so a preview built inside the repository is never committed.
    (out / ".gitignore").write_text("*\n")


def _write(target: Path, template: str, **values: object) -> None:
    target.write_text(_ENV.get_template(template).render(**values), encoding="utf-8")


# ----------------------------------------------------------------------------- entries


def _entry(config: Config, plan: Plan, change: Change, media: _MediaCopies) -> Entry:
    post, diagnostics = _post_of(config, change)
    page = None if change.blob is None and post is None else _page_name(config, change.post)
    if post is None:
        return Entry(change.post, change.action, change.reason, "", "", "", change.author or "",
                     "", None, page, None, diagnostics)
    at = post.published_at or change.scheduled_for or post.schedule
    when, relative, iso = _when(at, post.published_at is not None, plan.now, plan.timezone)
    card = _card(config, post, media, (when, relative, iso), diagnostics)
    card.href = page or ""
    _add_parent(config, plan, post, card, media)
    text = cards.read_commentary(post.commentary, lambda mention: None)
    return Entry(change.post, change.action, change.reason, when, relative, iso,
                 card.author_name, post.kind, post.rendered.length, page, card, diagnostics,
                 at, post.commentary, cards.cut_note(text, post.commentary),
                 _calendar_state(change, post, at))


_BY_ACTION: dict[str, CalendarState] = {"skip": "draft", "expired": "expired"}


def _calendar_state(change: Change, post: Post, at: datetime | None) -> CalendarState | None:
    """What the calendar calls a post (None: it has no place there)."""
    if post.status == "deleted":
        return None
    if post.published_at is not None or change.urn is not None:
        return "published"
    if change.action == "blocked":
        return "failed" if change.reason.startswith("failed before") else "blocked"
    if change.action in _BY_ACTION:
        return _BY_ACTION[change.action]
    if change.queued:
        return "queued"
    return "scheduled" if at is not None else "due"


def _post_of(config: Config, change: Change) -> tuple[Post | None, tuple[Diagnostic, ...]]:
    """The post of a change, and every problem found in it.

    The plan does not read files that are unchanged since they were published, and drops
    the Post of an invalid file; a preview shows those too, with their problems: a text over
    the limit or an image without alt text is what the reviewer must see.
    """
    if change.source is not None:
        return change.source, change.diagnostics
    if change.blob is None:
        return None, change.diagnostics
    loaded = load_post(config, change.post, keep_invalid=True)
    diagnostics = tuple(loaded.diagnostics) or change.diagnostics
    if loaded.post is not None:
        return loaded.post, diagnostics
    # Content with a missing alt text is refused whole when alt text is required; read it
    # again without that rule to draw the card, with the badge where the alt text is missing.
    lenient = replace(config, defaults=replace(config.defaults, require_alt_text=False))
    return load_post(lenient, change.post, keep_invalid=True).post, diagnostics


def _page_name(config: Config, path: str) -> str:
    """posts/2026/12/01-launch.md -> 2026-12-01-launch.html: flat, so media links are simple."""
    inside = path.removeprefix(config.posts_dir.rstrip("/") + "/").removesuffix(".md")
    return inside.replace("/", "-") + ".html"


def _card(config: Config, post: Post, media: _MediaCopies, when: tuple[str, str, str],
          diagnostics: tuple[Diagnostic, ...]) -> cards.Card:
    rendered = post.rendered
    text = cards.read_commentary(post.commentary, lambda mention: cards.entity_href(mention.urn))
    # The fold indexes what the renderer expects a reader to see; if LinkedIn would show
    # something else (the text is cut), the feed's own rule places it in what is left.
    fold = rendered.fold if text.shown == rendered.visible else cards.feed_fold(text.shown)
    hook, more = cards.split_at(text.pieces, fold)
    card = cards.Card(
        id=_page_name(config, post.path).removesuffix(".html"),
        author_name=_author_name(config, post.author),
        author_kind="page" if is_organization(post.author) else "person",
        when=when[0], when_relative=when[1], when_iso=when[2],
        visibility=post.visibility, hook=hook, more=more, length=rendered.length,
        comment=post.first_comment or "",
    )
    card.errors = [_note(d) for d in diagnostics if d.severity == "error"]
    card.notes = [_note(d) for d in diagnostics if d.severity != "error"]
    cut = cards.cut_note(text, post.commentary)
    if cut:
        card.notes.append(cut)
    card.images = [_image(media, image) for image in post.images]
    card.attachment = _attachment(post, media)
    if post.poll:
        card.poll = pollcard.poll_card(post.poll.question, post.poll.options,
                                       post.poll.duration)
    return card


def _add_parent(config: Config, plan: Plan, post: Post, card: cards.Card,
                media: _MediaCopies) -> None:
    """A reshare's card holds the card of the post file it reshares, as the feed will
    show it; a parent named by URN is not read from LinkedIn, the card names it."""
    parent = post.reshare_of
    if parent is None:
        return
    if parent.startswith("urn:"):
        card.reshare_note = f"Reshares the LinkedIn post {parent}"
        return
    shared = load_post(config, parent, keep_invalid=True).post if (
        config.root / parent).is_file() else None
    if shared is None:
        card.reshare_note = f"Reshares {parent}, which cannot be read: see its problems"
        return
    when = _when(shared.published_at or shared.schedule, shared.published_at is not None,
                 plan.now, plan.timezone)
    card.reshared = _card(config, shared, media, when, ())


def _note(diagnostic: Diagnostic) -> str:
    where = f"line {diagnostic.line}: " if diagnostic.line else ""
    return f"{where}{diagnostic.severity}: {diagnostic.message}"


def _author_name(config: Config, urn: str) -> str:
    """The name LinkedIn shows: from [mentions] when the URN is there, else the alias."""
    for target in config.mentions.values():
        if target.urn == urn:
            return target.name
    return config.author_alias(urn) or urn


def _image(media: _MediaCopies, image: MediaFile) -> cards.Image:
    return cards.Image(media.copy(image), image.alt, image.info.width, image.info.height)


def _attachment(post: Post, media: _MediaCopies) -> cards.Attachment | None:
    if post.document:
        document = post.document
        count = document.info.pages
        pages = f" · {count} page{'s' if count != 1 else ''}" if count else ""
        return cards.Attachment("document", document.title or "", document.info.format + pages,
                                media.copy(document), thumbnail=media.first_page(document))
    if post.video:
        video = post.video
        length = f" · {_duration(video.info.duration)}" if video.info.duration else ""
        poster = _image(media, video.thumbnail) if video.thumbnail else None
        captions = media.captions(video.captions) if video.captions else ""
        return cards.Attachment("video", video.title or "", video.info.format + length,
                                media.copy(video), thumbnail=poster, captions=captions)
    if post.article:
        article = post.article
        thumbnail = _image(media, article.thumbnail) if article.thumbnail else None
        return cards.Attachment("article", article.title, cards.domain(article.url),
                                article.url, article.description or "", thumbnail)
    return None


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


# ----------------------------------------------------------------------------- times


def _when(moment: datetime | None, published: bool, now: datetime,
          zone_name: str) -> tuple[str, str, str]:
    """(absolute, relative, ISO 8601) for when the post goes out, or went out."""
    if moment is None:
        return "On the next sync", "no schedule", now.isoformat()
    local = moment.astimezone(ZoneInfo(zone_name))
    absolute = f"{local:%a %d %b %Y, %H:%M} {local.tzname()} ({moment:%H:%M} UTC)"
    if published:
        absolute = f"Published {absolute}"
    return absolute, relative_time(moment - now), moment.isoformat()


def relative_time(delta: timedelta) -> str:
    """'in 3 days', '2 hours ago': the largest whole unit, as the feed says it."""
    seconds = int(delta.total_seconds())
    size = abs(seconds)
    for unit, length in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400),
                         ("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = size // length
            words = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "now"


# ----------------------------------------------------------------------------- media


class _MediaCopies:
    """Copies media next to the pages, once per file, under a name that cannot collide."""

    def __init__(self, root: Path, folder: Path) -> None:
        self.root = root
        self.folder = folder
        self.count = 0

    def copy(self, media: MediaFile) -> str:
        name = f"{media.sha256.removeprefix('sha256:')[:12]}-{Path(media.path).name}"
        target = self.folder / name
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.root / media.path, target)
            self.count += 1
        return f"media/{name}"

    def first_page(self, document: MediaFile) -> cards.Image | None:
        """A PDF's first page as a PNG, as LinkedIn's document viewer opens on it; None for
        other formats (or a PDF the renderer cannot open): the card shows the title."""
        if document.info.format != "PDF":
            return None
        name = f"{document.sha256.removeprefix('sha256:')[:12]}-{Path(document.path).stem}-1.png"
        target = self.folder / name
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            if not _render_first_page(self.root / document.path, target):
                return None
            self.count += 1
        with PILImage.open(target) as image:
            width, height = image.size
        title = document.title or Path(document.path).name
        return cards.Image(f"media/{name}", f"Page 1 of {title}", width, height)

    def captions(self, media: MediaFile) -> str:
        """SubRip captions as the WebVTT track a browser's <video> plays, inline: a page
        opened from a file may not load a track from another file."""
        srt = (self.root / media.path).read_text(encoding="utf-8-sig")
        return cards.vtt_data_uri(cards.srt_to_vtt(srt))


PAGE_WIDTH = 1104  # pixels: twice the width of a feed card, sharp on a high-density screen


def _render_first_page(pdf: Path, target: Path) -> bool:
    # pypdfium2 draws PDF pages (pypdf reads them but cannot draw); imported here, as only
    # a preview with a document needs it.
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError:
        return False
    try:
        page = document[0]
        width, _ = page.get_size()
        page.render(scale=PAGE_WIDTH / width).to_pil().save(target, "PNG")
        return True
    except pdfium.PdfiumError:
        return False
    finally:
        document.close()
