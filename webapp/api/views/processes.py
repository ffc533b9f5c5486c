"""Process models: what is deployed, its versions, and deploying new files."""

from __future__ import annotations

from flask import request

from engine.access import policy as access
from engine.core.errors import NotFound
from engine.registry import list_versions
from engine.registry.upload import deploy_files
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.common import PageArgs
from webapp.api.schemas.processes import Deployment, ProcessFiles, ProcessPage, VersionPage

blp = Blueprint("processes", __name__, url_prefix="/processes", description="Process models")


def _versions(process_id: str | None = None) -> list:
    with service().db.read() as session:
        return list_versions(session, process_id)


def _page(items: list, args: dict) -> dict:
    """One page of an in-memory list, in the API's list shape."""
    page, size = args["page"], args["page_size"]
    return {
        "items": items[(page - 1) * size : page * size],
        "total": len(items),
        "page": page,
        "page_size": size,
    }


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs(), location="query")
@blp.response(200, ProcessPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def processes(args: dict):
    """Deployed processes with their newest version."""
    security.actor(access.Action.READ_PROCESSES)
    latest: dict[str, dict] = {}
    for v in _versions():
        entry = latest.setdefault(v.process_id, {"process_id": v.process_id, "versions": 0})
        entry.update(name=v.name, latest_version=v.version, deployed_at=v.deployed_at)
        entry["versions"] += 1
    return _page(sorted(latest.values(), key=lambda e: e["process_id"]), args)


@blp.route("/<process_id>/versions", methods=["GET"])
@blp.arguments(PageArgs(), location="query")
@blp.response(200, VersionPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema, description="No such process")
@blp.doc(security=AUTH)
def versions(args: dict, process_id: str):
    """Every deployed version of a process, oldest first."""
    security.actor(access.Action.READ_PROCESSES)
    found = _versions(process_id)
    if not found:
        raise NotFound(f"no process {process_id!r} is deployed")
    return _page(found, args)


@blp.route("", methods=["POST"])
@blp.arguments(ProcessFiles(), location="files")
@blp.response(201, Deployment)
@blp.alt_response(200, schema=Deployment, description="Identical files were already deployed")
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(413, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema, description="Problems, each with its file and element id")
@blp.doc(security=AUTH)
def deploy(_files: dict):
    """Deploy BPMN, DMN and form files (multipart, field `files`, repeated); new versions where changed."""
    caller = security.actor(access.Action.DEPLOY_PROCESSES)
    uploads = [(f.filename or "upload", f.read()) for f in request.files.getlist("files")]
    warnings: list = []
    results = deploy_files(service(), uploads, caller, warnings)
    deployed = [{"process_id": r.process_id, "version": r.version, "created": r.created} for r in results]
    body = {"deployed": deployed, "warnings": [w.as_dict() for w in warnings]}
    return body, 201 if any(r.created for r in results) else 200
