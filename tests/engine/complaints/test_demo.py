"""The demo complaints of `make run`: one at each stage a newcomer should see, made once."""

from __future__ import annotations

from engine.cases import queries
from engine.complaints import demo
from engine.identity.users import add_user
from tests.support.builders import ROOT, deploy


def test_demo_complaints_cover_the_working_day_and_are_made_once(service):
    deploy(service, ROOT / "processes", forms=ROOT / "forms")
    with service.db.write() as session:
        add_user(
            session,
            service.clock,
            "demo-handler",
            password="demo",
            password_policy=False,
            roles=["handler"],
            groups=["handlers", "safety", "disputes"],
        )
    made = demo.seed(service)
    cases = [queries.case_detail(service, reference) for reference in made]
    assert [(case.status, case.stage) for case in cases] == [
        ("open", "acknowledgement"),
        ("open", "investigation"),
        ("awaiting_complainant", "awaiting_complainant_answer"),
        ("escalated", "escalated"),
        ("closed", "closing"),
        ("open", "acknowledgement"),
    ]
    assert {case.data["complainant"]["language"] for case in cases} == {"fa", "vi", "en", "zh-Hant", "pl"}
    assert demo.seed(service) == []
