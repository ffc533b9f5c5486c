"""The organisation's name, logo, colours and contact details: configuration in one TOML file, not code."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "organisation.toml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""
    hours: str = ""
    postal_address: str = ""
    website: str = ""


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    logo: str
    logo_alt: str
    colours: dict[str, str]
    contact: Contact


class OrganisationFileError(ValueError):
    """The organisation file is unreadable or names a bad value; the message names the file and the key."""


def load(path: str | os.PathLike[str] | None = None) -> Organisation:
    """Read the organisation file ($REDRESSAL_ORGANISATION or the default beside the web app)."""
    file = Path(path or os.environ.get("REDRESSAL_ORGANISATION") or DEFAULT_FILE)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OrganisationFileError(f"{file}: {exc}") from exc
    colours = {str(k): str(v) for k, v in (raw.get("colours") or {}).items()}
    for key, value in colours.items():
        if not _COLOUR.match(value):
            raise OrganisationFileError(f"{file}: colours.{key} = {value!r} is not a #rrggbb colour")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise OrganisationFileError(f"{file}: name is missing")
    contact = raw.get("contact") or {}
    return Organisation(
        name=name,
        short_name=str(raw.get("short_name") or name),
        logo=str(raw.get("logo") or ""),
        logo_alt=str(raw.get("logo_alt") or name),
        colours=colours,
        contact=Contact(**{k: str(v) for k, v in contact.items() if k in Contact.__dataclass_fields__}),
    )
