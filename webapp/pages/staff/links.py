"""Links between staff pages that other slices own.

The case page (endpoint `staff.case`) is built apart from the inbox; until it is registered, links still
point at its agreed address so every page renders.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for
from werkzeug.routing import BuildError

from webapp.pages.staff.blueprint import blueprint


@blueprint.app_template_global()
def case_url(reference: str) -> str:
    """The staff page of a case, `/staff/cases/<reference>`."""
    try:
        return url_for("staff.case", reference=reference)
    except BuildError:
        return "/staff/cases/" + quote(reference, safe="")
