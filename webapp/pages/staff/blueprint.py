"""The `staff` blueprint, in a module of its own so that views import it without importing their package."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("staff", __name__, url_prefix="/staff")
