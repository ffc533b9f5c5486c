"""For tests of the fast path's own mechanics, which have nothing to test when REDRESSAL_FAST_PATH=off."""

from __future__ import annotations

import pytest

from engine.core import fast_path

fast_path_only = pytest.mark.skipif(not fast_path.ON, reason="tests the fast path itself, which is off")
