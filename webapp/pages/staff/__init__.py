"""Pages for staff and dispute-resolution providers: sign in, then the pages of their working day.

Every view asks the one access policy (engine.access.policy) with the signed-in actor, exactly as the API
does, so a page and the API never disagree about who may do what.
"""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("staff", __name__, url_prefix="/staff")

from webapp.pages.staff import home, sign_in  # noqa: E402,F401  (views register on the blueprint)
