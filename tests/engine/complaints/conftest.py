"""The real complaint process deployed on the test database, and tracking settings with a test key."""

from __future__ import annotations

import pytest

from engine.complaints.settings import TrackingSettings
from tests.support.paths import Desk
from tests.support.tracking import settings


@pytest.fixture
def desk(service, clock) -> Desk:
    return Desk(service, clock)


@pytest.fixture
def tracking() -> TrackingSettings:
    return settings()
