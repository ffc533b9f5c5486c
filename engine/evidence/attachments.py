"""Evidence files of a case: described by a row, their bytes in an attachment store, never in workflow data.

Workflow state is rewritten on every step, so bytes in it would be copied on every task; here a file is
written once, under a key the server chooses (engine.evidence.storage decides where: the database on
PostgreSQL, the attachments folder on SQLite), and the case only lists it. The declared media type, the
file name's extension and the file's first bytes must agree, so a script cannot pass as a PDF.
"""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, select

from engine.cases.read_models import AttachmentItem
from engine.cases.tables import Case
from engine.core.clock import Clock
from engine.core.errors import EngineError, FormInvalid, NotFound
from engine.evidence.storage import AttachmentStore, FolderStore
from engine.evidence.tables import Attachment
from engine.store.db import Database

DEFAULT_FOLDER = "var/attachments"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "text/plain",
        "text/csv",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
# What the first bytes of each type look like; text types just must not contain NUL bytes.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}
_CHUNK = 64 * 1024
_TABLE = Attachment.__table__


class AttachmentTooLarge(EngineError):
    status = 413
    title = "Payload too large"


class MediaTypeRefused(EngineError):
    status = 415
    title = "Unsupported media type"


@dataclass(frozen=True)
class AttachmentPolicy:
    folder: Path = Path(DEFAULT_FOLDER)
    max_bytes: int = DEFAULT_MAX_BYTES
    media_types: frozenset[str] = field(default=DEFAULT_TYPES)
    store: AttachmentStore | None = None  # None: files in `folder`

    @property
    def storage(self) -> AttachmentStore:
        return self.store if self.store is not None else FolderStore(self.folder)


def clean_name(name: str | None) -> str:
    """A file name safe to show and to offer for download: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = base.strip().lstrip(".")
    return base[:255] or "attachment"


def _media_type(declared: str | None, name: str, policy: AttachmentPolicy, head: bytes) -> str:
    declared = (declared or "").split(";", 1)[0].strip().lower()
    guessed = mimetypes.guess_type(name, strict=False)[0]
    media_type = guessed if declared in ("", "application/octet-stream") else declared
    if not media_type or media_type not in policy.media_types:
        raise MediaTypeRefused(
            f"files of type {media_type or 'unknown'} are not accepted; accepted: "
            + ", ".join(sorted(policy.media_types))
        )
    if guessed and guessed != media_type:
        raise MediaTypeRefused(f"the file name {name!r} does not match the declared type {media_type}")
    magic = _MAGIC.get(media_type)
    if (magic and not head.startswith(magic)) or (not magic and b"\x00" in head):
        raise MediaTypeRefused(f"the file's content is not {media_type}")
    return media_type


def case_id_of(db: Database, reference: str) -> int:
    with db.reading() as conn:
        case_id = conn.scalar(select(Case.id).where(Case.reference == reference))
    if case_id is None:
        raise NotFound(f"no case with the reference {reference}")
    return case_id


@dataclass(frozen=True)
class Upload:
    """A file read and checked against the policy, not yet stored: checking comes before any writing."""

    name: str
    media_type: str
    content: bytes
    sha256: str


def read_upload(
    policy: AttachmentPolicy, name: str | None, declared_type: str | None, stream: IO[bytes]
) -> Upload:
    """Read one file and check its name, type, content and size; refuses with a field-level error."""
    name = clean_name(name)
    head = stream.read(_CHUNK)
    if not head:
        raise FormInvalid({"file": ["The file is empty."]})
    media_type = _media_type(declared_type, name, policy, head)
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    chunk = head
    while chunk:
        size += len(chunk)
        if size > policy.max_bytes:
            raise AttachmentTooLarge(f"a file may be at most {policy.max_bytes} bytes")
        digest.update(chunk)
        chunks.append(chunk)
        chunk = stream.read(_CHUNK)
    return Upload(name, media_type, b"".join(chunks), digest.hexdigest())


def store_in(
    conn: Any, clock: Clock, policy: AttachmentPolicy, case_id: int, upload: Upload, uploaded_by: str
) -> tuple[AttachmentItem, str]:
    """Store a checked file inside the caller's transaction (intake stores evidence with the new case).

    Returns the file's description and its storage key: the caller discards the stored content
    (`policy.storage.discard(key)`) if its transaction fails.
    """
    key = f"{case_id}/{uuid.uuid4().hex}"
    row = {
        "case_id": case_id,
        "name": upload.name,
        "media_type": upload.media_type,
        "size": len(upload.content),
        "sha256": upload.sha256,
        "storage_key": key,
        "uploaded_by": uploaded_by,
        "uploaded_at": clock.now(),
    }
    store = policy.storage
    try:
        store.put(conn, key, upload.content)
        row["id"] = conn.execute(_TABLE.insert().values(**row).returning(_TABLE.c.id)).scalar_one()
    except BaseException:
        store.discard(key)
        raise
    return describe(row), key


def save(
    db: Database,
    clock: Clock,
    policy: AttachmentPolicy,
    case_id: int,
    name: str | None,
    declared_type: str | None,
    stream: IO[bytes],
    uploaded_by: str,
) -> AttachmentItem:
    """Store one file of a case and describe it; nothing is kept when a limit refuses it."""
    upload = read_upload(policy, name, declared_type, stream)
    keys: list[str] = []
    try:
        with db.transaction() as conn:
            item, key = store_in(conn, clock, policy, case_id, upload, uploaded_by)
            keys.append(key)
    except BaseException:
        for key in keys:
            policy.storage.discard(key)
        raise
    return item


def describe(row: Any) -> AttachmentItem:
    """What the API shows of a stored file (a row, or the dict just inserted), never where it is stored."""
    values: Mapping[str, Any] = row if isinstance(row, dict) else row._mapping
    return AttachmentItem(
        id=values["id"],
        name=values["name"],
        media_type=values["media_type"],
        size=values["size"],
        sha256=values["sha256"],
        uploaded_by=values["uploaded_by"],
        uploaded_at=values["uploaded_at"],
    )


def for_case(conn: Connection, case_id: int) -> list[AttachmentItem]:
    """A case's files, in the order they came, for its detail page."""
    rows = conn.execute(select(_TABLE).where(_TABLE.c.case_id == case_id).order_by(_TABLE.c.id)).all()
    return [describe(r) for r in rows]


def fetch(
    db: Database, policy: AttachmentPolicy, case_id: int, attachment_id: int
) -> tuple[AttachmentItem, bytes]:
    """An attachment of this case (its description and bytes); NotFound for another case's file."""
    if not 0 < attachment_id < 2**31:  # beyond the column's range: no such file, not a database error
        raise NotFound("no such attachment on this case")
    with db.reading() as conn:
        row = conn.execute(
            select(_TABLE).where(_TABLE.c.id == attachment_id, _TABLE.c.case_id == case_id)
        ).first()
    if row is None:
        raise NotFound("no such attachment on this case")
    return describe(row), policy.storage.get(db, row.storage_key)
