"""Engine field messages shown in the page's language; an unknown one is shown as it is, marked English."""

from __future__ import annotations

from webapp.web.engine_messages import translate


def test_known_messages_are_translated_with_their_numbers(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert translate("Longer than maximum length 200.") == "Write at most 200 characters."
        assert translate("This field is required.") == "Enter this information; it is needed."


def test_an_unknown_message_is_marked_as_english(app):
    with app.test_request_context("/", headers={"Accept-Language": "fa"}):
        assert str(translate("Something <new>.")) == '<span lang="en">Something &lt;new&gt;.</span>'
