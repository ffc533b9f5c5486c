"""Process models and their versions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from webapp.api.schemas.common import page_of


class VersionOut(ma.Schema):
    process_id = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String()


VersionPage = page_of(VersionOut, "VersionPage")


class ProcessOut(ma.Schema):
    process_id = fields.String(required=True)
    name = fields.String()
    latest_version = fields.Integer()
    versions = fields.Integer()
    deployed_at = fields.DateTime()


ProcessPage = page_of(ProcessOut, "ProcessPage")


class Deployed(ma.Schema):
    process_id = fields.String(required=True)
    version = fields.Integer(required=True)
    created = fields.Boolean(metadata={"description": "false when identical files were already deployed"})


class Deployment(ma.Schema):
    deployed = fields.List(fields.Nested(Deployed))
    warnings = fields.List(
        fields.Dict(),
        metadata={"description": "what the engine ignores in the files (file, element, line, message)"},
    )


class ProcessFiles(ma.Schema):
    files = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        required=True,
        metadata={"description": "BPMN (.bpmn), DMN (.dmn) and form (.json) files"},
    )
