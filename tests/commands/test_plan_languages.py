"""`replenish plan --lang`: the printed summary in Danish (numbers the Danish way), the files
for programs in English whatever the language, and English by default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replenish.cli import run

EXAMPLE = Path(__file__).parents[2] / "examples" / "coalition"


def test_the_summary_speaks_danish_and_the_files_stay_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert run(["plan", str(EXAMPLE), "--out", str(tmp_path), "--no-greedy",
                "--lang", "da"]) == 0
    printed = capsys.readouterr().out
    for words in ("partnerens behov efter prioritet", "til tiden", "forsinket", "ikke dækket",
                  "udgifter mod budget", "hvad binder mest", "plan skrevet til"):
        assert words in printed, words
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    asked = summary["requirements"]["quantity"]
    assert f"{asked:,.0f}".replace(",", ".") in printed
    assert " mia." in printed or " mio." in printed
    assert " instead of " in summary["binding"][0]["message"]


def test_the_shell_s_language_is_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "da_DK.UTF-8")
    assert run(["plan", str(EXAMPLE), "--out", str(tmp_path / "da"), "--no-greedy",
                "--no-explain"]) == 0
    assert "partnerens behov efter prioritet" in capsys.readouterr().out
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert run(["plan", str(EXAMPLE), "--out", str(tmp_path / "en"), "--no-greedy",
                "--no-explain"]) == 0
    assert "the partner's requirements by priority" in capsys.readouterr().out


def test_a_language_replenish_does_not_speak_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["plan", str(EXAMPLE), "--out", str(tmp_path), "--lang", "xx"]) == 2
    assert "--lang" in capsys.readouterr().err
    assert not (tmp_path / "summary.json").exists()
