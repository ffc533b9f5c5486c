"""Mail: renders outbox rows from templates in the complainant's language and delivers them.

`send_due` is the sender; `outbox_job` is what `redressal worker` runs every few seconds. Without
``REDRESSAL_SMTP_HOST`` mails go to .eml files in ``var/mail/`` (``REDRESSAL_MAIL_FOLDER``).
"""

from engine.letters.render import LANGUAGES, TEMPLATES, Rendered, UnknownTemplate, render, resolve_language
from engine.letters.sender import backoff, outbox_job, requeue_failed, send_due
from engine.letters.transport import FolderTransport, Mail, SmtpTransport, transport_from_env

__all__ = [
    "LANGUAGES",
    "TEMPLATES",
    "FolderTransport",
    "Mail",
    "Rendered",
    "SmtpTransport",
    "UnknownTemplate",
    "backoff",
    "outbox_job",
    "render",
    "requeue_failed",
    "resolve_language",
    "send_due",
    "transport_from_env",
]
