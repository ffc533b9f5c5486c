"""Where signing in lands: the inbox for casework, a welcome page for read-only roles."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in


@blueprint.get("/")
@signed_in
def home():
    me = actor()
    if me.does_casework:
        return redirect(url_for("staff.inbox"))
    return render_template("staff/home.html", me=me)
