"""The engine's field messages in the page's language.

The engine speaks English to API clients (its messages are part of the API's contract); a page shows the
same refusal in the complainant's language. Each known message shape is matched here and given to
Flask-Babel with its numbers; a message this table does not know is shown as it is, marked as English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from markupsafe import Markup, escape

Translate = Callable[[re.Match[str]], str]

_KNOWN: list[tuple[re.Pattern[str], Translate]] = [
    (re.compile(r"^This field is required\.$"), lambda m: _("Enter this information; it is needed.")),
    (
        re.compile(r"^Missing data for required field\.$"),
        lambda m: _("Enter this information; it is needed."),
    ),
    (
        re.compile(r"^Enter a valid email address\.$"),
        lambda m: _("Enter an email address like name@example.com."),
    ),
    (
        re.compile(r"^Enter a phone number in international form"),
        lambda m: _(
            "Enter a phone number starting with + or 00 and the country code, such as +44 20 7946 0000."
        ),
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        lambda m: _("Write at least %(count)s characters.", count=int(m.group(1))),
    ),
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        lambda m: _("Write at most %(count)s characters.", count=int(m.group(1))),
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        lambda m: _("Write between %(low)s and %(high)s characters.", low=m.group(1), high=m.group(2)),
    ),
    (re.compile(r"^Not a valid number\.$"), lambda m: _("Enter a number, such as 12 or 12.50.")),
    (re.compile(r"^Not a valid date\.$"), lambda m: _("Enter a real date.")),
    (re.compile(r"^Not a valid time\.$"), lambda m: _("Enter a real time.")),
    (re.compile(r"^Not a valid datetime\.$"), lambda m: _("Enter a real date and time.")),
    (re.compile(r"^(Choose one of|Must be one of): "), lambda m: _("Choose one of the options offered.")),
    (
        re.compile(r"^Only staff may set this field"),
        lambda m: _("This information is filled in by our staff."),
    ),
    (
        re.compile(r"^Give an ISO 3166 country code"),
        lambda m: _("Choose a country or region from the list."),
    ),
    (re.compile(r"^Give a BCP 47 language tag"), lambda m: _("Choose a language from the list.")),
    # Passwords (engine.identity.passwords and users.change_password)
    (
        re.compile(r"^Use at least (\d+) characters\.$"),
        lambda m: _("Use at least %(count)s characters.", count=int(m.group(1))),
    ),
    (
        re.compile(r"^The password cannot be the username\."),
        lambda m: _("The password cannot be your username."),
    ),
    (
        re.compile(r"^This is one of the most common passwords"),
        lambda m: _("This is one of the most common passwords; choose another."),
    ),
    (re.compile(r"^This is not your current password\."), lambda m: _("This is not your current password.")),
    (
        re.compile(r"^Choose a password different from the current one\."),
        lambda m: _("Choose a password different from the current one."),
    ),
    (
        re.compile(r"^The two new passwords are not the same\."),
        lambda m: _("The two new passwords are not the same."),
    ),
]


def translate(message: str) -> str | Markup:
    for pattern, translated in _KNOWN:
        match = pattern.search(message)
        if match:
            return translated(match)
    return Markup('<span lang="en">{}</span>').format(escape(message))


def translated_errors(errors: Mapping[str, list[str]]) -> dict[str, list[str | Markup]]:
    """Every message of a FormInvalid in the page's language, keyed by the same field paths."""
    return {field: [translate(str(m)) for m in messages] for field, messages in errors.items()}
