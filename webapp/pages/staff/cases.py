"""The case page: where a case stands, its deadlines, its history in words, letters, files and diagram.

Each view asks the access policy exactly as the API's case views do (staff read every case; a provider only
the cases that name them, others look unknown), then calls one engine query.
"""

from __future__ import annotations

from flask import jsonify, render_template, url_for
from flask_babel import gettext as _

from engine.access import policy as access
from engine.cases import case_page, progress
from engine.core.actors import Actor
from engine.evidence import attachments
from webapp.api.context import attachment_policy, service
from webapp.api.downloads import file_response
from webapp.pages.staff import timeline as words
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in
from webapp.web import i18n


def _reader(reference: str) -> Actor:
    """The signed-in person, if they may read this case (403 without the role, 404 for another
    provider's case)."""
    me = access.require(actor(), access.Action.READ_CASES)
    access.require_case(service().db, me, reference)
    return me


@blueprint.get("/cases/<reference>")
@signed_in
def case(reference: str):
    me = _reader(reference)
    page = case_page.read(service(), reference, with_incidents=not access.is_provider(me))
    return render_template(
        "staff/case.html",
        page=page,
        case=page.detail,
        now=service().clock.now(),
        sentence=lambda event: words.sentence(event, page.element_names),
        reason=words.reason,
        deadline_name=words.deadline_name,
        who=words.who,
        awaited=words.awaited,
        time_left=lambda due: i18n.time_left(due, service().clock.now()),
    )


@blueprint.get("/cases/<reference>/diagram.json")
@signed_in
def case_diagram(reference: str):
    """The case's process diagram (its version's BPMN XML) with what to mark on it, for the page's script."""
    _reader(reference)
    found = progress.diagram(service(), reference)
    p = found.progress
    response = jsonify(
        xml=found.xml,
        completed=list(p.completed),
        current=list(p.current),
        timers=[
            {
                "element": t.element_id,
                "due_at": t.due_at.isoformat(),
                "text": _("Due %(when)s", when=i18n.datetime(t.due_at)),
                "deadline": words.deadline_name(t.deadline) if t.deadline else None,
            }
            for t in p.timers
        ],
        labels={"current": _("Waiting here now"), "completed": _("Done")},
        case_url=url_for("staff.case", reference=reference),
    )
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


@blueprint.get("/cases/<reference>/attachments/<int:attachment_id>")
@signed_in
def case_attachment(reference: str, attachment_id: int):
    """An evidence file of the case, as a download, to those who may read the case."""
    _reader(reference)
    db = service().db
    return file_response(
        *attachments.fetch(db, attachment_policy(), attachments.case_id_of(db, reference), attachment_id)
    )
