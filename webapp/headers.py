"""Security headers on every response, whichever blueprint, error handler or static route made it.

Browsers guess types, leak addresses in referrers, frame pages and cache what they are shown; case pages and
API answers carry complainants' personal data, so none of that may happen to them.
"""

from __future__ import annotations

from flask import Flask, Response

HEADERS = {
    # Never guess a type from the content: an uploaded file is served as what was recorded, nothing else.
    "X-Content-Type-Options": "nosniff",
    # References and tracking links in addresses never travel to another site.
    "Referrer-Policy": "no-referrer",
    # No page of ours inside someone else's frame (clickjacking); the CSP form for current browsers.
    "X-Frame-Options": "DENY",
}
FRAME_ANCESTORS = "frame-ancestors 'none'"


def secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    csp = response.headers.get("Content-Security-Policy")
    if csp is None:
        response.headers["Content-Security-Policy"] = FRAME_ANCESTORS
    elif "frame-ancestors" not in csp:
        response.headers["Content-Security-Policy"] = f"{csp.rstrip('; ')}; {FRAME_ANCESTORS}"
    # Answers are personal data unless a route says otherwise (static files set their own caching).
    if not response.cache_control:
        response.cache_control.no_store = True
    return response


def init_headers(app: Flask) -> None:
    app.after_request(secure)
