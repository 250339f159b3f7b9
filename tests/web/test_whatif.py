"""The what-if page in-process, on SQLite and PostgreSQL: coordinators only, the form refuses
what the stored scenario cannot take, and a what-if is queued, runs, and shows the difference
of the two plans' totals."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.support import Server, new_pg_database, open_server
from replenish.plan.reader import read_plan
from replenish.plan.totals import effect_sentence, money, plan_totals, totals_difference
from replenish.planning.measure import apply_change
from replenish.store import make_engine
from replenish.store.scenarios import export_scenario
from replenish.store.server_tables import PlanJob
from replenish.web import views
from replenish.web.whatif import planned_how
from web.test_sessions import _csrf, sign_in

PAGE = "/pages/what-if"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[Server]:
    """A server whose latest plan is a real plan of the stored scenario."""
    if request.param == "sqlite":
        with open_server(f"sqlite:///{tmp_path_factory.mktemp('whatif') / 's.db'}") as opened:
            _plan(opened)
            yield opened
    else:
        with new_pg_database(request.getfixturevalue("pg_user")) as url, \
                open_server(url) as opened:
            _plan(opened)
            yield opened


def _wait(client: TestClient, url: str, headers: dict[str, str] | None = None,
          ) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = client.get(url, headers=headers or {}).json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{url} did not finish")


def _plan(server: Server) -> None:
    queued = server.client.post("/api/v1/plans", headers=server.headers("coordinator")).json()
    job = _wait(server.client, f"/api/v1/plans/{queued['id']}", server.headers("coordinator"))
    assert job["status"] == "done", job
    server.plan_id = job["id"]


def _job(server: Server, job_id: int) -> tuple[PlanJob, Any]:
    engine = make_engine(server.url)
    try:
        with Session(engine) as session:
            job = session.get(PlanJob, job_id)
            assert job is not None
            session.expunge(job)
            return job, export_scenario(session)
    finally:
        engine.dispose()


def _plan_of(job: PlanJob) -> Any:
    return read_plan({**(job.rows or {}), "summary.json": job.summary})


def _ask(client: TestClient, row: str, value: str) -> Any:
    csrf = _csrf(client.get(PAGE).text)
    return client.post(PAGE, data={"csrf": csrf, "row": row, "value": value},
                       follow_redirects=False)


def test_only_a_coordinator_opens_the_what_if_page(server: Server) -> None:
    anonymous = TestClient(server.app)
    assert anonymous.get(PAGE, follow_redirects=False).headers["location"] == (
        f"/login?next={PAGE}")
    for role in ("nation", "other_nation", "recipient", "industry", "admin"):
        client = sign_in(server, role)
        assert client.get(PAGE).status_code == 403, role
        assert client.get(f"{PAGE}/1/progress").status_code == 403, role
        csrf = _csrf(client.get("/pages").text)
        answer = client.post(PAGE, data={"csrf": csrf, "row": "line:RHM/S155", "value": "9"})
        assert answer.status_code == 403, role
        assert 'href="/pages/what-if"' not in client.get("/pages").text, role
    coordinator = sign_in(server, "coordinator")
    assert 'href="/pages/what-if"' in coordinator.get("/pages").text
    page = coordinator.get(PAGE)
    assert page.status_code == 200
    for row in ("pledge:P1", "line:RHM/S155", "line:KNDS/H155", "budget:AAA", "floor:BBB/S155"):
        assert f'value="{row}"' in page.text, row
    assert 'value="budget:UKR"' not in page.text  # a recipient has no budget here
    assert coordinator.post(PAGE, data={"row": "line:RHM/S155", "value": "9"}).status_code == 403


@pytest.mark.parametrize(("row", "value", "message"), [
    ("line:XXX/S155", "10", "is not one"),
    ("", "10", "none was chosen"),
    ("line:RHM/S155", "-5", "0 or more"),
    ("line:RHM/S155", "many", "Enter a number"),
    ("line:RHM/S155", "nan", "0 or more"),
    ("budget:AAA", "-1e9", "0 or more"),
    ("floor:BBB/S155", "501", "above its target (500)"),
    ("pledge:P1", "maybe", "committed or announced"),
])
def test_a_change_the_scenario_cannot_take_shows_the_form_again(
    server: Server, row: str, value: str, message: str,
) -> None:
    client = sign_in(server, "coordinator")
    answer = _ask(client, row, value)
    assert answer.status_code == 422
    error = re.search(r'id="what-if-error">([^<]*)<', answer.text)
    assert error and message in error.group(1).replace("&#39;", "'"), answer.text
    assert f'name="value" value="{value}"' in answer.text


def test_a_what_if_runs_in_the_background_and_shows_the_difference(server: Server) -> None:
    client = sign_in(server, "coordinator")
    answer = _ask(client, "line:RHM/S155", "0")
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rpartition("=")[2])
    assert answer.headers["location"] == f"{PAGE}?job={job_id}"
    first = client.get(f"{PAGE}/{job_id}/progress").json()
    assert set(first) == {"id", "status", "progress", "stage", "error"}
    assert 0.0 <= first["progress"] <= 1.0
    assert _wait(client, f"{PAGE}/{job_id}/progress")["status"] == "done"

    whatif, scenario = _job(server, job_id)
    base, _ = _job(server, server.plan_id)
    assert whatif.change == {"file": "production_lines.csv", "column": "capacity",
                             "match": {"producer": "RHM", "item": "S155"}, "from": "1000",
                             "to": "0", "base": server.plan_id}
    before = plan_totals(_plan_of(base), scenario)
    after = plan_totals(_plan_of(whatif), apply_change(scenario, whatif.change))
    expected = totals_difference(after, before)
    assert expected["cost"] != 0  # the change does something the page must show

    page = client.get(PAGE, params={"job": job_id}).text
    sentence = re.search(r'id="what-if-sentence">(.*?)</p>', page, re.S)
    assert sentence and effect_sentence(expected) in sentence.group(1)
    table = re.search(r'id="what-if-difference">(.*?)</table>', page, re.S)
    assert table
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th>(?:<td>[^<]*</td>){2}<td>([^<]*)</td>',
                            table.group(1)))
    cost = expected["cost"]
    assert cells["cost"] == ("+" if cost > 0 else "−") + money(abs(cost))
    for words, key in (("units on time", "on_time"), ("units late", "late"),
                       ("units never delivered", "unmet"),
                       ("unit-months below floor", "readiness"),
                       ("idle system-months", "idle_system_months")):
        d = expected[key]
        assert cells[words] == ("0" if not d else ("+" if d > 0 else "−") + f"{abs(d):,.0f}"
                                if abs(d - round(d)) < 1e-4 or abs(d) >= 100
                                else ("+" if d > 0 else "−") + f"{abs(d):,.1f}"), words
    for member, d in (expected.get("cost_by_member") or {}).items():
        assert cells[f"cost to {member}"] == ("+" if d > 0 else "−") + money(abs(d))
    assert f'href="{PAGE}?job={job_id}"' in page  # listed among the recent what-ifs
    how = planned_how(whatif.summary or {}, base.summary or {})
    shown = re.search(r'id="what-if-how">(.*?)</p>', page, re.S)
    assert (shown.group(1).replace("&#39;", "'") if shown else "") == " ".join(how)


def test_a_what_if_is_never_taken_for_the_current_plan(server: Server) -> None:
    client = sign_in(server, "coordinator")
    answer = _ask(client, "pledge:P1", "committed")
    job_id = int(answer.headers["location"].rpartition("=")[2])
    _wait(client, f"{PAGE}/{job_id}/progress")
    engine = make_engine(server.url)
    with Session(engine) as session:
        latest = views.latest_plan(session)
        assert latest is not None and latest.id == server.plan_id
    engine.dispose()
    plans = server.client.get("/api/v1/signal", headers=server.headers("coordinator"))
    assert plans.status_code == 200
    assert client.get(f"{PAGE}/999999/progress").status_code == 404
    assert "What-if 999999" not in client.get(PAGE, params={"job": 999999}).text


def test_the_picker_shows_money_and_units_as_the_pages_write_them(
    small_scenario: Any,
) -> None:
    from replenish import i18n
    from replenish.web.whatif import read_choices

    def shown(lang: str) -> dict[str, str]:
        with i18n.speaking(lang):
            return {c.key: f"{c.label} ({c.shown})" for c in read_choices(small_scenario)}

    english, danish = shown("en"), shown("da")
    assert english["budget:BBB"] == "member BBB (Bravo) (2.5 bn a year)"
    assert danish["budget:BBB"] == "medlem BBB (Bravo) (2,5 mia. om året)"
    assert english["budget:AAA"].endswith("(no limit)")
    assert english["line:RHM/S155"] == "line RHM/S155 (1,000 units a month)"
    assert danish["line:RHM/S155"] == "produktionslinje RHM/S155 (1.000 enheder om måneden)"
    assert english["pledge:P1"] == "pledge P1: AAA → UKR, 200 units of S155 (committed)"
    assert danish["pledge:P1"].endswith(", 200 enheder af S155 (bindende)")
    assert english["floor:AAA/S155"] == "floor of AAA on S155 (100 units)"
    assert english["floor:BBB/S155"] == "floor of BBB on S155 (50 units)"
    assert danish["floor:AAA/S155"].endswith("(100 enheder)")


def test_the_page_s_picker_groups_thousands(server: Server) -> None:
    client = sign_in(server, "coordinator")
    page = client.get(PAGE).text
    assert "line RHM/S155 (now 1,000 units a month)" in page
    assert "floor of AAA on S155 (now 97,531 units)" in page
    assert "(now 97531)" not in page and "(now 1000)" not in page
    danish = client.get(PAGE, params={"lang": "da"}).text
    assert "(nu 1.000 enheder om måneden)" in danish
    assert "(nu 97.531 enheder)" in danish
