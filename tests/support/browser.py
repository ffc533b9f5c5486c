"""Browser tests' set-up: Debian's Chromium driven by Playwright, and a local server for static pages.

Browser tests need /usr/bin/chromium (`make chromium`) and node_modules (`make node_modules`). Without them
they are skipped with the reason, except under CI=true, where a missing piece fails the run instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = ROOT / "node_modules"
SCREENSHOTS = ROOT / "var" / "screenshots"
HARNESS = Path(__file__).resolve().parent / "harness"


def require(path: Path, how: str) -> None:
    """Skip (or, under CI=true, fail) when a piece the browser tests need is missing."""
    if path.exists():
        return
    reason = f"{path} is missing: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def require_browser_stack() -> None:
    require(CHROMIUM, "run `make chromium` (apt-get install chromium)")
    require(
        NODE_MODULES / "@bpmn-io" / "form-js" / "dist", "run `make node_modules` (npm ci --ignore-scripts)"
    )
    try:
        import playwright  # noqa: F401
    except ImportError:
        require(Path("/nonexistent/playwright"), "install the [dev] extra (pip install -e '.[dev]')")


class _StaticFiles(http.server.SimpleHTTPRequestHandler):
    """Serves /harness/ from tests/support/harness and /node_modules/ from the repository's node_modules."""

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in (("/harness/", HARNESS), ("/node_modules/", NODE_MODULES)):
            if clean.startswith(prefix):
                target = (folder / clean[len(prefix) :]).resolve()
                if target.is_relative_to(folder.resolve()):
                    return str(target)
        return str(HARNESS / "missing")

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass


@contextmanager
def static_server() -> Iterator[str]:
    """A local HTTP server on a free port for the harness pages; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_StaticFiles))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def live_site(database_url: str, clock: object, folder: Path, **config: object) -> Iterator[str]:
    """The web application on a free local port in a daemon thread; yields its base URL.

    `localhost` rather than 127.0.0.1: browsers count it as a secure context, so the Secure cookies the
    application sets in production are kept here too.
    """
    from werkzeug.serving import make_server

    from webapp import create_app

    app = create_app(
        {
            "REDRESSAL_DATABASE_URL": database_url,
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
            "REDRESSAL_ATTACHMENTS_DIR": str(folder / "attachments"),
            "SECRET_KEY": "browser-tests",
            "REDRESSAL_DEFAULT_JURISDICTION": "GB-ENG",
            **config,
        }
    )
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["redressal"].db.dispose()


def shoot(page: object, name: str) -> Path:
    """A full-page screenshot in var/screenshots (the README shows the main ones)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def serious_violations(page: object) -> list[str]:
    """axe-core's serious and critical WCAG violations on the page, each as 'rule: target'."""
    page.evaluate((NODE_MODULES / "axe-core" / "axe.min.js").read_text())  # type: ignore[attr-defined]
    found = page.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations'], runOnly: "
        "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
