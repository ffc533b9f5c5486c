"""Cases for staff, integrations and providers: start, list, read, message, add evidence."""

from __future__ import annotations

from engine.access import policy as access
from engine.cases import queries
from engine.evidence import attachments
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import attachment_policy, service
from webapp.api.downloads import FILE_RESPONSE, file_response
from webapp.api.idempotent import PARAMETER as IDEMPOTENCY_KEY
from webapp.api.idempotent import run_once
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.cases import (
    AttachmentOut,
    CaseDetail,
    CaseFilters,
    CaseMessage,
    CasePage,
    StartCase,
    Upload,
)
from webapp.api.schemas.common import CaseSummary

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Cases (staff and providers)")
_summary = CaseSummary()


def _reader(reference: str | None = None):
    """A caller who may read cases; a provider only their own (others look like unknown references)."""
    caller = security.actor(access.Action.READ_CASES)
    if reference is not None:
        access.require_case(service().db, caller, reference)
    return caller


def _writer(reference: str, action: access.Action):
    caller = security.actor(action)
    access.require_case(service().db, caller, reference)
    return caller


@blp.route("", methods=["POST"])
@blp.arguments(StartCase())
@blp.response(201, CaseSummary)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema, description="No such process deployed")
@blp.doc(parameters=[IDEMPOTENCY_KEY], security=AUTH)
def start_case(args: dict):
    """Start a case of the newest version of a deployed process with the given start data."""
    caller = security.actor(access.Action.START_CASE)

    def action(record):
        def within(conn, _case_id, result):
            record(conn, 201, _summary.dump(result))

        return 201, _summary.dump(
            service().start_case(args["process_id"], args["data"], caller, within=within)
        )

    return run_once("cases", caller.username, action)


@blp.route("", methods=["GET"])
@blp.arguments(CaseFilters(), location="query")
@blp.response(200, CasePage)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def list_cases(filters: dict):
    """Cases, newest first, filtered by status, stage, group, assignee, overdue and text."""
    caller = _reader()
    rt = service()
    page, size = filters.pop("page"), filters.pop("page_size")
    if filters.get("assignee") == "me":
        filters["assignee"] = caller.username
    visible = access.visible_case_ids(rt.db, caller)
    if visible is not None:
        filters["case_ids"] = visible
    items, total = queries.list_cases(rt, now=rt.clock.now(), page=page, page_size=size, **filters)
    return {"items": items, "total": total, "page": page, "page_size": size}


@blp.route("/<reference>", methods=["GET"])
@blp.response(200, CaseDetail)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def case_detail(reference: str):
    """Everything about a case: data, open tasks, pending timers, linked cases, attachments, history."""
    caller = _reader(reference)
    # The engine's own trouble (incidents) and restrictions of contact are for staff, not for providers.
    return queries.case_detail(service(), reference, incidents=not access.is_provider(caller))


@blp.route("/<reference>/messages", methods=["POST"])
@blp.arguments(CaseMessage())
@blp.response(200, CaseSummary)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Nothing in the case waits for this message now")
@blp.doc(security=AUTH)
def deliver_message(message: dict, reference: str):
    """Deliver a named process message with a payload (`provider_notice`, `provider_outcome`, ...)."""
    caller = _writer(reference, access.Action.SEND_MESSAGE)
    access.require_message(caller, message["name"])
    return service().deliver_message(reference, message["name"], message["payload"], caller)


@blp.route("/<reference>/attachments", methods=["POST"])
@blp.arguments(Upload(), location="files")
@blp.response(201, AttachmentOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(413, schema=ProblemSchema, description="File too large")
@blp.alt_response(415, schema=ProblemSchema, description="File type not accepted")
@blp.doc(security=AUTH)
def add_attachment(files: dict, reference: str):
    """Add an evidence file to a case (multipart field `file`)."""
    caller = _writer(reference, access.Action.ADD_EVIDENCE)
    rt = service()
    upload = files["file"]
    return attachments.save(
        rt.db,
        rt.clock,
        attachment_policy(),
        attachments.case_id_of(rt.db, reference),
        upload.filename,
        upload.mimetype,
        upload.stream,
        caller.username,
    )


@blp.route("/<reference>/attachments/<int:attachment_id>", methods=["GET"])
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema, description="No such case, or no such file on it")
@blp.doc(security=AUTH, responses=FILE_RESPONSE)
def download_attachment(reference: str, attachment_id: int):
    """Download an evidence file of a case (staff who may read the case; providers their own cases)."""
    _reader(reference)
    rt = service()
    case_id = attachments.case_id_of(rt.db, reference)
    return file_response(*attachments.fetch(rt.db, attachment_policy(), case_id, attachment_id))
