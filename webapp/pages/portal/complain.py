"""Complain: the public fields of the intake form, rendered on the server, with evidence files.

The page reads the deployed intake form (the same definition the engine validates), leaves out what only
staff may set, and calls the same intake service as `POST /api/v1/complaints`. A refused submission shows
every value again with each error beside its field; a refused file is named, and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine.complaints import intake, tracking_view
from engine.core.actors import COMPLAINANT
from engine.core.errors import FormInvalid
from engine.evidence import attachments
from engine.task_forms.properties import STAFF_ONLY
from engine.task_forms.translations import translate_form
from webapp.api import limits
from webapp.api.context import attachment_policy, service, tracking_settings
from webapp.pages.portal import session as tracked
from webapp.pages.portal.blueprint import blueprint
from webapp.web import formjs, i18n
from webapp.web.engine_messages import translated_errors

MAX_FILES = 5
EVIDENCE = "evidence"
_DONE = "complaint_made"


def public(component: Mapping[str, Any]) -> bool:
    """What the public form shows: every component not marked staff-only."""
    props = component.get("properties")
    return not (isinstance(props, dict) and str(props.get(STAFF_ONLY, "")).lower() == "true")


def _read_evidence() -> tuple[list[attachments.Upload], list[str]]:
    policy = attachment_policy()
    uploads: list[attachments.Upload] = []
    refused: list[str] = []
    files = [f for f in request.files.getlist(EVIDENCE) if f and f.filename]
    if len(files) > MAX_FILES:
        refused.append(
            _("Send at most %(count)s files with the complaint; you can add more later.", count=MAX_FILES)
        )
        return [], refused
    for file in files:
        name = attachments.clean_name(file.filename)
        try:
            uploads.append(attachments.read_upload(policy, file.filename, file.mimetype, file.stream))
        except attachments.AttachmentTooLarge:
            refused.append(
                _(
                    "“%(name)s” is too large: a file may be at most %(size)s MB.",
                    name=name,
                    size=policy.max_bytes // (1024 * 1024),
                )
            )
        except (attachments.MediaTypeRefused, FormInvalid):
            refused.append(
                _("“%(name)s” is not a kind of file we accept (PDF, JPEG, PNG or plain text).", name=name)
            )
    return uploads, refused


@blueprint.route("/complain", methods=["GET", "POST"])
@limits.limiter.limit(limits.public_limit, methods=["POST"])
def complain():
    definition = intake.intake_form(service()) or {"components": []}
    values: dict[str, Any] = {"complainant": {"language": i18n.current()}}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = formjs.read(definition, request.form, include=public)
        uploads, refused = _read_evidence()
        if refused:
            errors[EVIDENCE] = refused
        else:
            try:
                created = _submit(values, uploads)
            except FormInvalid as exc:
                errors = translated_errors(_onto_fields(exc.errors))
            else:
                tracked.remember(created["case_id"], created["reference"])
                session[_DONE] = {
                    "reference": created["reference"],
                    "code": created["case_code"],
                }
                return redirect(url_for("portal.complaint_made"), code=303)
    translated = translate_form(definition, i18n.current())
    fields = formjs.build(
        translated.schema, values, errors, include=public, fallback=formjs.fallbacks_of(translated)
    )
    labels = {f.name: f.label for f in _flat(fields)} | {EVIDENCE: _("Evidence")}
    body = render_template(
        "portal/complain.html",
        fields=fields,
        errors=errors,
        labels=labels,
        max_files=MAX_FILES,
        max_mb=attachment_policy().max_bytes // (1024 * 1024),
    )
    return body, (422 if errors else 200)


def _onto_fields(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Errors about the complainant as a whole (no way to reply) belong beside the email field."""
    placed = dict(errors)
    if "complainant" in placed:
        placed.setdefault("complainant.email", []).extend(placed.pop("complainant"))
    return placed


def _flat(fields: list[formjs.FieldView]) -> list[formjs.FieldView]:
    out: list[formjs.FieldView] = []
    for f in fields:
        out.append(f)
        out.extend(_flat(f.children))
    return out


def _submit(values: dict[str, Any], uploads: list[attachments.Upload]) -> dict[str, Any]:
    """Start the complaint and store its evidence in the case's own transaction."""
    rt = service()
    policy = attachment_policy()
    stored: list[str] = []

    case: dict[str, Any] = {}

    def within(conn, created: dict[str, Any]) -> None:
        case.update(created)
        for upload in uploads:
            _item, key = attachments.store_in(
                conn, rt.clock, policy, created["case_id"], upload, COMPLAINANT.username
            )
            stored.append(key)

    try:
        result = intake.submit(
            rt,
            values,
            None,
            default_jurisdiction=current_app.config["REDRESSAL_DEFAULT_JURISDICTION"],
            within=within,
            settings=tracking_settings(),
        )
    except BaseException:
        for key in stored:
            policy.storage.discard(key)
        raise
    return {**result, "case_id": case["case_id"]}


@blueprint.get("/complain/done")
def complaint_made():
    made = session.get(_DONE)
    current = tracked.current()
    if not isinstance(made, dict) or current is None or current.reference != made.get("reference"):
        return redirect(url_for("portal.how_to_complain"))
    view = tracking_view.read(service(), current.reference, settings=tracking_settings())
    return render_template("portal/complaint_made.html", made=made, view=view)
