"""Staff sign in and out: the same answer for a wrong name and a wrong password, no open redirects."""

from __future__ import annotations

from tests.support.builders import make_user
from tests.webapp.pages.conftest import csrf_of


def sign_in(client, username: str, password: str, next_: str = ""):
    token = csrf_of(client.get("/staff/sign-in"))
    path = "/staff/sign-in" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"username": username, "password": password, "csrf_token": token})


def test_pages_need_signing_in_and_bring_you_back(client, service):
    answer = client.get("/staff/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/sign-in?next=/staff/"


def test_a_wrong_password_and_an_unknown_user_look_the_same(client, service):
    make_user(service, "hana", "handlers")
    wrong = sign_in(client, "hana", "not the password")
    unknown = sign_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 422
    assert "The username or password is not right." in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True).count("is not right") == unknown.get_data(as_text=True).count(
        "is not right"
    )


def test_signing_in_and_out(client, service):
    from tests.support.builders import PASSWORD

    make_user(service, "hana", "handlers")
    signed = sign_in(client, "hana", PASSWORD, next_="/staff/")
    assert signed.status_code == 303 and signed.headers["Location"] == "/staff/"
    assert client.get("/staff/").headers["Location"] == "/staff/inbox"  # casework starts in the inbox
    home = client.get("/staff/inbox")
    assert home.status_code == 200 and "hana" in home.get_data(as_text=True)
    out = client.post("/staff/sign-out", data={"csrf_token": csrf_of(home)})
    assert out.status_code == 303
    assert client.get("/staff/").status_code == 302


def test_no_redirect_to_another_site(client, service):
    from tests.support.builders import PASSWORD

    make_user(service, "hana", "handlers")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        client.post("/staff/sign-out", data={})
        answer = sign_in(client, "hana", PASSWORD, next_=target)
        assert answer.headers["Location"] == "/staff/", target
