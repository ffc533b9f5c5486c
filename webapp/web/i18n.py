"""Languages of the pages: chosen from the browser, switchable on every page, remembered in a cookie.

The platform's own words come from Flask-Babel catalogues (`webapp/translations`); what process owners write
(form labels, stage names, letters) comes translated from the engine. Language tags are BCP 47 (`zh-Hans`)
in URLs, cookies and the engine; Babel's identifiers (`zh_Hans`) stay inside this module.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, g, redirect, request
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    format_timedelta,
    get_locale,
)
from werkzeug.wrappers import Response

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
# Each language's name in itself, in the order the switcher shows them.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "vi": "Tiếng Việt",
    "fa": "فارسی",
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "pl": "Polski",
}
RTL = frozenset({"fa"})
DEFAULT = "en"
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Browsers send regions for Chinese; the script is what decides the catalogue.
_CHINESE = {
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-my": "zh-Hans",
    "zh-hans": "zh-Hans",
    "zh": "zh-Hans",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-hant": "zh-Hant",
}


def tag_of(value: str | None) -> str | None:
    """Our language tag for what a browser, a cookie or a form says, or None when we do not speak it."""
    if not value:
        return None
    low = value.strip().replace("_", "-").lower()
    for prefix in ("zh-hant", "zh-hans"):
        if low.startswith(prefix):
            return _CHINESE[prefix]
    if low in _CHINESE:
        return _CHINESE[low]
    for tag in LANGUAGES:
        if low == tag.lower() or low.split("-")[0] == tag.lower():
            return tag
    return None


def _from_browser() -> str | None:
    for value, _quality in request.accept_languages:
        tag = tag_of(value)
        if tag:
            return tag
    return None


def current() -> str:
    """The language of this request: the switcher's choice, the remembered cookie, the user, the browser."""
    tag = getattr(g, "lang", None)
    if tag is None:
        user_lang = getattr(g, "user_lang", None)
        tag = tag_of(request.cookies.get(COOKIE)) or tag_of(user_lang) or _from_browser() or DEFAULT
        g.lang = tag
    return tag


def babel_locale(tag: str) -> str:
    return tag.replace("-", "_")


def direction(tag: str | None = None) -> str:
    return "rtl" if (tag or current()) in RTL else "ltr"


def _switch() -> Response | None:
    """`?lang=xx` on any page: remember the choice and come back to the same address without it."""
    if request.method != "GET" or "lang" not in request.args:
        return None
    tag = tag_of(request.args.get("lang"))
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    target = request.path + (f"?{urlencode(rest)}" if rest else "")
    response = redirect(target, code=303)
    if tag:
        response.set_cookie(
            COOKIE,
            tag,
            max_age=COOKIE_AGE,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def switch_url(tag: str) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", tag)]
    return f"{request.path}?{urlencode(args)}"


def localised_digits(text: str, tag: str | None = None) -> str:
    return text.translate(_PERSIAN_DIGITS) if (tag or current()) == "fa" else text


def date(value: dt.date | dt.datetime | str | None, format: str = "long") -> str:
    """A date in the page's language (Persian with Persian digits); '' for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return localised_digits(format_date(value, format=format))


def datetime(value: dt.datetime | str | None, format: str = "medium") -> str:
    """A moment in the page's language and the organisation's time zone, to the minute."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if format != "medium":
        return localised_digits(format_datetime(value, format=format))
    # The locale's own way of joining a medium date and a short time ("{1}, {0}", "{1} {0}"...).
    joined = get_locale().datetime_formats["medium"]
    joined = getattr(joined, "pattern", joined)
    text = (
        str(joined).replace("{1}", format_date(value, "medium")).replace("{0}", format_time(value, "short"))
    )
    return localised_digits(text)


def time_left(due: dt.datetime, now: dt.datetime) -> str:
    """How long until `due` ("in 3 days", "2 hours ago") in the page's language."""
    return localised_digits(format_timedelta(due - now, granularity="minute", add_direction=True))


def number(value: Any) -> str:
    if value is None:
        return ""
    return localised_digits(format_decimal(value))


def language_name(tag: str, in_tag: str | None = None) -> str:
    """A language's name in the page's language (for choices such as 'preferred language')."""
    try:
        return Locale.parse(babel_locale(tag)).get_display_name(babel_locale(in_tag or current())) or tag
    except (ValueError, TypeError):
        return tag


def compile_catalogues(folder: Path = TRANSLATIONS) -> None:
    """Compile each `messages.po` whose `.mo` is missing or older: catalogues are kept as text in git."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalogue)
        tmp.replace(mo)  # atomic: another process compiling at the same time never reads half a file


def init(app: Flask) -> None:
    compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("REDRESSAL_TIMEZONE") or "UTC")
    Babel(app, locale_selector=lambda: babel_locale(current()))

    @app.before_request
    def switch_language():
        if request.path.startswith(("/api/", "/assets/", "/static/")):
            return None
        return _switch()

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        current_language=current,
        switch_url=switch_url,
        direction=direction,
        language_name=language_name,
        babel_locale=lambda: str(get_locale()),
    )
    app.jinja_env.filters.update(date=date, datetime=datetime, number=number, digits=localised_digits)
