"""The dispatch table: every endpoint of ``routes.URL_MAP`` and the function that serves it.

An endpoint the map knows and this table does not is answered 404 by the router, as a path
no rule matches; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.wrappers import Response

from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers import analytics, control, identity, oauth, posts, social, uploads
from publisher.sandbox.handlers.call import Call
from publisher.sandbox.handlers.control import ControlHandler, action

ApiHandler = Callable[[Backend, Call], Response]

# Endpoints of the API families (oauth, v2, rest, upload): gateway checks, faults, counts.
API: dict[str, ApiHandler] = {
    "oauth.authorization": oauth.authorization,
    "oauth.access_token": oauth.access_token,
    "oauth.introspect": oauth.introspect,
    "v2.userinfo": identity.userinfo,
    "rest.organization_acls": identity.organization_acls,
    "rest.posts": posts.posts,
    "rest.post": posts.post,
    "rest.media_collection": uploads.media_collection,
    "rest.media": uploads.media,
    "upload.put": uploads.put,
    "upload.thumbnail_put": uploads.thumbnail_put,
    "upload.captions_put": uploads.captions_put,
    "upload.download": uploads.download,
    "upload.thumbnail": uploads.thumbnail,
    "rest.social_actions": social.social_actions,
    "rest.social_actions_batch": social.social_actions_batch,
    "rest.social_metadata": social.social_metadata,
    "rest.social_metadata_batch": social.social_metadata_batch,
    "rest.comments": social.comments,
    "rest.share_statistics": analytics.share_statistics,
    "rest.member_post_analytics": analytics.member_post_analytics,
}

# The sandbox's own routes: no token, no faults, not counted; run under the lock.
CONTROL: dict[str, ControlHandler] = {
    "control.reset": action(control.reset),
    "control.members": action(control.members),
    "control.organizations": action(control.organizations),
    "control.apps": action(control.apps),
    "control.tokens": action(control.tokens),
    "control.revoke": action(control.revoke),
    "control.authorize": action(control.authorize),
    "control.clock": action(control.clock),
    "control.faults": action(control.faults),
    "control.config": action(control.config),
    "control.state": action(control.state),
    "control.feed": control.feed,
}
