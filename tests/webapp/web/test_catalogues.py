"""The platform's own catalogues: complete, faithful to the English placeholders, current with the sources.

A complainant who chose Persian must never meet an English sentence the platform wrote, nor a sentence that
lost its `%(name)s` (Python would raise, or show the raw text). These tests read the .po files as text (what
git keeps) and the template as `make translations-extract` writes it, so a developer who adds a string and
forgets to extract, update or translate learns which string, in which language.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from webapp.web.i18n import DEFAULT, LANGUAGES, TRANSLATIONS, babel_locale

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = TRANSLATIONS / "messages.pot"
# The Babel directory of each language the switcher offers: zh-Hans is looked up as zh_Hans.
LOCALES = [babel_locale(tag) for tag in LANGUAGES if tag != DEFAULT]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# Simplified forms seen in the zh_Hans catalogue and Traditional forms seen in the zh_Hant one: a Traditional
# sentence that kept a Simplified character (or the reverse) was converted or copied, not translated.
SIMPLIFIED = (
    "与两个临为么书争产亲仅从们会关内写决凭击办务区协单参发号后员响国处备复够头审对将尝并应开当录态户择数"
    "无时显机权来构标检欢满点状独现电码确种类纠约纯线终经结给续编网联补视计认议记设访证评诉译试话询该语误"
    "说请读谁调谢负责费转较输边过运还这进选遗邮钟链错长闭问间阅阶随页项预题"
)
TRADITIONAL = (
    "並併來個們傳僅內兩務區協參員問單嘗國夠審寫將對幾後從態憑應擇數於時書會構標機檔檢欄權歡決沒滿瀏為無爭"
    "狀獨現產發確碼種稱約純終結絡給經網編聯職臨與處號補裝裡視親覽計記訴評詢試話該認語誤說誰調請謝證譯議讀"
    "負責費資蹤較輸轉辦這連週進運過選遺還邊郵錄錯鐘長閉開間閱關階隨電響頁項須預頭題類顯麼點"
)
ARABIC_YEH_KAF = "\u064a\u0643"  # Persian writes ی and ک; the Arabic letters look alike but search badly
MI_WITHOUT_ZWNJ = re.compile(r"(?:^|\s)n?می ")  # "می توانید" where Persian joins with ZWNJ: "می‌توانید"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def _ids(catalogue: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(catalogue: Catalog, template: Catalog) -> list[str]:
    """What is wrong with one language's catalogue against the template, one line per message."""
    found: list[str] = []
    nplurals = get_plural(catalogue.locale_identifier).num_plurals
    if catalogue.num_plurals != nplurals:
        found.append(f"Plural-Forms says {catalogue.num_plurals} forms; the language has {nplurals}")
    for wanted in template:
        if not wanted.id:
            continue
        key = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
        message = catalogue.get(wanted.id)
        if message is None:
            found.append(f"missing (run make translations-update): {key!r}")
            continue
        if message.fuzzy:
            found.append(f"fuzzy: {key!r}")
        forms = _forms(message)
        if wanted.pluralizable and len(forms) != nplurals:
            found.append(f"{len(forms)} plural forms instead of {nplurals}: {key!r}")
        english = wanted.id if isinstance(wanted.id, (list, tuple)) else [wanted.id]
        expected = set().union(*(_placeholders(text) for text in english))
        for form in forms:
            if not form.strip():
                found.append(f"not translated: {key!r}")
                break
            if _placeholders(form) != expected:
                found.append(
                    f"placeholders {sorted(_placeholders(form))} instead of {sorted(expected)}: {key!r}"
                )
            elif "%" in PLACEHOLDER.sub("", form).replace("%%", ""):
                found.append(f"a lone % (templates format every string; write %%): {key!r}")
            if any(c in form and not any(c in text for text in english) for c in "<>&"):
                found.append(f"markup the English has not (templates mark translations safe): {key!r}")
    return found


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE)


def test_every_language_the_switcher_offers_has_a_catalogue():
    assert LOCALES == ["vi", "fa", "zh_Hans", "zh_Hant", "pl"]
    for locale in LOCALES:
        assert (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").is_file(), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_each_catalogue_translates_every_message_with_its_placeholders(locale, template):
    catalogue = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    assert len(_ids(template)) > 100  # the template holds the platform's words, not an empty extraction
    assert problems(catalogue, template) == []
    assert not [m.id for m in catalogue.obsolete.values()], "drop obsolete entries: make translations-update"


def test_the_check_finds_each_kind_of_fault(template):
    """The catalogue check above is only worth its silence if it speaks up: one fault of each kind."""
    english = Catalog(locale="pl")
    english.add("Hello %(name)s.", flags={"python-format"})
    english.add("Plain")
    english.add(("%(count)s file", "%(count)s files"), flags={"python-format"})
    english.add("Missing")
    english.add("Marked")
    english.add("Fuzzy")
    polish = Catalog(locale="pl")
    polish.add("Hello %(name)s.", "Dzień dobry %(imie)s.")
    polish.add("Plain", "100% prosto")
    polish.add(("%(count)s file", "%(count)s files"), ("%(count)s plik", "%(count)s pliki"))
    polish.add("Marked", "<b>Oznaczone</b>")
    polish.add("Fuzzy", "Niepewne", flags={"fuzzy"})
    found = problems(polish, english)
    assert any("placeholders" in line and "Hello" in line for line in found)
    assert any("lone %" in line and "Plain" in line for line in found)
    assert any("2 plural forms instead of 3" in line for line in found)
    assert any("missing" in line and "Missing" in line for line in found)
    assert any("markup" in line and "Marked" in line for line in found)
    assert any("fuzzy" in line and "Fuzzy" in line for line in found)
    assert len(found) == 6


def test_persian_is_written_with_persian_letters_and_joins_verbs_with_zwnj():
    catalogue = _read(TRANSLATIONS / "fa" / "LC_MESSAGES" / "messages.po", "fa")
    texts = [form for m in catalogue if m.id for form in _forms(m)]
    assert not [t for t in texts if any(c in t for c in ARABIC_YEH_KAF)]
    assert not [t for t in texts if MI_WITHOUT_ZWNJ.search(t)]
    assert any("\u200c" in t for t in texts)


@pytest.mark.parametrize(("locale", "foreign"), [("zh_Hant", SIMPLIFIED), ("zh_Hans", TRADITIONAL)])
def test_each_chinese_catalogue_keeps_to_its_own_script(locale, foreign):
    catalogue = _read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    wrong = {
        m.id: sorted(set(f) & set(foreign))
        for m in catalogue
        if m.id
        for f in _forms(m)
        if set(f) & set(foreign)
    }
    assert wrong == {}


def test_the_template_is_current_with_the_sources(tmp_path, monkeypatch, template):
    """Extract exactly as `make translations-extract` does and compare the message ids."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    options = re.search(r"^BABEL_EXTRACT := (.+)$", makefile, re.MULTILINE)
    assert options, "the Makefile's BABEL_EXTRACT line moved: keep the test extracting as make does"
    fresh_path = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", *shlex.split(options.group(1)), "-o", str(fresh_path), "."]
    )
    fresh, kept = _ids(_read(fresh_path)), _ids(template)
    missing, stale = sorted(fresh - kept), sorted(kept - fresh)
    assert not missing, (
        "strings in the sources but not in webapp/translations/messages.pot: run `make translations-extract`"
        f" and `make translations-update`, then translate them in every catalogue: {missing}"
    )
    assert not stale, (
        f"strings in messages.pot that the sources no longer use: run the same two targets: {stale}"
    )


# The heading of the start page (GET /) in each language, with the writing direction.
HEADINGS = [
    ("fa", "راهنمای ثبت شکایت", "rtl"),
    ("zh-Hant", "如何投訴", "ltr"),
    ("zh-Hans", "如何投诉", "ltr"),
    ("vi", "Cách gửi khiếu nại", "ltr"),
    ("pl", "Jak złożyć reklamację", "ltr"),
]


@pytest.mark.parametrize(("tag", "heading", "direction"), HEADINGS)
def test_choosing_a_language_shows_the_start_page_in_it(client, tag, heading, direction):
    switched = client.get(f"/?lang={tag}")
    assert switched.status_code == 303 and switched.headers["Location"] == "/"
    page = client.get(switched.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{tag}" dir="{direction}">' in text
    assert f"<h1>{heading}</h1>" in text
    assert "How to complain" not in text and "We look into it" not in text  # template and Python words alike


def test_traditional_chinese_is_not_the_simplified_catalogue(client):
    """zh-Hant and zh-Hans differ in script only: each loads its own catalogue, neither falls back to zh."""
    client.get("/?lang=zh-Hant")
    traditional = client.get("/").get_data(as_text=True)
    client.get("/?lang=zh-Hans")
    simplified = client.get("/").get_data(as_text=True)
    assert "我們確認收到" in traditional and "我们确认收到" not in traditional
    assert "我们确认收到" in simplified and "我們確認收到" not in simplified


def test_an_error_page_speaks_the_chosen_language(client):
    client.get("/?lang=fa")
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<h1>صفحه پیدا نشد</h1>" in page.get_data(as_text=True)
