"""publish.toml and the environment, validated into a Config.

Every problem is collected with the key it concerns (and its line in publish.toml when it
can be found), then raised together as one ConfigError.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from publisher.errors import ConfigError, Diagnostic, did_you_mean
from publisher.queueconfig import QueueSettings, parse_queue

if TYPE_CHECKING:  # the renderer's types: a plan with nothing to render never loads them
    from publisher.render_options import RenderOptions

CONFIG_NAME = "publish.toml"
VISIBILITIES = ("PUBLIC", "CONNECTIONS", "LOGGED_IN")
EMPHASIS_MODES = ("plain", "unicode")
PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]+$")
ORGANIZATION_URN = re.compile(r"^urn:li:organization:[0-9]+$")
VERSION = re.compile(r"^20[0-9]{2}(0[1-9]|1[0-2])$")
DURATION_PART = re.compile(r"(\d+)\s*([dhms])")
DURATION = re.compile(r"^\s*(\d+\s*[dhms]\s*)+$")
# What git accepts as a branch name, roughly: enough to catch a typo or a ref path.
BRANCH = re.compile(r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<![./])$")

# The schema: section -> allowed keys. None as the key set means a free-form table.
SCHEMA: dict[str, frozenset[str] | None] = {
    "linkedin": frozenset({"version", "api_base", "oauth_base"}),
    "defaults": frozenset({"author", "timezone", "visibility", "max_delay", "require_alt_text"}),
    "authors": None,
    "mentions": None,
    "render": frozenset({"emphasis", "footer"}),
    "links": frozenset({"utm", "utm_domains"}),
    "limits": frozenset({"per_author_per_day"}),
    "git": frozenset({"branch"}),
    "apps": frozenset({"member", "page"}),
    "queue": None,  # checked by queueconfig, which knows its nested tables
}
APP_KEYS = ("client_id", "scopes")
TOP_KEYS = frozenset({"posts_dir", "ledger"})


@dataclass(frozen=True)
class MentionTarget:
    """Whom a handle mentions: LinkedIn shows `name` as a link to `urn`."""

    urn: str
    name: str


@dataclass(frozen=True)
class LinkedInSettings:
    """[linkedin]: the API version sent with every call, and where the API and OAuth live."""

    version: str = "202611"
    api_base: str = "https://api.linkedin.com"
    oauth_base: str = "https://www.linkedin.com/oauth/v2"


@dataclass(frozen=True)
class AppSettings:
    """One LinkedIn app of `[apps.member]` or `[apps.page]`: its client id (not a secret)
    and the scopes `publish login` asks it for; the secret only ever comes from the
    environment or a prompt."""

    client_id: str | None = None
    scopes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Defaults:
    """[defaults]: what a post that does not say otherwise gets."""

    author: str | None = None
    timezone: str = "UTC"
    visibility: str = "PUBLIC"
    max_delay: timedelta = timedelta(hours=6)
    require_alt_text: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Config:
    """Everything the tool knows about one repository of posts."""

    root: Path
    path: Path | None
    posts_dir: str = "posts"
    ledger: str = ".publish/ledger.json"
    linkedin: LinkedInSettings = LinkedInSettings()
    defaults: Defaults = Defaults()
    authors: Mapping[str, str] = field(default_factory=dict)
    mentions: Mapping[str, MentionTarget] = field(default_factory=dict)
    emphasis: str = "plain"
    footer: str = ""
    utm: Mapping[str, str] = field(default_factory=dict)
    utm_domains: tuple[str, ...] = ()
    per_author_per_day: int = 20
    publish_branch: str = "main"  # [git].branch: the only branch a sync publishes from
    apps: Mapping[str, AppSettings] = field(default_factory=dict)
    queue: QueueSettings = field(default_factory=QueueSettings)

    @property
    def posts_path(self) -> Path:
        return self.root / self.posts_dir

    @property
    def ledger_path(self) -> Path:
        return self.root / self.ledger

    def author_urn(self, alias_or_urn: str) -> str | None:
        """The URN an author alias names, the URN itself, or None when unknown."""
        if is_author_urn(alias_or_urn):
            return alias_or_urn
        return self.authors.get(alias_or_urn)

    def render_options(self, mentions: Mapping[str, MentionTarget] | None = None, *,
                       footer: bool = True) -> RenderOptions:
        """How this repository renders a post: [render], [links] and the mentions (the
        registry's, or `mentions` when given); without the footer when `footer` is off."""
        from publisher.render_options import Mention, RenderOptions

        targets = self.mentions if mentions is None else mentions
        return RenderOptions(
            mentions={h: Mention(urn=m.urn, name=m.name) for h, m in targets.items()},
            emphasis=self.emphasis,  # type: ignore[arg-type]
            footer=self.footer if footer else "",
            utm=self.utm,
            utm_domains=self.utm_domains,
        )

    def author_alias(self, urn: str) -> str | None:
        for alias, known in self.authors.items():
            if known == urn:
                return alias
        return None


def is_author_urn(value: str) -> bool:
    return bool(PERSON_URN.match(value) or ORGANIZATION_URN.match(value))


def parse_duration(text: str) -> timedelta | None:
    """'6h', '90m', '1d 12h' -> timedelta; None when the text is not a duration."""
    if not DURATION.match(text):
        return None
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    parts: dict[str, int] = {}
    for number, unit in DURATION_PART.findall(text):
        parts[units[unit]] = parts.get(units[unit], 0) + int(number)
    return timedelta(**parts)


def key_lines(text: str) -> dict[str, int]:
    """Map dotted keys of a TOML file to their line numbers (1-based).

    tomllib gives no positions; this scan of `[section]` headers and `key =` lines is
    enough to point a user at the right line of an ordinary publish.toml.
    """
    lines: dict[str, int] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", line)
        if header:
            section = header.group(1).replace('"', "")
            lines.setdefault(section, number)
            continue
        key = re.match(r'^("?)([A-Za-z0-9_.-]+)\1\s*=', line)
        if key:
            dotted = f"{section}.{key.group(2)}" if section else key.group(2)
            lines.setdefault(dotted, number)
    return lines


class _Collector:
    """Collects diagnostics about publish.toml with the line of the key they concern."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self.path = path
        self.lines = lines
        self.diagnostics: list[Diagnostic] = []

    def error(self, key: str, message: str) -> None:
        line = self.lines.get(key) or self.lines.get(key.rsplit(".", 1)[0])
        self.diagnostics.append(Diagnostic(self.path, line, "error", f"{key}: {message}"))


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding publish.toml, else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def load_config(
    repo: Path | None = None,
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read and validate publish.toml; raise ConfigError listing every problem."""
    environ = os.environ if environ is None else environ
    root = repo.resolve() if repo else find_root(Path.cwd())
    path = config_path if config_path else root / CONFIG_NAME
    if config_path and not repo:
        root = path.resolve().parent
    if not path.is_file():
        if config_path:
            raise ConfigError([Diagnostic(str(path), None, "error", "file not found")])
        return _apply_environment(Config(root=root, path=None), environ)
    text = path.read_text(encoding="utf-8")
    shown = _display_path(path, root)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11's TOMLDecodeError has no lineno; its message ends "(at line N, ...)".
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ConfigError(
            [Diagnostic(shown, line, "error", f"not valid TOML: {message}")]
        ) from None
    collector = _Collector(shown, key_lines(text))
    config = _build(data, root, path, collector)
    if collector.diagnostics:
        raise ConfigError(collector.diagnostics)
    return _apply_environment(config, environ)


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _apply_environment(config: Config, environ: Mapping[str, str]) -> Config:
    """LINKEDIN_API_BASE / LINKEDIN_OAUTH_BASE / LINKEDIN_VERSION override publish.toml."""
    settings = config.linkedin
    overrides = {
        "api_base": environ.get("LINKEDIN_API_BASE"),
        "oauth_base": environ.get("LINKEDIN_OAUTH_BASE"),
        "version": environ.get("LINKEDIN_VERSION"),
    }
    changes = {key: value.rstrip("/") for key, value in overrides.items() if value}
    if "version" in changes and not VERSION.match(changes["version"]):
        raise ConfigError(
            [Diagnostic("LINKEDIN_VERSION", None, "error", "must be YYYYMM, e.g. 202611")]
        )
    if not changes:
        return config
    updated: Config = _replace(config, linkedin=_replace(settings, **changes))
    return updated


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def _build(data: dict[str, Any], root: Path, path: Path, c: _Collector) -> Config:
    _check_keys(data, c)
    posts_dir = _string(data, "posts_dir", "posts", c)
    ledger = _string(data, "ledger", ".publish/ledger.json", c)
    for key, value in (("posts_dir", posts_dir), ("ledger", ledger)):
        if Path(value).is_absolute() or ".." in Path(value).parts:
            c.error(key, f"'{value}' must be a path inside the repository, like 'posts'")
    authors = _authors(_table(data, "authors", c), c)
    defaults = _defaults(_table(data, "defaults", c), authors, c)
    links = _table(data, "links", c)
    render = _table(data, "render", c)
    limits = _table(data, "limits", c)
    return Config(
        root=root,
        path=path,
        posts_dir=posts_dir.strip("/"),
        ledger=ledger,
        linkedin=_linkedin(_table(data, "linkedin", c), c),
        defaults=defaults,
        authors=authors,
        mentions=_mentions(_table(data, "mentions", c), c),
        emphasis=_choice(render, "render.emphasis", "plain", EMPHASIS_MODES, c),
        footer=_string(render, "footer", "", c, "render.footer"),
        utm=_utm(links, c),
        utm_domains=_utm_domains(links, c),
        per_author_per_day=_positive_int(limits, "per_author_per_day", 20, c),
        publish_branch=_branch(_table(data, "git", c), c),
        apps=_apps(_table(data, "apps", c), c),
        queue=parse_queue(data.get("queue"), defaults.timezone, authors, parse_duration,
                          c.error),
    )


def _check_keys(data: dict[str, Any], c: _Collector) -> None:
    known = TOP_KEYS | set(SCHEMA)
    for key, value in data.items():
        if key not in known:
            c.error(key, f"unknown key{did_you_mean(key, known)}")
            continue
        allowed = SCHEMA.get(key)
        if allowed is None or not isinstance(value, dict):
            continue
        for sub in value:
            if sub not in allowed:
                c.error(f"{key}.{sub}", f"unknown key{did_you_mean(sub, allowed)}")


def _table(data: dict[str, Any], key: str, c: _Collector) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        c.error(key, f"must be a table ([{key}]), found {type(value).__name__}")
        return {}
    return value


def _string(
    table: dict[str, Any], key: str, default: str, c: _Collector, name: str | None = None
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        c.error(name or key, f"must be a string, found {value!r}")
        return default
    return value


def _choice(
    table: dict[str, Any], dotted: str, default: str, choices: tuple[str, ...], c: _Collector
) -> str:
    key = dotted.rsplit(".", 1)[-1]
    value = _string(table, key, default, c, dotted)
    if value not in choices:
        c.error(
            dotted, f"'{value}' is not one of {', '.join(choices)}{did_you_mean(value, choices)}"
        )
        return default
    return value


def _positive_int(table: dict[str, Any], key: str, default: int, c: _Collector) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        c.error(f"limits.{key}", f"must be a whole number of at least 1, found {value!r}")
        return default
    return value


def _branch(table: dict[str, Any], c: _Collector) -> str:
    value = _string(table, "branch", "main", c, "git.branch")
    if not BRANCH.match(value):
        c.error("git.branch", f"'{value}' is not a branch name: write it as git shows it, "
                "like \"main\" (not \"refs/heads/main\" or \"origin/main\")")
        return "main"
    if value.startswith(("refs/", "origin/")):
        c.error("git.branch", f"'{value}' names a ref, not a branch: write the branch alone, "
                "like \"main\"")
        return "main"
    return value


def _linkedin(table: dict[str, Any], c: _Collector) -> LinkedInSettings:
    base = LinkedInSettings()
    version = table.get("version", base.version)
    if isinstance(version, int):
        version = str(version)
    if not isinstance(version, str) or not VERSION.match(version):
        c.error(
            "linkedin.version",
            f'must be a LinkedIn-Version like "202611" (YYYYMM), found {version!r}',
        )
        version = base.version
    urls = {}
    for key in ("api_base", "oauth_base"):
        url = _string(table, key, getattr(base, key), c, f"linkedin.{key}")
        if not re.match(r"^https?://[^\s/]+", url):
            c.error(f"linkedin.{key}", f"must be an http(s) URL, found {url!r}")
        urls[key] = url.rstrip("/")
    return LinkedInSettings(version=version, **urls)


def _authors(table: dict[str, Any], c: _Collector) -> dict[str, str]:
    authors: dict[str, str] = {}
    for alias, urn in table.items():
        if not isinstance(urn, str) or not is_author_urn(urn):
            c.error(
                f"authors.{alias}",
                f'must be a person or organization URN like "urn:li:person:abc123" '
                f'or "urn:li:organization:123", found {urn!r}',
            )
            continue
        authors[alias] = urn
    return authors


def _defaults(table: dict[str, Any], authors: dict[str, str], c: _Collector) -> Defaults:
    base = Defaults()
    author = table.get("author")
    if author is not None and (
        not isinstance(author, str) or (author not in authors and not is_author_urn(author))
    ):
        c.error(
            "defaults.author",
            f"{author!r} is neither an alias in [authors] nor a URN"
            f"{did_you_mean(str(author), list(authors))}",
        )
        author = None
    zone = _string(table, "timezone", base.timezone, c, "defaults.timezone")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        c.error("defaults.timezone", f"'{zone}' is not an IANA time zone like 'Europe/Berlin'")
        zone = base.timezone
    delay_text = _string(table, "max_delay", "6h", c, "defaults.max_delay")
    delay = parse_duration(delay_text)
    if delay is None:
        c.error("defaults.max_delay", f"'{delay_text}' is not a duration like '6h', '90m' or '1d'")
    alt = table.get("require_alt_text", True)
    if not isinstance(alt, bool):
        c.error("defaults.require_alt_text", f"must be true or false, found {alt!r}")
        alt = True
    return Defaults(
        author=author,
        timezone=zone,
        visibility=_choice(table, "defaults.visibility", "PUBLIC", VISIBILITIES, c),
        max_delay=delay or base.max_delay,
        require_alt_text=alt,
    )


def _apps(table: dict[str, Any], c: _Collector) -> dict[str, AppSettings]:
    apps: dict[str, AppSettings] = {}
    for kind, value in table.items():
        if kind not in ("member", "page"):
            continue                    # reported by _check_keys
        if not isinstance(value, dict):
            c.error(f"apps.{kind}", f'must be a table like [apps.{kind}] with client_id = "…"')
            continue
        apps[kind] = _app(kind, value, c)
    return apps


def _app(kind: str, table: dict[str, Any], c: _Collector) -> AppSettings:
    for key in table:
        if "secret" in key:
            c.error(f"apps.{kind}.{key}", "secrets never live in publish.toml: remove it and "
                    f"set LINKEDIN_{kind.upper()}_CLIENT_SECRET in the environment (a "
                    "repository secret in CI)")
        elif key not in APP_KEYS:
            c.error(f"apps.{kind}.{key}", f"unknown key{did_you_mean(key, APP_KEYS)}")
    client_id = table.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or not client_id.strip()):
        c.error(f"apps.{kind}.client_id", "must be the app's Client ID from the developer "
                f"portal's Auth tab, a string, found {client_id!r}")
        client_id = None
    scopes = table.get("scopes")
    if scopes is not None and (not isinstance(scopes, list) or not scopes
                               or not all(isinstance(s, str) and s.strip() for s in scopes)):
        c.error(f"apps.{kind}.scopes", 'must be a list of scopes like ["w_member_social"], '
                f"found {scopes!r}")
        scopes = None
    return AppSettings(client_id.strip() if client_id else None,
                       tuple(s.strip() for s in scopes) if scopes else None)


def _mentions(table: dict[str, Any], c: _Collector) -> dict[str, MentionTarget]:
    mentions: dict[str, MentionTarget] = {}
    for handle, value in table.items():
        target = mention_target(value)
        if isinstance(target, str):
            c.error(f"mentions.{handle}", target)
            continue
        mentions[handle] = target
    return mentions


def mention_target(value: object) -> MentionTarget | str:
    """A MentionTarget, or a message saying what is wrong with the value."""
    if not isinstance(value, dict):
        return 'must be a table like { urn = "urn:li:person:abc", name = "Jane Doe" }'
    unknown = set(value) - {"urn", "name"}
    if unknown:
        key = sorted(unknown)[0]
        return f"unknown key '{key}'{did_you_mean(key, ['urn', 'name'])}"
    urn, name = value.get("urn"), value.get("name")
    if not isinstance(urn, str) or not is_author_urn(urn):
        return f"urn must be a person or organization URN, found {urn!r}"
    if not isinstance(name, str) or not name.strip():
        return "name must be the exact name LinkedIn shows (mentions match it case-sensitively)"
    return MentionTarget(urn=urn, name=name)


def _utm(links: dict[str, Any], c: _Collector) -> dict[str, str]:
    utm = links.get("utm", {})
    if not isinstance(utm, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in utm.items()
    ):
        c.error("links.utm", 'must be a table of strings like { utm_source = "linkedin" }')
        return {}
    return dict(utm)


def _utm_domains(links: dict[str, Any], c: _Collector) -> tuple[str, ...]:
    domains = links.get("utm_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        c.error("links.utm_domains", 'must be a list of domains like ["example.com"]')
        return ()
    return tuple(d.lower().lstrip(".") for d in domains)
