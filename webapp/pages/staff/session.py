"""Signed-in staff: Flask-Login keeps the username in the session cookie; each request reloads the actor.

Reloading means a deactivated user or a changed group takes effect on the next click, not at the next
sign-in. Sessions end after REDRESSAL_STAFF_SESSION_HOURS, or when the person signs out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from werkzeug.wrappers import Response

from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.identity.users import signed_in_user
from webapp.api.context import service
from webapp.web import i18n

login_manager = LoginManager()


class StaffUser(UserMixin):
    """The Flask-Login face of an engine Actor."""

    def __init__(self, actor: Actor, language: str | None = None) -> None:
        self.actor = actor
        self.language = language  # the pages' language the person chose, if any

    def get_id(self) -> str:
        return self.actor.username


@login_manager.user_loader
def _load(username: str) -> StaffUser | None:
    try:
        with service().db.read() as session:
            return StaffUser(*signed_in_user(session, username))
    except NotFound:
        return None  # deactivated or removed since signing in: the session ends


def actor() -> Actor:
    """The signed-in actor (views decorated with `signed_in` only)."""
    return current_user.actor


def remember_language(response: Response, tag: str | None) -> Response:
    """Pages in the chosen language from the next one on (no choice: the browser's, so the cookie goes)."""
    if tag is None:
        response.delete_cookie(i18n.COOKIE)
    else:
        response.set_cookie(
            i18n.COOKIE,
            tag,
            max_age=i18n.COOKIE_AGE,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def current_language_choice() -> str | None:
    """The language the signed-in person chose in their settings (None: their browser's)."""
    return current_user.language if current_user.is_authenticated else None


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only for signed-in people; others go to the sign-in page and come back afterwards."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
        g.actor = current_user.actor
        return view(*args, **kwargs)

    return wrapper


def _user_language() -> None:
    """Staff pages speak the signed-in person's language (webapp.web.i18n.current reads g.user_lang)."""
    if request.path.startswith("/staff/") and current_user.is_authenticated:
        g.user_lang = current_user.language


def init(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_user_language)
    login_manager.session_protection = "basic"
    hours = int(app.config.get("REDRESSAL_STAFF_SESSION_HOURS", 8))
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=hours)
    app.config.setdefault("REMEMBER_COOKIE_DURATION", dt.timedelta(hours=hours))
