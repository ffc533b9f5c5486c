"""The staff case page: summary, deadlines, the timeline in words, letters, files, linked cases, access."""

from __future__ import annotations

import html as markup
import io
import re

import pytest

from engine.evidence import attachments
from engine.identity.users import add_user
from engine.letters import send_due
from tests.support.paths import Desk
from tests.support.staff_pages import sign_in_with_password as sign_in
from tests.support.tracking import MemoryTransport, settings


@pytest.fixture
def desk(service, clock):
    return Desk(service, clock)


def sentences(page: str) -> list[str]:
    """The timeline's sentences as a reader sees them."""
    return [
        markup.unescape(re.sub(r"<[^>]+>", "", s)) for s in re.findall(r'timeline__text">(.*?)</span>', page)
    ]


def _file(app, desk, ref: str, name: str = "statement.txt") -> int:
    saved = attachments.save(
        desk.service.db,
        desk.clock,
        app.extensions["redressal.attachments"],
        attachments.case_id_of(desk.service.db, ref),
        name,
        "text/plain",
        io.BytesIO(b"October statement"),
        "hana",
    )
    return saved.id


def test_the_page_shows_where_the_case_stands_and_what_happened_in_words(client, desk):
    ref = desk.acknowledged()
    sign_in(client, desk.service, "hana")
    answer = client.get(f"/staff/cases/{ref}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert ref in html and 'id="case-status"' in html
    # the timeline: who did what, in words, never the raw event
    said = sentences(html)
    assert said[:2] == ["hana opened the case", "hana completed “Acknowledge complaint”"], said
    assert "A letter to the complainant was queued: the acknowledgement" in said
    assert not [s for s in said if "_" in s or "{" in s], said  # no event kind or JSON shows
    assert "hmac-sha256" not in html
    # every deadline with its state
    assert 'id="deadlines"' in html and "Final response" in html
    # what the case waits for, readable without JavaScript, and the diagram's place
    assert "Initial assessment" in html.split('id="current-tasks"')[1].split("</ul>")[0]
    assert 'id="case-diagram" dir="ltr"' in html


def test_the_timeline_names_no_submitted_value(client, desk):
    ref = desk.acknowledged()
    sign_in(client, desk.service, "hana")
    html = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    timeline = html.split('id="timeline"')[1].split("</ol>")[0]
    assert "Ada Lovelace" not in timeline and "ada@example.org" not in timeline
    assert "Hana Ito, 0300 123 4567" not in timeline


def test_the_diagram_data_marks_the_path_taken_and_the_current_task(client, desk):
    ref = desk.acknowledged()
    sign_in(client, desk.service, "hana")
    data = client.get(f"/staff/cases/{ref}/diagram.json").get_json()
    assert data["current"] == ["assess"]
    assert {"start", "acknowledgement", "record_acknowledgement"} <= set(data["completed"])
    assert "assess" not in data["completed"] and "investigate" not in data["completed"]
    assert any(f.startswith(("f_", "Flow_")) or "flow" in f.lower() for f in data["completed"]), data
    assert "<bpmn:process" in data["xml"] or "<process" in data["xml"]


def test_a_provider_sees_only_their_cases(client, desk):
    ref = desk.acknowledged()
    sign_in(client, desk.service, "fos")  # a provider no case names
    assert client.get(f"/staff/cases/{ref}").status_code == 404
    assert client.get(f"/staff/cases/{ref}/diagram.json").status_code == 404


def test_an_auditor_may_read_and_a_handler_of_another_group_too(client, desk, service):
    """Staff read every case (engine.access.policy.require_case); working its tasks is what groups limit."""
    ref = desk.acknowledged()
    with service.db.write() as session:
        add_user(session, service.clock, "ava", roles=["auditor"])
    sign_in(client, service, "ava")
    assert client.get(f"/staff/cases/{ref}").status_code == 200
    client.post("/staff/sign-out", data={})
    sign_in(client, service, "sia")  # safety group only
    assert client.get(f"/staff/cases/{ref}").status_code == 200


def test_files_download_through_the_policy(app, client, desk):
    ref = desk.acknowledged()
    file_id = _file(app, desk, ref)
    sign_in(client, desk.service, "fos")
    assert client.get(f"/staff/cases/{ref}/attachments/{file_id}").status_code == 404
    client2 = app.test_client()
    sign_in(client2, desk.service, "hana")
    html = client2.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "statement.txt" in html
    answer = client2.get(f"/staff/cases/{ref}/attachments/{file_id}")
    assert answer.status_code == 200 and answer.data == b"October statement"
    assert answer.headers["Content-Disposition"].startswith("attachment")
    other = desk.acknowledged()
    assert client2.get(f"/staff/cases/{other}/attachments/{file_id}").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, desk):
    ref = desk.acknowledged()
    assert client.get(f"/staff/cases/{ref}").status_code == 302
    assert client.get(f"/staff/cases/{ref}/attachments/1").status_code == 302


def test_letters_read_as_sent_in_the_language_sent(client, desk):
    ref = desk.acknowledged(**{"complainant.language": "fa"})
    assert send_due(desk.service.db, desk.clock, MemoryTransport(), tracking=settings()) >= 1
    sign_in(client, desk.service, "hana")
    html = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    letters = html.split("Letters sent")[1].split("<h2")[0]
    assert '<div class="letter" lang="fa" dir="rtl">' in letters
    assert ref in letters  # the letter's own text, rendered again


def test_linked_cases_link_to_each_other(client, desk):
    ref, dispute = desk.escalated()
    sign_in(client, desk.service, "hana")
    html = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert f'href="/staff/cases/{dispute}"' in html
    assert "The linked case" in html
    back = client.get(f"/staff/cases/{dispute}").get_data(as_text=True)
    assert f'href="/staff/cases/{ref}"' in back
