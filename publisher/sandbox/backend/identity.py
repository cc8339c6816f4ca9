"""Who is who: members, organizations (pages and their roles), apps, and who may act as whom.

LinkedIn's Developer Portal decides an app's scopes by its products; the organization
roles decide who may post and read as a page (linkedin-api.md sections 4 and 12).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from publisher.sandbox import errors
from publisher.sandbox.backend.core import Core
from publisher.sandbox.backend.records import JSON, App, Caller, ControlError, Member, Organization
from publisher.sandbox.validation import PERSON_ID, urn_parts

POSTING_ROLES = ("ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMIN")
ORG_ROLES = (*POSTING_ROLES, "ANALYST", "RECRUITING_POSTER")
DEFAULT_MEMBER = {"id": "sandbox-member", "name": "Sandy Sandbox"}
DEFAULT_ORGANIZATION = {"id": "1000001", "name": "Sandbox Corp", "admins": ["sandbox-member"]}
DEFAULT_APP = {"client_id": "sandbox-client", "client_secret": "sandbox-secret",
               "redirect_uris": ["http://localhost:3000/callback"], "refresh": True}
# Two apps as LinkedIn lets a team have them: the Community Management API "requires that
# it be the only product on the application", so a page needs an app of its own.
MEMBER_APP = {"client_id": "sandbox-member-app", "client_secret": "sandbox-member-secret",
              "redirect_uris": ["http://localhost:3000/callback"], "products": ["openid", "share"]}
PAGE_APP = {"client_id": "sandbox-page-app", "client_secret": "sandbox-page-secret",
            "redirect_uris": ["http://localhost:3000/callback"],
            "products": ["community_management"]}
# The scopes each Developer Portal product grants (linkedin-api.md section 12).
PRODUCTS = {
    "openid": ("openid", "profile", "email"),
    "share": ("w_member_social",),
    "community_management": ("w_organization_social", "r_organization_social",
                             "rw_organization_admin", "r_organization_admin",
                             "w_member_social", "r_member_postAnalytics"),
}
ONLY_PRODUCT = "community_management"
ACL_SCOPES = ("rw_organization_admin", "r_organization_admin")


class Identity(Core):
    members: dict[str, Member]
    organizations: dict[str, Organization]
    apps: dict[str, App]

    def _reset_state(self) -> None:
        super()._reset_state()
        self.members = {}
        self.organizations = {}
        self.apps = {}

    def _add_defaults(self) -> None:
        super()._add_defaults()
        self.add_member(DEFAULT_MEMBER)
        self.add_organization(DEFAULT_ORGANIZATION)
        for app in (DEFAULT_APP, MEMBER_APP, PAGE_APP):
            self.add_app(app)

    # ---- control: members, organizations, apps

    def add_member(self, spec: Mapping[str, Any]) -> Member:
        member_id, name = spec.get("id"), spec.get("name")
        if not isinstance(member_id, str) or not PERSON_ID.match(member_id):
            raise ControlError("member id must be letters, digits, '-' or '_'")
        if not isinstance(name, str) or not name.strip():
            raise ControlError("member name is required")
        given, _, family = name.strip().partition(" ")
        member = Member(
            id=member_id, name=name.strip(),
            given_name=str(spec.get("given_name", given)),
            family_name=str(spec.get("family_name", family.strip())),
            email=str(spec.get("email", f"{member_id}@example.com")),
            country=str(spec.get("country", "US")), language=str(spec.get("language", "en")))
        self.members[member_id] = member
        self.touch()
        return member

    def add_organization(self, spec: Mapping[str, Any]) -> Organization:
        org_id, name = str(spec.get("id", "")), spec.get("name")
        if not org_id.isdigit():
            raise ControlError("organization id must be digits")
        if not isinstance(name, str) or not name.strip():
            raise ControlError("organization name is required")
        roles = {str(m): "ADMINISTRATOR" for m in spec.get("admins", [])}
        roles.update({str(m): str(r) for m, r in dict(spec.get("roles", {})).items()})
        unknown = [r for r in roles.values() if r not in ORG_ROLES]
        if unknown:
            raise ControlError(f"unknown organization roles {unknown}; known: {list(ORG_ROLES)}")
        organization = Organization(org_id, name.strip(), roles)
        self.organizations[org_id] = organization
        self.touch()
        return organization

    def add_app(self, spec: Mapping[str, Any]) -> App:
        client_id, secret = spec.get("client_id"), spec.get("client_secret")
        uris = spec.get("redirect_uris", [])
        if not isinstance(client_id, str) or not client_id or not isinstance(secret, str):
            raise ControlError("an app needs client_id and client_secret")
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise ControlError("redirect_uris must be a list of URLs")
        scopes = spec.get("scopes")
        if scopes is not None:
            scopes = [str(s) for s in scopes]
        products = _products(spec.get("products"))
        if products is None:
            app = App(client_id, secret, list(uris), bool(spec.get("refresh", False)), scopes)
        else:
            if scopes is not None:
                raise ControlError("give an app products or scopes, not both: its products "
                                   "decide its scopes")
            app = App(client_id, secret, list(uris), _refresh(spec, products),
                      sorted({s for p in products for s in PRODUCTS[p]}), products)
        self.apps[client_id] = app
        self.touch()
        return app

    # ---- /v2/userinfo

    def userinfo(self, caller: Caller) -> JSON:
        if "openid" not in caller.scopes:
            raise errors.access_denied("GET /userinfo")
        member = self.members[caller.member]
        info: JSON = {"sub": member.id}
        if "profile" in caller.scopes:
            info.update(name=member.name, given_name=member.given_name,
                        family_name=member.family_name,
                        locale={"country": member.country, "language": member.language},
                        picture=f"https://media.licdn.com/dms/image/sandbox/{member.id}/0/")
        if "email" in caller.scopes:
            info.update(email=member.email, email_verified=True)
        return info

    # ---- who may do what

    def role(self, member: str, organization_urn: str) -> str | None:
        parts = urn_parts(organization_urn)
        if parts is None or parts[0] != "organization":
            return None
        organization = self.organizations.get(parts[1])
        return None if organization is None else organization.roles.get(member)

    def may_write_as(self, caller: Caller, author: str) -> bool:
        if author.startswith("urn:li:person:"):
            return author == caller.urn and "w_member_social" in caller.scopes
        return ("w_organization_social" in caller.scopes
                and self.role(caller.member, author) in POSTING_ROLES)

    def may_read_as(self, caller: Caller, author: str) -> bool:
        if author.startswith("urn:li:person:"):
            return author == caller.urn and "r_member_social" in caller.scopes
        return ("r_organization_social" in caller.scopes
                and self.role(caller.member, author) in POSTING_ROLES)

    def role_assignments(self, caller: Caller, role: str | None, state: str | None) -> JSON:
        """``GET /rest/organizationAcls?q=roleAssignee``: the caller's roles on pages.

        It names the member without /v2/userinfo, which a Community Management app, having
        no ``openid``, cannot call.
        """
        if not caller.scopes & set(ACL_SCOPES):
            raise errors.access_denied("organizationAcls.FINDER-roleAssignee")
        elements = [
            {"roleAssignee": caller.urn, "role": held, "state": "APPROVED",
             "organization": organization.urn}
            for organization in self.organizations.values()
            for member, held in organization.roles.items()
            if member == caller.member and role in (None, held) and state in (None, "APPROVED")]
        return {"elements": elements,
                "paging": {"start": 0, "count": len(elements), "links": []}}

    def _check_write_author(self, caller: Caller, author: str, action: str) -> None:
        """403 for a missing scope, 403 [/author] for an author the member cannot act as."""
        is_person = author.startswith("urn:li:person:")
        scope = "w_member_social" if is_person else "w_organization_social"
        if is_person and author != caller.urn:
            raise errors.author_forbidden()
        if scope not in caller.scopes:
            raise errors.access_denied(f"partnerApiPostsExternal.{action}")
        if not is_person and self.role(caller.member, author) not in POSTING_ROLES:
            raise errors.author_forbidden()

    # ---- names the feed shows

    def mention_shows_as_link(self, name: str, urn: str) -> bool:
        """Organizations by full name; members by first, last or full name; case-sensitive."""
        parts = urn_parts(urn)
        if parts is None:
            return False
        if parts[0] == "organization":
            organization = self.organizations.get(parts[1])
            return organization is not None and organization.name == name
        member = self.members.get(parts[1])
        return member is not None and name in (member.name, member.given_name,
                                                member.family_name)

    def display_name(self, urn: str) -> str:
        parts = urn_parts(urn) or ("", "")
        if parts[0] == "organization" and parts[1] in self.organizations:
            return self.organizations[parts[1]].name
        if parts[0] == "person" and parts[1] in self.members:
            return self.members[parts[1]].name
        return urn

    def _need_any(self, caller: Caller, scopes: tuple[str, ...], resource: str) -> None:
        if not caller.scopes & set(scopes):
            raise errors.access_denied(resource)


def _products(value: Any) -> list[str] | None:
    """An app's products, checked as the Developer Portal checks them."""
    if value is None:
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(p, str) and p in PRODUCTS for p in value)):
        raise ControlError(f"products must be a non-empty list of {', '.join(PRODUCTS)}, "
                           f"found {value!r}")
    products = list(dict.fromkeys(value))
    if ONLY_PRODUCT in products and len(products) > 1:
        raise ControlError(
            "The Community Management API requires that it be the only product on the "
            "application: an app with community_management cannot also have "
            f"{', '.join(p for p in products if p != ONLY_PRODUCT)}; make a second app")
    return products


def _refresh(spec: Mapping[str, Any], products: list[str]) -> bool:
    """Programmatic refresh tokens come with the Community Management API only."""
    wanted = spec.get("refresh")
    if wanted and ONLY_PRODUCT not in products:
        raise ControlError("only apps with the community_management product get refresh "
                           "tokens; leave refresh out for this app")
    return ONLY_PRODUCT in products if wanted is None else bool(wanted)


