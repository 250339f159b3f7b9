"""Bad input to `announcements read`: a clear message naming the file and exit 2, or a result;
never a traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from replenish.cli import run

SCENARIO = Path(__file__).parents[2] / "examples" / "coalition"
STORY = ("ALDORIA CITY, 3 March 2027 — Aldoria will send 4 Marten howitzers to Partner.\n")


def read(files: list[Path], out: Path, *extra: str) -> int:
    return run(["announcements", "read", *map(str, files), "--scenario", str(SCENARIO),
                "--out", str(out), *extra])


def refused(code: int, capsys: pytest.CaptureFixture[str]) -> str:
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return " ".join(err.split())


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"  \n\n ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ("Aldorien sender tre haubitsere til Partner, siger ministeriet i Århus.".encode("latin-1"),
     "unknown encoding"),
])
def test_unreadable_files_are_named_and_refused(tmp_path: Path, content: bytes, message: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "statement.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    err = refused(read([good, bad], tmp_path / "out"), capsys)
    assert str(bad) in err and message in err
    assert not (tmp_path / "out").exists()


def test_a_named_encoding_reads_a_legacy_file(tmp_path: Path) -> None:
    legacy = tmp_path / "latin1.txt"
    legacy.write_bytes("HAVENMARK, 4. marts 2027 - Castamar sender tre Marten haubitsere til "
                       "Partner. Værsgo.".encode("latin-1"))
    assert read([legacy], tmp_path / "out", "--encoding", "latin-1") == 0
    assert "ART155-H02,,3,2027-03" in (tmp_path / "out" / "pledges.csv").read_text()


def test_an_unknown_encoding_name_is_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    err = refused(read([good], tmp_path / "out", "--encoding", "klingon-8"), capsys)
    assert "unknown encoding 'klingon-8'" in err and str(good) in err


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    wide = tmp_path / "wide.txt"
    wide.write_bytes(STORY.encode("utf-16"))
    assert read([wide], tmp_path / "out") == 0
    assert "ALD,PTR,ART155-H02,,4,2027-03" in (tmp_path / "out" / "pledges.csv").read_text()


def test_missing_file_and_folder_are_named(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(read([tmp_path / "nowhere.txt", tmp_path], tmp_path / "out"), capsys)
    assert "nowhere.txt" in err and "is a folder" in err


def test_a_text_of_several_megabytes_gives_a_result(tmp_path: Path) -> None:
    filler = ("The ministers discussed training, logistics and the weather at length, and "
              "nothing was decided on the day.\n\n")
    big = tmp_path / "big.txt"
    big.write_text(STORY + filler * 30000 + "Bravania will send 12 Kestrel howitzers to "
                   "Partner.\n", encoding="utf-8")
    assert big.stat().st_size > 3_000_000
    assert read([big], tmp_path / "out") == 0
    pledges = (tmp_path / "out" / "pledges.csv").read_text().splitlines()
    assert pledges[1:] == ["ANN-P001,ALD,PTR,ART155-H02,,4,2027-03,announced",
                           "ANN-P002,BRV,PTR,ART155-H03,,12,2027-03,announced"]


def test_megabytes_without_a_sentence_end_are_skipped_not_choked_on(tmp_path: Path) -> None:
    run_on = tmp_path / "run-on.txt"
    run_on.write_text(STORY + "Aldoria will send 4 Marten howitzers to Partner and " * 60000,
                      encoding="utf-8")
    assert read([run_on], tmp_path / "out") == 0
    skipped = (tmp_path / "out" / "skipped.csv").read_text(encoding="utf-8")
    assert "characters without a sentence end: not read" in skipped
    assert len((tmp_path / "out" / "pledges.csv").read_text().splitlines()) == 2


def test_a_scenario_folder_is_never_the_output(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    err = refused(read([good], SCENARIO), capsys)
    assert "holds a scenario" in err


def test_a_bad_lexicon_names_its_file_and_line(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    (lexicon / "items_en.csv").write_text("term,family,system\nhowitzers?,howitzer_155,\n"
                                          "(unclosed,apc,\n", encoding="utf-8")
    (lexicon / "items_da.csv").write_text("term,family,system\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    err = refused(read([good], tmp_path / "out", "--lexicon", str(lexicon)), capsys)
    assert "items_en.csv:3 column 'term'" in err
