"""The names a complainant reads for what the diagrams decide: stages, statuses and outcomes, per language.

A diagram names a stage by id (`stage` = `assessment`); the words shown for it are data beside the processes,
in ``processes/translations/<lang>.json``, English included (``en.json`` is the source every other language
translates):

    {"stages": {"assessment": "Assessing your complaint", ...},
     "statuses": {"awaiting_complainant": "Waiting for your reply", ...},
     "outcomes": {"upheld": "Upheld", ...}}

The names are looked up at read time, not deployed with a version: a stage id means the same in every
version, and a corrected word should reach the cases already running. The folder is
``$REDRESSAL_PROCESS_TRANSLATIONS`` if set, else ``processes/translations`` of this repository. (`load_bundle`
passes over `translations/` folders, so these JSON files are never taken for forms.)
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.letters.render import DEFAULT_LANGUAGE, resolve_language

ENV_VAR = "REDRESSAL_PROCESS_TRANSLATIONS"
SOURCE_LANGUAGE = DEFAULT_LANGUAGE
# The sections of a process translation file: what the diagrams (and the closing forms) name by id.
SECTIONS = ("stages", "statuses", "outcomes")


def default_translations_dir() -> Path:
    """``$REDRESSAL_PROCESS_TRANSLATIONS`` if set, else ``processes/translations`` of this repository."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(__file__).resolve().parents[2] / "processes" / "translations"


@dataclass(frozen=True)
class Name:
    """A name to show, and the language it is in (English where the page's language has none: mark it)."""

    text: str
    language: str

    @property
    def fallback(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=64)
def _read(path: str, _mtime_ns: int) -> dict[str, dict[str, str]]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return flatten_file(raw)


def flatten_file(raw: Any) -> dict[str, dict[str, str]]:
    """A file's sections, keeping only text values (anything else is the report's to point out)."""
    if not isinstance(raw, dict):
        return {}
    return {
        section: {k: v for k, v in raw[section].items() if isinstance(v, str) and v.strip()}
        for section in SECTIONS
        if isinstance(raw.get(section), dict)
    }


def load_names(lang: str, folder: str | os.PathLike[str] | None = None) -> dict[str, dict[str, str]]:
    """The names of one language by section; {} when there is no file. A broken file raises ValueError."""
    path = Path(folder if folder is not None else default_translations_dir()) / f"{lang}.json"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    try:
        return _read(str(path), mtime)
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None


def _humane(identifier: str) -> str:
    """The last resort for an id nobody named, not even in English: `awaiting_information` reads
    "Awaiting information"."""
    words = identifier.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _name(section: str, identifier: str, lang: str | None, folder: str | os.PathLike[str] | None) -> Name:
    language = resolve_language(lang)
    for candidate in dict.fromkeys((language, SOURCE_LANGUAGE)):
        try:
            text = load_names(candidate, folder).get(section, {}).get(identifier)
        except ValueError:
            text = None  # a broken file shows English, marked; the report names the file
        if text:
            return Name(text, candidate)
    return Name(_humane(identifier), SOURCE_LANGUAGE)


def stage_name(stage_id: str, lang: str | None, folder: str | os.PathLike[str] | None = None) -> Name:
    """A stage's name (a diagram's `stage` property) in `lang`, else in English (marked by `language`)."""
    return _name("stages", stage_id, lang, folder)


def status_name(status: str, lang: str | None, folder: str | os.PathLike[str] | None = None) -> Name:
    """The name of a case status (`open`, `awaiting_complainant`, `closed`, `withdrawn`) in `lang`."""
    return _name("statuses", status, lang, folder)


def outcome_name(outcome: str, lang: str | None, folder: str | os.PathLike[str] | None = None) -> Name:
    """The name of a case outcome (`upheld`, `withdrawn`, ...) in `lang`."""
    return _name("outcomes", outcome, lang, folder)
