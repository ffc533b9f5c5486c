"""Administrators see incidents, retry them after a fix or dismiss them with a reason; the case shows them."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.core.actors import Actor
from engine.timers.incidents import RetryPolicy
from engine.timers.worker import TimerWorker
from tests.support.api import problem_of
from tests.support.builders import START, deploy
from tests.support.scripted import poisonable


@pytest.fixture
def incident(service, clock, tmp_path) -> str:
    """A case whose timer script loops, fired once with one try allowed: an open incident."""
    deploy(service, poisonable(tmp_path))
    data = {"timer_due": (START + dt.timedelta(minutes=1)).isoformat(), "poison": True}
    reference = service.start_case("poisonable", data, Actor("s", roles=frozenset({"handler"}))).reference
    clock.set(START + dt.timedelta(minutes=2))
    TimerWorker(service, "w1", policy=RetryPolicy(tries=1, time_limit=1.0)).tick()
    return reference


@pytest.fixture
def admin(login) -> dict[str, str]:
    return login("root", roles=("admin",))


def test_the_list_is_for_administrators(client, incident, admin, handler):
    problem_of(client.get("/api/v1/incidents"), 401)
    problem_of(client.get("/api/v1/incidents", headers=handler), 403)
    body = client.get("/api/v1/incidents", headers=admin).get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["case_reference"] == incident
    assert item["element"] == "after" and item["status"] == "open" and item["attempts"] == 1
    assert "over the process code budget: more than 1,000,000 loop steps" in item["error"]
    assert client.get(f"/api/v1/incidents/{item['id']}", headers=admin).get_json() == item
    problem_of(client.get("/api/v1/incidents/999", headers=admin), 404)
    problem_of(client.post("/api/v1/incidents/1089262054359/retry", headers=admin), 404)
    problem_of(client.get("/api/v1/incidents?status=sleeping", headers=admin), 422)


def test_the_case_shows_its_incident(client, incident, handler):
    detail = client.get(f"/api/v1/cases/{incident}", headers=handler).get_json()
    (shown,) = detail["incidents"]
    assert shown["status"] == "open" and "in 'Escalation script'" in shown["error"]
    assert detail["history"][-1]["action"] == "incident_opened"


def test_retry_and_dismiss_are_audited(client, incident, admin, handler):
    item = client.get("/api/v1/incidents", headers=admin).get_json()["items"][0]
    problem_of(client.post(f"/api/v1/incidents/{item['id']}/retry", headers=handler), 403)
    retried = client.post(f"/api/v1/incidents/{item['id']}/retry", headers=admin).get_json()
    assert retried["status"] == "retried" and retried["closed_by"] == "root"
    problem_of(client.post(f"/api/v1/incidents/{item['id']}/retry", headers=admin), 409)
    history = client.get(f"/api/v1/cases/{incident}", headers=handler).get_json()["history"]
    assert history[-1]["action"] == "incident_retried" and history[-1]["actor"] == "root"


def test_dismiss_needs_a_reason(client, incident, admin, handler):
    item = client.get("/api/v1/incidents", headers=admin).get_json()["items"][0]
    url = f"/api/v1/incidents/{item['id']}/dismiss"
    body = problem_of(client.post(url, headers=admin, json={}), 422)
    assert "reason" in body["errors"]
    problem_of(client.post(url, headers=admin, json={"reason": "   "}), 422)
    done = client.post(url, headers=admin, json={"reason": "Handled by phone."}).get_json()
    assert done["status"] == "dismissed" and done["reason"] == "Handled by phone."
    history = client.get(f"/api/v1/cases/{incident}", headers=handler).get_json()["history"]
    assert history[-1]["action"] == "incident_dismissed"
    assert history[-1]["detail"]["reason"] == "Handled by phone."
    assert client.get("/api/v1/incidents", headers=admin).get_json()["total"] == 0
    assert client.get("/api/v1/incidents?status=all", headers=admin).get_json()["total"] == 1
