"""The page language: from the browser, switched on any page, remembered in a cookie."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("header", "lang"),
    [("fa-IR,fa;q=0.9", "fa"), ("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans"), ("pl", "pl"), ("de-DE", "en")],
)
def test_the_language_comes_from_the_browser(client, deployed, header, lang):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "fa" else "ltr"}">' in html


def test_the_switcher_remembers_the_choice_and_keeps_the_address(client, deployed):
    switched = client.get("/complain?lang=vi", headers={"Accept-Language": "fa"})
    assert switched.status_code == 303 and switched.headers["Location"] == "/complain"
    assert "lang=vi" in switched.headers["Set-Cookie"] and "HttpOnly" in switched.headers["Set-Cookie"]
    html = client.get("/complain", headers={"Accept-Language": "fa"}).get_data(as_text=True)
    assert '<html lang="vi"' in html
    assert 'hreflang="fa"' in html and 'href="/complain?lang=fa"' in html


def test_an_unknown_language_is_ignored(client, deployed):
    switched = client.get("/?lang=xx")
    assert switched.status_code == 303
    assert "lang=" not in switched.headers.get("Set-Cookie", "")
