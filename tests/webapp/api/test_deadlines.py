"""POST /api/v1/cases/{reference}/deadlines/{name}/extensions: staff take the extensions a profile allows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.support.api import problem_of
from tests.support.builders import FIXTURES, START, deploy, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
REASON = {"reason": "The insurer has not yet sent the loss adjuster's report."}


@pytest.fixture
def case(service):
    deploy(service, FIXTURES / "processes" / "sla.bpmn")
    actor = make_user(service, "setup", "handlers")

    def start(profile: str) -> str:
        data = {
            "sla_profile": profile,
            "received_at": START.isoformat(),
            "complainant": {"name": "Chen Mei", "email": "chen@example.org", "language": "zh-Hant"},
        }
        result = service.start_case("sla_case", data, actor)
        service.complete_task(result.tasks[0].id, {}, actor)
        return result.reference

    return start


def url(reference: str, name: str = "final_response") -> str:
    return f"/api/v1/cases/{reference}/deadlines/{name}/extensions"


def test_extensions_are_taken_then_refused_past_the_limit(client, case, handler, login):
    ref = case("cn_nfra")
    supervisor = login("sam", "supervisors", roles=("supervisor",))
    first = client.post(url(ref), json=REASON, headers=handler)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert (body["deadline"], body["extensions_taken"], body["extensions_allowed"]) == (
        "final_response",
        1,
        2,
    )
    assert dt.datetime.fromisoformat(body["due_at"]) == dt.datetime(2026, 12, 23, 23, 59, 59, tzinfo=SHANGHAI)

    missing = problem_of(client.post(url(ref), json=REASON, headers=handler), 422)
    assert "second approver" in missing["errors"]["approved_by"][0]
    same = problem_of(client.post(url(ref), json={**REASON, "approved_by": "sam"}, headers=supervisor), 422)
    assert "someone other than" in same["errors"]["approved_by"][0]

    second = client.post(url(ref), json={**REASON, "approved_by": "sam"}, headers=handler)
    assert second.status_code == 201 and second.get_json()["extension"]["approved_by"] == "sam"
    limit = problem_of(client.post(url(ref), json={**REASON, "approved_by": "sam"}, headers=handler), 409)
    assert "as many as the SLA profile 'cn_nfra' allows" in limit["detail"]

    detail = client.get(f"/api/v1/cases/{ref}", headers=handler).get_json()
    assert [e["by"] for e in detail["deadline_extensions"]["final_response"]] == ["P15D", "P30D"]
    assert [h["action"] for h in detail["history"]].count("deadline_extended") == 2


def test_refusals_say_why(client, case, handler, login):
    uk = case("uk_fca")
    refused = problem_of(client.post(url(uk), json=REASON, headers=handler), 409)
    assert "does not allow extending 'final_response'" in refused["detail"]
    assert problem_of(client.post(url(uk, "no_such"), json=REASON, headers=handler), 404)
    assert problem_of(client.post(url("CMP-2026-NOPE0000"), json=REASON, headers=handler), 404)
    assert "reason" in problem_of(client.post(url(uk), json={}, headers=handler), 422)["errors"]
    auditor = login("aud", roles=("auditor",))
    assert problem_of(client.post(url(uk), json=REASON, headers=auditor), 403)
    assert problem_of(client.post(url(uk), json=REASON), 401)


def test_the_case_detail_shows_a_deemed_outcome(client, case, handler, service, clock, login):
    from engine.timers.worker import TimerWorker

    ref = case("pl_consumer")
    assert client.get(f"/api/v1/cases/{ref}", headers=handler).get_json()["deemed_outcome"] is None
    clock.set(START + dt.timedelta(days=31))
    TimerWorker(service, "w").tick()
    later = login("hugo", "handlers")  # a token of today: the first one expired a month ago
    detail = client.get(f"/api/v1/cases/{ref}", headers=later).get_json()
    assert detail["outcome"] == "upheld"
    assert detail["deemed_outcome"]["rule"] == "deemed_upheld"
    assert detail["deemed_outcome"]["deadline"] == "final_response"
