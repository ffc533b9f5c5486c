"""A deployment's files, read once into memory: BPMN, DMN and the form definitions tasks name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.core.errors import Problem, ProcessInvalid

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
DMN_SUFFIXES = (".dmn",)
FORM_SUFFIXES = (".json",)
TRANSLATIONS_DIR = "translations"


@dataclass
class Bundle:
    """Files by name. Names are what people see in error messages, so they keep the path they gave."""

    bpmn: dict[str, bytes] = field(default_factory=dict)
    dmn: dict[str, bytes] = field(default_factory=dict)
    forms: dict[str, bytes] = field(default_factory=dict)  # keyed by file name, e.g. forms/closing.json

    def add(self, name: str, content: bytes) -> None:
        lower = name.lower()
        if lower.endswith(BPMN_SUFFIXES):
            self.bpmn[name] = content
        elif lower.endswith(DMN_SUFFIXES):
            self.dmn[name] = content
        elif lower.endswith(FORM_SUFFIXES):
            self.forms[name] = content
        else:
            raise ProcessInvalid([Problem(name, "is neither BPMN (.bpmn), DMN (.dmn) nor a form (.json)")])


def load_bundle(paths: list[str | Path], forms_dir: str | Path | None = None) -> Bundle:
    """Files named, and the BPMN, DMN and JSON files inside folders named; plus every form of `forms_dir`.

    Other files in a folder (SLA profiles, READMEs) are not part of a process and are passed over, and so is
    every `translations/` folder: its JSON files are texts beside the forms and processes, not forms
    (engine/task_forms/translations.py, engine/registry/translations.py).
    """
    bundle = Bundle()
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if TRANSLATIONS_DIR in child.relative_to(path).parts[:-1]:
                    continue
                if child.is_file() and child.name.lower().endswith(
                    BPMN_SUFFIXES + DMN_SUFFIXES + FORM_SUFFIXES
                ):
                    bundle.add(str(child), child.read_bytes())
        elif path.is_file():
            try:
                bundle.add(str(path), path.read_bytes())
            except ProcessInvalid as exc:
                problems.extend(exc.problems)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    if forms_dir is not None and Path(forms_dir).is_dir():
        for child in sorted(Path(forms_dir).glob("*.json")):
            bundle.forms.setdefault(str(child), child.read_bytes())
    if problems:
        raise ProcessInvalid(problems)
    if not bundle.bpmn:
        raise ProcessInvalid(
            [Problem(", ".join(str(p) for p in paths) or "(nothing)", "contains no BPMN file")]
        )
    return bundle
