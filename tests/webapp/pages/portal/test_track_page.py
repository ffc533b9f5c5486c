"""Tracking: the same answer for a wrong code and an unknown reference, the case kept in the session only,
the session lapsing when idle, and attempts limited."""

from __future__ import annotations

from engine.complaints import intake
from tests.webapp.pages.conftest import csrf_of

COMPLAINT = {
    "complainant": {"name": "Ada Lovelace", "email": "ada@example.org"},
    "description": "The monthly account fee was taken twice in October.",
}


def made(app, service) -> tuple[str, str]:
    result = intake.submit(service, COMPLAINT, None, settings=app.extensions["redressal.tracking"])
    return result["reference"], result["case_code"]


def open_case(client, reference: str, code: str):
    token = csrf_of(client.get("/track?other=1"))
    return client.post("/track", data={"reference": reference, "code": code, "csrf_token": token})


def test_a_wrong_code_and_an_unknown_reference_get_the_same_page(app, client, deployed):
    reference, code = made(app, deployed)
    wrong = open_case(client, reference, "WRONGCODE")
    unknown = open_case(client, "CMP-2026-NOSUCH00", code)
    assert wrong.status_code == unknown.status_code == 422

    def summary(response) -> str:
        html = response.get_data(as_text=True)
        return html[
            html.index('class="error-summary"') : html.index("</ul>", html.index('class="error-summary"'))
        ]

    assert summary(wrong) == summary(unknown)


def test_the_case_travels_in_the_session_not_the_address(app, client, deployed):
    reference, code = made(app, deployed)
    opened = open_case(client, reference.lower(), code)
    assert opened.status_code == 303 and opened.headers["Location"] == "/track/case"
    page = client.get("/track/case")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    session = client.get_cookie("redressal_session")
    decoded = str(app.session_interface.get_signing_serializer(app).loads(session.value))
    assert reference in decoded and code not in decoded  # the session names the case, never its secret


def test_an_idle_session_lapses(app, client, deployed, monkeypatch):
    reference, code = made(app, deployed)
    open_case(client, reference, code)
    assert client.get("/track/case").status_code == 200
    import time as real_time

    later = real_time.time() + (app.config["REDRESSAL_TRACK_IDLE_MINUTES"] + 1) * 60
    monkeypatch.setattr("webapp.pages.portal.session.time.time", lambda: later)
    lapsed = client.get("/track/case")
    assert lapsed.status_code == 302 and lapsed.headers["Location"].endswith("/track")


def test_opening_attempts_are_limited_per_address(app_config, deployed):
    from webapp import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "REDRESSAL_RATELIMIT_PUBLIC": "3 per minute"})
    client = app.test_client()
    reference, _code = made(app, deployed)
    statuses = [open_case(client, reference, "WRONGCODE").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    app.extensions["redressal"].db.dispose()
