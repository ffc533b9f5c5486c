"""Sign in and out. Wrong names and wrong passwords get the same answer; attempts are rate-limited."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from engine.identity.users import authenticate, signed_in_user
from webapp.api import limits
from webapp.api.context import service
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import StaffUser, remember_language, signed_in


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target:
        return url_for("staff.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("staff.home")
    return target


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limits.limiter.limit(limits.sign_in_limit, methods=["POST"])
def sign_in():
    typed = {"username": request.form.get("username", "").strip()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if not typed["username"]:
            errors["username"] = [_("Enter your username.")]
        if not password:
            errors["password"] = [_("Enter your password.")]
        if not errors:
            with service().db.read() as db_session:
                actor = authenticate(db_session, typed["username"], password)
                language = signed_in_user(db_session, actor.username)[1] if actor else None
            if actor is None:
                errors["_form"] = [_("The username or password is not right.")]
            else:
                session.clear()  # a fresh session (and CSRF token) for the signed-in person
                session.permanent = True
                login_user(StaffUser(actor, language))
                answer = redirect(_safe_next(request.args.get("next")), code=303)
                # The language the person chose wins at sign-in; the switcher overrides it afterwards.
                return remember_language(answer, language) if language else answer
    body = render_template("staff/sign_in.html", typed=typed, errors=errors)
    return body, (422 if errors else 200)


@blueprint.post("/sign-out")
@signed_in
def sign_out():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.sign_in"), code=303)
