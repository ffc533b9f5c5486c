"""Everyone's own settings: the language of the pages, and their password.

The chosen language is remembered on the account (it follows the person to any browser) and put in the
language cookie when chosen or at sign-in, so the switcher on every page still overrides it for a while.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.core.errors import FormInvalid
from engine.identity.users import change_password, set_language
from webapp.api.context import service
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, current_language_choice, remember_language, signed_in
from webapp.web import i18n
from webapp.web.engine_messages import translated_errors


@blueprint.route("/settings", methods=["GET", "POST"])
@signed_in
def settings():
    errors: dict = {}
    chosen = current_language_choice()
    if request.method == "POST":
        chosen = request.form.get("language") or None
        try:
            with service().db.write() as session:
                set_language(session, actor().username, chosen, i18n.LANGUAGES)
        except FormInvalid as exc:
            errors = translated_errors(exc.errors)
        else:
            flash(_("Your settings are saved."), "success")
            return remember_language(redirect(url_for("staff.settings"), code=303), chosen)
    body = render_template("staff/settings.html", chosen=chosen, errors=errors)
    return body, (422 if errors else 200)


@blueprint.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    errors: dict = {}
    if request.method == "POST":
        try:
            with service().db.write() as session:
                change_password(
                    session,
                    actor().username,
                    request.form.get("current", ""),
                    request.form.get("new", ""),
                    request.form.get("repeated", ""),
                )
        except FormInvalid as exc:
            errors = translated_errors(exc.errors)
        else:
            flash(_("Your password is changed. Use the new one next time you sign in."), "success")
            return redirect(url_for("staff.settings"), code=303)
    body = render_template("staff/password.html", errors=errors)
    return body, (422 if errors else 200)
