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
