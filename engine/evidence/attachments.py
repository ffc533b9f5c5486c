"""Evidence files of a case: kept on disk beside the database, described by a row, never in workflow data.

Workflow state is rewritten on every step, so bytes in it would be copied on every task; here a file is
written once, under a name the server chooses, and the case only lists it. The declared media type, the
file name's extension and the file's first bytes must agree, so a script cannot pass as a PDF.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from engine.cases.tables import Case
from engine.core.clock import Clock
from engine.core.errors import EngineError, FormInvalid, NotFound
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


def save(
    db: Database,
    clock: Clock,
    policy: AttachmentPolicy,
    case_id: int,
    name: str | None,
    declared_type: str | None,
    stream: BinaryIO,
    uploaded_by: str,
) -> dict[str, Any]:
    """Store one file of a case and describe it; nothing is kept when a limit refuses it."""
    name = clean_name(name)
    head = stream.read(_CHUNK)
    if not head:
        raise FormInvalid({"file": ["The file is empty."]})
    media_type = _media_type(declared_type, name, policy, head)
    key = f"{case_id}/{uuid.uuid4().hex}"
    target = policy.folder / key
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(partial, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > policy.max_bytes:
                    raise AttachmentTooLarge(f"a file may be at most {policy.max_bytes} bytes")
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        row = {
            "case_id": case_id,
            "name": name,
            "media_type": media_type,
            "size": size,
            "sha256": digest.hexdigest(),
            "storage_key": key,
            "uploaded_by": uploaded_by,
            "uploaded_at": clock.now(),
        }
        with db.transaction() as conn:
            row["id"] = conn.execute(_TABLE.insert().values(**row).returning(_TABLE.c.id)).scalar_one()
    except BaseException:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise
    return describe(row)


def describe(row: Any) -> dict[str, Any]:
    get = row.get if isinstance(row, dict) else row._mapping.get
    return {
        "id": get("id"),
        "name": get("name"),
        "media_type": get("media_type"),
        "size": get("size"),
        "sha256": get("sha256"),
        "uploaded_by": get("uploaded_by"),
        "uploaded_at": get("uploaded_at"),
    }


def list_for_case(db: Database, case_id: int) -> list[dict[str, Any]]:
    with db.reading() as conn:
        rows = conn.execute(select(_TABLE).where(_TABLE.c.case_id == case_id).order_by(_TABLE.c.id)).all()
    return [describe(r) for r in rows]
