"""`publish login`, `publish logout`, `publish doctor` (also `publish auth status`).

Each parses its options, calls one function of ``publisher.auth``, and prints the result.
A token is only ever shown masked.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime

import click

from publisher import auth
from publisher.cli.app import Context
from publisher.cli.options import warn
from publisher.config import Config, is_author_urn
from publisher.errors import PublisherError
from publisher.linkedin.transport import Transport
from publisher.tokens import StoredToken, TokenStore, default_store_path, env_name

MARKS = {"ok": "ok", "note": "note", "warning": "warning", "error": "PROBLEM"}


class UnknownAuthorError(PublisherError):
    """`--author` names no author of publish.toml."""


def _transport(config: Config) -> Transport:
    settings = config.linkedin
    return Transport(settings.api_base, settings.oauth_base, settings.version)


def _store() -> TokenStore:
    return TokenStore(default_store_path())


def _login_target(config: Config, author: str | None) -> tuple[str, str | None]:
    """(store key, author URN): an alias of [authors], a URN, or [defaults].author."""
    name = author or config.defaults.author
    if not name:
        raise UnknownAuthorError(
            "say which author the token is for: --author ALIAS (an alias from [authors] in "
            "publish.toml, or a urn:li:person:/urn:li:organization: URN)")
    if name in config.authors:
        return name, config.authors[name]
    if is_author_urn(name):
        return name, name
    known = ", ".join(sorted(config.authors)) or "none: publish.toml has no [authors]"
    raise UnknownAuthorError(
        f"--author {name}: not an alias of [authors] in publish.toml (aliases: {known}) and "
        "not a URN; add it to [authors] or give the author's URN")


def _app(config: Config, kind: str, stored: StoredToken | None) -> auth.App:
    """The kind's app from the environment, publish.toml or the store; else asked for."""
    app = auth.login_app(kind, os.environ, config.apps, stored)
    if app is not None:
        return app
    id_variable, secret_variable = auth.app_variables(kind)
    name = auth.APP_NAMES[kind]
    client_id, source = auth.configured_client_id(kind, os.environ, config.apps)
    if not client_id:
        client_id = click.prompt(f"Client ID of the {name} ({id_variable})").strip()
        source = "prompt"
    secret = click.prompt(f"Client secret of the {name} {client_id} ({secret_variable})",
                          hide_input=True)
    return auth.App(client_id, secret.strip(), kind, source)


@click.command()
@click.option("--author", "authors", multiple=True,
              help="Author alias from publish.toml (default: [defaults].author); repeat it "
              "for several authors: one login, and one token, per app they need.")
@click.option("--scopes", help="Scopes to ask for, space- or comma-separated "
              "(default: what the authors' posts need).")
@click.option("--app", "app_kind", type=click.Choice([auth.MEMBER, auth.PAGE]),
              help="The app to log in through (default: the member app for a person, the "
              "page app for a page; --app page gives a person's post analytics).")
@click.option("--port", default=auth.DEFAULT_PORT, show_default=True, type=int,
              help="Port of the redirect URI http://localhost:PORT/callback.")
@click.option("--no-browser", is_flag=True, help="Print the URL instead of opening a browser.")
@click.option("--timeout", default=auth.LOGIN_TIMEOUT, show_default=True, type=float,
              help="Seconds to wait for LinkedIn's redirect.")
@click.pass_obj
def login(obj: Context, authors: tuple[str, ...], scopes: str | None, app_kind: str | None,
          port: int, no_browser: bool, timeout: float) -> None:
    """Log in to LinkedIn in the browser and store a token for an author.

    A person logs in through the member app, a page through the page app; authors of both
    kinds take one login per app."""
    config = obj.config()
    targets = dict(_login_target(config, author) for author in authors or (None,))
    store = _store()
    groups = auth.login_groups(targets, auth.parse_scope_list(scopes) if scopes else None,
                               config.apps, app_kind)
    apps = [_app(config, group.kind, store.get(next(iter(group.authors))))
            for group in groups]
    auth.check_login_apps(groups, apps)
    if len(groups) > 1:
        click.echo(f"{', '.join(groups[0].authors)} post through the member app and "
                   f"{', '.join(groups[1].authors)} through the page app (LinkedIn keeps the "
                   "Community Management API alone on its app): 2 logins follow, one per app.")
    for group, app in zip(groups, apps, strict=True):
        request = auth.LoginRequest(group.authors, group.scopes, app, port, timeout)
        result = auth.login(request, _transport(config), store,
                            _opener(group, app, port, no_browser))
        _echo_login(result)


def _opener(group: auth.LoginGroup, app: auth.App, port: int,
            no_browser: bool) -> Callable[[str], None]:
    def show(url: str) -> None:
        click.echo(f"Log in to LinkedIn for {', '.join(group.authors)} with the "
                   f"{app.name} (scopes: {' '.join(group.scopes)}):")
        click.echo(f"  {url}")
        click.echo(f"Waiting for LinkedIn to redirect to {auth.redirect_uri(port)} "
                   "(it must be one of the app's Authorized redirect URLs)…")
        sys.stdout.flush()  # a wrapper reading our output needs the URL now, not at exit
        if not no_browser:
            webbrowser.open(url)
    return show


def _echo_login(result: auth.LoginResult) -> None:
    member = f"{result.name} ({result.person_urn})" if result.name else result.person_urn
    click.echo(f"Logged in{' as ' + member if member else ''} for {', '.join(result.keys)}")
    click.echo(f"  app:     {result.app}")
    click.echo(f"  token:   {result.masked}, {_expiry(result.expires_at)}")
    click.echo(f"  scopes:  {', '.join(result.scopes) or 'none reported'}")
    if result.refresh_expires_at:
        click.echo(f"  refresh: until {_date(result.refresh_expires_at)} (used automatically)")
    else:
        click.echo("  refresh: none issued (LinkedIn gives refresh tokens to Community "
                   "Management apps only); log in again before the token expires")
    click.echo(f"  saved in {result.store_path} (mode 0600)")
    warn(result.warnings)


def _date(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def _expiry(epoch: float | None) -> str:
    if epoch is None:
        return "expiry unknown"
    days = int((epoch - datetime.now(UTC).timestamp()) // auth.DAY)
    return f"expires {_date(epoch)} (in {days} days)"


@click.command()
@click.option("--author", help="Only this author's token (default: every stored token).")
def logout(author: str | None) -> None:
    """Remove stored tokens from this machine."""
    store = _store()
    removed = store.remove(author)
    if not removed:
        click.echo(f"No stored token{' for ' + author if author else 's'} in {store.path}")
    for key in removed:
        click.echo(f"Removed the stored token of {key} from {store.path}")
        if os.environ.get(env_name(key)):
            click.echo(f"  {env_name(key)} is still set and still used")


@click.command()
@click.option("--token", envvar="PUBLISH_TOKEN", metavar="TOKEN",
              help="Check this token for every author (as `publish --token`).")
@click.pass_obj
def doctor(obj: Context, token: str | None) -> None:
    """Check each author's token, its expiry and scopes, and the LinkedIn-Version."""
    config = obj.config()
    report = auth.doctor(config, _transport(config), cli_token=token, store=_store())
    _echo_doctor(report)
    sys.exit(report.exit_code)


@click.group("auth")
def auth_group() -> None:
    """Accounts and tokens (`publish auth status` is `publish doctor`)."""


@auth_group.command("status")
@click.option("--token", envvar="PUBLISH_TOKEN", metavar="TOKEN",
              help="Check this token for every author (as `publish --token`).")
@click.pass_context
def auth_status(ctx: click.Context, token: str | None) -> None:
    """The same checks as `publish doctor`."""
    ctx.invoke(doctor, token=token)


def _echo_doctor(report: auth.DoctorReport) -> None:
    _finding(report.version.finding, indent="")
    for check in report.authors:
        posts = f"{check.posts} post{'s' if check.posts != 1 else ''}"
        click.echo(f"{check.name} ({check.urn}): {posts}")
        if check.source:
            click.echo(f"  token:   {check.masked} from {check.source}: {check.status}")
        if check.app:
            refresh = "refreshed automatically" if check.refreshable else "no refresh"
            click.echo(f"  app:     {check.app}; {refresh}")
        if check.scopes is not None:
            click.echo(f"  scopes:  {', '.join(check.scopes) or 'none'} ({check.scopes_from})")
            click.echo(f"  can:     {', '.join(check.abilities) or 'nothing publish needs'}")
        for finding in check.findings:
            _finding(finding)
    problems, warnings = report.count("error"), report.count("warning")
    authors = len(report.authors)
    click.echo(f"{authors} author{'s' if authors != 1 else ''} checked: "
               f"{problems} problem{'s' if problems != 1 else ''}, "
               f"{warnings} warning{'s' if warnings != 1 else ''}")


def _finding(finding: auth.Finding, indent: str = "  ") -> None:
    click.echo(f"{indent}{MARKS[finding.level] + ':':<9}{finding.text}")
