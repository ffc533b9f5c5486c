"""Sending an attachment back: always as a download, as the type recorded at upload, never cached."""

from __future__ import annotations

import io

from flask import Response, send_file

from engine.cases.read_models import AttachmentItem

# The OpenAPI answer of a download endpoint.
FILE_RESPONSE = {
    "200": {
        "description": "The file, as a download, with the media type recorded at upload",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def file_response(description: AttachmentItem, content: bytes) -> Response:
    """`Content-Disposition: attachment` so a browser never renders it in our origin (an HTML or SVG file
    would run there), the recorded type with `nosniff` so it is never guessed, and a sandboxing CSP for
    anyone who opens the address directly."""
    response = send_file(
        io.BytesIO(content),
        mimetype=description.media_type,
        as_attachment=True,
        download_name=description.name,
        etag=False,
        conditional=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response.cache_control.no_store = True
    response.cache_control.private = True
    response.cache_control.public = False
    response.cache_control.max_age = None
    return response
