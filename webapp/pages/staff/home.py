"""Where signing in lands: the inbox for casework, the provider's cases for providers."""

from __future__ import annotations

from flask import render_template

from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in


@blueprint.get("/")
@signed_in
def home():
    return render_template("staff/home.html", me=actor())
