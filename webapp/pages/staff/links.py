"""Links between staff pages: one template function per page that other pages link to."""

from __future__ import annotations

from flask import url_for

from webapp.pages.staff.blueprint import blueprint


@blueprint.app_template_global()
def case_url(reference: str) -> str:
    """The staff page of a case, `/staff/cases/<reference>`."""
    return url_for("staff.case", reference=reference)
