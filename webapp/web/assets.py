"""Front-end packages served straight from node_modules (installed from package-lock.json, never committed).

Only the folders in `VENDOR` are reachable, and `send_from_directory` refuses paths that climb out of them.
The organisation's colours become CSS custom properties at /theme.css, so no style is inline (strict CSP).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, abort, current_app, send_from_directory

NODE_MODULES = Path(
    os.environ.get("REDRESSAL_NODE_MODULES") or Path(__file__).resolve().parents[2] / "node_modules"
)
# name in the URL -> folder under node_modules
VENDOR = {
    "htmx": "htmx.org/dist",
    "vazirmatn": "@fontsource/vazirmatn",
    "form-js": "@bpmn-io/form-js/dist",
    "bpmn-js": "bpmn-js/dist",
}
MAX_AGE = 7 * 24 * 3600


def vendor(package: str, filename: str) -> Response:
    folder = VENDOR.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(NODE_MODULES / folder, filename, max_age=MAX_AGE)


def theme() -> Response:
    org = current_app.extensions["redressal.organisation"]
    lines = [f"  --{name.replace('_', '-')}: {value};" for name, value in org.colours.items()]
    response = Response(":root {\n" + "\n".join(lines) + "\n}\n", mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def init(app: Flask) -> None:
    app.add_url_rule("/assets/<package>/<path:filename>", "vendor", vendor)
    app.add_url_rule("/theme.css", "theme", theme)
