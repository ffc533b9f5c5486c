"""Incidents: timer firings that failed every retry, parked for an administrator."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import PageArgs, Strict, Text, page_of

INCIDENT_STATUSES = ("open", "retried", "dismissed")


class IncidentOut(ma.Schema):
    id = fields.Integer(required=True)
    case_reference = fields.String(required=True)
    kind = fields.String(metadata={"enum": ["timer", "message"]})
    element = fields.String(allow_none=True, metadata={"description": "the BPMN element that failed"})
    error = fields.String(metadata={"description": "the error of the last try, as a person reads it"})
    attempts = fields.Integer()
    status = fields.String(metadata={"enum": list(INCIDENT_STATUSES)})
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "why it was dismissed"})


class IncidentFilters(PageArgs):
    status = Text(
        load_default="open",
        validate=validate.OneOf((*INCIDENT_STATUSES, "all")),
        metadata={"description": "open (default), retried, dismissed or all"},
    )


class Dismissal(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))


IncidentPage = page_of(IncidentOut, "IncidentPage")
