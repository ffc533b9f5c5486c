"""The inbox and the work on a task: claim, release, assign, complete.

The engine decides who may work on a task (members of its lane's group; supervisors assign); this layer
only knows that providers and callers without a staff role have no inbox.
"""

from __future__ import annotations

from engine.access import policy as access
from engine.cases import queries, supervision
from engine.cases.inbox import InboxFilters
from engine.cases.inbox import inbox as inbox_query
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.idempotent import PARAMETER as IDEMPOTENCY_KEY
from webapp.api.idempotent import run_once
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.common import CaseSummary
from webapp.api.schemas.tasks import (
    Assignment,
    Completion,
    Objectivity,
    ObjectivityArgs,
    SendBack,
    TaskDetail,
    TaskFilters,
    TaskPage,
)

blp = Blueprint("tasks", __name__, url_prefix="/tasks", description="User tasks")
_summary = CaseSummary()
_ERRORS = {
    401: "No valid token",
    403: "Your groups or role may not work on this task",
    409: "The task is no longer ready, or someone else holds it",
}


def _documented(func):
    for status, description in _ERRORS.items():
        func = blp.alt_response(status, schema=ProblemSchema, description=description)(func)
    return blp.doc(security=AUTH)(func)


@blp.route("", methods=["GET"])
@blp.arguments(TaskFilters(), location="query")
@blp.response(200, TaskPage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def inbox(filters: dict):
    """Ready tasks you may work on (your groups' tasks that nobody else holds, leaving out the complaints
    that name you as involved), overdue first, then by due time: the task's own, else its case's next open
    deadline. Filter by stage, case status, process, SLA profile, overdue; `q` searches the reference, the
    complainant's name, the subject and the description, ignoring case."""
    caller = security.actor(access.Action.LIST_TASKS)
    wanted = InboxFilters(
        stage=filters.get("stage"),
        status=filters.get("status"),
        process_id=filters.get("process"),
        sla_profile=filters.get("sla_profile"),
        overdue=filters.get("overdue"),
        search=filters.get("q"),
        group=filters.get("group"),
        mine=filters.get("assignee") == "me",
    )
    return inbox_query(service(), caller, wanted, page=filters["page"], page_size=filters["page_size"])


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetail)
@blp.alt_response(404, schema=ProblemSchema, description="No ready task with this id")
@_documented
def task(task_id: str):
    """A ready task, its form definition and the values already known for the form."""
    security.actor(access.Action.LIST_TASKS)
    return queries.task_detail(service(), task_id)


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, CaseSummary)
@_documented
def claim(task_id: str):
    """Take the task: nobody else can complete it until you release it."""
    return service().claim_task(task_id, security.actor(access.Action.LIST_TASKS))


@blp.route("/<task_id>/release", methods=["POST"])
@blp.response(200, CaseSummary)
@_documented
def release(task_id: str):
    """Give the task back to its group (the holder, or a supervisor)."""
    return service().release_task(task_id, security.actor(access.Action.LIST_TASKS))


@blp.route("/<task_id>/assign", methods=["POST"])
@blp.arguments(Assignment())
@blp.response(200, CaseSummary)
@_documented
def assign(assignment: dict, task_id: str):
    """Supervisors: give the task to a member of its group; who, to whom and why are recorded."""
    caller = security.actor(access.Action.LIST_TASKS)
    return service().assign_task(task_id, assignment["assignee"], caller, assignment["reason"])


@blp.route("/<task_id>/send-back", methods=["POST"])
@blp.arguments(SendBack())
@blp.response(200, CaseSummary)
@blp.alt_response(422, schema=ProblemSchema, description="No reason given")
@_documented
def send_back(body: dict, task_id: str):
    """Supervisors: send the case back to its previous user task, which is re-offered to its group with
    the answers it was completed with; 409 when a reset would drop more than this task."""
    caller = security.actor(access.Action.SUPERVISE)
    return supervision.send_back(service(), task_id, caller, body["reason"])


@blp.route("/<task_id>/objectivity", methods=["GET"])
@blp.arguments(ObjectivityArgs(), location="query")
@blp.response(200, Objectivity)
@blp.alt_response(404, schema=ProblemSchema, description="No ready task with this id")
@_documented
def objectivity(args: dict, task_id: str):
    """Supervisors: whether the complaint keeps a member of staff from this task, and why."""
    caller = security.actor(access.Action.SUPERVISE)
    reason = supervision.objectivity(service(), caller, task_id, args["username"])
    return {"username": args["username"], "offered": reason is None, "reason": reason}


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(Completion())
@blp.response(200, CaseSummary)
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@_documented
def complete(completion: dict, task_id: str):
    """Submit the task's form; claims the task for you if nobody holds it. 422 lists field errors."""
    caller = security.actor(access.Action.LIST_TASKS)

    def action(record):
        def within(conn, _case_id, result):
            record(conn, 200, _summary.dump(result))

        return 200, _summary.dump(service().complete_task(task_id, completion["data"], caller, within=within))

    return run_once("complete", caller.username, action)
