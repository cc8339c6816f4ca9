"""OAuth 2.0 as LinkedIn runs it: consent, authorization codes, access and refresh tokens,
introspection, and the Bearer check every API call passes (linkedin-api.md sections 2 and 3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from publisher.sandbox import errors
from publisher.sandbox.backend.identity import DEFAULT_APP, Identity
from publisher.sandbox.backend.records import (
    JSON,
    App,
    AuthCode,
    Caller,
    ConsentPageError,
    ControlError,
    RefreshGrant,
    Token,
)

ACCESS_TOKEN_TTL = 5_183_999
REFRESH_TOKEN_TTL = 31_536_000
CODE_TTL = 30 * 60
KNOWN_SCOPES = ("openid", "profile", "email", "w_member_social", "r_member_social",
                "w_organization_social", "r_organization_social", "rw_organization_admin",
                "r_organization_admin", "r_member_postAnalytics", "r_basicprofile",
                "r_liteprofile", "r_emailaddress", "rw_ads", "r_ads", "r_ads_reporting")


class OAuth(Identity):
    tokens: dict[str, Token]
    refresh_grants: dict[str, RefreshGrant]
    codes: dict[str, AuthCode]

    def _reset_state(self) -> None:
        super()._reset_state()
        self.tokens = {}
        self.refresh_grants = {}
        self.codes = {}

    # ---- control: tokens

    def issue_token(self, spec: Mapping[str, Any]) -> JSON:
        """A token minted directly, as if the member had gone through the consent page."""
        member = spec.get("member")
        if member not in self.members:
            raise ControlError(f"unknown member {member!r}; add it with POST /_sandbox/members")
        scopes = spec.get("scopes", [])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise ControlError("scopes must be a list of strings")
        client_id = str(spec.get("client_id", DEFAULT_APP["client_id"]))
        if client_id not in self.apps:
            raise ControlError(f"unknown app {client_id!r}")
        self.check_app_grants(self.apps[client_id], scopes)
        expires_in = spec.get("expires_in", ACCESS_TOKEN_TTL)
        if not isinstance(expires_in, int | float):
            raise ControlError("expires_in must be a number of seconds")
        return self._token_answer(client_id, str(member), scopes, float(expires_in))

    def revoke_token(self, value: str) -> None:
        token = self.tokens.get(value)
        if token is None:
            raise ControlError("unknown token")
        token.revoked = True
        self.touch()

    def expire_token_after(self, value: str, calls: int) -> None:
        token = self.tokens.get(value)
        if token is None:
            raise ControlError("unknown token")
        if calls < 0:
            raise ControlError("after_calls must be 0 or more")
        token.calls_left = calls
        self.touch()

    # ---- the Bearer check

    def authenticate(self, authorization: str | None) -> Caller:
        if authorization is None or not authorization.strip():
            raise errors.empty_token()
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise errors.unknown_auth_schema()
        value = value.strip()
        if not value:
            raise errors.empty_token()
        token = self.tokens.get(value)
        if token is None:
            raise errors.invalid_token()
        if token.calls_left is not None:
            if token.calls_left <= 0:           # the injected "expires after N calls" fault
                token.expires_at = min(token.expires_at, self.now())
            else:
                token.calls_left -= 1
        status = token.status(self.now())
        if status == "revoked":
            raise errors.revoked_token()
        if status == "expired":
            raise errors.expired_token()
        return Caller(token.value, token.member, token.client_id, frozenset(token.scopes))

    # ---- OAuth

    def _scopes_from(self, text: str) -> list[str]:
        return [s for s in re.split(r"[\s,]+", text.strip()) if s]

    def check_authorization(self, params: Mapping[str, str]) -> tuple[App, list[str]]:
        """Validate an authorization request; page-level errors raise ConsentPageError."""
        if params.get("response_type") != "code":
            raise ConsentPageError(400, "response_type must be code")
        app = self.apps.get(params.get("client_id", ""))
        if app is None:
            raise ConsentPageError(401, "Client_id doesn't match")
        if _without_query(params.get("redirect_uri", "")) not in {
                _without_query(uri) for uri in app.redirect_uris}:
            raise ConsentPageError(401, "Redirect_uri doesn't match")
        scopes = self._scopes_from(params.get("scope", ""))
        if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
            raise ConsentPageError(401, "Invalid scope")
        return app, scopes

    def unauthorized_scopes(self, app: App, scopes: Iterable[str]) -> list[str]:
        return [] if app.scopes is None else [s for s in scopes if s not in app.scopes]

    def check_app_grants(self, app: App, scopes: Iterable[str]) -> None:
        """A control route may not mint what the consent page would refuse."""
        refused = self.unauthorized_scopes(app, scopes)
        if refused:
            raise ControlError(f"{unauthorized_scope_description(refused[0])} (app "
                               f"{app.client_id} grants {', '.join(app.scopes or [])})")

    def grant_code(self, client_id: str, redirect_uri: str, scopes: list[str],
                   member: str) -> str:
        if member not in self.members:
            raise ConsentPageError(400, f"Unknown member {member!r}")
        code = "AQT" + self._random_text(150)
        self.codes[code] = AuthCode(code, client_id, redirect_uri, member, scopes, self.now())
        self.touch()
        return code

    def _client(self, form: Mapping[str, str]) -> App:
        for name in ("client_id", "client_secret"):
            if not form.get(name):
                raise errors.oauth_missing(name)
        app = self.apps.get(form["client_id"])
        if app is None or app.client_secret != form["client_secret"]:
            raise errors.oauth_invalid_client()
        return app

    def access_token(self, form: Mapping[str, str]) -> JSON:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise errors.oauth_missing("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form)
        raise errors.oauth_unsupported_grant(grant_type)

    def _exchange_code(self, form: Mapping[str, str]) -> JSON:
        for name in ("code", "redirect_uri"):
            if not form.get(name):
                raise errors.oauth_missing(name)
        app = self._client(form)
        code = self.codes.get(form["code"])
        if code is None:
            raise errors.oauth_code_not_found()
        if (code.client_id != app.client_id or code.redirect_uri != form["redirect_uri"]
                or self.now() - code.created_at > CODE_TTL):
            raise errors.oauth_code_mismatch()
        del self.codes[code.value]                  # single use
        self._invalidate_other_scopes(app.client_id, code.member, code.scopes)
        return self._token_answer(app.client_id, code.member, code.scopes, ACCESS_TOKEN_TTL)

    def _invalidate_other_scopes(self, client_id: str, member: str, scopes: list[str]) -> None:
        """'If you request a different scope ... all the previous access tokens are invalidated.'"""
        for token in self.tokens.values():
            if (token.client_id == client_id and token.member == member
                    and sorted(token.scopes) != sorted(scopes)):
                token.revoked = True

    def _token_answer(self, client_id: str, member: str, scopes: list[str],
                      expires_in: float) -> JSON:
        now = self.now()
        value = "AQV" + self._random_text(497)
        token = Token(value, client_id, member, list(scopes), now, now + expires_in)
        self.tokens[value] = token
        answer: JSON = {"access_token": value, "expires_in": int(expires_in),
                        "scope": ",".join(sorted(scopes)), "token_type": "Bearer"}
        if "openid" in scopes:
            answer["id_token"] = self._id_token(client_id, member, scopes, now)
        if self.apps[client_id].refresh:
            grant = RefreshGrant("AQW" + self._random_text(497), client_id, member, list(scopes),
                                 now + REFRESH_TOKEN_TTL)
            self.refresh_grants[grant.value] = grant
            token.refresh_token = grant.value
            answer["refresh_token"] = grant.value
            answer["refresh_token_expires_in"] = REFRESH_TOKEN_TTL
        self.touch()
        return answer

    def _refresh(self, form: Mapping[str, str]) -> JSON:
        if not form.get("refresh_token"):
            raise errors.oauth_missing("refresh_token")
        app = self._client(form)
        grant = self.refresh_grants.get(form["refresh_token"])
        if (grant is None or grant.client_id != app.client_id or grant.revoked
                or not app.refresh or self.now() >= grant.expires_at):
            raise errors.oauth_bad_refresh()
        now = self.now()
        value = "AQV" + self._random_text(497)
        self.tokens[value] = Token(value, app.client_id, grant.member, list(grant.scopes), now,
                                   now + ACCESS_TOKEN_TTL, refresh_token=grant.value)
        self.touch()
        return {"access_token": value, "expires_in": ACCESS_TOKEN_TTL,
                "refresh_token": grant.value,
                "refresh_token_expires_in": int(grant.expires_at - now),
                "scope": ",".join(sorted(grant.scopes)), "token_type": "Bearer"}

    def _id_token(self, client_id: str, member_id: str, scopes: list[str], now: float) -> str:
        """JWT-shaped, not verifiable: the signature is a hash, there is no JWKS."""
        member = self.members[member_id]
        claims: JSON = {"iss": "https://www.linkedin.com", "aud": client_id, "iat": int(now),
                        "exp": int(now) + 3600, "sub": member.id}
        if "profile" in scopes:
            claims.update(name=member.name, given_name=member.given_name,
                          family_name=member.family_name,
                          locale={"country": member.country, "language": member.language})
        if "email" in scopes:
            claims.update(email=member.email, email_verified=True)
        header = _b64({"alg": "RS256", "kid": "sandbox", "typ": "JWT"})
        payload = _b64(claims)
        signature = base64.urlsafe_b64encode(
            hashlib.sha256(f"{self.seed}.{header}.{payload}".encode()).digest()).rstrip(b"=")
        return f"{header}.{payload}.{signature.decode()}"

    def introspect(self, form: Mapping[str, str]) -> JSON:
        if not form.get("client_id") or form["client_id"] not in self.apps:
            raise errors.introspect_bad_request("client id")
        app = self.apps[form["client_id"]]
        if form.get("client_secret") != app.client_secret:
            raise errors.oauth_invalid_client()
        token = self.tokens.get(form.get("token", ""))
        if token is None:
            raise errors.introspect_bad_request("token")
        if token.client_id != app.client_id:
            return {"active": False}
        status = token.status(self.now())
        return {"active": status == "active", "client_id": token.client_id,
                "authorized_at": int(token.created_at), "created_at": int(token.created_at),
                "status": status, "expires_at": int(token.expires_at),
                "scope": ",".join(sorted(token.scopes)), "auth_type": "3L"}


def unauthorized_scope_description(scope: str) -> str:
    """LinkedIn's ``error_description`` for a scope the app's products do not grant."""
    return f'Scope "{scope}" is not authorized for your application'


def _b64(data: JSON) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _without_query(uri: str) -> str:
    return uri.split("?", 1)[0].split("#", 1)[0]

