"""Pages for staff and dispute-resolution providers: sign in, then the pages of their working day.

Every view asks the one access policy (engine.access.policy) with the signed-in actor, exactly as the API
does, so a page and the API never disagree about who may do what.
"""

from __future__ import annotations

from webapp.pages.staff import (  # noqa: F401  (views register on the blueprint)
    cases,
    complaints,
    home,
    inbox,
    links,
    settings,
    sign_in,
    tasks,
)
from webapp.pages.staff.blueprint import blueprint

__all__ = ["blueprint"]
