"""Everyone's own settings: the language of the pages follows the person; changing one's password."""

from __future__ import annotations

from engine.identity.users import authenticate
from tests.support.builders import PASSWORD, make_user
from tests.support.staff_pages import sign_in_with_password as sign_in
from tests.webapp.pages.conftest import csrf_of

NEW = "three calm herons fishing at dawn"


def test_the_chosen_language_is_the_pages_language_wherever_one_signs_in(app, client, service):
    make_user(service, "hana", "handlers")
    sign_in(client, service, "hana")
    page = client.get("/staff/settings")
    assert page.status_code == 200
    saved = client.post("/staff/settings", data={"language": "fa", "csrf_token": csrf_of(page)})
    assert saved.status_code == 303
    assert '<html lang="fa" dir="rtl">' in client.get("/staff/", follow_redirects=True).get_data(as_text=True)
    # another browser, with no cookie and an English browser: the account's choice wins at sign-in
    other = app.test_client()
    sign_in(other, service, "hana")
    home = other.get("/staff/", headers={"Accept-Language": "en-GB"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert '<html lang="fa" dir="rtl">' in home
    # the switcher still overrides it
    other.get("/staff/?lang=pl")
    assert '<html lang="pl"' in other.get("/staff/", follow_redirects=True).get_data(as_text=True)


def test_an_unknown_language_is_refused_beside_its_field(client, service):
    make_user(service, "hana", "handlers")
    sign_in(client, service, "hana")
    page = client.get("/staff/settings")
    answer = client.post("/staff/settings", data={"language": "xx", "csrf_token": csrf_of(page)})
    assert answer.status_code == 422
    assert 'id="f-language-error"' in answer.get_data(as_text=True)


def test_the_browser_choice_forgets_the_language(client, service):
    make_user(service, "hana", "handlers")
    sign_in(client, service, "hana")
    token = csrf_of(client.get("/staff/settings"))
    client.post("/staff/settings", data={"language": "vi", "csrf_token": token})
    client.post("/staff/settings", data={"language": "", "csrf_token": token})
    home = client.get("/staff/", headers={"Accept-Language": "zh-TW"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert '<html lang="zh-Hant"' in home


def test_changing_the_password_needs_the_current_one_and_a_good_new_one(client, service):
    make_user(service, "hana", "handlers")
    sign_in(client, service, "hana")
    token = csrf_of(client.get("/staff/password"))
    wrong = client.post(
        "/staff/password", data={"current": "not it", "new": NEW, "repeated": NEW, "csrf_token": token}
    )
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert 'id="f-current-error"' in body and "This is not your current password." in body
    weak = client.post(
        "/staff/password",
        data={"current": PASSWORD, "new": "short", "repeated": "other", "csrf_token": token},
    )
    body = weak.get_data(as_text=True)
    assert weak.status_code == 422
    assert "Use at least 12 characters." in body and 'id="f-repeated-error"' in body
    assert 'id="f-current-error"' not in body
    with service.db.read() as session:
        assert authenticate(session, "hana", PASSWORD) is not None  # nothing changed yet
    done = client.post(
        "/staff/password", data={"current": PASSWORD, "new": NEW, "repeated": NEW, "csrf_token": token}
    )
    assert done.status_code == 303
    with service.db.read() as session:
        assert authenticate(session, "hana", NEW) is not None
        assert authenticate(session, "hana", PASSWORD) is None


def test_settings_need_signing_in_and_a_csrf_token(client, service):
    assert client.get("/staff/settings").status_code == 302
    assert client.get("/staff/password").status_code == 302
    make_user(service, "hana", "handlers")
    sign_in(client, service, "hana")
    assert client.post("/staff/settings", data={"language": "fa"}).status_code == 400
