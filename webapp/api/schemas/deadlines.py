"""Deadline extensions: the decision staff send, and what the case's deadline became."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import Strict, Text


class ExtensionIn(Strict):
    reason = Text(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "why the deadline is extended; the complainant's letter gives it"},
    )
    to_establish = Text(
        validate=validate.Length(max=2000),
        metadata={"description": "what must still be established (required where the profile says so)"},
    )
    approved_by = Text(
        validate=validate.Length(max=80),
        metadata={
            "description": "username of the supervisor who agreed, where the profile needs a second approver"
        },
    )


class ExtensionRecord(ma.Schema):
    by = fields.String(metadata={"description": "the duration added, as the profile stated it"})
    at = fields.String()
    decided_by = fields.String()
    approved_by = fields.String(allow_none=True)
    reason = fields.String()
    to_establish = fields.String(allow_none=True)
    previous_due = fields.String()
    due = fields.String()
    rule = fields.String(allow_none=True)


class ExtensionOut(ma.Schema):
    reference = fields.String(required=True)
    deadline = fields.String(required=True)
    previous_due_at = fields.DateTime()
    due_at = fields.DateTime()
    extensions_taken = fields.Integer()
    extensions_allowed = fields.Integer()
    extension = fields.Nested(ExtensionRecord)


class DeemedOutcome(ma.Schema):
    outcome = fields.String()
    rule = fields.String()
    deadline = fields.String()
    profile = fields.String()
    at = fields.String()
    note = fields.String(allow_none=True)
