"""Signing in for a bearer token."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import Strict, Text


class Credentials(Strict):
    username = Text(required=True, validate=validate.Length(min=1, max=80))
    password = Text(required=True, validate=validate.Length(min=1, max=1000))


class TokenOut(ma.Schema):
    token = fields.String(required=True)
    token_type = fields.String(dump_default="Bearer")
    expires_at = fields.DateTime(required=True)
