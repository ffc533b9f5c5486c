"""Incidents for administrators: the list, and retrying or dismissing one (both audited on the case)."""

from __future__ import annotations

from engine.access import policy as access
from engine.timers import incidents
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.incidents import Dismissal, IncidentFilters, IncidentOut, IncidentPage

blp = Blueprint("incidents", __name__, url_prefix="/incidents", description="Incidents")


@blp.route("", methods=["GET"])
@blp.arguments(IncidentFilters(), location="query")
@blp.response(200, IncidentPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def list_incidents(args: dict):
    """Incidents, newest first: open ones unless `status` says otherwise."""
    security.actor(access.Action.MANAGE_INCIDENTS)
    status = None if args["status"] == "all" else args["status"]
    items, total = incidents.list_incidents(service(), status, args["page"], args["page_size"])
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


@blp.route("/<int:incident_id>", methods=["GET"])
@blp.response(200, IncidentOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def show_incident(incident_id: int):
    """One incident, with its error."""
    security.actor(access.Action.MANAGE_INCIDENTS)
    return incidents.incident(service(), incident_id)


@blp.route("/<int:incident_id>/retry", methods=["POST"])
@blp.response(200, IncidentOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The incident is closed already")
@blp.doc(security=AUTH)
def retry_incident(incident_id: int):
    """After a fix: the worker fires the parked timer again on its next look, with a fresh set of tries."""
    return incidents.retry(service(), incident_id, security.actor(access.Action.MANAGE_INCIDENTS))


@blp.route("/<int:incident_id>/dismiss", methods=["POST"])
@blp.arguments(Dismissal())
@blp.response(200, IncidentOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The incident is closed already")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def dismiss_incident(body: dict, incident_id: int):
    """Close the incident without firing the timer; the reason goes on the case's audit trail."""
    return incidents.dismiss(
        service(), incident_id, security.actor(access.Action.MANAGE_INCIDENTS), body["reason"]
    )
