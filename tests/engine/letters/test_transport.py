"""Message building, the .eml folder transport, configuration from the environment, and the worker job."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
from email.parser import BytesParser
from types import SimpleNamespace

from engine.letters import FolderTransport, Mail, SmtpTransport, outbox_job, send_due, transport_from_env
from engine.letters.transport import build_message
from tests.support.mail import outbox_row, queue

WHEN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def test_headers_are_encoded_and_parse_back():
    mail = Mail(
        "lan@example.com",
        "關於您的投訴 CMP-1 我們需要更多時間",
        "正文\n",
        "zh-Hant",
        "<outbox.1.x@bank.example>",
        WHEN,
    )
    raw = build_message(mail, "Bank <complaints@bank.example>").as_bytes()
    assert b"=?utf-8?" in raw  # RFC 2047: the raw header stays ASCII
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert parsed["Subject"] == mail.subject
    assert parsed["Content-Language"] == "zh-Hant"
    assert parsed["Message-ID"] == "<outbox.1.x@bank.example>"
    assert parsed["Date"].datetime == WHEN
    assert parsed.get_content() == "正文\n"


def test_folder_transport_writes_eml_files(db, clock, tmp_path):
    folder = tmp_path / "mail"
    first = queue(db, clock.now(), language="fa", recipient="sara@example.com")
    queue(db, clock.now(), template="staff_escalation", recipient="hana@bank.example")
    assert send_due(db, clock, FolderTransport(folder, from_addr="complaints@bank.example")) == 2
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2 and not list(folder.glob("*.tmp"))
    messages = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    by_to = {m["To"]: m for m in messages}
    persian = by_to["sara@example.com"]
    assert persian["Content-Language"] == "fa" and "شکایت" in persian["Subject"]
    assert "رسیدگی" in persian.get_content()
    assert "Escalation" in by_to["hana@bank.example"]["Subject"]
    assert outbox_row(db, first).status == "sent"


def test_transport_from_env():
    smtp = transport_from_env(
        {
            "REDRESSAL_SMTP_HOST": "smtp.bank.example",
            "REDRESSAL_SMTP_PORT": "2525",
            "REDRESSAL_SMTP_USER": "mailer",
            "REDRESSAL_SMTP_PASSWORD": "secret",
            "REDRESSAL_SMTP_STARTTLS": "true",
            "REDRESSAL_MAIL_FROM": "Complaints <complaints@bank.example>",
        }
    )
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.starttls) == (
        "smtp.bank.example",
        2525,
        "mailer",
        "secret",
        True,
    )
    assert smtp.from_addr == "Complaints <complaints@bank.example>"
    assert transport_from_env({"REDRESSAL_SMTP_HOST": "mx", "REDRESSAL_SMTP_STARTTLS": "1"}).port == 587
    assert transport_from_env({"REDRESSAL_SMTP_HOST": "mx"}).port == 25
    folder = transport_from_env({})
    assert isinstance(folder, FolderTransport) and str(folder.path) == "var/mail"
    assert str(transport_from_env({"REDRESSAL_MAIL_FOLDER": "/tmp/x"}).path) == "/tmp/x"


def test_outbox_job_sends_with_the_configured_transport(db, clock, tmp_path, monkeypatch):
    monkeypatch.delenv("REDRESSAL_SMTP_HOST", raising=False)
    monkeypatch.setenv("REDRESSAL_MAIL_FOLDER", str(tmp_path / "outbox"))
    row_id = queue(db, clock.now(), language="zh")
    job = outbox_job(SimpleNamespace(db=db, clock=clock))
    job()
    assert outbox_row(db, row_id).status == "sent"
    [eml] = (tmp_path / "outbox").glob("*.eml")
    assert "投诉" in email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)["Subject"]


def test_outbox_job_never_raises(clock, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("REDRESSAL_SMTP_HOST", raising=False)
    monkeypatch.setenv("REDRESSAL_MAIL_FOLDER", str(tmp_path))

    class BrokenDatabase:
        is_sqlite = True

        def transaction(self):
            raise RuntimeError("database is gone")

    job = outbox_job(SimpleNamespace(db=BrokenDatabase(), clock=clock))
    with caplog.at_level(logging.ERROR, logger="engine.letters.sender"):
        job()
    assert "database is gone" in caplog.text
