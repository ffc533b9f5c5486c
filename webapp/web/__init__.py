"""What every HTML page stands on: languages, CSRF, the content security policy, assets and the layout's data.

The API (`webapp.api`) answers machines; everything here serves people with a browser. Pages are rendered on
the server and work without JavaScript; htmx only improves them.
"""

from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    from webapp.web import assets, csp, i18n, layout, protection

    protection.init(app)
    i18n.init(app)
    assets.init(app)
    layout.init(app)
    csp.init(app)
