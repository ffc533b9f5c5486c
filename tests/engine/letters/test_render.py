"""Templates: every template in every language renders, dates follow the language, English is the fallback."""

from __future__ import annotations

import pytest

from engine.letters import LANGUAGES, TEMPLATES, UnknownTemplate, render, resolve_language
from engine.letters.render import TEMPLATE_DIR, format_date, format_datetime
from tests.support.mail import FULL_PARAMS


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_exists_in_every_language(template, language):
    assert (TEMPLATE_DIR / language / f"{template}.txt").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("params", [FULL_PARAMS, {}], ids=["full", "empty"])
def test_every_template_renders(template, language, params):
    rendered = render(template, language, params)
    assert rendered.language == language
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.body.strip()
    assert "{{" not in rendered.body and "{%" not in rendered.body
    assert "\n\n\n" not in rendered.body
    if params:
        assert "CMP-2026-000123" in rendered.subject + rendered.body


def test_complainant_letters_carry_the_deadline_and_contact():
    ack = render("acknowledgement_letter", "en", FULL_PARAMS)
    assert ack.subject == "We have received your complaint (CMP-2026-000123)"
    assert "by 26 November 2026" in ack.body  # summary resolution
    assert "by 18 January 2027 at the latest" in ack.body  # final response
    assert "complaints@example.com" in ack.body
    only_final = render(
        "acknowledgement_letter", "en", {**FULL_PARAMS, "due": {"final_response": "2027-01-18"}}
    )
    assert "final response in writing by 18 January 2027" in only_final.body
    assert "26 November" not in only_final.body


def test_holding_and_decision_letters_name_the_ombudsman_and_its_deadline():
    holding = render("holding_letter", "en", FULL_PARAMS)
    assert "still investigating" in holding.body and "18 January 2027" in holding.body
    assert "the Financial Ombudsman Service" in holding.body and "18 July 2027" in holding.body
    decision = render("decision_letter", "en", FULL_PARAMS)
    for text in (
        "We uphold your complaint.",
        FULL_PARAMS["reasons"],
        "review",
        "5 February 2027",
        "18 July 2027",
    ):
        assert text in decision.body
    generic = render("decision_letter", "en", {"reference": "R-1"})
    assert "ombudsman or alternative dispute resolution (ADR) body" in generic.body


def test_translations_are_in_their_language():
    assert "khiếu nại" in render("acknowledgement_letter", "vi", FULL_PARAMS).body
    assert "شکایت" in render("decision_letter", "fa", FULL_PARAMS).subject
    hant = render("acknowledgement_letter", "zh-Hant", FULL_PARAMS)
    hans = render("acknowledgement_letter", "zh-Hans", FULL_PARAMS)
    assert "投訴" in hant.body and "編號" in hant.body and "们" not in hant.body
    assert "投诉" in hans.body and "编号" in hans.body and "們" not in hans.body
    assert "reklamac" in render("acknowledgement_letter", "pl", FULL_PARAMS).body


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("vi", "vi"),
        ("vi-VN", "vi"),
        ("fa-IR", "fa"),
        ("FA", "fa"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-hans", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh_tw", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("pl-PL", "pl"),
        ("de", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_tags_resolve(tag, expected):
    assert resolve_language(tag) == expected


def test_unknown_language_falls_back_to_english():
    rendered = render("holding_letter", "de-DE", FULL_PARAMS)
    assert rendered.language == "en"
    assert rendered.subject.startswith("Your complaint CMP-2026-000123")


def test_unknown_template_is_an_error():
    with pytest.raises(UnknownTemplate):
        render("no_such_letter", "vi", FULL_PARAMS)
    with pytest.raises(UnknownTemplate):
        render("../en/holding_letter", "en", FULL_PARAMS)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "22 January 2027"),
        ("vi", "22/01/2027"),
        ("fa", "۲۲ ژانویه ۲۰۲۷"),
        ("zh-Hans", "2027年1月22日"),
        ("zh-Hant", "2027年1月22日"),
        ("pl", "22 stycznia 2027 r."),
    ],
)
def test_dates_per_language(language, expected):
    assert format_date("2027-01-22T17:00:00+00:00", language) == expected


def test_dates_keep_the_local_date_of_the_offset():
    # 00:30 in Sydney is still the previous day in UTC: the letter shows the complainant's date.
    assert format_date("2027-01-22T00:30:00+11:00", "en") == "22 January 2027"
    assert format_date("2027-01-22", "en") == "22 January 2027"
    assert format_date("2027-01-22T17:00:00Z", "en") == "22 January 2027"
    assert format_datetime("2027-01-22T17:05:00+00:00", "en") == "22 January 2027, 17:05"
    assert format_date("not a date", "en") == "not a date"
    assert format_date(None, "en") == ""


def test_polish_dates_do_not_end_a_sentence_twice():
    body = render("acknowledgement_letter", "pl", FULL_PARAMS).body
    assert "r.." not in body and "18 stycznia 2027 r." in body


def test_missing_nested_params_render_empty():
    rendered = render("acknowledgement_letter", "en", {"reference": "R-1", "due": "oops"})
    assert "R-1" in rendered.body
    rendered = render("staff_escalation", "vi", {"reference": "R-2", "deadline": "some_new_deadline"})
    assert "some new deadline" in rendered.body
