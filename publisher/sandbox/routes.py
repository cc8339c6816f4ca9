"""The URL map: which path and method reach which handler.

Endpoints are grouped by the checks they get before the handler runs:

* ``rest.*``     LinkedIn-Version, X-Restli-Protocol-Version, Bearer token, daily quotas
* ``v2.*``       Bearer token and daily quotas only (unversioned)
* ``oauth.*``    OAuth form endpoints, no token
* ``upload.*``   the upload URLs initializeUpload hands out, the download URLs GET shows
* ``control.*``  the sandbox's own /_sandbox/ routes, no token, never faulted or counted
"""

from __future__ import annotations

from werkzeug.routing import Map, Rule

MEDIA = "<any(images, videos, documents):collection>"

URL_MAP = Map([
    Rule("/oauth/v2/authorization", endpoint="oauth.authorization", methods=["GET", "POST"]),
    Rule("/oauth/v2/accessToken", endpoint="oauth.access_token", methods=["POST"]),
    Rule("/oauth/v2/introspectToken", endpoint="oauth.introspect", methods=["POST"]),

    Rule("/v2/userinfo", endpoint="v2.userinfo", methods=["GET"]),

    Rule("/rest/posts", endpoint="rest.posts", methods=["GET", "POST"]),
    Rule("/rest/posts/<key>", endpoint="rest.post", methods=["GET", "POST", "DELETE"]),
    Rule(f"/rest/{MEDIA}", endpoint="rest.media_collection", methods=["GET", "POST"]),
    Rule(f"/rest/{MEDIA}/<key>", endpoint="rest.media", methods=["GET"]),
    Rule("/rest/socialActions", endpoint="rest.social_actions_batch", methods=["GET"]),
    Rule("/rest/socialActions/<key>", endpoint="rest.social_actions", methods=["GET"]),
    Rule("/rest/socialActions/<key>/comments", endpoint="rest.comments",
         methods=["GET", "POST"]),
    Rule("/rest/socialMetadata", endpoint="rest.social_metadata_batch", methods=["GET"]),
    Rule("/rest/socialMetadata/<key>", endpoint="rest.social_metadata", methods=["GET"]),
    Rule("/rest/organizationalEntityShareStatistics", endpoint="rest.share_statistics",
         methods=["GET"]),
    Rule("/rest/memberCreatorPostAnalytics", endpoint="rest.member_post_analytics",
         methods=["GET"]),
    Rule("/rest/organizationAcls", endpoint="rest.organization_acls", methods=["GET"]),

    Rule("/dms-uploads/<asset>/<kind>/<int:part>", endpoint="upload.put", methods=["PUT"]),
    Rule("/dms-uploads/<asset>/uploadedThumbnail", endpoint="upload.thumbnail_put",
         methods=["PUT"]),
    Rule("/dms-uploads/<asset>/uploadedCaptions", endpoint="upload.captions_put",
         methods=["PUT"]),
    Rule("/dms/<kind>/<asset>", endpoint="upload.download", methods=["GET"]),
    Rule("/dms/video/<asset>/thumbnail", endpoint="upload.thumbnail", methods=["GET"]),

    Rule("/_sandbox/reset", endpoint="control.reset", methods=["POST"]),
    Rule("/_sandbox/members", endpoint="control.members", methods=["POST"]),
    Rule("/_sandbox/organizations", endpoint="control.organizations", methods=["POST"]),
    Rule("/_sandbox/apps", endpoint="control.apps", methods=["POST"]),
    Rule("/_sandbox/tokens", endpoint="control.tokens", methods=["POST"]),
    Rule("/_sandbox/tokens/revoke", endpoint="control.revoke", methods=["POST"]),
    Rule("/_sandbox/authorize", endpoint="control.authorize", methods=["POST"]),
    Rule("/_sandbox/clock", endpoint="control.clock", methods=["GET", "POST"]),
    Rule("/_sandbox/faults", endpoint="control.faults", methods=["GET", "POST", "DELETE"]),
    Rule("/_sandbox/config", endpoint="control.config", methods=["GET", "POST"]),
    Rule("/_sandbox/state", endpoint="control.state", methods=["GET"]),
    Rule("/_sandbox/feed", endpoint="control.feed", methods=["GET"]),
], strict_slashes=False)


def route_name(rule: str) -> str:
    """``/rest/posts/<key>`` -> ``/rest/posts/{key}``, the name request counts are kept under."""
    for old, new in (("<key>", "{key}"), (MEDIA, "{collection}"), ("<asset>", "{asset}"),
                     ("<kind>", "{kind}"), ("<int:part>", "{part}")):
        rule = rule.replace(old, new)
    return rule
