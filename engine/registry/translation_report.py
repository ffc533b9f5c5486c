"""What the translations of forms and processes miss or keep in vain (`redressal translations report`).

- *missing*: an English text of a form, or a stage, status or outcome name of
  `processes/translations/en.json`, that a language's file does not translate; and, for English itself, a
  stage or outcome a diagram names that `en.json` does not name. Pages show those in English, marked.
- *stale*: a translated text whose component, attribute or option the form no longer has (or a name `en.json`
  no longer has); it is never shown, and usually means a field was renamed and its translation left behind.
- *broken*: a translation file that is not a JSON object.

A function returning findings, so tests and `processes validate` use it as the command does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from engine.registry import translations as names
from engine.registry.elements import read_bpmn
from engine.task_forms import translations as form_translations

# Statuses the engine itself gives a case (engine/cases/store.py); diagrams add others with `status`.
ENGINE_STATUSES = ("open", "closed", "withdrawn")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: `kind` is missing, stale or broken; `key` is `ref:attribute` (forms) or `section.id`."""

    language: str
    file: str
    kind: str
    key: str
    source: str = ""  # the English text, for missing ones

    def __str__(self) -> str:
        said = f": {self.source[:60]!r}" if self.source else ""
        return f"{self.file}: {self.kind} {self.key}{said}"


def _form_definitions(forms_dir: Path, form_ids: Iterable[str] | None) -> dict[str, dict]:
    wanted = set(form_ids) if form_ids else None
    found = {}
    for path in sorted(forms_dir.glob("*.json")):
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # `processes validate` reports a broken form; there is nothing to translate yet
        if isinstance(definition, dict):
            definition.setdefault("id", path.stem)
            found[path.stem] = definition
    return found


def form_findings(
    definitions: dict[str, dict],
    languages: Iterable[str],
    folder: str | os.PathLike[str] | None = None,
    public_only: bool = False,
) -> list[Finding]:
    """Missing and stale texts of these forms (form id -> definition) in each language."""
    findings = []
    for lang in languages:
        if lang == form_translations.SOURCE_LANGUAGE:
            continue  # the forms are the English
        for form_id, definition in definitions.items():
            path = form_translations.translation_path(form_id, lang, folder)
            file = str(path)
            try:
                have = form_translations.load_translation(form_id, lang, folder)
            except ValueError as exc:
                findings.append(Finding(lang, file, "broken", "", str(exc)))
                continue
            texts = form_translations.form_texts(definition)
            for key, text in texts.items():
                if (not public_only or text.public) and not have.get(key):
                    findings.append(Finding(lang, file, "missing", key, text.text))
            findings.extend(Finding(lang, file, "stale", key) for key in have if key not in texts)
    return findings


def diagram_names(processes_dir: Path) -> dict[str, set[str]]:
    """The stages, statuses and outcomes the diagrams in a folder name (with the engine's own statuses)."""
    elements: list[dict] = []
    for path in sorted(processes_dir.rglob("*.bpmn")):
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        except (etree.XMLSyntaxError, OSError):
            continue  # `processes validate` reports it
        for proc in read_bpmn(str(path), root):
            elements.extend(proc.elements.values())
    return names_of(elements)


def names_of(elements: Iterable[dict]) -> dict[str, set[str]]:
    """The stages, statuses and outcomes these elements name (element metadata, as `read_bpmn` gives it),
    with the engine's own statuses."""
    used: dict[str, set[str]] = {"stages": set(), "statuses": set(ENGINE_STATUSES), "outcomes": set()}
    for element in elements:
        for section, prop in (("stages", "stage"), ("statuses", "status"), ("outcomes", "outcome")):
            if element.get(prop):
                used[section].add(element[prop])
    return used


def name_findings(
    languages: Iterable[str], used: dict[str, set[str]], folder: str | os.PathLike[str] | None = None
) -> list[Finding]:
    """Stage, status and outcome names: English must name what the diagrams name (`used`, by section, as
    `diagram_names` gives it); the other languages translate English."""
    base = Path(folder if folder is not None else names.default_translations_dir())
    findings = []
    source_file = str(base / f"{names.SOURCE_LANGUAGE}.json")
    try:
        source = names.load_names(names.SOURCE_LANGUAGE, base)
    except ValueError as exc:
        return [Finding(names.SOURCE_LANGUAGE, source_file, "broken", "", str(exc))]
    for section, ids in used.items():
        for identifier in sorted(ids - set(source.get(section, {}))):
            findings.append(Finding(names.SOURCE_LANGUAGE, source_file, "missing", f"{section}.{identifier}"))
    for lang in languages:
        if lang == names.SOURCE_LANGUAGE:
            continue
        file = str(base / f"{lang}.json")
        try:
            have = names.load_names(lang, base)
        except ValueError as exc:
            findings.append(Finding(lang, file, "broken", "", str(exc)))
            continue
        for section in names.SECTIONS:
            wanted, got = source.get(section, {}), have.get(section, {})
            findings.extend(
                Finding(lang, file, "missing", f"{section}.{k}", wanted[k]) for k in wanted if k not in got
            )
            findings.extend(Finding(lang, file, "stale", f"{section}.{k}") for k in got if k not in wanted)
    return findings


def report(
    languages: Iterable[str] | None = None,
    *,
    forms_dir: str | os.PathLike[str] = "forms",
    processes_dir: str | os.PathLike[str] = "processes",
    form_ids: Iterable[str] | None = None,
    public_only: bool = False,
    form_folder: str | os.PathLike[str] | None = None,
    name_folder: str | os.PathLike[str] | None = None,
) -> list[Finding]:
    """Every missing, stale or broken translation by language and file, in the form's order within a file.

    `form_ids` limits the forms looked at (all of `forms_dir` by default); `public_only` leaves out texts
    only staff see. Stage, status and outcome names are checked unless `form_ids` is given.
    """
    langs = list(languages or form_translations.TARGET_LANGUAGES)
    definitions = _form_definitions(Path(forms_dir), form_ids)
    findings = form_findings(definitions, langs, form_folder, public_only)
    if not form_ids:
        findings += name_findings(langs, diagram_names(Path(processes_dir)), name_folder)
    return sorted(findings, key=lambda f: (f.language, f.file))  # stable: in form order within a file


def deploy_warnings(forms: dict[str, dict], elements: Iterable[dict]) -> list[str]:
    """One line per language that misses texts of the forms or names of the elements being deployed.

    `processes validate` and `deploy` print them as warnings: a missing translation shows English, marked,
    and never stops a deployment.
    """
    languages = form_translations.TARGET_LANGUAGES
    findings = form_findings(forms, languages) + name_findings(languages, names_of(elements))
    counts: dict[str, int] = {}
    for finding in findings:
        if finding.kind != "stale":
            counts[finding.language] = counts.get(finding.language, 0) + 1
    return [
        f"translations: {n} texts have no {lang} translation and show in English "
        f"(redressal translations report --lang {lang})"
        for lang, n in sorted(counts.items())
    ]
