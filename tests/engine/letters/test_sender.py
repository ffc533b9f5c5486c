"""The outbox sender against a real SMTP server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import Counter

import pytest

from engine.letters import SmtpTransport, backoff, requeue_failed, send_due
from tests.support.mail import FULL_PARAMS, REFUSED, free_port, outbox_row, queue


def smtp_to(port: int) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", port, from_addr="Complaints <complaints@bank.example>", timeout=5)


def test_a_queued_letter_arrives(db, clock, smtp):
    server, port = smtp
    row_id = queue(db, clock.now(), recipient="an@example.com")
    assert send_due(db, clock, smtp_to(port)) == 1
    [message] = server.messages
    assert server.envelopes == [("complaints@bank.example", ["an@example.com"])]
    assert message["To"] == "an@example.com"
    assert message["From"] == "Complaints <complaints@bank.example>"
    assert message["Subject"] == "We have received your complaint (CMP-2026-000123)"
    assert message["Content-Language"] == "en"
    assert message["Message-ID"].endswith("@bank.example>") and message["Date"]
    assert "by 18 January 2027 at the latest" in message.get_content()
    row = outbox_row(db, row_id)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 1, clock.now(), None)
    assert send_due(db, clock, smtp_to(port)) == 0  # nothing left
    assert len(server.messages) == 1


@pytest.mark.parametrize(
    ("language", "expected_language", "words"),
    [
        ("vi", "vi", ["khiếu nại", "Quý khách", "CMP-2026-000123", "18/01/2027"]),
        ("fa-IR", "fa", ["شکایت", "پاسخ نهایی", "۱۸ ژانویه ۲۰۲۷"]),
        ("zh-TW", "zh-Hant", ["投訴", "編號", "最終答覆", "2027年1月18日"]),
        ("de", "en", ["We have received your complaint", "18 January 2027"]),
    ],
)
def test_letters_arrive_in_the_complainants_language(db, clock, smtp, language, expected_language, words):
    server, port = smtp
    queue(db, clock.now(), language=language)
    assert send_due(db, clock, smtp_to(port)) == 1
    [message] = server.messages
    assert message["Content-Language"] == expected_language
    text = message["Subject"] + "\n" + message.get_content()
    for word in words:
        assert word in text
    assert message.get_content_charset() == "utf-8"


def test_retry_after_an_smtp_failure(db, clock, start_smtp):
    port = free_port()  # nothing listens there yet: the mail server is down
    transport = smtp_to(port)
    row_id = queue(db, clock.now(), language="vi")
    assert send_due(db, clock, transport) == 0
    row = outbox_row(db, row_id)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error and "connect" in row.last_error
    assert row.next_attempt_at == clock.now() + dt.timedelta(minutes=1)

    assert send_due(db, clock, transport) == 0  # not due yet: no second attempt
    assert outbox_row(db, row_id).attempts == 1

    server, _ = start_smtp(port)
    clock.advance(minutes=1, seconds=1)
    assert send_due(db, clock, transport) == 1
    assert send_due(db, clock, transport) == 0
    assert len(server.messages) == 1 and "khiếu nại" in server.messages[0].get_content()
    row = outbox_row(db, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 2, clock.now())


def test_a_server_that_is_down_loses_nothing(db, clock, start_smtp):
    port = free_port()
    ids = [queue(db, clock.now(), recipient=f"c{i}@example.com") for i in range(3)]
    assert send_due(db, clock, smtp_to(port)) == 0
    assert {outbox_row(db, i).attempts for i in ids} == {1}  # the whole batch waits, none is dropped
    server, _ = start_smtp(port)
    clock.advance(minutes=5)
    assert send_due(db, clock, smtp_to(port)) == 3
    assert sorted(m["To"] for m in server.messages) == [f"c{i}@example.com" for i in range(3)]


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(7) == dt.timedelta(hours=1) and backoff(30) == dt.timedelta(hours=1)


def test_max_attempts_then_failed_and_requeued(db, clock, start_smtp):
    port = free_port()
    transport = smtp_to(port)
    row_id = queue(db, clock.now())
    waits = []
    for _ in range(3):
        before = clock.now()
        send_due(db, clock, transport, max_attempts=4)
        row = outbox_row(db, row_id)
        waits.append(row.next_attempt_at - before)
        clock.set(row.next_attempt_at)
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4)]
    send_due(db, clock, transport, max_attempts=4)
    row = outbox_row(db, row_id)
    assert (row.status, row.attempts) == ("failed", 4) and row.last_error
    clock.advance(hours=2)
    assert send_due(db, clock, transport, max_attempts=4) == 0  # failed rows are not retried...

    server, _ = start_smtp(port)
    assert requeue_failed(db, clock) == 1  # ...until someone puts them back
    assert send_due(db, clock, transport) == 1 and len(server.messages) == 1


def test_a_row_that_cannot_render_fails_at_once(db, clock, smtp):
    server, port = smtp
    bad = queue(db, clock.now(), template="no_such_template")
    good = queue(db, clock.now(), template="survey_invitation")
    assert send_due(db, clock, smtp_to(port)) == 1
    row = outbox_row(db, bad)
    assert row.status == "failed" and "no_such_template" in row.last_error
    assert outbox_row(db, good).status == "sent"
    assert FULL_PARAMS["survey_url"] in server.messages[0].get_content()


def test_a_refused_recipient_fails_for_good(db, clock, smtp):
    server, port = smtp
    refused = queue(db, clock.now(), recipient=REFUSED)
    fine = queue(db, clock.now(), recipient="an@example.com")
    assert send_due(db, clock, smtp_to(port)) == 1
    row = outbox_row(db, refused)
    assert row.status == "failed" and row.attempts == 1 and "550" in row.last_error
    assert outbox_row(db, fine).status == "sent"
    assert [m["To"] for m in server.messages] == ["an@example.com"]


def test_missing_params_still_send(db, clock, smtp):
    server, port = smtp
    queue(db, clock.now(), template="decision_letter", language="pl", params={})
    assert send_due(db, clock, smtp_to(port)) == 1
    assert "Szanowni Państwo" in server.messages[0].get_content()


def test_a_claimed_row_is_not_taken_by_another_sender(db, clock, smtp):
    """While one sender is delivering, a second one finds the row leased and leaves it alone."""
    server, port = smtp
    queue(db, clock.now())
    inner_results: list[int] = []
    real = smtp_to(port)

    class Interleaving:
        from_addr = real.from_addr

        @contextlib.contextmanager
        def session(self):
            with real.session() as deliver:

                def deliver_after_a_rival_ran(mail):
                    inner_results.append(send_due(db, clock, smtp_to(port)))
                    deliver(mail)

                yield deliver_after_a_rival_ran

    assert send_due(db, clock, Interleaving()) == 1
    assert inner_results == [0]
    assert len(server.messages) == 1


def test_two_senders_at_once_never_send_a_row_twice(db, clock, smtp):
    server, port = smtp
    ids = [queue(db, clock.now(), recipient=f"c{i}@example.com") for i in range(30)]
    start = threading.Barrier(3)
    sent: list[int] = []
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait()
            transport = smtp_to(port)
            while (n := send_due(db, clock, transport, batch=4)) > 0:
                sent.append(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(sent) == 30
    counts = Counter(m["Message-ID"] for m in server.messages)
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert sorted(m["To"] for m in server.messages) == sorted(f"c{i}@example.com" for i in range(30))
    assert {outbox_row(db, i).status for i in ids} == {"sent"}


def test_only_due_rows_are_sent(db, clock, smtp):
    server, port = smtp
    later = queue(db, clock.now(), next_attempt_at=clock.now() + dt.timedelta(minutes=10))
    assert send_due(db, clock, smtp_to(port)) == 0
    clock.advance(minutes=10)
    assert send_due(db, clock, smtp_to(port)) == 1
    assert outbox_row(db, later).status == "sent" and len(server.messages) == 1
