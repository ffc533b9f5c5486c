"""Casework on complaints: duplicates and merging, reopening, contact restrictions; provider organisations."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.schemas.common import Strict, Text


class DuplicateOut(ma.Schema):
    reference = fields.String(required=True)
    status = fields.String()
    outcome = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    created_at = fields.DateTime()
    reasons = fields.List(
        fields.String(metadata={"enum": ["same email", "same phone", "similar subject"]}),
        metadata={"description": "why the case may be a duplicate"},
    )
    shared_words = fields.List(fields.String(), metadata={"description": "subject words both cases have"})
    similarity = fields.Float(metadata={"description": "share of the shorter subject's words in the other"})


class DuplicateFilters(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    days = fields.Integer(
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "the period to look in (default REDRESSAL_DUPLICATE_DAYS, 90)"},
    )


class ContactIn(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    email = Text(validate=validate.Length(max=254), allow_none=True)
    phone = Text(validate=validate.Length(max=40), allow_none=True)


class IntakeDuplicatesIn(Strict):
    complainant = fields.Nested(ContactIn, load_default=dict)
    representative = fields.Nested(ContactIn, load_default=dict)
    subject = Text(validate=validate.Length(max=400), load_default="")
    days = fields.Integer(validate=validate.Range(min=1, max=3650))


class DuplicateList(ma.Schema):
    items = fields.List(fields.Nested(DuplicateOut), required=True)


class MergeIn(Strict):
    original_reference = Text(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the complaint this one is merged into"},
    )
    note = Text(validate=validate.Length(max=2000), load_default="")


class ReopenIn(Strict):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))


class RestrictionIn(Strict):
    channel = Text(required=True, metadata={"enum": ["email", "letter", "phone", "in_person", "portal"]})
    contact = Text(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "username of the one member of staff the complainant deals with"},
    )
    review_on = fields.Date(required=True)
    reasons = Text(required=True, validate=validate.Length(min=1, max=4000))


class RestrictionDecisionIn(Strict):
    approve = fields.Boolean(required=True)
    note = Text(validate=validate.Length(max=2000), load_default="")


class RestrictionOut(ma.Schema):
    id = fields.Integer(required=True)
    reference = fields.String()
    channel = fields.String()
    contact = fields.String()
    review_on = fields.Date()
    reasons = fields.String()
    status = fields.String(metadata={"enum": ["proposed", "approved", "refused"]})
    state = fields.String(
        metadata={
            "enum": ["proposed", "approved", "refused", "due_for_review"],
            "description": "the status, or due_for_review once an approved one's review date has come",
        }
    )
    proposed_by = fields.String()
    proposed_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String()


class RestrictionList(ma.Schema):
    items = fields.List(fields.Nested(RestrictionOut), required=True)


class CaseLinkOut(ma.Schema):
    relation = fields.String(
        metadata={"enum": ["merged_into", "merged_from", "reopened_from", "reopened_as"]}
    )
    reference = fields.String()
    process_id = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    at = fields.DateTime()
    by = fields.String()


KINDS = ["ombudsman", "adr_body", "arbitrator"]


class OrganisationFields(Strict):
    name = Text(validate=validate.Length(min=1, max=200))
    kind = Text(metadata={"enum": KINDS})
    email = Text(validate=validate.Length(max=254), allow_none=True)
    phone = Text(validate=validate.Length(max=40), allow_none=True)
    website = Text(validate=validate.Length(max=300), allow_none=True)
    address = Text(validate=validate.Length(max=2000), allow_none=True)


class OrganisationIn(OrganisationFields):
    slug = Text(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={
            "description": "lasting id recorded on referred disputes: lower-case letters, digits, . - _"
        },
    )


class OrganisationActive(Strict):
    active = fields.Boolean(required=True)


class OrganisationUserIn(Strict):
    username = Text(required=True, validate=validate.Length(min=1, max=80))


class OrganisationFilters(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    active = fields.Boolean(metadata={"description": "true: only those offered at referral"})


class OrganisationOut(ma.Schema):
    slug = fields.String(required=True)
    name = fields.String()
    kind = fields.String(metadata={"enum": KINDS})
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    active = fields.Boolean()
    users = fields.List(fields.String(), metadata={"description": "usernames of its provider users"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OrganisationList(ma.Schema):
    items = fields.List(fields.Nested(OrganisationOut), required=True)
