"""Every staff endpoint checks the token before it looks at the body or the query: 401, never 422."""

from __future__ import annotations

import re

import pytest

from tests.support.api import problem_of

OPEN = {"api-docs.openapi_json", "api.auth.sign_in", "api.public.submit_complaint"}
TRACKED = {
    "api.public.track",
    "api.public.complainant_message",
    "api.public.complainant_attachment",
    "api.public.complainant_download",
}
BAD_QUERY = "?page=zero&page_size=-1&status=nonsense&assignee=you&group="
BAD_BODY = {"data": "not an object", "name": 5, "assignee": [], "process_id": None, "surprise": True}
ARGS = {
    "reference": "CMP-2026-ZZZZZZZZ",
    "task_id": "no-such-task",
    "process_id": "nothing",
    "int:attachment_id": "1",
}


def _calls(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)  # any id a route takes, including routes added later
        for name, value in ARGS.items():
            url = url.replace(f"<{name}>", value)
        url = re.sub(r"<[^>]+>", "x", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_the_walk_covers_the_staff_api(app):
    endpoints = {endpoint for endpoint, _, _ in _calls(app)}
    assert {
        "api.cases.start_case",
        "api.tasks.complete",
        "api.tasks.assign",
        "api.processes.deploy",
    } <= endpoints


@pytest.mark.parametrize("token", [None, "Bearer rdr_not-a-token", "Basic abc"])
def test_every_staff_endpoint_says_401_before_it_reads_a_bad_body(app, client, processes, token):
    headers = {"Authorization": token} if token else {}
    for endpoint, method, url in _calls(app):
        if endpoint in OPEN | TRACKED:
            continue
        response = client.open(url + BAD_QUERY, method=method, json=BAD_BODY, headers=headers)
        assert response.status_code == 401, (endpoint, method, response.get_data(as_text=True))
        problem_of(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tracking_endpoints_check_the_tracking_token_first(app, client, processes):
    for endpoint, method, url in _calls(app):
        if endpoint in TRACKED:
            response = client.open(url, method=method, json=BAD_BODY, headers={"X-Tracking-Token": "guess"})
            problem_of(response, 404)


def test_intake_with_a_bad_token_is_401_before_the_body_is_read(client, processes):
    response = client.post("/api/v1/complaints", json=BAD_BODY, headers={"Authorization": "Bearer nope"})
    problem_of(response, 401)
