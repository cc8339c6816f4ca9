"""``/rest/images|videos|documents`` and the upload and download URLs they hand out."""

from __future__ import annotations

from werkzeug.wrappers import Response

from publisher.sandbox import errors
from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers.call import Call, batch, body, expect_method, string
from publisher.sandbox.handlers.responses import json_response

COLLECTION_KIND = {"images": "image", "videos": "video", "documents": "document"}


def media_collection(backend: Backend, call: Call) -> Response:
    kind = COLLECTION_KIND[call.args["collection"]]
    if call.method == "GET":
        expect_method(call, "BATCH_GET", required=True)
        return json_response(200, batch(call, lambda urn: backend.get_media(
            call.who, kind, urn, call.base_url)))
    expect_method(call, "ACTION")
    action = string(call, "action")
    if action == "initializeUpload":
        value = backend.initialize_upload(call.who, kind, body(call.request), call.base_url)
        return json_response(200, {"value": value})
    if action == "finalizeUpload" and kind == "video":
        backend.finalize_video(call.who, body(call.request))
        return Response(status=200)
    raise errors.param_invalid(f"unknown action {action!r} on /rest/{call.args['collection']}")


def media(backend: Backend, call: Call) -> Response:
    assert call.key is not None
    expect_method(call, "GET")
    kind = COLLECTION_KIND[call.args["collection"]]
    return json_response(200, backend.get_media(call.who, kind, call.key, call.base_url))


def put(backend: Backend, call: Call) -> Response:
    signature = call.request.args.get("ut", "")
    headers = backend.receive_upload(str(call.args["asset"]), int(call.args["part"]),
                                     signature, call.request.get_data())
    # Images and documents answer 201; video parts 200 with the part's ETag (7.2).
    return Response(status=200 if headers else 201, headers=headers)


def download(backend: Backend, call: Call) -> Response:
    data = backend.download(str(call.args["kind"]), str(call.args["asset"]))
    return Response(data, status=200, content_type="application/octet-stream")


def thumbnail_put(backend: Backend, call: Call) -> Response:
    return _video_file(backend, call, "thumbnail")


def captions_put(backend: Backend, call: Call) -> Response:
    return _video_file(backend, call, "captions")


def _video_file(backend: Backend, call: Call, name: str) -> Response:
    backend.receive_video_file(str(call.args["asset"]), name, call.request.args.get("ut", ""),
                               call.request.get_data())
    return Response(status=201)             # as an image upload answers


def thumbnail(backend: Backend, call: Call) -> Response:
    data, content_type = backend.download_thumbnail(str(call.args["asset"]))
    return Response(data, status=200, content_type=content_type)
