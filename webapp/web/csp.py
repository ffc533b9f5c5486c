"""A strict Content-Security-Policy on every HTML page: scripts, styles and fonts from this site only.

No inline script and no inline style anywhere; htmx is told not to inject its indicator styles (a meta tag in
the layout), and the organisation's colours come from /theme.css.
"""

from __future__ import annotations

from flask import Flask, Response

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)


def apply(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = POLICY
    return response


def init(app: Flask) -> None:
    app.after_request(apply)
