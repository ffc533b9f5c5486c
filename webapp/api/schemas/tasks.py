"""Tasks: the inbox, one task with its form, and the actions on it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import PageArgs, Strict, Text, page_of


class TaskFilters(PageArgs):
    assignee = Text(validate=validate.OneOf(["me"]), metadata={"description": "only tasks you hold"})
    group = Text(validate=validate.Length(min=1, max=80))
    stage = Text(validate=validate.Length(min=1, max=80))
    status = Text(validate=validate.Length(min=1, max=40), metadata={"description": "the case's status"})
    process = Text(validate=validate.Length(min=1, max=200), metadata={"description": "process id"})
    sla_profile = Text(validate=validate.Length(min=1, max=80))
    overdue = fields.Boolean(metadata={"description": "true: only past due; false: only not past due"})
    q = Text(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "words in the case's reference, complainant's name, subject or description"},
    )


class TaskItem(ma.Schema):
    id = fields.String(required=True)
    case = fields.String(required=True, attribute="reference")
    name = fields.String()
    form = fields.String(allow_none=True, attribute="form_id")
    group = fields.String(allow_none=True, attribute="group_id")
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    case_status = fields.String(attribute="status")
    stage = fields.String(allow_none=True)
    due_source = fields.String(
        allow_none=True,
        metadata={
            "description": "`task`: the task's own due time; `deadline`: its case's next open deadline"
        },
    )
    seconds_left = fields.Float(allow_none=True, metadata={"description": "negative once overdue"})
    overdue = fields.Boolean()
    process_id = fields.String()
    sla_profile = fields.String(allow_none=True)


TaskPage = page_of(TaskItem, "TaskPage")


class TaskDetail(ma.Schema):
    id = fields.String(required=True)
    name = fields.String()
    bpmn_id = fields.String()
    case = fields.String(attribute="reference")
    case_status = fields.String()
    stage = fields.String(allow_none=True)
    form = fields.String(allow_none=True, attribute="form_id")
    group = fields.String(allow_none=True, attribute="group_id")
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    form_definition = fields.Dict(allow_none=True, metadata={"description": "form-js definition"})
    values = fields.Dict(metadata={"description": "pre-filled values by form key"})


class Completion(Strict):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class Assignment(Strict):
    assignee = Text(required=True, validate=validate.Length(min=1, max=80))
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class SendBack(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class ObjectivityArgs(ma.Schema):
    username = Text(required=True, validate=validate.Length(min=1, max=80))


class Objectivity(ma.Schema):
    username = fields.String(required=True)
    offered = fields.Boolean(required=True, metadata={"description": "false when something keeps them off"})
    reason = fields.String(allow_none=True, metadata={"description": "why not, in the policy's words"})
