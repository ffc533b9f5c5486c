"""A task's page: its form filled from the case, completion through the engine, errors beside their fields."""

from __future__ import annotations

from tests.support.builders import make_user
from tests.support.staff_pages import page_token, sign_in

ACK = {
    "acknowledgement_channel": "email",
    "acknowledged_at": "2026-11-23T10:00",
    "handler_contact": "Hana Ito, 0300 123 4567",
    "acknowledgement_notes": "Sent with the leaflet.\nCalled as well.",
}


def test_the_task_page_shows_the_form_and_the_case_beside_it(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    sign_in(client, "hana")
    page = client.get(f"/staff/tasks/{task_id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="acknowledgement_channel"' in body and 'name="handler_contact"' in body
    assert "Ada Lovelace" in body and "Monthly fee charged twice" in body  # the case summary
    assert "Deadlines" in body and "acknowledge" in body
    assert "Complete the task" in body and "Nobody holds this task yet." in body


def test_completing_goes_on_to_the_next_task_of_the_case(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "hana")
    done = client.post(f"/staff/tasks/{task_id}", data={**ACK, "csrf_token": token})
    assert done.status_code == 303
    following = [t for t in desk.case(ref).tasks if t.id != task_id]
    assert following, desk.case(ref).tasks
    assert done.headers["Location"] == f"/staff/tasks/{following[0].id}"
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "“Acknowledge complaint” is done for " + ref in page
    assert "complete_task" in desk.actions(ref)


def test_a_refused_submission_keeps_every_value_and_puts_each_error_beside_its_field(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "hana")
    typed = {**ACK, "acknowledgement_channel": ""}
    refused = client.post(f"/staff/tasks/{task_id}", data={**typed, "csrf_token": token})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="f-acknowledgement_channel-error"' in body
    assert 'aria-describedby="f-acknowledgement_channel-error"' in body
    assert 'href="#f-acknowledgement_channel"' in body  # the summary links to the field
    assert "Enter this information; it is needed." in body  # the engine's words, through engine_messages
    assert "This field is required." not in body
    assert 'value="2026-11-23T10:00"' in body and 'value="Hana Ito, 0300 123 4567"' in body
    assert ">Sent with the leaflet.\nCalled as well.</textarea>" in body
    assert desk.task(ref, "acknowledgement")  # still waiting


def test_a_handler_cannot_open_another_groups_task(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "sia")  # safety, not handlers
    refused = client.get(f"/staff/tasks/{task_id}")
    assert refused.status_code == 403 and "You do not have access to this page" in refused.get_data(
        as_text=True
    )
    assert client.post(f"/staff/tasks/{task_id}", data={**ACK, "csrf_token": token}).status_code == 403
    assert client.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": token}).status_code == 403
    assert desk.task(ref, "acknowledgement").assignee is None


def test_an_auditor_reads_a_task_but_cannot_complete_it(desk, client):
    make_user(desk.service, "audrey", roles=("auditor",))
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "audrey")
    page = client.get(f"/staff/tasks/{task_id}").get_data(as_text=True)
    assert '<fieldset class="plain" disabled>' in page and "Complete the task" not in page
    assert client.post(f"/staff/tasks/{task_id}", data={**ACK, "csrf_token": token}).status_code == 403
    assert client.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": token}).status_code == 403
    assert desk.task(ref, "acknowledgement")


def test_a_task_held_by_someone_else_cannot_be_completed_and_says_who_holds_it(desk, client):
    make_user(desk.service, "hugo", "handlers")
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    desk.service.claim_task(task_id, desk.handler)
    token = sign_in(client, "hugo")
    assert "Held by hana." in client.get(f"/staff/tasks/{task_id}").get_data(as_text=True)
    refused = client.post(f"/staff/tasks/{task_id}", data={**ACK, "csrf_token": token})
    assert refused.status_code == 409
    assert "hana claimed this task first" in refused.get_data(as_text=True)


def test_claiming_from_the_task_page_comes_back_to_it(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    sign_in(client, "hana")
    page = client.get(f"/staff/tasks/{task_id}")
    claimed = client.post(
        f"/staff/tasks/{task_id}/claim",
        data={"csrf_token": page_token(page), "back": f"/staff/tasks/{task_id}"},
    )
    assert claimed.headers["Location"] == f"/staff/tasks/{task_id}"
    assert "You hold this task." in client.get(f"/staff/tasks/{task_id}").get_data(as_text=True)


def test_a_finished_task_is_not_found_and_posting_to_it_goes_back_to_the_inbox(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "hana")
    desk.complete(ref, "acknowledgement")
    assert client.get(f"/staff/tasks/{task_id}").status_code == 404
    again = client.post(f"/staff/tasks/{task_id}", data={**ACK, "csrf_token": token})
    assert again.status_code == 303 and again.headers["Location"] == "/staff/inbox"


def test_completing_without_the_csrf_token_is_refused(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    sign_in(client, "hana")
    assert client.post(f"/staff/tasks/{task_id}", data=ACK).status_code == 400
    assert desk.task(ref, "acknowledgement")


def test_leaving_a_field_checks_the_form_and_answers_with_that_field_alone(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "hana")
    headers = {"HX-Request": "true", "X-CSRFToken": token, "HX-Trigger-Name": "handler_contact"}
    empty = client.post(f"/staff/tasks/{task_id}/check", data={"handler_contact": ""}, headers=headers)
    body = empty.get_data(as_text=True)
    assert empty.status_code == 200 and body.lstrip().startswith('<div class="field field--error">')
    assert 'id="f-handler_contact-error"' in body and "Enter this information; it is needed." in body
    assert "acknowledgement_channel" not in body  # only the field that was left, though others are empty
    filled = client.post(
        f"/staff/tasks/{task_id}/check", data={"handler_contact": "Hana Ito"}, headers=headers
    ).get_data(as_text=True)
    assert "field-error" not in filled and 'value="Hana Ito"' in filled
    assert desk.task(ref, "acknowledgement")  # nothing was completed


def test_another_groups_handler_cannot_check_its_form(desk, client):
    ref = desk.file()
    task_id = desk.task(ref, "acknowledgement").id
    token = sign_in(client, "sia")
    headers = {"HX-Request": "true", "X-CSRFToken": token, "HX-Trigger-Name": "handler_contact"}
    assert client.post(f"/staff/tasks/{task_id}/check", data={}, headers=headers).status_code == 403
