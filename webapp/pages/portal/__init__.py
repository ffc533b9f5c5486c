"""The complainant portal: how to complain, complain, and track a complaint, with no account and no login.

ISO 10002 clauses 4 and 7.1 ask that complaining be easy, visible and accessible; these pages are that door.
"""

from __future__ import annotations

from webapp.pages.portal import complain, how, track  # noqa: F401  (views register on the blueprint)
from webapp.pages.portal.blueprint import blueprint

__all__ = ["blueprint"]
