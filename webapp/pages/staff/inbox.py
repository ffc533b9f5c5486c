"""The inbox: my tasks and my groups' queues, due first; claim and release from the list.

Claim and release are plain POST forms that come back to the inbox; with htmx they swap only the task's row.
When two people claim the same task, the engine lets one win (a ConflictError for the other), and the loser
is told in words who holds it now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _

from engine.access import policy as access
from engine.cases import queries
from engine.cases.inbox import InboxFilters
from engine.cases.inbox import inbox as inbox_query
from engine.core.errors import ConflictError, NotFound, TaskNotReady
from webapp.api.context import service
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in
from webapp.web import i18n

PAGE_SIZE = 25


@blueprint.app_template_global()
def due_in(due_at: dt.datetime | None) -> dict[str, Any] | None:
    """How long until a due time, in words of the page's language ("in 2 days", "3 hours ago")."""
    if due_at is None:
        return None
    if due_at.tzinfo is None:
        due_at = due_at.replace(tzinfo=dt.UTC)  # SQLite gives back UTC times without their zone
    left = due_at - service().clock.now()
    words = i18n.localised_digits(format_timedelta(left, add_direction=True))  # Persian digits in Persian
    return {"overdue": left.total_seconds() < 0, "text": words}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@blueprint.get("/inbox")
@signed_in
def inbox():
    me = access.require(actor(), access.Action.LIST_TASKS)
    groups = sorted(me.groups) if me.does_casework else []  # read-only roles have no inbox
    args = request.args
    overdue = {"yes": True, "no": False}.get(args.get("overdue", ""))
    wanted = InboxFilters(
        group=args.get("group") if args.get("group") in groups else None,
        mine=args.get("mine") == "1",
        overdue=overdue,
        search=(args.get("q") or "").strip()[:200] or None,
    )
    found = inbox_query(service(), me, wanted, page=_page_number(), page_size=PAGE_SIZE)
    filters = {
        "group": wanted.group,
        "mine": "1" if wanted.mine else None,
        "overdue": args.get("overdue") if overdue is not None else None,
        "q": wanted.search,
    }
    return render_template(
        "staff/inbox.html",
        me=me,
        items=found.items,
        total=found.total,
        page=found.page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        groups=groups,
        filters={k: v for k, v in filters.items() if v},
        back=request.full_path.rstrip("?"),
    )


def _back() -> str:
    """Where a claim or release returns to: a path on this site (never another host), else the inbox."""
    target = request.form.get("back", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return url_for("staff.inbox")
    return target


def _holder(task_id: str) -> str | None:
    try:
        return queries.task_detail(service(), task_id).assignee
    except NotFound:
        return None


def _change(task_id: str, claim: bool):
    """Claim or release, then the row's holder cell again (htmx) or the page it came from (plain form)."""
    me = actor()
    notice: tuple[str, str] | None = None
    try:
        if claim:
            service().claim_task(task_id, me)
            notice = ("success", _("You have claimed this task."))
        else:
            service().release_task(task_id, me)
            notice = ("success", _("You have released this task to its group."))
    except ConflictError as exc:
        holder = _holder(task_id)
        if holder and holder != me.username:
            notice = ("error", _("%(name)s claimed this task first; it is theirs now.", name=holder))
        elif isinstance(exc, TaskNotReady):
            notice = ("error", _("This task is no longer waiting for work: it was completed or cancelled."))
        else:
            notice = ("error", _("This task changed in the meantime. Look at it again."))
    if request.headers.get("HX-Request") == "true":
        try:
            task = queries.task_detail(service(), task_id)
        except NotFound:
            task = None
        return render_template(
            "staff/_task_holder.html", task=task, task_id=task_id, notice=notice, back=_back()
        )
    flash(notice[1], notice[0])
    return redirect(_back(), code=303)


@blueprint.post("/tasks/<task_id>/claim")
@signed_in
def claim(task_id: str):
    return _change(task_id, claim=True)


@blueprint.post("/tasks/<task_id>/release")
@signed_in
def release(task_id: str):
    return _change(task_id, claim=False)
