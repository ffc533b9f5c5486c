"""A task's page: its form drawn on the server, filled with what the case already holds, beside the case.

Posting the form completes the task through the same engine service as `POST /api/v1/tasks/<id>/complete`.
A refused submission comes back with each error beside its field and every value kept (HTTP 422); after a
completion the handler goes on to the case's next task when it is theirs to work, else back to the inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.access import policy as access
from engine.cases import queries
from engine.cases.read_models import TaskDetail
from engine.cases.service import CaseResult
from engine.core.actors import Actor
from engine.core.errors import ConflictError, FormInvalid, NotFound, TaskNotReady
from engine.task_forms.properties import validate_submission
from engine.task_forms.translations import translate_form
from webapp.api.context import service
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in
from webapp.web import formjs, i18n
from webapp.web.engine_messages import translated_errors


def _next_task(result: CaseResult, me: Actor) -> str | None:
    """The case's next ready task that is the actor's: held by them, or free in one of their groups."""
    for task in result.tasks:
        if task.assignee == me.username or (task.assignee is None and me.in_group(task.group_id)):
            return task.id
    return None


def _page(
    task: TaskDetail, values: Mapping[str, Any], errors: Mapping[str, list[Any]], status: int
) -> tuple[str, int]:
    me = actor()
    definition = task.form_definition or {"components": []}
    translated = translate_form(definition, i18n.current())
    fields = formjs.build(translated.schema, values, errors, fallback=formjs.fallbacks_of(translated))
    case = queries.case_detail(service(), task.reference)
    body = render_template(
        "staff/task.html",
        task=task,
        case=case,
        fields=fields,
        errors=errors,
        labels={f.name: f.label for f in formjs.flat(fields)},
        may_work=access.allows(me, access.Action.WORK_TASKS) and me.in_group(task.group_id),
        me=me,
        check_url=url_for("staff.check_task", task_id=task.id),
    )
    return body, status


@blueprint.route("/tasks/<task_id>", methods=["GET", "POST"])
@signed_in
def task(task_id: str):
    me = actor()
    try:
        detail = queries.task_detail(service(), task_id)
    except NotFound:
        if request.method == "POST":
            flash(_("This task is no longer waiting for work: it was completed or cancelled."), "warning")
            return redirect(url_for("staff.inbox"), code=303)
        raise
    access.require_task_view(me, detail.group_id)
    if request.method == "GET":
        return _page(detail, detail.values, {}, 200)
    definition = detail.form_definition or {"components": []}
    values = formjs.read(definition, request.form)
    try:
        result = service().complete_task(task_id, values, me)
    except FormInvalid as exc:
        return _page(detail, values, translated_errors(exc.errors), 422)
    except TaskNotReady:
        flash(_("This task is no longer waiting for work: it was completed or cancelled."), "warning")
        return redirect(url_for("staff.inbox"), code=303)
    except ConflictError:
        holder = queries.task_detail(service(), task_id).assignee or ""
        message = _("%(name)s claimed this task first; it is theirs now.", name=holder)
        return _page(detail, values, {"_form": [message]}, 409)
    flash(_("“%(task)s” is done for %(reference)s.", task=detail.name, reference=detail.reference), "success")
    following = _next_task(result, me)
    if following:
        return redirect(url_for("staff.task", task_id=following), code=303)
    return redirect(url_for("staff.inbox"), code=303)


@blueprint.post("/tasks/<task_id>/check")
@signed_in
def check_task(task_id: str):
    """htmx, when a text field is left: the whole form is judged as if sent, and that one field comes back
    with its error (or without one). Nothing is stored; sending the form is what counts."""
    detail = queries.task_detail(service(), task_id)
    access.require_task_view(actor(), detail.group_id)
    definition = detail.form_definition or {"components": []}
    values = formjs.read(definition, request.form)
    errors: Mapping[str, list[Any]] = {}
    try:
        validate_submission(definition, values, detail.values)
    except FormInvalid as exc:
        errors = translated_errors(exc.errors)
    name = request.headers.get("HX-Trigger-Name", "")
    translated = translate_form(definition, i18n.current())
    fields = formjs.build(translated.schema, values, errors, fallback=formjs.fallbacks_of(translated))
    found = next((f for f in formjs.flat(fields) if f.name == name and f.kind != "group"), None)
    if found is None:
        return "", 204
    check_url = url_for("staff.check_task", task_id=task_id)
    return render_template("staff/_field.html", f=found, check_url=check_url)
