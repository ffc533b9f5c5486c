"""The case's audit trail in words: one translated sentence per event ("hana completed “Acknowledge”").

Events carry no personal data by design (engine.cases.audit): a sentence names who acted, the element of the
diagram, the deadline or letter concerned, never a submitted value. Every value put into a sentence is
escaped; the sentence itself comes from the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from engine.cases.read_models import HistoryEvent
from engine.letters.render import deadline_label
from webapp.web import i18n

Event = HistoryEvent


def who(username: str | None) -> str:
    if username in (None, "", "system"):
        return _("The system")
    if username == "complainant":
        return _("The complainant")
    return str(username)


def deadline_name(name: str | None) -> str:
    """A deadline's name in the page's language (the letters' own labels), first letter capital."""
    text = deadline_label(name, i18n.current()) if name else ""
    return text[:1].upper() + text[1:]


_LETTERS: dict[str, Callable[[], str]] = {
    "acknowledgement_letter": lambda: _("the acknowledgement"),
    "holding_letter": lambda: _("the holding reply"),
    "decision_letter": lambda: _("the decision letter"),
    "information_request_letter": lambda: _("the request for information"),
    "survey_invitation": lambda: _("the satisfaction survey"),
    "dispute_referral_letter": lambda: _("the referral to dispute resolution"),
    "deadline_extension_letter": lambda: _("the notice of a longer deadline"),
}

_MESSAGES: dict[str, Callable[[], str]] = {
    "complainant_accept": lambda: _("%(who)s accepted the decision"),
    "complainant_reject": lambda: _("%(who)s rejected the decision"),
    "complainant_information": lambda: _("%(who)s sent the information asked for"),
    "withdraw": lambda: _("%(who)s withdrew the complaint"),
    "provider_notice": lambda: _("%(who)s recorded the dispute notice"),
    "provider_outcome": lambda: _("%(who)s recorded the dispute's outcome"),
    "dispute_closed": lambda: _("The dispute was closed"),
}


_AWAITED: dict[str, Callable[[], str]] = {
    "complainant_accept": lambda: _("the complainant's answer to the decision"),
    "complainant_information": lambda: _("the information asked of the complainant"),
    "provider_notice": lambda: _("the dispute notice from the provider"),
    "provider_outcome": lambda: _("the provider's outcome"),
    "dispute_closed": lambda: _("the dispute to close"),
}


def awaited(messages: list[str]) -> list[str]:
    """What the case waits to hear, in words; a withdrawal is always possible, so it is not listed, and
    the other half of a pair (accept or reject) says nothing new."""
    said = []
    for name in messages:
        found = _AWAITED.get(name)
        if name in ("withdraw", "complainant_reject") or (found is None and name.startswith("complainant_")):
            continue
        said.append(found() if found else name.replace("_", " "))
    return said


def letter_name(template: str | None) -> str:
    found = _LETTERS.get(template or "")
    return found() if found else (template or "").replace("_", " ")


def _case_link(reference: str | None) -> Markup:
    if not reference:
        return Markup("")
    return Markup('<a href="{}">{}</a>').format(url_for("staff.case", reference=reference), reference)


def _isolated(text: str | None) -> Markup:
    """A name from the diagram (in its owner's language) kept apart from the sentence's direction."""
    return Markup("<bdi>{}</bdi>").format(text or "")


def sentence(event: Event, names: Mapping[str, str]) -> Markup:
    """One event of `queries.case_detail(...).history` as a sentence in the page's language."""
    action = event.action or ""
    detail: Mapping[str, Any] = event.detail or {}
    element = event.element
    values: dict[str, Any] = {
        "who": _isolated(who(event.actor)),
        "task": _isolated(names.get(element or "", element)),
        "element": _isolated(names.get(element or "", element)),
        "deadline": escape(deadline_name(detail.get("deadline"))),
        "due": escape(i18n.datetime(detail.get("due_at") or detail.get("due"))),
        "letter": escape(letter_name(detail.get("template"))),
        "reference": _case_link(detail.get("reference") or detail.get("source")),
        "to": _isolated(who(detail.get("to"))),
    }
    text = _text(action, element, detail, values)
    return Markup(text % values)  # every value above is escaped; the words come from the catalogue


def _text(action: str, element: str | None, detail: Mapping[str, Any], values: dict[str, Any]) -> str:
    if action == "start":
        if detail.get("source"):
            return _("The case was started by the case %(reference)s")
        return _("%(who)s opened the case")
    if action == "complete_task":
        return _("%(who)s completed “%(task)s”")
    if action == "claim":
        return _("%(who)s took “%(task)s”")
    if action == "release":
        return _("%(who)s released “%(task)s”")
    if action == "assign":
        return (
            _("%(who)s gave “%(task)s” to %(to)s") if detail.get("to") else _("%(who)s released “%(task)s”")
        )
    if action == "message":
        if element == "deadline_passed":
            return _("The process was told that a deadline passed")
        if detail.get("source"):
            values["message"] = escape(element or "")
            return _("The case %(reference)s sent the message “%(message)s”")
        known = _MESSAGES.get(element or "")
        if known:
            return known()
        values["message"] = escape(element or "")
        return _("%(who)s sent the message “%(message)s”")
    if action == "timer":
        return _("The timer “%(element)s” fired")
    if action == "deadline_reminder":
        return _("Reminder to staff: %(deadline)s is due %(due)s")
    if action == "deadline_warning":
        return _("Early warning to staff: %(deadline)s")
    if action == "deadline_breached":
        return _("Deadline missed: %(deadline)s was due %(due)s")
    if action == "deadline_deferred":
        return _("The SLA clock is paused, so a deadline waits")
    if action == "deadline_extended":
        return _("%(who)s extended the deadline %(deadline)s to %(due)s")
    if action == "deadlines_rearmed":
        return _("The deadlines were worked out again for a new SLA profile")
    if action == "sla_profile_changed":
        values["from"] = escape(detail.get("from") or "")
        values["to"] = escape(detail.get("to") or "")
        return _("The SLA profile changed from %(from)s to %(to)s")
    if action == "sla_paused":
        return _("The SLA clock paused while the case waits for the complainant")
    if action == "sla_resumed":
        return _("The SLA clock started again")
    if action == "outcome_deemed":
        return _("The outcome was decided by the profile's rule when a deadline passed")
    if action == "notification_queued":
        return _("A letter to the complainant was queued: %(letter)s")
    if action == "notification_impossible":
        return _("No letter could be sent (no address for the complainant): %(letter)s")
    if action == "linked_case_started":
        return _("The linked case %(reference)s was started")
    if action == "linked_case_closed":
        return _("The linked case %(reference)s was closed")
    if action == "message_undelivered":
        values["message"] = escape(element or "")
        return _("The message “%(message)s” found nobody waiting for it")
    if action == "incident_opened":
        return _("An incident was opened at “%(element)s”: a timer kept failing")
    if action == "incident_retried":
        return _("%(who)s retried the incident at “%(element)s”")
    if action == "incident_dismissed":
        return _("%(who)s dismissed the incident at “%(element)s”")
    if action == "audit_rechained":
        return _("The audit trail was rewritten without personal data")
    values["action"] = escape(action.replace("_", " "))
    return _("%(who)s: %(action)s")


def reason(event: Event) -> str | None:
    """The reason staff gave, for the events that record one (reassignment, extension, dismissal)."""
    detail = event.detail or {}
    value = (
        detail.get("reason")
        if event.action in ("assign", "deadline_extended", "incident_dismissed")
        else None
    )
    return str(value) if value else None
