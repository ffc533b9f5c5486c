"""Outbox rows to text: Jinja2 templates per language, with English as the fallback.

A template lives in ``templates/<language>/<name>.txt``; its first line is ``Subject: ...`` and the rest,
after one blank line, is the body. Parameters come from the outbox row (JSON); one that is missing renders as
nothing, so a case without, say, a remedy still gets its letter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "vi", "fa", "zh-Hans", "zh-Hant", "pl")
COMPLAINANT_TEMPLATES = (
    "acknowledgement_letter",
    "holding_letter",
    "decision_letter",
    "information_request_letter",
    "survey_invitation",
    "dispute_referral_letter",
    "deadline_extension_letter",
    "merged_letter",
)
STAFF_TEMPLATES = ("staff_reminder", "staff_escalation", "deadline_warning")
TEMPLATES = COMPLAINANT_TEMPLATES + STAFF_TEMPLATES

_BY_LOWER = {lang.lower(): lang for lang in LANGUAGES}
# Chinese script by region when the tag names no script: mainland and Singapore write Simplified.
_CHINESE_REGIONS = {
    "cn": "zh-Hans", "sg": "zh-Hans", "my": "zh-Hans", "tw": "zh-Hant", "hk": "zh-Hant", "mo": "zh-Hant",
}  # fmt: skip


class UnknownTemplate(LookupError):
    """No template of that name, not even in English: the row can never be sent as it is."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str  # the language actually used, after fallback: the mail's Content-Language


def resolve_language(tag: str | None) -> str:
    """The supported language nearest a BCP 47 tag (``zh-TW`` -> ``zh-Hant``, ``fa-IR`` -> ``fa``), or en."""
    parts = (tag or "").strip().replace("_", "-").lower().split("-")
    if not parts[0]:
        return DEFAULT_LANGUAGE
    if "-".join(parts) in _BY_LOWER:
        return _BY_LOWER["-".join(parts)]
    if parts[0] == "zh":
        for part in parts[1:]:
            if part in ("hans", "hant"):
                return _BY_LOWER[f"zh-{part}"]
            if part in _CHINESE_REGIONS:
                return _CHINESE_REGIONS[part]
        return "zh-Hans"
    return _BY_LOWER.get(parts[0], DEFAULT_LANGUAGE)


# --- dates: the local date of the ISO string as written (its offset is the SLA profile's zone) ---

_EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_PL_MONTHS = [  # genitive, as in "22 stycznia 2027 r."
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
]  # fmt: skip
_FA_MONTHS = [  # the Gregorian months as Persian writes them
    "ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن",
    "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر",
]  # fmt: skip
_PL_YEAR_STOP = re.compile(r"(\d r\.)\.")
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _parse_date(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def format_date(value: Any, language: str) -> str:
    """``2027-01-22T17:00:00+00:00`` -> "22 January 2027" (en), "22/01/2027" (vi), "2027年1月22日" (zh)..."""
    if value is None or isinstance(value, jinja2.Undefined):
        return ""
    parsed = _parse_date(value)
    if parsed is None:
        return str(value)  # not a date after all: show what was given rather than nothing
    d = parsed.date() if isinstance(parsed, dt.datetime) else parsed
    if language == "vi":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if language == "pl":
        return f"{d.day} {_PL_MONTHS[d.month - 1]} {d.year} r."
    if language == "fa":
        return f"{d.day} {_FA_MONTHS[d.month - 1]} {d.year}".translate(_FA_DIGITS)
    if language in ("zh-Hans", "zh-Hant"):
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"


def format_datetime(value: Any, language: str) -> str:
    """The date as `format_date` writes it, then the local time (24-hour) when the value has one."""
    parsed = _parse_date(value) if not isinstance(value, jinja2.Undefined) else None
    date = format_date(value, language)
    if not isinstance(parsed, dt.datetime):
        return date
    clock = f"{parsed.hour:02d}:{parsed.minute:02d}"
    if language == "fa":
        return f"{date}، ساعت {clock.translate(_FA_DIGITS)}"
    if language in ("zh-Hans", "zh-Hant"):
        return f"{date} {clock}"
    if language == "vi":
        return f"{clock} ngày {date}"
    if language == "pl":
        return f"{date}, godz. {clock}"
    return f"{date}, {clock}"


# --- deadline names, for staff mails that name the deadline concerned ---

_DEADLINE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "acknowledge": "acknowledgement",
        "summary_resolution": "summary resolution",
        "holding_reply": "holding reply",
        "final_response": "final response",
        "complainant_reply": "complainant's reply",
        "reminder": "reminder",
        "provider_reply": "reply to the ombudsman or ADR body",
        "implementation": "implementation of the remedy",
        "survey": "satisfaction survey",
        "acceptance": "acceptance of the dispute",
    },
    "vi": {
        "acknowledge": "xác nhận tiếp nhận",
        "summary_resolution": "giải quyết nhanh",
        "holding_reply": "thư thông báo gia hạn",
        "final_response": "trả lời cuối cùng",
        "complainant_reply": "phản hồi của người khiếu nại",
        "reminder": "nhắc việc",
        "provider_reply": "trả lời cơ quan thanh tra hoặc tổ chức giải quyết tranh chấp",
        "implementation": "thực hiện biện pháp khắc phục",
        "survey": "khảo sát mức độ hài lòng",
        "acceptance": "thụ lý tranh chấp",
    },
    "fa": {
        "acknowledge": "اعلام وصول",
        "summary_resolution": "رسیدگی سریع",
        "holding_reply": "پاسخ موقت",
        "final_response": "پاسخ نهایی",
        "complainant_reply": "پاسخ شاکی",
        "reminder": "یادآوری",
        "provider_reply": "پاسخ به آمبودزمان یا نهاد حل اختلاف",
        "implementation": "اجرای جبران خسارت",
        "survey": "نظرسنجی رضایت",
        "acceptance": "پذیرش اختلاف",
    },
    "zh-Hans": {
        "acknowledge": "确认受理",
        "summary_resolution": "快速解决",
        "holding_reply": "延期答复",
        "final_response": "最终答复",
        "complainant_reply": "投诉人回复",
        "reminder": "提醒",
        "provider_reply": "答复申诉专员或争议解决机构",
        "implementation": "落实补救措施",
        "survey": "满意度调查",
        "acceptance": "争议受理",
    },
    "zh-Hant": {
        "acknowledge": "確認受理",
        "summary_resolution": "快速解決",
        "holding_reply": "延期答覆",
        "final_response": "最終答覆",
        "complainant_reply": "投訴人回覆",
        "reminder": "提醒",
        "provider_reply": "答覆申訴專員或爭議解決機構",
        "implementation": "落實補救措施",
        "survey": "滿意度調查",
        "acceptance": "爭議受理",
    },
    "pl": {
        "acknowledge": "potwierdzenie przyjęcia",
        "summary_resolution": "szybkie rozpatrzenie",
        "holding_reply": "odpowiedź wstępna",
        "final_response": "odpowiedź ostateczna",
        "complainant_reply": "odpowiedź skarżącego",
        "reminder": "przypomnienie",
        "provider_reply": "odpowiedź dla rzecznika lub podmiotu ADR",
        "implementation": "wykonanie rozstrzygnięcia",
        "survey": "ankieta satysfakcji",
        "acceptance": "przyjęcie sporu",
    },
}


def deadline_label(value: Any, language: str) -> str:
    if value is None or isinstance(value, jinja2.Undefined):
        return ""
    name = str(value)
    labels = _DEADLINE_LABELS.get(language, {})
    return labels.get(name) or _DEADLINE_LABELS["en"].get(name) or name.replace("_", " ")


class _StandaloneTags(jinja2.ext.Extension):
    """A line holding only block tags disappears whole; a tag inside a line keeps the line's newline.

    Jinja's `trim_blocks` eats the newline after every block tag, also at the end of a sentence with an
    inline ``{% endif %}``; translators should not have to know that.
    """

    _LINE = re.compile(r"^[ \t]*((?:\{%(?:[^%]|%(?!\}))*%\}[ \t]*)+)\r?\n", re.MULTILINE)

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._LINE.sub(lambda m: m.group(1).rstrip(), source)


def _language_filter(fn):
    @jinja2.pass_context
    def apply(ctx: jinja2.runtime.Context, value: Any) -> str:
        return fn(value, ctx.get("mail_language", DEFAULT_LANGUAGE))

    return apply


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        # Text mail: nothing to escape. Should HTML parts be added, they get escaping by their extension.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.ChainableUndefined,  # a missing parameter, or a key of one, renders as nothing
        extensions=[_StandaloneTags],
        keep_trailing_newline=False,
    )
    env.filters["date"] = _language_filter(format_date)
    env.filters["datetime"] = _language_filter(format_datetime)
    env.filters["deadline"] = _language_filter(deadline_label)
    return env


_ENV = _environment()


def render(template: str, language: str | None, params: dict[str, Any] | None) -> Rendered:
    """Subject and body of `template` in the best language available; UnknownTemplate if none exists."""
    wanted = resolve_language(language)
    if "/" in template or "\\" in template or template.startswith("."):
        raise UnknownTemplate(f"{template!r} is not a template name")
    for lang in dict.fromkeys((wanted, DEFAULT_LANGUAGE)):
        try:
            tpl = _ENV.get_template(f"{lang}/{template}.txt")
        except jinja2.TemplateNotFound:
            continue
        context = dict(params or {}) if isinstance(params, dict) else {}
        context["mail_language"] = lang
        text = tpl.render(context)
        if lang == "pl":  # "… 2027 r." ends a sentence without a second full stop
            text = _PL_YEAR_STOP.sub(r"\1", text)
        return _split(text, template, lang)
    raise UnknownTemplate(f"no mail template {template!r}; known templates: {', '.join(TEMPLATES)}")


def _split(text: str, template: str, language: str) -> Rendered:
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"template {language}/{template}.txt must start with a 'Subject: ...' line")
    subject = " ".join(first[len("Subject:") :].split())  # one line, whatever a parameter held
    body = "\n".join(line.rstrip() for line in rest.strip("\n").splitlines())
    return Rendered(subject=subject, body=_squeeze(body) + "\n", language=language)


def _squeeze(body: str) -> str:
    """At most one blank line in a row: an optional paragraph left out must not leave a hole."""
    out: list[str] = []
    for line in body.splitlines():
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n")
