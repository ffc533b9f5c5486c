"""Dispute-resolution provider organisations: the list staff choose from at referral; administration."""

from __future__ import annotations

from engine.access import policy as access
from engine.disputes import organisations
from webapp.api import security
from webapp.api.blueprint import AUTH, Blueprint
from webapp.api.context import service
from webapp.api.problems import ProblemSchema
from webapp.api.schemas.casework import (
    OrganisationActive,
    OrganisationFields,
    OrganisationFilters,
    OrganisationIn,
    OrganisationList,
    OrganisationOut,
    OrganisationUserIn,
)

blp = Blueprint(
    "provider_organisations",
    __name__,
    url_prefix="/provider-organisations",
    description="Dispute-resolution provider organisations",
)


@blp.route("", methods=["GET"])
@blp.arguments(OrganisationFilters(), location="query")
@blp.response(200, OrganisationList)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.doc(security=AUTH)
def list_organisations(args: dict):
    """Organisations by name (`active=true`: those offered at referral)."""
    caller = security.actor(access.Action.READ_PROVIDERS)
    return {"items": organisations.listing(service().db, caller, active_only=bool(args.get("active")))}


@blp.route("", methods=["POST"])
@blp.arguments(OrganisationIn())
@blp.response(201, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Administrators only")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def create_organisation(body: dict):
    """Create an organisation (active)."""
    caller = security.actor(access.Action.MANAGE_PROVIDERS)
    rt = service()
    slug = body.pop("slug")
    return organisations.create(rt.db, rt.clock, caller, slug, body), 201


@blp.route("/<slug>", methods=["GET"])
@blp.response(200, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema)
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def show_organisation(slug: str):
    security.actor(access.Action.READ_PROVIDERS)
    return organisations.get(service().db, slug)


@blp.route("/<slug>", methods=["PATCH"])
@blp.arguments(OrganisationFields())
@blp.response(200, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Administrators only")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def change_organisation(body: dict, slug: str):
    """Change an organisation's name, kind or contact details (the slug stays)."""
    caller = security.actor(access.Action.MANAGE_PROVIDERS)
    rt = service()
    return organisations.change(rt.db, rt.clock, caller, slug, body)


@blp.route("/<slug>/active", methods=["PUT"])
@blp.arguments(OrganisationActive())
@blp.response(200, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Administrators only")
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def set_active(body: dict, slug: str):
    """Deactivate (or reactivate) an organisation; a deactivated one is offered at no new referral."""
    caller = security.actor(access.Action.MANAGE_PROVIDERS)
    rt = service()
    return organisations.set_active(rt.db, rt.clock, caller, slug, body["active"])


@blp.route("/<slug>/users", methods=["POST"])
@blp.arguments(OrganisationUserIn())
@blp.response(200, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Administrators only")
@blp.alt_response(404, schema=ProblemSchema)
@blp.alt_response(409, schema=ProblemSchema, description="The user works for another organisation")
@blp.alt_response(422, schema=ProblemSchema)
@blp.doc(security=AUTH)
def add_user(body: dict, slug: str):
    """Make a provider user one of the organisation's users: they see its disputes."""
    caller = security.actor(access.Action.MANAGE_PROVIDERS)
    return organisations.add_user(service().db, caller, slug, body["username"])


@blp.route("/<slug>/users/<username>", methods=["DELETE"])
@blp.response(200, OrganisationOut)
@blp.alt_response(401, schema=ProblemSchema)
@blp.alt_response(403, schema=ProblemSchema, description="Administrators only")
@blp.alt_response(404, schema=ProblemSchema)
@blp.doc(security=AUTH)
def remove_user(slug: str, username: str):
    caller = security.actor(access.Action.MANAGE_PROVIDERS)
    return organisations.remove_user(service().db, caller, slug, username)
