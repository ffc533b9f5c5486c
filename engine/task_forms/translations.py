"""Form texts in the complainant's language: translation files beside the forms, English the marked fallback.

What process owners write in a form (labels, help texts, option labels, text blocks, group titles) is the
English source; a translation lives beside it in ``forms/translations/<lang>/<form_id>.json``, one object per
component:

    {
      "complainant.name": {"label": "Họ và tên", "description": "..."},
      "complainant.language": {"label": "...", "values": {"en": "Tiếng Anh", "vi": "Tiếng Việt"}},
      "Field_text": {"text": "## ..."}
    }

A component is named by its *ref*: a field by its full data path (the same dotted path submissions, errors
and the API use, `items[].amount` inside a dynamic list), anything without a key (text blocks, groups,
lists) by its form-js `id`. Both survive editing in the form-js editor, and a ref reads well to a translator.

Translations are looked up **by form id at read time**, not deployed with a process version. A translation
fixes words, never behaviour: keys and values (what validation and the workflow see) are not in these files,
so a case on an older version is shown its form with today's translations of the texts that form still has;
texts it has that the file no longer has fall back to English, marked. Deploying them with a version would
make a corrected Persian typo a new process version and leave running cases with the typo. The folder is
``$REDRESSAL_FORM_TRANSLATIONS`` if set, else ``forms/translations`` of this repository; files are re-read
when they change on disk (one ``stat`` per lookup), so an edited translation shows without a restart.

Option labels of a field with ``codes: bcp47`` or ``codes: iso3166`` that no file translates are named by
Babel's CLDR data in the page's language (`vi` on a Persian page reads "ویتنامی"), so a language or country
added to the form is never English on a translated page; they count as translated, not as fallbacks.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.letters.render import DEFAULT_LANGUAGE, LANGUAGES, resolve_language
from engine.task_forms.layout import CONTAINER_TYPES, KEYED_TYPES, split_path
from engine.task_forms.properties import CODES, STAFF_ONLY

ENV_VAR = "REDRESSAL_FORM_TRANSLATIONS"
SOURCE_LANGUAGE = DEFAULT_LANGUAGE
TARGET_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)
# The attributes of a component that hold words a person reads (form-js 1.x), in the order a form shows them.
ATTRIBUTES = ("label", "description", "placeholder", "text", "dateLabel", "timeLabel")
VALUES = "values"  # the option labels of a choice field, by option value


def default_translations_dir() -> Path:
    """``$REDRESSAL_FORM_TRANSLATIONS`` if set, else ``forms/translations`` of this repository."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(__file__).resolve().parents[2] / "forms" / "translations"


@dataclass(frozen=True)
class SourceText:
    """One English text of a form: the component's ref, which attribute (`label`, `values.<value>`), the text,
    and whether a complainant sees it (False for staff-only fields and groups holding only such fields)."""

    ref: str
    attribute: str
    text: str
    public: bool

    @property
    def key(self) -> str:
        """`ref:attribute`, as the report and `TranslatedForm.fallbacks` name it (refs may contain dots)."""
        return text_key(self.ref, self.attribute)


def text_key(ref: str, attribute: str) -> str:
    return f"{ref}:{attribute}"


@dataclass(frozen=True)
class _Component:
    ref: str
    component: dict[str, Any]
    public: bool


def _is_staff_only(comp: Mapping[str, Any]) -> bool:
    props = comp.get("properties")
    return isinstance(props, Mapping) and str(props.get(STAFF_ONLY, "")).lower() == "true"


def _components(components: Any, prefix: str = "") -> Iterator[_Component]:
    """Every component with its ref, depth first in display order; a container is public when anything in
    it is, a field when it is not staff-only, a display component always."""
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, dict):
            continue
        kind = comp.get("type")
        if kind in KEYED_TYPES and isinstance(comp.get("key"), str) and comp["key"]:
            yield _Component(prefix + comp["key"], comp, not _is_staff_only(comp))
        elif kind in CONTAINER_TYPES:
            path = ".".join(split_path(comp.get("path")))
            inner = f"{prefix}{path}." if path else prefix
            if kind == "dynamiclist":
                inner = f"{prefix}{path}[]."
            children = list(_components(comp.get("components"), inner))
            ref = str(comp.get("id") or prefix + path)
            yield _Component(ref, comp, any(c.public for c in children) or not children)
            yield from children
        elif comp.get("id"):
            yield _Component(str(comp["id"]), comp, True)


def _is_text(value: Any) -> bool:
    """Words to translate: a non-empty string that is not a FEEL expression (`=...` is computed, not read)."""
    return isinstance(value, str) and bool(value.strip()) and not value.startswith("=")


def form_texts(definition: Mapping[str, Any]) -> dict[str, SourceText]:
    """The English texts of a form by key (`ref:attribute`), in display order."""
    out: dict[str, SourceText] = {}
    for item in _components(definition.get("components")):
        comp = item.component
        for attribute in ATTRIBUTES:
            if _is_text(comp.get(attribute)):
                text = SourceText(item.ref, attribute, comp[attribute], item.public)
                out[text.key] = text
        for option in comp.get(VALUES) or []:
            if isinstance(option, Mapping) and _is_text(option.get("label")) and "value" in option:
                text = SourceText(item.ref, f"{VALUES}.{option['value']}", option["label"], item.public)
                out[text.key] = text
    return out


# --- translation files ---------------------------------------------------------------------------------


def translation_path(form_id: str, lang: str, folder: str | os.PathLike[str] | None = None) -> Path:
    return Path(folder if folder is not None else default_translations_dir()) / lang / f"{form_id}.json"


@functools.lru_cache(maxsize=256)
def _read(path: str, _mtime_ns: int) -> dict[str, str]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return flatten_file(raw) if isinstance(raw, Mapping) else {}


def flatten_file(raw: Mapping[str, Any]) -> dict[str, str]:
    """A translation file's nested objects as `ref:attribute` -> text (what the report compares)."""
    flat: dict[str, str] = {}
    for ref, attributes in raw.items():
        if not isinstance(attributes, Mapping):
            continue
        for attribute, text in attributes.items():
            if attribute == VALUES and isinstance(text, Mapping):
                for value, label in text.items():
                    if isinstance(label, str):
                        flat[text_key(ref, f"{VALUES}.{value}")] = label
            elif isinstance(text, str):
                flat[text_key(ref, attribute)] = text
    return flat


def load_translation(form_id: str, lang: str, folder: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """A form's translations into `lang` (`ref:attribute` -> text); {} when there is no file.

    A file that is not valid JSON raises ValueError naming it: the report says so, a page shows English.
    """
    path = translation_path(form_id, lang, folder)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    try:
        return _read(str(path), mtime)
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None


# --- option labels from CLDR (Babel) for coded fields -------------------------------------------------


# How the Chinese scripts name themselves on language menus (CLDR says "中文 (简体)").
_NATIVE_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文"}


@functools.lru_cache(maxsize=2048)
def code_label(codes: str, value: str, lang: str) -> str | None:
    """The name of a language (`bcp47`) or country (`iso3166`) in `lang`, from CLDR; None when unknown.

    A language is named in its own language first, then in the reader's ("Tiếng Việt (ویتنامی)"), so a
    person finds their own language whatever the page's language.
    """
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - Babel is a dependency; without it, options stay English
        return None
    try:
        reader = Locale.parse(lang.replace("-", "_"))
        if codes == "iso3166":
            return reader.territories.get(value.upper()) if len(value) == 2 else None
        if codes == "bcp47":
            own = Locale.parse(value.replace("-", "_"))
            native = _NATIVE_NAMES.get(value) or own.get_display_name(own)
            local = own.get_display_name(reader)
            if not native or not local:
                return None
            native = native[:1].upper() + native[1:]  # CLDR writes names as mid-sentence ("polski")
            local = local.replace(" (", ", ").rstrip(")")  # no brackets inside the brackets
            return native if lang == value else f"{native} ({local})"
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return None


# --- translating a definition --------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslatedForm:
    """A form definition with its texts in `language`, and what fell back to English.

    `schema` has the same components, keys, values, validation rules and properties as the definition, so
    it validates exactly as the definition does (validation is done on the untranslated definition all the
    same); only the words differ. `fallbacks` holds the keys (`ref:attribute`) shown in English: a renderer
    marks those elements `lang="en"` (see `language_of`).
    """

    form_id: str
    language: str
    schema: dict[str, Any]
    fallbacks: frozenset[str]

    def language_of(self, ref: str, attribute: str = "label") -> str:
        """The language a text is shown in: `language`, or `en` where it fell back."""
        return SOURCE_LANGUAGE if text_key(ref, attribute) in self.fallbacks else self.language

    def is_fallback(self, ref: str, attribute: str = "label") -> bool:
        return text_key(ref, attribute) in self.fallbacks


def translate_form(
    schema: Mapping[str, Any], lang: str | None, folder: str | os.PathLike[str] | None = None
) -> TranslatedForm:
    """`schema` with every text in `lang` (any BCP 47 tag: `fa-IR` reads `fa`, `zh-TW` reads `zh-Hant`).

    Texts the translation file lacks stay English and are listed in `fallbacks`; an English page has none.
    The definition given is not changed.
    """
    language = resolve_language(lang)
    form_id = str(schema.get("id") or "")
    translated = copy.deepcopy(dict(schema))
    if language == SOURCE_LANGUAGE:
        return TranslatedForm(form_id, language, translated, frozenset())
    try:
        words = load_translation(form_id, language, folder) if form_id else {}
    except ValueError:
        words = {}  # a broken file shows English, marked; the report names the file
    fallbacks: set[str] = set()
    for item in _components(translated.get("components")):
        comp = item.component
        for attribute in ATTRIBUTES:
            if _is_text(comp.get(attribute)):
                key = text_key(item.ref, attribute)
                if words.get(key):
                    comp[attribute] = words[key]
                else:
                    fallbacks.add(key)
        codes = comp.get("properties", {}).get(CODES) if isinstance(comp.get("properties"), dict) else None
        for option in comp.get(VALUES) or []:
            if not (isinstance(option, dict) and _is_text(option.get("label")) and "value" in option):
                continue
            key = text_key(item.ref, f"{VALUES}.{option['value']}")
            label = words.get(key)
            if not label and codes:
                label = code_label(str(codes), str(option["value"]), language)
            if label:
                option["label"] = label
            else:
                fallbacks.add(key)
    return TranslatedForm(form_id, language, translated, frozenset(fallbacks))
