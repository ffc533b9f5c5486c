"""A complaints desk (real processes, forms and people) behind the staff pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.paths import Desk
from tests.support.staff_pages import with_password


@pytest.fixture
def desk(service, clock):
    desk = Desk(service, clock)
    with_password(desk, "hana", "sam", "sia")
    return desk
