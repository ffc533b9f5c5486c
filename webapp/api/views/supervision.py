"""Supervisors' views across queues (breaches, workload) and of one case (reassignments, staff named as
involved). The engine's supervision and involvement services check the policy again."""

from __future__ import annotations

import datetime as dt

from engine.access import policy as access
from engine.cases import involvement, supervision
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.supervision import (
    AlertArgs,
    AlertList,
    InvolvedIn,
    InvolvedList,
    ReassignmentList,
    Withdrawal,
    WorkloadArgs,
    WorkloadOut,
)

blp = Blueprint("supervision", __name__, url_prefix="", description="Supervisors")


def _documented(func):
    func = blp.alt_response(401, schema=ProblemSchema, description="No valid token")(func)
    func = blp.alt_response(403, schema=ProblemSchema, description="Your role may not do this")(func)
    return blp.doc(security=AUTH)(func)


@blp.route("/supervision/breaches", methods=["GET"])
@blp.arguments(AlertArgs(), location="query")
@blp.response(200, AlertList)
@_documented
def breaches(args: dict):
    """Deadlines of open cases past due or due soon, earliest first, with each case's open tasks."""
    caller = security.actor(access.Action.SUPERVISE)
    near = dt.timedelta(hours=args["near_hours"]) if "near_hours" in args else None
    return {"items": supervision.alerts(service(), caller, near=near, group=args.get("group"))}


@blp.route("/supervision/workload", methods=["GET"])
@blp.arguments(WorkloadArgs(), location="query")
@blp.response(200, WorkloadOut)
@_documented
def workload(args: dict):
    """Open, overdue and held tasks per handler and per group."""
    caller = security.actor(access.Action.SUPERVISE)
    groups = frozenset({args["group"]}) if args.get("group") else None
    return supervision.workload(service(), caller, groups)


@blp.route("/cases/<reference>/reassignments", methods=["GET"])
@blp.response(200, ReassignmentList)
@blp.alt_response(404, schema=ProblemSchema, description="No such case")
@_documented
def reassignments(reference: str):
    """Supervisors: the case's tasks given to someone or sent back, who did it and why."""
    caller = security.actor(access.Action.SUPERVISE)
    return {"items": supervision.reassignments(service(), caller, reference)}


@blp.route("/cases/<reference>/involved-staff", methods=["GET"])
@blp.response(200, InvolvedList)
@blp.alt_response(404, schema=ProblemSchema, description="No such case")
@_documented
def involved_staff(reference: str):
    """Supervisors: the staff kept from the case's tasks, and why (ISO 10002 objectivity)."""
    security.actor(access.Action.SUPERVISE)
    return {"items": involvement.of_case(service(), reference)}


@blp.route("/cases/<reference>/involved-staff", methods=["POST"])
@blp.arguments(InvolvedIn())
@blp.response(201, InvolvedList)
@blp.alt_response(404, schema=ProblemSchema, description="No such case")
@blp.alt_response(422, schema=ProblemSchema, description="No such member of staff, or no note")
@_documented
def record_involved(body: dict, reference: str):
    """Record that a member of staff is involved in the complaint: they are kept from its tasks."""
    caller = security.actor(access.Action.RECORD_INVOLVEMENT)
    return {"items": involvement.record(service(), reference, body["username"], caller, body["note"])}, 201


@blp.route("/cases/<reference>/involved-staff/<username>/withdraw", methods=["POST"])
@blp.arguments(Withdrawal())
@blp.response(200, InvolvedList)
@blp.alt_response(404, schema=ProblemSchema, description="No such case, or the person is not recorded")
@blp.alt_response(422, schema=ProblemSchema, description="No reason given")
@_documented
def withdraw_involved(body: dict, reference: str, username: str):
    """Supervisors: take back a record of involvement (a wrong match, say), with a reason."""
    caller = security.actor(access.Action.SUPERVISE)
    return {"items": involvement.withdraw(service(), reference, username, caller, body["reason"])}
