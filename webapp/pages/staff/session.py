"""Signed-in staff: Flask-Login keeps the username in the session cookie; each request reloads the actor.

Reloading means a deactivated user or a changed group takes effect on the next click, not at the next
sign-in. Sessions end after REDRESSAL_STAFF_SESSION_HOURS, or when the person signs out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user

from engine.core.actors import Actor
from engine.core.errors import NotFound
from engine.identity.users import load_actor
from webapp.api.context import service

login_manager = LoginManager()


class StaffUser(UserMixin):
    """The Flask-Login face of an engine Actor."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def get_id(self) -> str:
        return self.actor.username


@login_manager.user_loader
def _load(username: str) -> StaffUser | None:
    try:
        with service().db.read() as session:
            return StaffUser(load_actor(session, username))
    except NotFound:
        return None  # deactivated or removed since signing in: the session ends


def actor() -> Actor:
    """The signed-in actor (views decorated with `signed_in` only)."""
    return current_user.actor


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only for signed-in people; others go to the sign-in page and come back afterwards."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
        g.actor = current_user.actor
        return view(*args, **kwargs)

    return wrapper


def init(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    hours = int(app.config.get("REDRESSAL_STAFF_SESSION_HOURS", 8))
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=hours)
    app.config.setdefault("REMEMBER_COOKIE_DURATION", dt.timedelta(hours=hours))
