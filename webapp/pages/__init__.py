"""The HTML pages, one package per audience: `portal` for complainants, `staff` for staff and providers."""

from __future__ import annotations

from flask import Flask


def init_pages(app: Flask) -> None:
    from webapp.pages.portal import blueprint as portal
    from webapp.pages.staff import blueprint as staff
    from webapp.pages.staff import session

    app.register_blueprint(portal)
    app.register_blueprint(staff)
    session.init(app)
