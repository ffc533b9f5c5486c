"""Casework on a complaint for staff: possible duplicates and merging, reopening, contact restrictions."""

from __future__ import annotations

from engine.access import policy as access
from engine.complaints import duplicates, reopen, restrictions
from engine.core.errors import PermissionDenied
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.casework import (
    DuplicateFilters,
    DuplicateList,
    IntakeDuplicatesIn,
    MergeIn,
    ReopenIn,
    RestrictionDecisionIn,
    RestrictionIn,
    RestrictionList,
    RestrictionOut,
)
from webapp.api.schemas.common import CaseSummary

blp = Blueprint("casework", __name__, url_prefix="", description="Casework on complaints (staff)")


def _staff(action: access.Action):
    """Staff only: a provider never reaches a complaint, whatever their other roles say."""
    caller = security.actor(action)
    if access.is_provider(caller):
        raise PermissionDenied("providers see only the disputes referred to them")
    return caller


@blp.route("/cases/<reference>/duplicates", methods=["GET"])
@blp.arguments(DuplicateFilters(), location="query")
@blp.response(200, DuplicateList)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def list_duplicates(args: dict, reference: str):
    """Possible duplicates of a complaint, best first, each with its reasons (same email, same phone,
    similar subject), received within the period (`days`, default 90)."""
    caller = _staff(access.Action.FIND_DUPLICATES)
    return {"items": duplicates.suggestions(service(), reference, caller, args.get("days"))}


@blp.route("/duplicates", methods=["POST"])
@blp.arguments(IntakeDuplicatesIn())
@blp.response(200, DuplicateList)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def check_intake(body: dict):
    """Possible duplicates of a complaint about to be logged (complainant's and representative's e-mail and
    phone, subject), before it is filed: the same suggestions as for a filed complaint."""
    caller = _staff(access.Action.FIND_DUPLICATES)
    days = body.pop("days", None)
    return {"items": duplicates.suggestions_for_intake(service(), body, caller, days)}


@blp.route("/cases/<reference>/merge", methods=["POST"])
@blp.arguments(MergeIn())
@blp.response(200, CaseSummary)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="This case cannot be closed as merged now")
@blp.alt_response(422, schema=ProblemSchema, description="The original's reference, field by field")
@blp.doc(security=AUTH)
def merge(body: dict, reference: str):
    """Merge this complaint into an original: linked both ways, its text and evidence added to the original,
    closed with the outcome `merged`, and the complainant told which reference to use."""
    caller = _staff(access.Action.MERGE_DUPLICATES)
    return duplicates.merge(service(), reference, body["original_reference"], caller, body["note"])


@blp.route("/cases/<reference>/reopen", methods=["POST"])
@blp.arguments(ReopenIn())
@blp.response(201, CaseSummary)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Only supervisors and administrators")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Not closed, closed too long ago, or reopened")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def reopen_case(body: dict, reference: str):
    """Reopen a closed complaint within REDRESSAL_REOPEN_DAYS (30) of closure: returns the NEW case, linked
    to the original (`reopened_from`); the original stays closed."""
    caller = _staff(access.Action.REOPEN_CASES)
    return reopen.reopen(service(), reference, caller, body["reason"]), 201


@blp.route("/cases/<reference>/contact-restrictions", methods=["GET"])
@blp.response(200, RestrictionList)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def list_restrictions(reference: str):
    """The case's contact restrictions, newest first."""
    caller = _staff(access.Action.FIND_DUPLICATES)
    return {"items": restrictions.for_case(service(), reference, caller)}


@blp.route("/cases/<reference>/contact-restrictions", methods=["POST"])
@blp.arguments(RestrictionIn())
@blp.response(201, RestrictionOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Only supervisors and administrators")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Another proposal waits for a decision")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def propose_restriction(body: dict, reference: str):
    """Propose restricting contact with the complainant: one channel, one named contact, a review date and
    the reasons. It takes effect when a second supervisor approves it."""
    caller = _staff(access.Action.RESTRICT_CONTACT)
    return restrictions.propose(service(), reference, caller, **body), 201


@blp.route("/contact-restrictions/<int:restriction_id>/decision", methods=["POST"])
@blp.arguments(RestrictionDecisionIn())
@blp.response(200, RestrictionOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Only supervisors and administrators")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Decided already")
@blp.alt_response(422, schema=ProblemSchema, description="The proposer cannot approve their own proposal")
@blp.doc(security=AUTH)
def decide_restriction(body: dict, restriction_id: int):
    """A second supervisor approves or refuses a proposed restriction."""
    caller = _staff(access.Action.RESTRICT_CONTACT)
    return restrictions.decide(service(), restriction_id, caller, approve=body["approve"], note=body["note"])
