"""Browser tests skip with the reason when Chromium or node_modules is missing, and fail under CI=true."""

from __future__ import annotations

import pytest

from tests.support.browser import require


def test_a_missing_piece_skips_with_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="missing: run `make chromium`"):
        require(tmp_path / "chromium", "run `make chromium`")


def test_a_missing_piece_fails_under_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="node_modules is missing"):
        require(tmp_path / "node_modules", "run `make node_modules`")
