"""The sweep as the brief and the pages read it: a sweep.json checked whole, every problem
named with its file and what was expected, never a traceback; months beyond the horizon in
words; and the brief's section with the headline, both fan charts and the member table."""

from __future__ import annotations

import html as markup
import json
import re
from pathlib import Path

import pytest

from replenish import i18n
from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.reports.sweep_view import (
    MonthSpread,
    SweepMissing,
    headline,
    member_rows,
    month_spread_words,
    on_time_rows,
    read_sweep,
)
from sweep_support import BACK_AT_FLOOR, COALITION, ON_TIME, TINY, tiny_sweep, write_sweep


def _problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        read_sweep(path)
    return str(caught.value)


def test_a_sweep_reads_into_typed_records(tmp_path: Path) -> None:
    sweep = read_sweep(write_sweep(tmp_path / "sweep"))
    assert (sweep.scenario, sweep.mode, sweep.runs, sweep.done) == ("tiny", "fixed", 50, 48)
    assert [f.run for f in sweep.failed] == [7, 31]
    assert sweep.months[0] == "2025-01" and len(sweep.months) == 12
    assert sweep.back_at_floor["AAA"] == MonthSpread("2025-03", "2025-06", None)
    assert sweep.cost["BBB"].p50 == 2.5e7 and sweep.on_time["2"].p90 == 0.8
    assert len(sweep.below_target_value.p50) == len(sweep.on_time_share.p90) == 12
    assert sweep.members == ["AAA", "BBB"]
    assert read_sweep(tmp_path / "sweep" / "sweep.json") == sweep


def test_a_missing_file_is_named_with_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(SweepMissing) as caught:
        read_sweep(tmp_path)
    said = str(caught.value)
    assert str(tmp_path / "sweep.json") in said and "replenish sweep" in said


def test_bad_json_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "sweep.json").write_text('{"scenario": "tiny",\n "mode": }', encoding="utf-8")
    said = _problems(tmp_path)
    assert said.startswith(f"{tmp_path / 'sweep.json'}:2: not valid JSON")


def test_missing_keys_are_named_all_at_once(tmp_path: Path) -> None:
    sweep = tiny_sweep()
    del sweep["back_at_floor"], sweep["series"]
    write_sweep(tmp_path, sweep)
    assert _problems(tmp_path) == (f"{tmp_path / 'sweep.json'}: missing keys: back_at_floor, "
                                   "series")


def test_malformed_values_are_named_with_what_was_expected(tmp_path: Path) -> None:
    sweep = tiny_sweep(mode="sometimes", runs=-1)
    sweep["back_at_floor"]["AAA"]["p50"] = "June"
    sweep["cost"]["BBB"] = {"p10": 1.0, "p50": 2.0}
    sweep["series"]["on_time_share"]["p90"] = [0.5] * 11
    write_sweep(tmp_path, sweep)
    lines = _problems(tmp_path).splitlines()
    file = str(tmp_path / "sweep.json")
    assert lines == [
        f"{file} column 'mode': expected \"fixed\" or \"replan\", got \"sometimes\"",
        f"{file} column 'runs': expected a whole number, 0 or more, got -1",
        f"{file} column 'back_at_floor.AAA.p50': expected a month as YYYY-MM, got \"June\"",
        f"{file} column 'cost.BBB': expected an object with \"p10\", \"p50\" and \"p90\", "
        "got {\"p10\": 1.0, \"p50\": 2.0}",
        f"{file} column 'series.on_time_share.p90': expected a list of 12 numbers, one per "
        "month, got [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0...",
    ]


def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sweep.json").write_text("[1, 2]", encoding="utf-8")
    assert "expected a JSON object" in _problems(tmp_path)


def test_not_within_the_horizon_is_said_in_words(tmp_path: Path) -> None:
    sweep = read_sweep(write_sweep(tmp_path))
    assert month_spread_words(sweep.back_at_floor["AAA"]) == (
        "P10 Mar 2025, P50 Jun 2025, P90 not within the horizon")
    (aaa, bbb) = member_rows(sweep)
    assert aaa.target == ("Aug 2025", "not within the horizon", "not within the horizon")
    assert bbb.floor == ("Feb 2025", "Apr 2025", "Jul 2025") and aaa.cost == "110 M"
    said = headline(sweep)
    assert [COALITION["en"], BACK_AT_FLOOR["en"], ON_TIME["en"]] == said[2:5]
    assert "2 runs failed and are left out." in said
    with i18n.speaking("da"):
        said = headline(sweep)
        assert [COALITION["da"], BACK_AT_FLOOR["da"], ON_TIME["da"]] == said[2:5]
        assert member_rows(sweep)[0].target[1] == "ikke inden for horisonten"


def test_the_coalition_s_own_spread_comes_first(tmp_path: Path) -> None:
    sweep = tiny_sweep()
    sweep["back_at_floor"]["all"] = {"p10": "2025-04", "p50": "2025-08", "p90": None}
    said = headline(read_sweep(write_sweep(tmp_path, sweep)))
    assert ("Every member back at floor: P10 Apr 2025, P50 Aug 2025, P90 not within the "
            "horizon.") in said and BACK_AT_FLOOR["en"] in said


def test_a_headline_in_other_words_is_shown_as_written(tmp_path: Path) -> None:
    said = headline(read_sweep(write_sweep(tmp_path, tiny_sweep(headline="mostly fine"))))
    assert "mostly fine" in said and not [s for s in said if s.startswith("Every member")]


def test_a_sweep_with_no_run_done_reads_and_says_so(tmp_path: Path) -> None:
    nothing = {"p10": None, "p50": None, "p90": None}
    never = [None] * 12
    sweep = read_sweep(write_sweep(tmp_path, tiny_sweep(
        done=0, on_time={}, idle_system_months=nothing,
        back_at_floor={"AAA": nothing, "BBB": nothing},
        back_at_target={"AAA": nothing, "BBB": nothing},
        cost={"AAA": nothing, "BBB": nothing}, headline="no run finished",
        series={name: {"p10": never, "p50": never, "p90": never}
                for name in ("below_target_value", "on_time_share")})))
    said = headline(sweep)
    assert said[0].startswith("The plan held as it is, tried in 0 of 50 draws")
    assert "no run finished" in said
    assert member_rows(sweep)[0].cost == "–" and on_time_rows(sweep) == []


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny scenario's plan (the sweep above is of it)."""
    out = tmp_path_factory.mktemp("plan")
    assert run(["plan", str(TINY), "--out", str(out), "--no-explain"]) == 0
    return out


def _text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_brief_with_a_sweep_has_its_headline_charts_and_table(
        plan_dir: Path, tmp_path: Path, lang: str) -> None:
    sweep = write_sweep(tmp_path / "sweep")
    html = tmp_path / "brief.html"
    assert run(["brief", str(plan_dir), "--html", str(html), "--sweep", str(sweep),
                "--lang", lang]) == 0
    page = html.read_text(encoding="utf-8")
    text = _text(page)
    title = {"en": "How sure is this plan", "da": "Hvor sikker er denne plan"}[lang]
    assert f'<h2 class="page" id="sweep">{title}</h2>' in page
    for sentence in (COALITION[lang], BACK_AT_FLOOR[lang], ON_TIME[lang]):
        assert " ".join(sentence.split()) in text  # no-break spaces read as spaces
    section = page.split('id="sweep"', 1)[1]
    images = re.findall(r'<img alt="([^"]+)" src="data:image/svg\+xml;base64,', section)
    assert len(images) == 2
    words = {"en": "not within the horizon", "da": "ikke inden for horisonten"}[lang]
    assert re.search(rf"<td class=\"l\">AAA</td>(<td>[^<]+</td>){{4}}<td>{words}</td>", section)
    assert not re.search(r"(?:src|href)=\"(?!data:)", page)


def test_the_brief_of_a_replanning_sweep_says_what_we_would_plan(
        plan_dir: Path, tmp_path: Path) -> None:
    sweep = write_sweep(tmp_path / "sweep", tiny_sweep(mode="replan"))
    html = tmp_path / "brief.html"
    assert run(["brief", str(plan_dir), "--html", str(html), "--sweep", str(sweep)]) == 0
    assert "What we would plan</h2>" in html.read_text(encoding="utf-8")


def test_a_broken_sweep_stops_the_brief_before_it_is_written(
        plan_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "sweep"
    broken.mkdir()
    (broken / "sweep.json").write_text(json.dumps({"scenario": "tiny"}), encoding="utf-8")
    html = tmp_path / "brief.html"
    assert run(["brief", str(plan_dir), "--html", str(html), "--sweep", str(broken)]) == 2
    err = capsys.readouterr().err
    assert str(broken / "sweep.json") in " ".join(err.split()) and "missing keys" in err
    assert "Traceback" not in err and not html.exists()
