"""How to complain (ISO 10002 clause 7.1): what, how, what happens next, how long, and who else can help.

The facts (steps, periods, bodies) come from the engine for the organisation's jurisdiction; this module only
puts them into the reader's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.complaints.how_to_complain import HowToComplain, Span, how_to_complain
from webapp.pages.portal.blueprint import blueprint
from webapp.web import i18n


@dataclass(frozen=True)
class StepWords:
    title: str
    text: str


def span_words(span: Span | None) -> str:
    if span is None:
        return ""
    return i18n.localised_digits(_span_words(span.amount, span.unit))  # Persian digits on Persian pages


def _span_words(n: int, unit: str) -> str:
    if unit == "business_days":
        return ngettext("%(num)s business day", "%(num)s business days", n)
    if unit == "calendar_days":
        return ngettext("%(num)s day", "%(num)s days", n)
    if unit == "weeks":
        return ngettext("%(num)s week", "%(num)s weeks", n)
    if unit == "hours":
        return ngettext("%(num)s hour", "%(num)s hours", n)
    if unit == "months":
        return ngettext("%(num)s month", "%(num)s months", n)
    if unit == "years":
        return ngettext("%(num)s year", "%(num)s years", n)
    return ngettext("%(num)s minute", "%(num)s minutes", n)


def step_words(facts: HowToComplain) -> list[StepWords]:
    words = []
    for step in facts.steps:
        within = span_words(step.within)
        if step.id == "received":
            words.append(StepWords(_("You tell us"), _("Online, by phone, by post or in person.")))
        elif step.id == "acknowledged":
            words.append(
                StepWords(
                    _("We confirm we have it"),
                    _(
                        "Within %(span)s we acknowledge your complaint and tell you who is handling it.",
                        span=within,
                    ),
                )
            )
        elif step.id == "assessed":
            words.append(
                StepWords(
                    _("We look at it"),
                    _(
                        "If we can put things right quickly, we do so within %(span)s and tell you.",
                        span=within,
                    ),
                )
            )
        elif step.id == "investigated":
            words.append(
                StepWords(
                    _("We look into it"),
                    _(
                        "If it needs longer, we write to you within %(span)s to say why and when to expect "
                        "our answer. If we need more information, we ask you.",
                        span=within,
                    ),
                )
            )
        elif step.id == "response":
            text = _(
                "You get our final answer within %(span)s of our receiving your complaint, with our reasons "
                "and what we will put right.",
                span=within,
            )
            if step.deemed_upheld:
                text += " " + _("If we do not answer in time, your complaint counts as accepted.")
            words.append(StepWords(_("We give you our answer"), text))
    return words


@blueprint.get("/", endpoint="how_to_complain")
def how_to_complain_page():
    facts = how_to_complain(current_app.config["REDRESSAL_DEFAULT_JURISDICTION"])
    bodies = [
        (
            body,
            span_words(Span(body.refer_within.amount, body.refer_within.unit)) if body.refer_within else "",
        )
        for body in facts.bodies
    ]
    return render_template("portal/how_to_complain.html", steps=step_words(facts), bodies=bodies)
