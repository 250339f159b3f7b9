"""`announcements read` end to end on the project's texts (English and Danish): the proposals
of each text exactly as texts/expected.csv (written by hand) says, with the offsets of each
part, and nothing from texts that announce nothing, deny or only consider."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from replenish.announcements.text import Text, load_text
from replenish.cli import run

TEXTS = Path(__file__).parent / "texts"
SCENARIO = Path(__file__).parents[2] / "examples" / "coalition"
FILES = sorted(p for p in TEXTS.iterdir() if p.suffix in (".txt", ".html"))
SILENT = ("en_negation.txt", "en_conditional.txt", "en_none.txt", "da_negation.txt",
          "da_conditional.txt", "da_none.txt")
PARTS = ("donor", "recipient", "item", "quantity", "date")


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The proposals of every test text, read in one run."""
    folder = tmp_path_factory.mktemp("announce") / "out"
    assert run(["announcements", "read", *map(str, FILES), "--scenario", str(SCENARIO),
                "--out", str(folder)]) == 0
    yield folder


def proposals_of(out: Path) -> list[dict[str, str]]:
    """Every proposal, whatever its file, with its kind, file and evidence."""
    evidence = {row["proposal"]: row for row in rows(out / "evidence.csv")}
    found = []
    for row in rows(out / "pledges.csv"):
        found.append({**row, "kind": "pledge"})
    for row in rows(out / "requirements.csv"):
        found.append({**row, "kind": "requirement", "donor": "", "month": row["needed_by"],
                      "status": ""})
    for row in rows(out / "orders.csv"):
        found.append({**row, "kind": row["kind"], "donor": row["nation"], "recipient": "",
                      "status": ""})
    return [{**row, **{f"ev_{k}": v for k, v in evidence[row["id"]].items()}} for row in found]


def text_of(name: str) -> str:
    loaded = load_text(TEXTS / name)
    assert isinstance(loaded, Text)
    return loaded.text


def expected_offset(text: str, sentence: tuple[int, int], words: str) -> tuple[int, int]:
    """Where `words` are: their N-th place in the text for 'words@N', else in the evidence
    sentence if there, else their first place in the text (a donor named earlier, a dateline)."""
    words, _, nth = words.partition("@")
    if nth:
        offset = -1
        for _ in range(int(nth)):
            offset = text.index(words, offset + 1)
        return offset, offset + len(words)
    inside = text.find(words, sentence[0], sentence[1])
    start = inside if inside >= 0 else text.index(words)
    return start, start + len(words)
    return inside if inside >= 0 else text.index(words)


EXPECTED = rows(TEXTS / "expected.csv")


@pytest.mark.parametrize("name", sorted({row["file"] for row in EXPECTED}))
def test_proposals_are_exactly_the_expected_ones(out: Path, name: str) -> None:
    got = [p for p in proposals_of(out) if Path(p["ev_file"]).name == name]
    text = text_of(name)
    fields = ("kind", "donor", "recipient", "item", "family", "quantity", "month")
    want = [row for row in EXPECTED if row["file"] == name]
    assert sorted(tuple(p[f] for f in fields) for p in got) == sorted(
        tuple(w[f] for f in fields) for w in want)
    for w in want:
        p = next(p for p in got if all(p[f] == w[f] for f in fields))
        sentence = (int(p["ev_sentence_start"]), int(p["ev_sentence_end"]))
        assert text[sentence[0]:sentence[1]] == p["ev_sentence"]
        assert p["status"] == ("announced" if w["kind"] == "pledge" else "")
        assert p["ev_rule"]
        for part in PARTS:
            words = w[f"{part}_words"]
            start, end = p[f"ev_{part}_start"], p[f"ev_{part}_end"]
            if not words:
                assert start == end == "", (part, p)
                continue
            want_span = expected_offset(text, sentence, words)
            assert (int(start), int(end)) == want_span, (part, words)


@pytest.mark.parametrize("name", SILENT)
def test_negations_conditionals_and_plain_news_propose_nothing(out: Path, name: str) -> None:
    assert not [p for p in proposals_of(out) if Path(p["ev_file"]).name == name]


@pytest.mark.parametrize("name, reason", [
    ("en_negation.txt", "negated"), ("da_negation.txt", "negated"),
    ("en_conditional.txt", "conditional"), ("da_conditional.txt", "conditional"),
    ("en_wire_aldoria.txt", "organisation, not a state"),
])
def test_what_is_not_a_pledge_is_recorded_with_its_reason(out: Path, name: str,
                                                         reason: str) -> None:
    reasons = [row["reason"] for row in rows(out / "skipped.csv")
               if Path(row["file"]).name == name]
    assert any(reason in r for r in reasons), reasons


def test_every_proposal_waits_for_review(out: Path) -> None:
    decisions = rows(out / "review.csv")
    assert decisions and {d["decision"] for d in decisions} == {"pending"}
    assert len(decisions) == len(proposals_of(out)) == len(EXPECTED)


def test_html_markup_scripts_and_head_are_stripped(out: Path) -> None:
    text = text_of("en_press_release.html")
    assert "<" not in text and "tracking" not in text and "99 tanks" not in text
    assert "3,000 rounds of 155 mm artillery ammunition" in text


def test_the_aggressor_is_never_a_recipient(out: Path) -> None:
    assert {p["recipient"] for p in proposals_of(out)} <= {"PTR", ""}


def test_an_existing_output_is_not_overwritten(out: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = (out / "pledges.csv").read_bytes()
    assert run(["announcements", "read", str(FILES[0]), "--scenario", str(SCENARIO),
                "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "pledges.csv").read_bytes() == before


def test_an_aggressor_or_context_state_is_never_the_recipient(
        tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    scenario.mkdir()
    for file in SCENARIO.iterdir():
        if file.suffix in (".csv", ".toml"):
            (scenario / file.name).write_bytes(file.read_bytes())
    with (scenario / "nations.csv").open("a", encoding="utf-8") as handle:
        handle.write("VST,Vostaria,recipient,\n")
    story = tmp_path / "story.txt"
    story.write_text(
        "ALDORIA CITY, 3 March 2027 - Vostaria's forces attacked Partner again overnight.\n\n"
        "Aldoria will send 4 Marten howitzers to help against Vostaria. Bravania will deliver "
        "12 Bison APCs, the Aldorian government said.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(["announcements", "read", str(story), "--scenario", str(scenario),
                "--out", str(out)]) == 0
    assert [(p["donor"], p["recipient"], p["item"], p["quantity"])
            for p in rows(out / "pledges.csv")] == [("ALD", "PTR", "ART155-H02", "4"),
                                                    ("BRV", "PTR", "APC-P02", "12")]


@pytest.mark.parametrize("sentence, proposed", [
    ("Regeringen kan i dag oplyse, at Aldorien sender 4 Marten haubitsere til Partner.", True),
    ("Aldorien overvejer at sende 4 Marten haubitsere til Partner.", False),
    ("Aldorien sender heller ikke Marten haubitsere til Partner.", False),
    ("Aldoria said that it will not send 4 Marten howitzers to Partner.", False),
    ("Aldoria may decide that the country sends 4 Marten howitzers to Partner.", False),
    ("Aldoria will not only send 4 Marten howitzers to Partner but also train crews.", True),
    ("Aldoria's parliament debated whether to send 4 Marten howitzers to Partner.", False),
])
def test_reporting_frames_negation_and_doubt(sentence: str, proposed: bool) -> None:
    from replenish.announcements.reading import make_reader
    from replenish.scenario.reader import read_scenario

    reader = make_reader(read_scenario(SCENARIO))
    reading = reader.read(Text("x", f"ALDORIA, 3 March 2027 - {sentence}"))
    assert [(p.donor, p.item, p.quantity) for p in reading.proposals] == (
        [("ALD", "ART155-H02", 4.0)] if proposed else [])
