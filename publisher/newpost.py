"""`publish new`: a valid post skeleton at posts/YYYY/MM/slug.md, or a post rendered
from a template in templates/ (Markdown with front matter and `{{ placeholders }}`), so
a release pipeline can announce a release by committing the generated post.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from publisher.config import Config
from publisher.errors import PublisherError
from publisher.post import load_post
from publisher.schedule import TimeError, parse_time
from publisher.writeback import WriteBackError, updated_source

TEMPLATES_DIR = "templates"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
LOOKS_LIKE_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

SKELETON = """\
---
{author_line}
{schedule_line}
status: draft                 # remove this line when the post is ready to publish
---
{title}

Write the post here. To mention someone, type an at sign and a handle from [mentions]
in publish.toml; add #hashtags; keep the hook in the first two lines: LinkedIn folds
the rest.
"""


def slugify(title: str) -> str:
    """'Hello, World: v2!' -> 'hello-world-v2'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "post"


def create(
    config: Config,
    title: str,
    author: str | None = None,
    schedule: str | None = None,
    date_text: str | None = None,
) -> str:
    """Write the skeleton; return its path from the repo root."""
    if not title.strip():
        raise PublisherError('the title is empty: publish new "What we shipped"')
    if author is not None and config.author_urn(author) is None:
        known = ", ".join(sorted(config.authors)) or "none"
        raise PublisherError(f"unknown author '{author}': use an alias from [authors] ({known})")
    relative = _new_path(config, title, _day(date_text, schedule, config))
    target = config.root / relative
    author_line = (
        f"author: {author}"
        if author
        else "# author: alias from [authors]; default [defaults].author"
    )
    schedule_line = (
        f"schedule: {schedule}"
        if schedule
        else "# schedule: 2026-12-01 09:00   # absent: publish on the next sync"
    )
    target.write_text(
        SKELETON.format(author_line=author_line, schedule_line=schedule_line, title=title.strip()),
        encoding="utf-8",
    )
    return relative


def _new_path(config: Config, title: str, day: date) -> str:
    """posts/YYYY/MM/slug.md from the repo root, its folder made; refused if it exists."""
    relative = f"{config.posts_dir}/{day:%Y}/{day:%m}/{slugify(title)}.md"
    target = config.root / relative
    if target.exists():
        raise PublisherError(f"{relative} exists already: choose another title")
    target.parent.mkdir(parents=True, exist_ok=True)
    return relative


def parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`--set key=value` options as a dict; every malformed one is named."""
    values: dict[str, str] = {}
    problems = []
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not KEY.fullmatch(key):
            problems.append(
                f"--set '{pair}': write it as --set name=value (name: letters, digits, _)"
            )
        elif key in values:
            problems.append(f"--set {key} is given twice: keep one")
        else:
            values[key] = value
    if problems:
        raise PublisherError("\n".join(problems))
    return values


def render_template(name: str, text: str, values: Mapping[str, str]) -> str:
    """The template `text` with every `{{ key }}` replaced by its value.

    Refuses a placeholder without a value and a value without a placeholder (a typo in
    --set would otherwise leave the post without it), naming each with its line.
    """
    problems = []
    used: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for match in LOOKS_LIKE_PLACEHOLDER.finditer(line):
            found = PLACEHOLDER.fullmatch(match.group())
            if found is None:
                problems.append(
                    f"{name}:{number}: '{match.group()}' is not a placeholder: "
                    "write {{ name }} with letters, digits and _"
                )
            elif found.group(1) not in values:
                problems.append(
                    f"{name}:{number}: no value for {{{{ {found.group(1)} }}}}: "
                    f"add --set {found.group(1)}=VALUE"
                )
            else:
                used.add(found.group(1))
    for key in sorted(set(values) - used):
        hint = difflib.get_close_matches(key, _placeholders(text), n=1)
        did_you_mean = f" (did you mean '{hint[0]}'?)" if hint else ""
        problems.append(f"--set {key}: {name} has no {{{{ {key} }}}}{did_you_mean}")
    if problems:
        raise PublisherError("\n".join(problems))
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _placeholders(text: str) -> list[str]:
    return sorted({m.group(1) for m in PLACEHOLDER.finditer(text)})


def create_from_template(
    config: Config,
    template: str,
    values: Mapping[str, str],
    title: str | None = None,
    author: str | None = None,
    schedule: str | None = None,
    date_text: str | None = None,
) -> str:
    """Render templates/TEMPLATE.md into a new post, check it, return its path.

    --author and --schedule set those front matter keys over the template's. A post
    that would be invalid is not left behind: the error lists its problems.
    """
    name, text = _read_template(config, template)
    rendered = _with_keys(name, render_template(name, text, values), author, schedule, config)
    slug_source = title or _first_line(rendered) or template
    relative = _new_path(config, slug_source, _day(date_text, schedule, config))
    target = config.root / relative
    target.write_text(rendered, encoding="utf-8")
    errors = load_post(config, relative).errors
    if errors:
        target.unlink()
        listed = "\n".join(f"  {e}" for e in errors)
        raise PublisherError(
            f"the post made from {name} would be invalid, so it was not written:\n{listed}\n"
            f"fix {name} or the --set values (a value with a quote or a colon needs the "
            "placeholder in quotes in the front matter)"
        )
    return relative


def _read_template(config: Config, template: str) -> tuple[str, str]:
    """The template's path from the repo root, and its text."""
    folder = config.root / TEMPLATES_DIR
    name = f"{TEMPLATES_DIR}/{template.removesuffix('.md')}.md"
    path = config.root / name
    if "/" in template or "\\" in template or not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
        listed = ", ".join(known) if known else f"none: add one as {TEMPLATES_DIR}/NAME.md"
        raise PublisherError(f"no template '{template}' in {TEMPLATES_DIR}/ (templates: {listed})")
    try:
        return name, path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PublisherError(f"{name} is not UTF-8: save it as UTF-8") from None


def _with_keys(
    name: str, text: str, author: str | None, schedule: str | None, config: Config
) -> str:
    if author is not None and config.author_urn(author) is None:
        known = ", ".join(sorted(config.authors)) or "none"
        raise PublisherError(f"unknown author '{author}': use an alias from [authors] ({known})")
    keys = {k: v for k, v in (("author", author), ("schedule", schedule)) if v is not None}
    if not keys:
        return text
    try:
        return updated_source(text.encode("utf-8"), keys).decode("utf-8")
    except WriteBackError as error:
        raise PublisherError(f"{name}: cannot set {', '.join(keys)}: {error}") from None


def _first_line(text: str) -> str:
    """The first line of the post's text (after the front matter), for the file name."""
    body = text.split("\n---", 2)[-1] if text.startswith("---") else text
    return next((line.strip() for line in body.splitlines()[1:] if line.strip()), "")


def _day(date_text: str | None, schedule: str | None, config: Config) -> date:
    zone = config.defaults.zone
    if date_text:
        try:
            return date.fromisoformat(date_text)
        except ValueError:
            raise PublisherError(f"--date '{date_text}' is not a date like 2026-12-01") from None
    if schedule:
        try:
            return parse_time(schedule, config.defaults.timezone).utc.astimezone(zone).date()
        except TimeError as error:
            raise PublisherError(f"--schedule: {error}") from None
    return datetime.now(zone).date()
