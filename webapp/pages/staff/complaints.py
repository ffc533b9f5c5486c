"""Log a complaint taken by phone, letter or at the counter: every intake field, staff-only ones too.

The same intake service as the portal and `POST /api/v1/complaints`, with the signed-in person as the actor,
so the engine records who logged it and accepts the fields only staff may set (channel, received when and by
whom). Afterwards the page shows the reference and case code to read out to the complainant.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from engine.access import policy as access
from engine.complaints import intake
from engine.core.errors import FormInvalid
from engine.task_forms.translations import translate_form
from webapp.api.context import service, tracking_settings
from webapp.pages.staff.blueprint import blueprint
from webapp.pages.staff.session import actor, signed_in
from webapp.web import formjs, i18n
from webapp.web.engine_messages import translated_errors

_DONE = "complaint_logged"


@blueprint.route("/complaints/new", methods=["GET", "POST"])
@signed_in
def log_complaint():
    me = access.require(actor(), access.Action.LOG_COMPLAINT)
    definition = intake.intake_form(service()) or {"components": []}
    now = service().clock.now()
    values: dict[str, Any] = {
        "received_by": me.username,
        "received_at": now.replace(second=0, microsecond=0).isoformat(),
    }
    errors: dict[str, list[Any]] = {}
    if request.method == "POST":
        values = formjs.read(definition, request.form)
        try:
            made = intake.submit(
                service(),
                values,
                me,
                default_jurisdiction=current_app.config["REDRESSAL_DEFAULT_JURISDICTION"],
                settings=tracking_settings(),
            )
        except FormInvalid as exc:
            errors = dict(translated_errors(exc.errors))
        else:
            session[_DONE] = {"reference": made["reference"], "code": made["case_code"]}
            return redirect(url_for("staff.complaint_logged"), code=303)
    translated = translate_form(definition, i18n.current())
    fields = formjs.build(translated.schema, values, errors, fallback=formjs.fallbacks_of(translated))
    body = render_template(
        "staff/log_complaint.html",
        fields=fields,
        errors=errors,
        labels={f.name: f.label for f in formjs.flat(fields)},
    )
    return body, (422 if errors else 200)


@blueprint.get("/complaints/logged")
@signed_in
def complaint_logged():
    made = session.get(_DONE)
    if not isinstance(made, dict):
        return redirect(url_for("staff.log_complaint"))
    return render_template("staff/complaint_logged.html", made=made)
