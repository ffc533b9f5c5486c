"""What complainants (and staff logging a call or letter for them) reach: intake and tracking.

No login: intake hands out a tracking token, and tracking calls send it as `X-Tracking-Token`. A wrong
token and an unknown reference get the same 404.
"""

from __future__ import annotations

from flask import current_app

from engine.access import policy as access
from engine.complaints import intake, tracking
from engine.core.actors import COMPLAINANT
from engine.core.errors import NotFound
from engine.evidence import attachments
from webapp.api import limits, security
from webapp.api.blueprint import Blueprint
from webapp.api.context import attachment_policy, service, tracking_settings
from webapp.api.downloads import FILE_RESPONSE, file_response
from webapp.api.idempotent import PARAMETER as IDEMPOTENCY_KEY
from webapp.api.idempotent import run_once
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.cases import AttachmentOut, Upload
from webapp.api.schemas.complaints import (
    ComplainantMessage,
    ComplaintCreated,
    ComplaintIn,
    TrackingView,
)

blp = Blueprint("public", __name__, url_prefix="", description="Complaint intake and tracking")
TRACKING_TOKEN = {
    "in": "header",
    "name": "X-Tracking-Token",
    "required": True,
    "schema": {"type": "string"},
    "description": "the tracking_token the intake answer gave",
}
_created = ComplaintCreated()
_tracking = TrackingView()


@blp.route("/complaints", methods=["POST"])
@limits.public
@blp.arguments(ComplaintIn())
@blp.response(201, ComplaintCreated)
@blp.alt_response(401, schema=ProblemSchema, description="A token was sent and is not valid")
@blp.alt_response(409, schema=ProblemSchema, description="The same Idempotency-Key is still running")
@blp.alt_response(413, schema=ProblemSchema, description="Body too large")
@blp.alt_response(429, schema=ProblemSchema, description="Too many requests")
@blp.doc(parameters=[IDEMPOTENCY_KEY], security=[{}, {"bearer": []}])
def submit_complaint(complaint: dict):
    """Make a complaint (public), or log one received by phone, letter or visit (staff, with a token).

    Starts the newest version of `complaint_handling`. Only staff may send `received_at`/`received_by`.
    """
    caller = security.optional_actor()
    if caller is not None and not access.allows(caller, access.Action.LOG_COMPLAINT):
        caller = None  # an auditor's or provider's token gives no staff rights at intake
    jurisdiction = current_app.config["REDRESSAL_DEFAULT_JURISDICTION"]

    def action(record):
        def within(conn, created):
            record(conn, 201, _created.dump(created))

        result = intake.submit(
            service(),
            complaint,
            caller,
            default_jurisdiction=jurisdiction,
            within=within,
            settings=tracking_settings(),
        )
        return 201, _created.dump(result)

    who = caller.username if caller else "public"
    return run_once("complaints", who, action, secret_fields=("tracking_token", "case_code"))


@blp.route("/track/<reference>", methods=["GET"])
@limits.public
@security.tracked
@blp.response(200, TrackingView)
@blp.alt_response(404, schema=ProblemSchema, description="Unknown reference or wrong tracking token")
@blp.alt_response(429, schema=ProblemSchema, description="Too many requests")
@blp.doc(parameters=[TRACKING_TOKEN])
def track(reference: str):
    """What the complainant may see: status, stage, key dates, the decision, and what they may send now."""
    security.tracked_case(reference)
    return tracking.view(service(), reference)


@blp.route("/track/<reference>/messages", methods=["POST"])
@limits.public
@security.tracked
@blp.arguments(ComplainantMessage())
@blp.response(200, TrackingView)
@blp.alt_response(404, schema=ProblemSchema, description="Unknown reference or wrong tracking token")
@blp.alt_response(409, schema=ProblemSchema, description="The case does not wait for this message now")
@blp.alt_response(429, schema=ProblemSchema, description="Too many requests")
@blp.doc(parameters=[TRACKING_TOKEN])
def complainant_message(message: dict, reference: str):
    """Accept or reject the decision, send requested information, or withdraw the complaint."""
    security.tracked_case(reference)
    rt = service()
    tracking.send(rt, reference, message["type"], message["text"], rt.clock.now())
    return tracking.view(rt, reference)


@blp.route("/track/<reference>/attachments", methods=["POST"])
@limits.public
@security.tracked
@blp.arguments(Upload(), location="files")
@blp.response(201, AttachmentOut)
@blp.alt_response(404, schema=ProblemSchema, description="Unknown reference or wrong tracking token")
@blp.alt_response(413, schema=ProblemSchema, description="File too large")
@blp.alt_response(415, schema=ProblemSchema, description="File type not accepted")
@blp.alt_response(429, schema=ProblemSchema, description="Too many requests")
@blp.doc(parameters=[TRACKING_TOKEN])
def complainant_attachment(files: dict, reference: str):
    """Add an evidence file to the complaint (multipart field `file`)."""
    case_id = security.tracked_case(reference)
    rt = service()
    upload = files["file"]
    return attachments.save(
        rt.db,
        rt.clock,
        attachment_policy(),
        case_id,
        upload.filename,
        upload.mimetype,
        upload.stream,
        COMPLAINANT.username,
    )


@blp.route("/track/<reference>/attachments/<int:attachment_id>", methods=["GET"])
@limits.public
@security.tracked
@blp.alt_response(404, schema=ProblemSchema, description="Unknown reference, wrong token, or not your file")
@blp.alt_response(429, schema=ProblemSchema, description="Too many requests")
@blp.doc(parameters=[TRACKING_TOKEN], responses=FILE_RESPONSE)
def complainant_download(reference: str, attachment_id: int):
    """Download a file the complainant added to this complaint (staff evidence is not shown here)."""
    rt = service()
    case_id = security.tracked_case(reference)
    description, content = attachments.fetch(rt.db, attachment_policy(), case_id, attachment_id)
    if description.uploaded_by != COMPLAINANT.username:
        raise NotFound("no such attachment on this case")
    return file_response(description, content)
