"""A case's regulatory deadlines for staff: extending one, as far as the case's SLA profile allows."""

from __future__ import annotations

from engine.access import policy as access
from engine.deadlines.extend import ExtensionDecision, extend_deadline
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.deadlines import ExtensionIn, ExtensionOut

blp = Blueprint("deadlines", __name__, url_prefix="/cases", description="Deadlines of a case (staff)")


@blp.route("/<reference>/deadlines/<name>/extensions", methods=["POST"])
@blp.arguments(ExtensionIn())
@blp.response(201, ExtensionOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Only handlers, supervisors and administrators")
@blp.alt_response(404, schema=ProblemSchema, description="No such case, or its profile has no such deadline")
@blp.alt_response(
    409,
    schema=ProblemSchema,
    description="No (further) extension allowed, or the deadline met or passed, or the case closed",
)
@blp.alt_response(422, schema=ProblemSchema, description="Reason, what to establish or the second approver")
@blp.doc(security=AUTH)
def extend(decision: dict, reference: str, name: str):
    """Take the next extension of a deadline that the case's SLA profile allows.

    Moves the deadline (its timers, warning and record), records the decision with its reason in the audit
    trail, and queues the letter that tells the complainant the new date, in their language.
    """
    caller = security.actor(access.Action.EXTEND_DEADLINES)
    return extend_deadline(
        service(),
        reference,
        name,
        ExtensionDecision(decision["reason"], decision.get("to_establish", ""), decision.get("approved_by")),
        caller,
    ), 201
