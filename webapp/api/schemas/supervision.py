"""Supervisors: breaches and near breaches, workload, reassignments, staff named as involved."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import Strict, Text


class AlertArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    near_hours = fields.Float(
        validate=validate.Range(min=0, max=24 * 366),
        metadata={"description": "how close to due counts as near (default REDRESSAL_NEAR_BREACH_HOURS, 24)"},
    )
    group = Text(validate=validate.Length(min=1, max=80))


class Alert(ma.Schema):
    case = fields.String(attribute="reference")
    process_id = fields.String()
    case_status = fields.String(attribute="status")
    stage = fields.String(allow_none=True)
    deadline = fields.String()
    due_at = fields.DateTime()
    regulatory = fields.Boolean()
    state = fields.String(metadata={"enum": ["breached", "near"]})
    seconds_left = fields.Float()
    task_id = fields.String(allow_none=True)
    task_name = fields.String(allow_none=True)
    group = fields.String(allow_none=True, attribute="group_id")
    assignee = fields.String(allow_none=True)


class AlertList(ma.Schema):
    items = fields.List(fields.Nested(Alert), required=True)


class WorkloadArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    group = Text(validate=validate.Length(min=1, max=80))


class WorkloadRow(ma.Schema):
    key = fields.String(metadata={"description": "the username or the group id"})
    open = fields.Integer()
    overdue = fields.Integer()
    claimed = fields.Integer()


class WorkloadOut(ma.Schema):
    handlers = fields.List(fields.Nested(WorkloadRow), required=True)
    groups = fields.List(fields.Nested(WorkloadRow), required=True)


class ReassignmentOut(ma.Schema):
    case = fields.String(attribute="reference")
    task_id = fields.String(allow_none=True)
    element = fields.String(allow_none=True)
    action = fields.String(metadata={"enum": ["assign", "send_back"]})
    actor = fields.String()
    at = fields.DateTime()
    from_user = fields.String(allow_none=True)
    to = fields.String(allow_none=True, attribute="to_user")
    reason = fields.String()


class ReassignmentList(ma.Schema):
    items = fields.List(fields.Nested(ReassignmentOut), required=True)


class InvolvedIn(Strict):
    username = Text(required=True, validate=validate.Length(min=1, max=80))
    note = Text(required=True, validate=validate.Length(min=1, max=400))


class InvolvedOut(ma.Schema):
    username = fields.String()
    display_name = fields.String()
    source = fields.String(metadata={"enum": ["complaint", "recorded"]})
    note = fields.String()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()
    reason = fields.String()


class InvolvedList(ma.Schema):
    items = fields.List(fields.Nested(InvolvedOut), required=True)


class Withdrawal(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))
