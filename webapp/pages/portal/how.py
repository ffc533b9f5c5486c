"""How to complain (ISO 10002 clause 7.1): what, how, what happens next, how long, and who else can help."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _

from webapp.pages.portal import blueprint


@dataclass(frozen=True)
class Step:
    title: str
    text: str


@dataclass(frozen=True)
class Journey:
    steps: list[Step]
    referral: str


def journey() -> Journey:
    return Journey(
        steps=[
            Step(
                _("We confirm we have it"),
                _("We acknowledge your complaint and tell you who is handling it."),
            ),
            Step(
                _("We look into it"), _("We look at what happened, and ask you if we need more information.")
            ),
            Step(
                _("We give you our answer"),
                _("We write to you with our decision, our reasons and what we will put right."),
            ),
            Step(_("You tell us what you think"), _("You can accept our answer, or tell us why you do not.")),
        ],
        referral=_(
            "You can ask an independent dispute resolution body to look at your complaint. "
            "It is free for you."
        ),
    )


@blueprint.get("/")
def how_to_complain():
    return render_template("portal/how_to_complain.html", journey=journey())
