"""Cases for staff: start, list, detail, messages, attachments."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.casework import CaseLinkOut, RestrictionOut
from webapp.api.schemas.common import PageArgs, Strict, Text, page_of
from webapp.api.schemas.deadlines import DeemedOutcome, ExtensionRecord
from webapp.api.schemas.incidents import IncidentOut

STATUSES = ("open", "awaiting_complainant", "escalated", "closed", "withdrawn")


class StartCase(Strict):
    process_id = Text(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class CaseFilters(PageArgs):
    status = Text(validate=validate.OneOf(STATUSES))
    stage = Text(validate=validate.Length(max=80))
    group = Text(validate=validate.Length(max=80))
    assignee = Text(validate=validate.Length(max=80), metadata={"description": "a username, or `me`"})
    overdue = fields.Boolean()
    text = Text(validate=validate.Length(min=1, max=200), metadata={"description": "reference or summary"})
    process_id = Text(validate=validate.Length(max=200))


class CaseListItem(ma.Schema):
    reference = fields.String(required=True)
    process_id = fields.String()
    status = fields.String()
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    summary = fields.Dict()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


CasePage = page_of(CaseListItem, "CasePage")


class OpenTask(ma.Schema):
    id = fields.String(required=True)
    name = fields.String()
    bpmn_id = fields.String()
    form = fields.String(allow_none=True, attribute="form_id")
    group = fields.String(allow_none=True, attribute="group_id")
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class PendingTimer(ma.Schema):
    id = fields.String()
    bpmn_id = fields.String()
    due_at = fields.DateTime()
    interrupting = fields.Boolean()


class LinkedCase(ma.Schema):
    reference = fields.String(required=True)
    process_id = fields.String()
    status = fields.String()
    relation = fields.String(metadata={"enum": ["parent", "child"]})


class AttachmentOut(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class HistoryEvent(ma.Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    task_id = fields.String(allow_none=True)
    element = fields.String(allow_none=True)
    status_before = fields.String(allow_none=True)
    status_after = fields.String(allow_none=True)
    detail = fields.Raw()
    hash = fields.String()


class CaseDetail(ma.Schema):
    incidents = fields.List(
        fields.Nested(IncidentOut), metadata={"description": "timer firings that failed every retry"}
    )
    reference = fields.String(required=True)
    status = fields.String(required=True)
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    process_id = fields.String()
    process_version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    data = fields.Dict()
    waiting_for = fields.List(fields.String(), metadata={"description": "messages the case waits for now"})
    tasks = fields.List(fields.Nested(OpenTask))
    timers = fields.List(fields.Nested(PendingTimer))
    linked_cases = fields.List(fields.Nested(LinkedCase))
    case_links = fields.List(
        fields.Nested(CaseLinkOut), metadata={"description": "cases merged into or reopened from this one"}
    )
    contact_restrictions = fields.List(
        fields.Nested(RestrictionOut),
        metadata={"description": "restrictions of contact with the complainant"},
    )
    attachments = fields.List(fields.Nested(AttachmentOut))
    history = fields.List(fields.Nested(HistoryEvent))
    deemed_outcome = fields.Nested(
        DeemedOutcome,
        allow_none=True,
        metadata={"description": "the outcome a deadline's breach decided (deemed accepted), if any"},
    )
    deadline_extensions = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(ExtensionRecord)),
        metadata={"description": "extensions taken, per deadline name"},
    )


class CaseMessage(Strict):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    payload = fields.Dict(keys=fields.String(), load_default=dict)


class Upload(ma.Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
