"""Errors are answered by URL prefix: problem+json under /api/, an HTML page a person can read elsewhere."""

from __future__ import annotations


def test_an_unknown_page_is_an_html_page_and_an_unknown_api_path_is_a_problem(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in text and "start page" in text
    api = client.get("/api/v1/no-such-resource", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 404


def test_a_wrong_method_outside_the_api_says_which_methods_are_allowed(client):
    page = client.post("/health")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert "GET" in page.headers["Allow"]


def test_every_api_endpoint_lives_under_the_one_api_blueprint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert "api.cases.case_detail" in endpoints and "api.tasks.inbox" in endpoints
    assert all(e.startswith("api.") or e.startswith("api-docs.") for e in endpoints)
