"""The public complaint (intake) and what the complainant may see and send while tracking it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from engine.complaints.tracking import MESSAGES
from engine.deadlines import jurisdictions
from engine.task_forms import language_tags
from webapp.api.schemas.common import Strict, Text

CHANNELS = ("web", "email", "phone", "letter", "in_person", "anonymous")
CONTACT_CHANNELS = ("email", "phone", "sms", "letter")


def _language_tag(value: str) -> None:
    if not language_tags.is_well_formed(value):
        raise ma.ValidationError(language_tags.HINT)


def _jurisdiction(value: str) -> None:
    if jurisdictions.canonical(value) is None:
        raise ma.ValidationError(
            "Give an ISO 3166-1 country code such as GB or an ISO 3166-2 subdivision code such as GB-SCT."
        )


class Complainant(Strict):
    name = Text(validate=validate.Length(max=200))
    email = Text(validate=[validate.Length(max=254), validate.Email(error="Enter a valid email address.")])
    phone = Text(validate=validate.Length(max=32))
    address = Text(validate=validate.Length(max=500))
    language = Text(
        validate=[validate.Length(max=35), _language_tag],
        metadata={
            "description": "a BCP 47 language tag; letters go in en, vi, fa, zh-Hans, zh-Hant or pl "
            "(zh-CN as zh-Hans, zh-TW as zh-Hant), any other language is recorded and answered in English"
        },
    )
    preferred_channel = Text(validate=validate.Length(max=20))


class Representative(Strict):
    name = Text(validate=validate.Length(max=200))
    relationship = Text(validate=validate.Length(max=40))
    authority = Text(validate=validate.Length(max=40))
    email = Text(validate=[validate.Length(max=254), validate.Email(error="Enter a valid email address.")])
    phone = Text(validate=validate.Length(max=32))
    address = Text(validate=validate.Length(max=500))


class Agreements(Strict):
    """What the complainant agreed to. Sharing with a dispute resolution body is asked at referral."""

    contact_by = fields.List(
        Text(validate=validate.OneOf(CONTACT_CHANNELS)),
        metadata={"description": "the ways the complainant agrees to be contacted"},
    )


class ComplaintIn(Strict):
    """A complaint as people and other systems send it; the intake form decides the finer rules."""

    complainant = fields.Nested(Complainant, load_default=dict)
    representative = fields.Nested(Representative)
    channel = Text(load_default="web", validate=validate.OneOf(CHANNELS))
    subject = Text(validate=validate.Length(max=120))
    description = Text(validate=validate.Length(max=10_000))
    product = Text(
        validate=validate.Length(max=200), metadata={"description": "optional; asked at assessment"}
    )
    category = Text(
        validate=validate.Length(max=40), metadata={"description": "optional; chosen at assessment"}
    )
    remedy_sought = Text(validate=validate.Length(max=4000))
    jurisdiction = Text(
        validate=[validate.Length(max=20), _jurisdiction],
        metadata={"description": "ISO 3166-1 alpha-2 country (GB) or ISO 3166-2 subdivision (GB-SCT)"},
    )
    occurred_on = fields.Date()
    accessibility_needs = Text(validate=validate.Length(max=2000))
    staff_involved = Text(validate=validate.Length(max=200))
    consent = fields.Boolean(
        allow_none=True,
        metadata={"description": "agreement to the use of their data for handling; never required"},
    )
    agreements = fields.Nested(Agreements)
    received_at = fields.AwareDateTime(metadata={"description": "staff only"})
    received_by = Text(validate=validate.Length(max=200), metadata={"description": "staff only"})

    @ma.validates_schema
    def _reachable(self, data: dict, **_kwargs) -> None:
        if data.get("channel") == "anonymous":
            return
        errors = {}
        if not (data.get("description") or "").strip():
            errors["description"] = ["Tell us what happened."]
        people = [data.get("complainant") or {}, data.get("representative") or {}]
        if not any(p.get(k) for p in people for k in ("email", "phone", "address")):
            errors["complainant"] = [
                "Give an email address, a phone number or a postal address so we can reply, "
                "or choose the anonymous channel."
            ]
        if errors:
            raise ma.ValidationError(errors)


class ComplaintCreated(ma.Schema):
    reference = fields.String(required=True, metadata={"example": "CMP-2026-7K3Q9D"})
    tracking_token = fields.String(
        required=True, metadata={"description": "send as X-Tracking-Token; shown only this once"}
    )
    case_code = fields.String(
        metadata={
            "description": "the short code printed on every letter (with the reference, it opens the "
            "tracking page); read it out to a complainant on the phone",
            "example": "7K3Q-9D2X",
        }
    )
    status = fields.String(required=True)


class Decision(ma.Schema):
    summary = fields.String(allow_none=True)
    reasons = fields.String(allow_none=True)
    recourse = fields.String(allow_none=True)
    ombudsman_name = fields.String(allow_none=True)
    referral_deadline = fields.String(allow_none=True)
    communicated_at = fields.String(allow_none=True)


class TrackingView(ma.Schema):
    reference = fields.String(required=True)
    status = fields.String(required=True)
    stage = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    received_at = fields.String(allow_none=True)
    acknowledged_at = fields.String(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    information_requested = fields.String(allow_none=True)
    decision = fields.Nested(Decision, allow_none=True)
    allowed_messages = fields.List(fields.String(validate=validate.OneOf(sorted(MESSAGES))))


class ComplainantMessage(Strict):
    type = Text(required=True, validate=validate.OneOf(sorted(MESSAGES)))
    text = Text(load_default="", validate=validate.Length(max=10_000))
