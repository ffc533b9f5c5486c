"""Ways out for a rendered mail: an SMTP server, or a folder of .eml files when no server is configured."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

DEFAULT_FOLDER = "var/mail"
DEFAULT_FROM = "Redressal <complaints@localhost>"


class TransportDown(Exception):
    """The mail server cannot be reached: no mail of this batch can go, so the sender stops trying."""


class PermanentFailure(Exception):
    """The server refused this mail for good (a 5xx answer for the recipient): retrying will not help."""


@dataclass(frozen=True)
class Mail:
    """One mail to deliver; the Message-ID is derived from the outbox row, so a resend carries the same id."""

    recipient: str
    subject: str
    body: str
    language: str
    message_id: str
    date: dt.datetime


def build_message(mail: Mail, from_addr: str) -> EmailMessage:
    msg = EmailMessage()  # the default policy encodes non-ASCII headers (RFC 2047) and the body as UTF-8
    msg["From"] = from_addr
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.date.astimezone(dt.UTC))
    msg["Message-ID"] = mail.message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders should not answer
    msg.set_content(mail.body, charset="utf-8")
    msg["Content-Language"] = mail.language  # after set_content, which clears every Content-* header
    return msg


def domain_of(addr: str) -> str:
    """The domain of a From address, for Message-IDs; ``localhost`` when it has none."""
    with contextlib.suppress(Exception):
        _, _, rest = addr.rpartition("@")
        domain = rest.strip().rstrip(">").strip()
        if domain:
            return domain
    return "localhost"


class Transport(Protocol):
    from_addr: str

    def session(self) -> contextlib.AbstractContextManager[Callable[[Mail], None]]:
        """A context giving a `deliver(mail)` function for a batch; delivery raises on failure."""


class SmtpTransport:
    """Delivers through an SMTP server with smtplib; one connection per batch, opened on the first mail."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        from_addr: str = DEFAULT_FROM,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.from_addr, self.timeout = starttls, from_addr, timeout

    def __repr__(self) -> str:
        return f"SmtpTransport({self.host}:{self.port}, starttls={self.starttls})"

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportDown(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            with contextlib.suppress(Exception):
                smtp.close()
            raise TransportDown(f"SMTP session with {self.host}:{self.port} failed: {exc}") from exc
        return smtp

    @contextlib.contextmanager
    def session(self) -> Iterator[Callable[[Mail], None]]:
        conn: list[smtplib.SMTP] = []

        def deliver(mail: Mail) -> None:
            if not conn:
                conn.append(self._connect())
            try:
                conn[0].send_message(build_message(mail, self.from_addr))
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if codes and all(code >= 500 for code in codes):
                    raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
                raise
            except (smtplib.SMTPServerDisconnected, OSError):
                with contextlib.suppress(Exception):
                    conn.pop().close()  # reconnect for the next mail
                raise

        try:
            yield deliver
        finally:
            if conn:
                with contextlib.suppress(Exception):
                    conn[0].quit()


class FolderTransport:
    """Writes each mail as an .eml file: for development and for installations without SMTP."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_FOLDER, from_addr: str = DEFAULT_FROM) -> None:
        self.path = Path(path)
        self.from_addr = from_addr

    def __repr__(self) -> str:
        return f"FolderTransport({str(self.path)!r})"

    @contextlib.contextmanager
    def session(self) -> Iterator[Callable[[Mail], None]]:
        def deliver(mail: Mail) -> None:
            self.path.mkdir(parents=True, exist_ok=True)
            stamp = mail.date.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            key = mail.message_id.strip("<>").split("@", 1)[0]
            target = self.path / f"{stamp}-{key}.eml"
            tmp = target.with_suffix(".eml.tmp")
            tmp.write_bytes(build_message(mail, self.from_addr).as_bytes())
            tmp.replace(target)  # a reader of the folder never sees half a mail

        yield deliver


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def transport_from_env(environ: dict[str, str] | None = None) -> SmtpTransport | FolderTransport:
    """SMTP when ``REDRESSAL_SMTP_HOST`` is set, else .eml files in ``REDRESSAL_MAIL_FOLDER`` (var/mail)."""
    env = os.environ if environ is None else environ
    from_addr = env.get("REDRESSAL_MAIL_FROM") or DEFAULT_FROM
    if host := (env.get("REDRESSAL_SMTP_HOST") or "").strip():
        starttls = _flag(env.get("REDRESSAL_SMTP_STARTTLS"))
        return SmtpTransport(
            host,
            int(env.get("REDRESSAL_SMTP_PORT") or (587 if starttls else 25)),
            username=env.get("REDRESSAL_SMTP_USER") or None,
            password=env.get("REDRESSAL_SMTP_PASSWORD") or None,
            starttls=starttls,
            from_addr=from_addr,
        )
    return FolderTransport(env.get("REDRESSAL_MAIL_FOLDER") or DEFAULT_FOLDER, from_addr=from_addr)


__all__ = [
    "DEFAULT_FOLDER",
    "FolderTransport",
    "Mail",
    "PermanentFailure",
    "SmtpTransport",
    "Transport",
    "TransportDown",
    "build_message",
    "transport_from_env",
]
