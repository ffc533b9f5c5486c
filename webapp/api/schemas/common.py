"""Building blocks shared by the API's schemas: safe text, pages, the case summary."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

MAX_PAGE_SIZE = 200


class Text(fields.String):
    """A string without NUL characters (PostgreSQL cannot store them; no person types them)."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ma.ValidationError("Text may not contain NUL characters.")
        return text


class Strict(ma.Schema):
    """Request bodies refuse fields they do not know, so a typo is an error rather than lost data."""

    class Meta:
        unknown = ma.RAISE


class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class PageSchema(ma.Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A list response `{"items": [...], "total", "page", "page_size"}` of the given items."""
    return PageSchema.from_dict({"items": fields.List(fields.Nested(item_schema), required=True)}, name=name)


class TaskBrief(ma.Schema):
    id = fields.String(required=True)
    name = fields.String()
    bpmn_id = fields.String()
    form = fields.String(allow_none=True, attribute="form_id")
    group = fields.String(allow_none=True, attribute="group_id")
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class CaseSummary(ma.Schema):
    """What a write returns: the case as it now stands."""

    reference = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"enum": ["open", "awaiting_complainant", "escalated", "closed", "withdrawn"]}
    )
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    process_id = fields.String(required=True)
    process_version = fields.Integer(required=True)
    tasks = fields.List(fields.Nested(TaskBrief))
    linked_cases = fields.List(fields.String(), attribute="linked")
