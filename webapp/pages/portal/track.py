"""Track a complaint: open it with the reference and case code, or a letter's link; then see it and act.

Wrong codes and unknown references get the same answer after the same work, and attempts are limited per
address here and per reference in the engine. After opening, the case travels in the session cookie only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.complaints import credentials, tracking, tracking_view
from engine.core.errors import FormInvalid, MessageNotExpected, NotFound, TooManyAttempts
from engine.evidence import attachments
from webapp.api import limits
from webapp.api.context import attachment_policy, service, tracking_settings
from webapp.pages.portal import session as tracked
from webapp.pages.portal.blueprint import blueprint
from webapp.pages.portal.complain import EVIDENCE

# What the complainant may send from the page -> the label of its button and whether a reason is needed.
ACTIONS = ("information", "accept", "reject", "withdraw")


def _normalised(reference: str) -> str:
    return reference.strip().upper()


@blueprint.route("/track", methods=["GET", "POST"])
@limits.limiter.limit(limits.public_limit, methods=["POST"])
def track():
    if request.method == "GET" and tracked.current() is not None and "other" not in request.args:
        return redirect(url_for("portal.tracked_case"))
    typed = {"reference": request.form.get("reference", ""), "code": request.form.get("code", "")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not typed["reference"].strip():
            errors["reference"] = [_("Enter the reference from your letter or email.")]
        if not typed["code"].strip():
            errors["code"] = [_("Enter the case code from your letter or email.")]
        if not errors:
            rt = service()
            try:
                case_id = tracking.open_by_code(
                    rt.db, rt.clock, tracking_settings(), typed["reference"], typed["code"]
                )
            except TooManyAttempts:
                errors["_form"] = [
                    _(
                        "Too many tries for this reference. Wait %(minutes)s minutes and try again.",
                        minutes=int(tracking_settings().attempt_window.total_seconds() // 60),
                    )
                ]
            except NotFound:
                errors["_form"] = [
                    _(
                        "We could not find a complaint with that reference and case code. "
                        "Check both and try again."
                    )
                ]
            else:
                tracked.remember(case_id, tracking.reference_of(rt.db, case_id))
                return redirect(url_for("portal.tracked_case"), code=303)
    body = render_template("portal/track.html", typed=typed, errors=errors)
    return body, (422 if errors else 200)


@blueprint.get("/track/open/<token>")
@limits.limiter.limit(limits.public_limit)
def open_link(token: str):
    """A letter's single-use link: exchanged for the session cookie, then the address no longer holds it."""
    rt = service()
    try:
        case_id = credentials.redeem_link(rt.db, rt.clock, token)
    except NotFound:
        flash(
            _("This link has already been used or has expired. Enter your reference and case code instead."),
            "warning",
        )
        return redirect(url_for("portal.track"), code=303)
    tracked.remember(case_id, tracking.reference_of(rt.db, case_id))
    return redirect(url_for("portal.tracked_case"), code=303)


def _view(reference: str) -> tracking_view.TrackingView:
    return tracking_view.read(service(), reference, settings=tracking_settings())


def _require_tracked() -> tracked.Tracked:
    current = tracked.current()
    if current is None:
        abort(redirect(url_for("portal.track")))
    return current


@blueprint.get("/track/case")
def tracked_case():
    current = _require_tracked()
    return render_template("portal/tracked_case.html", view=_view(current.reference))


@blueprint.post("/track/case/messages")
def send_message():
    current = _require_tracked()
    kind = request.form.get("type", "")
    text = request.form.get("text", "").strip()
    if kind not in ACTIONS:
        abort(400)
    if not text and kind in ("information", "reject"):
        errors = {f"text-{kind}": [_("Write a few words before sending.")]}
        body = render_template(
            "portal/tracked_case.html", view=_view(current.reference), errors=errors, typed={kind: text}
        )
        return body, 422
    try:
        tracking.send(service(), current.reference, kind, text or "-", service().clock.now())
    except MessageNotExpected:
        flash(
            _(
                "Your complaint has moved on since the page was shown, so this was not sent. "
                "Here is where it stands now."
            ),
            "warning",
        )
        return redirect(url_for("portal.tracked_case"), code=303)
    flash(
        {
            "information": _("Thank you. We have received your information."),
            "accept": _("Thank you. You have accepted our answer, and we will close your complaint."),
            "reject": _("We have recorded that you do not accept our answer, with your reasons."),
            "withdraw": _("Your complaint is withdrawn. You can still read it here."),
        }[kind],
        "success",
    )
    return redirect(url_for("portal.tracked_case"), code=303)


@blueprint.route("/track/case/withdraw", methods=["GET"])
def confirm_withdraw():
    current = _require_tracked()
    view = _view(current.reference)
    if "withdraw" not in view.allowed_messages:
        return redirect(url_for("portal.tracked_case"))
    return render_template("portal/withdraw.html", view=view)


@blueprint.post("/track/case/evidence")
@limits.limiter.limit(limits.public_limit)
def add_evidence():
    current = _require_tracked()
    file = request.files.get(EVIDENCE)
    problem = None
    if file is None or not file.filename:
        problem = _("Choose a file to send.")
    else:
        name = attachments.clean_name(file.filename)
        policy = attachment_policy()
        try:
            tracking.add_evidence(
                service(), policy, current.case_id, file.filename, file.mimetype, file.stream
            )
        except attachments.AttachmentTooLarge:
            problem = _(
                "“%(name)s” is too large: a file may be at most %(size)s MB.",
                name=name,
                size=policy.max_bytes // (1024 * 1024),
            )
        except (attachments.MediaTypeRefused, FormInvalid):
            problem = _(
                "“%(name)s” is not a kind of file we accept (PDF, JPEG, PNG or plain text).", name=name
            )
        else:
            flash(_("We have added “%(name)s” to your complaint.", name=name), "success")
    if problem:
        flash(problem, "error")
    return redirect(url_for("portal.tracked_case") + "#evidence", code=303)


@blueprint.post("/track/sign-out")
def stop_tracking():
    tracked.forget()
    flash(_("You have closed your complaint on this device."), "success")
    return redirect(url_for("portal.how_to_complain"), code=303)
