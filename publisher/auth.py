"""Accounts and tokens: the names the CLI and scripts use, from ``publisher.accounts``.

Five parts, none of which prints:

* ``publisher.tokens``: which token each author uses, and the token store (0600);
* ``accounts.apps``: the member app and the page app, their credentials and scopes;
* ``accounts.login``: LinkedIn's 3-legged flow with its one-request callback server;
* ``accounts.refresh``: during a sync, each author's token is refreshed before use when
  fewer than 7 days remain, and once more (through the transport's token hook) when
  LinkedIn answers 401 EXPIRED_ACCESS_TOKEN;
* ``accounts.doctor``: the checks of `publish doctor`.

A token never leaves here whole: messages show ``mask(token)`` only.
"""

from __future__ import annotations

from publisher.accounts.apps import (
    APP_NAMES,
    DAY,
    MEMBER,
    PAGE,
    App,
    LoginError,
    LoginGroup,
    PortInUseError,
    app_kind,
    app_variables,
    check_login_apps,
    configured_client_id,
    default_scopes,
    login_app,
    login_groups,
    parse_scope_list,
    token_app,
)
from publisher.accounts.doctor import DoctorReport, Finding, doctor, version_check
from publisher.accounts.login import (
    DEFAULT_PORT,
    LOGIN_TIMEOUT,
    LoginRequest,
    LoginResult,
    login,
    redirect_uri,
    whoami,
)
from publisher.accounts.refresh import LiveToken, RefreshingToken, TokenKeeper

__all__ = [
    "APP_NAMES", "DAY", "DEFAULT_PORT", "LOGIN_TIMEOUT", "MEMBER", "PAGE", "App",
    "DoctorReport", "Finding", "LiveToken", "LoginError", "LoginGroup", "LoginRequest",
    "LoginResult", "PortInUseError", "RefreshingToken", "TokenKeeper", "app_kind",
    "app_variables", "check_login_apps", "configured_client_id", "default_scopes", "doctor",
    "login", "login_app", "login_groups", "parse_scope_list", "redirect_uri", "token_app",
    "version_check", "whoami",
]
