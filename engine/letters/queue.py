"""Notifications as outbox rows, written in the same transaction as the change that caused them.

A letter to the complainant is named by the diagram: an element with the property `notify=<template>` sends
that template when the case passes it. Staff mails (deadline warnings, reminders, escalations) come from the
engine. A separate sender delivers the outbox (engine.letters), so a mail server that is down loses nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from engine.cases.tables import Task
from engine.deadlines import bookkeeping as sla
from engine.deadlines import compute as deadlines
from engine.identity.tables import Membership, User

SUPERVISORS = "supervisors"
_PARAM_KEYS = (
    "subject",
    "description",
    "remedy",
    "redress_amount",
    "reasons",
    "recourse",
    "outcome",
    "decision_summary",
    "root_cause_code",
    "channel",
    "product",
    "category",
    "received_at",
    "information_requested",
    "ombudsman_name",
    "referral_deadline",
    "reply_requested_by",
    "provider_name",
    "survey_url",
)


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object of the case data (the complainant, a representative), or {} when it is not one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _language(data: dict[str, Any]) -> str:
    return str(_section(data, "complainant").get("language") or data.get("preferred_language") or "en")


def _recipient(data: dict[str, Any]) -> str | None:
    """A representative who complains on someone's behalf receives the letters; else the complainant."""
    representative = _section(data, "representative")
    complainant = _section(data, "complainant")
    return representative.get("email") or complainant.get("email") or data.get("email")


def _due_dates(
    data: dict[str, Any], now: dt.datetime, profiles: str | None, paused: dt.timedelta = dt.timedelta(0)
) -> dict[str, str]:
    try:
        profile = deadlines.profile_for(data, profiles)
    except (ValueError, KeyError):
        return {}
    due = {}
    for name in profile.deadlines:
        try:
            due[name] = deadlines.due(data, name, now, profiles, paused).isoformat()
        except (ValueError, KeyError):
            continue
    return due


def complainant_notices(work, now: dt.datetime, profiles: str | None) -> None:
    """Queue the letters of elements the case passed in this unit of work."""
    passed = [t for t in work.passed() if work.version.element(t.task_spec.bpmn_id).get("notify")]
    if not passed:
        return
    data = sla.live_data(work)
    recipient = _recipient(data)
    for task in passed:
        template = work.version.element(task.task_spec.bpmn_id)["notify"]
        if not recipient:
            work.record(
                "system", "notification_impossible", element=task.task_spec.bpmn_id, template=template
            )
            continue
        complainant = _section(data, "complainant")
        params = {
            "reference": work.reference,
            "name": complainant.get("name") or data.get("name") or "",
            "due": _due_dates(data, now, profiles, sla.paused_total(work, now)),
            **{k: data[k] for k in _PARAM_KEYS if k in data},
        }
        work.outbox.append(_row(template, _language(data), recipient, params, now))
        work.record("system", "notification_queued", element=task.task_spec.bpmn_id, template=template)


def complainant_letter(
    work,
    template: str,
    data: dict[str, Any],
    now: dt.datetime,
    profiles: str | None,
    params: dict[str, Any],
    audit: dict[str, Any] | None = None,
) -> bool:
    """Queue one letter the engine itself decides to send (not a diagram's `notify`), such as a deadline
    extension's; False, and a recorded `notification_impossible`, when the case has nobody to write to.
    `audit` adds to the recorded event (which deadline, say)."""
    recipient = _recipient(data)
    if not recipient:
        work.record("system", "notification_impossible", template=template, **(audit or {}))
        return False
    given = data.get("complainant")
    complainant: dict[str, Any] = given if isinstance(given, dict) else {}
    letter = {
        "reference": work.reference,
        "name": complainant.get("name") or data.get("name") or "",
        "subject": data.get("subject"),
        "due": _due_dates(data, now, profiles, sla.paused_total(work, now)),
        **params,
    }
    work.outbox.append(_row(template, _language(data), recipient, letter, now))
    work.record("system", "notification_queued", template=template, **(audit or {}))
    return True


def staff_notice(conn: Connection, work, template: str, now: dt.datetime, **params: Any) -> None:
    """Queue a mail to the people holding the case's tasks and to the supervisors."""
    case_tasks = select(Task.assignee).where(Task.case_id == work.id, Task.assignee.is_not(None))
    supervisors = select(Membership.user_id).where(Membership.group_id == SUPERVISORS)
    rows = conn.execute(
        select(User.email, User.username).where(
            User.email.is_not(None),
            User.active.is_(True),
            User.username.in_(case_tasks) | User.id.in_(supervisors),
        )
    ).all()
    for email, username in rows:
        if email:  # the query leaves out users without one; an empty address is none either
            params_here = {"reference": work.reference, "username": username, **params}
            work.outbox.append(_row(template, "en", email, params_here, now))


def _row(template: str, language: str, recipient: str, params: dict[str, Any], now: dt.datetime) -> dict:
    import json

    return {
        "template": template,
        "language": language,
        "recipient": recipient,
        "params": json.dumps(params, default=str),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "sent_at": None,
        "last_error": None,
    }
