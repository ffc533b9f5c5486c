"""The inbox: my groups' tasks, due first; claim and release as plain forms and as htmx row swaps."""

from __future__ import annotations

from tests.support.builders import make_user
from tests.support.staff_pages import page_token, sign_in
from webapp.pages.staff import inbox


def _acknowledgement(desk, ref: str) -> str:
    return desk.task(ref, "acknowledgement").id


def test_casework_lands_in_the_inbox_and_read_only_roles_on_the_home_page(desk, client):
    sign_in(client, "hana")
    assert client.get("/staff/").headers["Location"] == "/staff/inbox"
    make_user(desk.service, "audrey", roles=("auditor",))
    client.post("/staff/sign-out", data={"csrf_token": page_token(client.get("/staff/inbox"))})
    sign_in(client, "audrey")
    home = client.get("/staff/")
    assert home.status_code == 200 and "Welcome, audrey" in home.get_data(as_text=True)


def test_the_inbox_shows_my_groups_tasks_and_not_other_groups(desk, client):
    ref = desk.file()
    sign_in(client, "hana")
    page = client.get("/staff/inbox").get_data(as_text=True)
    assert ref in page and f'href="/staff/tasks/{_acknowledgement(desk, ref)}"' in page
    assert f'href="/staff/cases/{ref}"' in page
    assert 'aria-current="page">Inbox<' in page
    client.post("/staff/sign-out", data={"csrf_token": page_token(client.get("/staff/inbox"))})
    sign_in(client, "sia")  # safety group only
    assert ref not in client.get("/staff/inbox").get_data(as_text=True)


def test_claim_and_release_as_plain_forms(desk, client):
    ref = desk.file()
    task_id = _acknowledgement(desk, ref)
    token = sign_in(client, "hana")
    claimed = client.post(
        f"/staff/tasks/{task_id}/claim", data={"csrf_token": token, "back": "/staff/inbox?mine=1"}
    )
    assert claimed.status_code == 303 and claimed.headers["Location"] == "/staff/inbox?mine=1"
    assert desk.task(ref, "acknowledgement").assignee == "hana"
    mine = client.get("/staff/inbox?mine=1").get_data(as_text=True)
    assert "You have claimed this task." in mine and "Release" in mine and ref in mine
    released = client.post(
        f"/staff/tasks/{task_id}/release", data={"csrf_token": token, "back": "https://evil.example/"}
    )
    assert released.headers["Location"] == "/staff/inbox"  # never back to another site
    assert desk.task(ref, "acknowledgement").assignee is None


def test_an_htmx_claim_answers_with_just_the_holder_cell(desk, client):
    ref = desk.file()
    task_id = _acknowledgement(desk, ref)
    token = sign_in(client, "hana")
    row = client.post(
        f"/staff/tasks/{task_id}/claim",
        data={"back": "/staff/inbox"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    body = row.get_data(as_text=True)
    assert row.status_code == 200 and body.lstrip().startswith(f'<td id="holder-{task_id}"')
    assert "<html" not in body and "You hold it" in body and "You have claimed this task." in body


def test_two_handlers_claiming_one_task_the_second_is_told_who_won(desk, client, app):
    make_user(desk.service, "hugo", "handlers")
    ref = desk.file()
    task_id = _acknowledgement(desk, ref)
    other = app.test_client()
    hana, hugo = sign_in(client, "hana"), sign_in(other, "hugo")
    assert client.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": hana}).status_code == 303
    lost = other.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": hugo}, follow_redirects=True)
    assert "hana claimed this task first; it is theirs now." in lost.get_data(as_text=True)
    row = other.post(
        f"/staff/tasks/{task_id}/claim", headers={"HX-Request": "true", "X-CSRFToken": hugo}
    ).get_data(as_text=True)
    assert "hana claimed this task first" in row and "Held by hana" in row
    assert desk.task(ref, "acknowledgement").assignee == "hana"


def test_filters_and_paging(desk, client, monkeypatch):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    refs = [desk.file() for _ in range(3)]
    sign_in(client, "hana")
    first = client.get("/staff/inbox").get_data(as_text=True)
    assert "3 tasks" in first and "Page 1 of 2" in first and 'href="/staff/inbox?page=2"' in first
    second = client.get("/staff/inbox?page=2").get_data(as_text=True)
    assert sum(ref in second for ref in refs) == 1 and 'rel="prev"' in second
    assert "0 tasks" in client.get("/staff/inbox?mine=1").get_data(as_text=True)
    assert "3 tasks" in client.get("/staff/inbox?group=handlers").get_data(as_text=True)
    assert "3 tasks" in client.get("/staff/inbox?group=safety").get_data(as_text=True)  # not hana's: ignored


def test_claiming_without_the_csrf_token_is_refused(desk, client):
    ref = desk.file()
    sign_in(client, "hana")
    refused = client.post(f"/staff/tasks/{_acknowledgement(desk, ref)}/claim", data={})
    assert refused.status_code == 400 and "text/html" in refused.content_type
    assert desk.task(ref, "acknowledgement").assignee is None


def test_search_and_the_overdue_filter(desk, client):
    fees = desk.file()
    card = desk.file(subject="Card declined abroad", description="My card was declined in Lisbon twice.")
    sign_in(client, "hana")
    found = client.get("/staff/inbox?q=lisbon").get_data(as_text=True)
    assert card in found and fees not in found and 'value="lisbon"' in found
    assert "1 task" in found
    assert "0 tasks" in client.get("/staff/inbox?overdue=yes").get_data(as_text=True)
    desk.wait(days=3)  # past the acknowledgement deadline
    late = client.get("/staff/inbox?overdue=yes").get_data(as_text=True)
    assert fees in late and card in late and 'class="overdue"' in late and "Overdue" in late
