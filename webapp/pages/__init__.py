"""The HTML pages, one package per audience: `portal` for complainants (no login); staff pages follow."""

from __future__ import annotations

from flask import Flask


def init_pages(app: Flask) -> None:
    from webapp.pages.portal import blueprint as portal

    app.register_blueprint(portal)
