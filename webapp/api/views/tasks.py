"""The inbox and the work on a task: claim, release, assign, complete.

The engine decides who may work on a task (members of its lane's group; supervisors assign); this layer
only knows that providers and callers without a staff role have no inbox.
"""

from __future__ import annotations

from engine.access import policy as access
from engine.cases import queries
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.idempotent import PARAMETER as IDEMPOTENCY_KEY
from webapp.api.idempotent import run_once
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.common import CaseSummary
from webapp.api.schemas.tasks import Assignment, Completion, TaskDetail, TaskFilters, TaskPage

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
    """Ready tasks you may work on (your groups' tasks that nobody else holds), due first."""
    caller = security.actor(access.Action.LIST_TASKS)
    page, size = filters["page"], filters["page_size"]
    groups = caller.groups if caller.does_casework else frozenset()  # read-only roles have no inbox
    group = filters.get("group")
    if group is not None and group not in groups:
        return {"items": [], "total": 0, "page": page, "page_size": size}
    items, total = queries.task_page(
        service(),
        groups=groups,
        username=caller.username,
        mine=filters.get("assignee") == "me",
        group=group,
        page=page,
        page_size=size,
    )
    return {"items": items, "total": total, "page": page, "page_size": size}


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
