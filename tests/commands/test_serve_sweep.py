"""`replenish serve --sweep DIR`: the risk page's sweep folder, refused before anything is
migrated or served when it is not a folder; the pages' setting it becomes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.web.settings import PageSettings


def test_a_sweep_that_is_not_a_folder_is_refused_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLENISH_DATABASE_URL", raising=False)
    monkeypatch.delenv("REPLENISH_PAGES_SWEEP_DIR", raising=False)
    db = tmp_path / "store.db"
    assert run(["serve", "--db", str(db), "--sweep", str(tmp_path / "nowhere")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"--sweep: {tmp_path / 'nowhere'} is not a folder" in err
    assert not db.exists()
    assert "REPLENISH_DATABASE_URL" not in os.environ
    assert "REPLENISH_PAGES_SWEEP_DIR" not in os.environ


def test_the_pages_read_the_sweep_folder_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLENISH_PAGES_SWEEP_DIR", str(tmp_path))
    assert PageSettings().sweep_dir == tmp_path
    monkeypatch.setenv("REPLENISH_PAGES_SWEEP_DIR", " ")
    assert PageSettings().sweep_dir is None
    monkeypatch.delenv("REPLENISH_PAGES_SWEEP_DIR")
    assert PageSettings().sweep_dir is None
