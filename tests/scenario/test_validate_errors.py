"""Every kind of scenario error: exit status 2, the file and line named, never a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from replenish.cli import run

TINY = Path(__file__).parents[1] / "scenarios" / "tiny"


class Case(NamedTuple):
    """Replace `old` by `new` in `file` (old None: the whole file; new None: delete it)."""

    file: str
    old: str | None
    new: str | bytes | None
    where: str
    words: str


def apply(folder: Path, file: str, old: str | None, new: str | bytes | None) -> None:
    """Edit one file of a copied scenario."""
    path = folder / file
    if old is None and new is None:
        path.unlink()
    elif old is None:
        if isinstance(new, bytes):
            path.write_bytes(new)
        else:
            path.write_text(str(new), encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, str(new), 1), encoding="utf-8")


def validate(tmp_path: Path, capsys: pytest.CaptureFixture[str],
             *edits: tuple[str, str | None, str | bytes | None]) -> tuple[int, str]:
    """Validate a copy of tiny with `edits` applied; return the exit status and stderr."""
    folder = tmp_path / "scenario"
    shutil.copytree(TINY, folder)
    for file, old, new in edits:
        apply(folder, file, old, new)
    code = run(["validate", str(folder)])
    return code, capsys.readouterr().err


CASES: dict[str, Case] = {
    "missing scenario.toml": Case("scenario.toml", None, None, "scenario.toml", "missing"),
    "missing nations.csv": Case("nations.csv", None, None, "nations.csv", "missing"),
    "missing items.csv": Case("items.csv", None, None, "items.csv", "missing"),
    "missing stocks.csv": Case("stocks.csv", None, None, "stocks.csv", "missing"),
    "broken toml": Case("scenario.toml", 'start = "2025-01"', "start = 2025-01",
                        "scenario.toml:2", "not valid TOML"),
    "missing settings key": Case("scenario.toml", "horizon_months = 12\n", "",
                                 "scenario.toml", "horizon_months"),
    "unknown settings key": Case("scenario.toml", "procurement", "procurment",
                                 "scenario.toml:4", "unknown key"),
    "bad start": Case("scenario.toml", "2025-01", "2025-1", "scenario.toml:2", "YYYY-MM"),
    "horizon not positive": Case("scenario.toml", "= 12", "= 0", "scenario.toml:3",
                                 "positive integer"),
    "horizon not integer": Case("scenario.toml", "= 12", "= 1.5", "scenario.toml:3",
                                "positive integer"),
    "bad procurement": Case("scenario.toml", '"joint"', '"pooled"', "scenario.toml:4",
                            '"joint", "national"'),
    "bad delivery lead": Case("scenario.toml", "delivery_lead_months = 1",
                              "delivery_lead_months = -1", "scenario.toml:5", "non-negative"),
    "bad readiness": Case("scenario.toml", '"above_aid"', '"always"', "scenario.toml:6",
                          '"above_aid", "below_aid"'),
    "unknown weight": Case("scenario.toml", "unmet =", "unmett =", "scenario.toml:10",
                           "unknown weight"),
    "negative weight": Case("scenario.toml", "1000.0", "-1.0", "scenario.toml:9",
                            "non-negative number"),
    "weight not a number": Case("scenario.toml", "1000.0", '"high"', "scenario.toml:9",
                                "non-negative number"),
    "undecodable bytes": Case("stocks.csv", None, b"nation,item,on_hand,floor,target\n"
                              b"AAA,PZH,20,16,24\nAAA,HE\xe9155,1,1,1\n", "stocks.csv:3",
                              "UTF-8"),
    "random binary file": Case("items.csv", None, bytes(range(256)) * 3, "items.csv:",
                               "UTF-8"),
    "bad code syntax": Case("nations.csv", "AAA,Aland", "A A,Aland", "nations.csv:2",
                            "code of 1 to 64"),
    "code too long": Case("nations.csv", "AAA,Aland", "A" * 65 + ",Aland", "nations.csv:2",
                          "code of 1 to 64"),
    "not a number": Case("items.csv", "17000000", "lots", "items.csv:2", "non-negative"),
    "negative quantity": Case("stocks.csv", "AAA,HE155,40000", "AAA,HE155,-1", "stocks.csv:3",
                              "non-negative"),
    "fractional stock of integer item": Case("stocks.csv", "AAA,PZH,20", "AAA,PZH,20.5",
                                             "stocks.csv:2", "whole number"),
    "fractional pledge": Case("pledges.csv", "PZH,2,", "PZH,2.5,", "pledges.csv:2",
                              "whole number"),
    "fractional requirement of item": Case("requirements.csv", "HE155,,20000",
                                           "HE155,,20000.5", "requirements.csv:3",
                                           "whole number"),
    "fractional requirement of family": Case("requirements.csv", "sph155,6", "sph155,6.5",
                                             "requirements.csv:2", "family 'sph155'"),
    "fractional fielded": Case("fielded.csv", "PZH,4", "PZH,4.5", "fielded.csv:2",
                               "whole number"),
    "priority out of range": Case("requirements.csv", "2025-06,1", "2025-06,6",
                                  "requirements.csv:2", "1 (highest) to 5"),
    "bad bool": Case("items.csv", "5000000,true", "5000000,maybe", "items.csv:3",
                     "true or false"),
    "bad enum": Case("nations.csv", "Aland,member", "Aland,ally", "nations.csv:2",
                     "member, recipient"),
    "bad status": Case("pledges.csv", "committed", "promised", "pledges.csv:2",
                       "committed, announced"),
    "bad month": Case("pledges.csv", "2025-03", "March 2025", "pledges.csv:2", "YYYY-MM"),
    "needed_by past horizon": Case("requirements.csv", "2025-09", "2026-01",
                                   "requirements.csv:3", "outside the horizon"),
    "pledge before start": Case("pledges.csv", "2025-02", "2024-12", "pledges.csv:3",
                                "outside the horizon"),
    "duplicate key": Case("nations.csv", "BBB,Borland", "AAA,Borland", "nations.csv:3",
                          "already on line 2"),
    "duplicate compound key": Case("compatibility.csv", "HE155,CAES", "HE155,PZH",
                                   "compatibility.csv:3", "already on line 2"),
    "floor above target": Case("stocks.csv", "20,16,24", "20,26,24", "stocks.csv:2",
                               "above target"),
    "stock of a recipient": Case("stocks.csv", "BBB,CAES", "RCP,CAES", "stocks.csv:4",
                                 "expected a member"),
    "stock of unknown item": Case("stocks.csv", "BBB,CAES", "BBB,CAESAR", "stocks.csv:4",
                                  "unknown item"),
    "requirement of a member": Case("requirements.csv", "R1,RCP", "R1,AAA",
                                    "requirements.csv:2", "expected a recipient"),
    "requirement of unknown item": Case("requirements.csv", "RCP,HE155", "RCP,HE156",
                                        "requirements.csv:3", "unknown item"),
    "pledge to unknown recipient": Case("pledges.csv", "AAA,RCP", "AAA,XYZ", "pledges.csv:2",
                                        "unknown nation"),
    "pledge by a recipient": Case("pledges.csv", "P2,BBB", "P2,RCP", "pledges.csv:3",
                                  "expected a member"),
    "pledge of unknown item": Case("pledges.csv", "RCP,PZH", "RCP,PZ", "pledges.csv:2",
                                   "unknown item"),
    "line in unknown nation": Case("production_lines.csv", "KNDS,AAA", "KNDS,FFF",
                                   "production_lines.csv:2", "unknown nation"),
    "line of unknown item": Case("production_lines.csv", "RHM,BBB,HE155", "RHM,BBB,HE",
                                 "production_lines.csv:3", "unknown item"),
    "price break without line": Case("price_breaks.csv", "RHM,HE155", "KNDS,HE155",
                                     "price_breaks.csv:2", "no production line"),
    "compatibility munition not munition": Case("compatibility.csv", "ER155,PZH", "CAES,PZH",
                                                "compatibility.csv:4", "kind munition"),
    "compatibility platform not platform": Case("compatibility.csv", "ER155,PZH",
                                                "ER155,HE155", "compatibility.csv:4",
                                                "kind platform"),
    "fielded for a member": Case("fielded.csv", "RCP,PZH", "BBB,PZH", "fielded.csv:2",
                                 "expected a recipient"),
    "fielded unknown platform": Case("fielded.csv", "RCP,PZH", "RCP,M777", "fielded.csv:2",
                                     "unknown item"),
    "fielded munition": Case("fielded.csv", "RCP,PZH", "RCP,HE155", "fielded.csv:2",
                             "kind platform"),
    "consumption of a platform": Case("consumption.csv", "RCP,ER155,PZH", "RCP,CAES,PZH",
                                      "consumption.csv:3", "kind munition"),
    "consumption by a munition": Case("consumption.csv", "RCP,ER155,PZH", "RCP,ER155,HE155",
                                      "consumption.csv:3", "kind platform"),
    "consumption for unknown nation": Case("consumption.csv", "RCP,ER155", "UKR,ER155",
                                           "consumption.csv:3", "unknown nation"),
    "consumption of unknown munition": Case("consumption.csv", "RCP,ER155", "RCP,ER154",
                                            "consumption.csv:3", "unknown item"),
    "training for a munition": Case("training.csv", "CAES,1", "HE155,1", "training.csv:3",
                                    "kind platform"),
    "requirement with item and family": Case("requirements.csv", "RCP,,sph155",
                                             "RCP,PZH,sph155", "requirements.csv:2", "both"),
    "requirement with neither": Case("requirements.csv", "RCP,,sph155", "RCP,,",
                                     "requirements.csv:2", "neither"),
    "family with no items": Case("requirements.csv", "sph155", "sph152",
                                 "requirements.csv:2", "has no items"),
    "min above max expansion": Case("production_lines.csv", "20000,5000", "2000,5000",
                                    "production_lines.csv:3", "above max_expansion"),
    "missing required column": Case("stocks.csv", "on_hand,", "on_hnd,", "stocks.csv:1",
                                    "missing column"),
    "empty required cell": Case("nations.csv", "RCP,Recipia,", "RCP,,", "nations.csv:4",
                                "empty cell"),
    "too many cells": Case("training.csv", "PZH,2,4", "PZH,2,4,9", "training.csv:2",
                           "cells but the header has"),
    "empty required file": Case("stocks.csv", None, "", "stocks.csv:1", "no header row"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_error_is_reported_with_file_and_line(
        case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = validate(tmp_path, capsys, (case.file, case.old, case.new))
    assert code == 2
    assert case.where in err
    assert case.words in err
    assert "Traceback" not in err


def test_random_binary_names_file_and_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    noise = os.urandom(4096)
    code, err = validate(tmp_path, capsys, ("pledges.csv", None, b"\x80" + noise))
    assert code == 2
    assert "pledges.csv:1" in err
    assert "Traceback" not in err


def test_several_errors_in_one_file_all_reported(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    stocks = ("nation,item,on_hand,floor,target\n"
              "AAA,PZH,-1,16,24\n"        # line 2: negative
              "AAA,HE155,x,30000,60000\n"  # line 3: not a number
              "BBB,CAES,10,9,8\n"          # line 4: floor above target
              "AAA,PZH,20,16,24\n"         # line 5: duplicate of line 2
              "XXX,ER155,1,1,1\n")         # line 6: unknown nation
    code, err = validate(tmp_path, capsys, ("stocks.csv", None, stocks))
    assert code == 2
    assert "5 problems" in err
    for line in range(2, 7):
        assert f"stocks.csv:{line} " in err


def test_errors_in_several_files_sorted_by_file_then_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = validate(tmp_path, capsys,
                         ("training.csv", "CAES,1,6", "CAES,1,-6"),
                         ("nations.csv", "RCP,Recipia,recipient", "RCP,Recipia,partner"),
                         ("items.csv", "ER155,155mm", "ER 155,155mm"),
                         ("training.csv", "PZH,2,4", "PZH,two,4"))
    assert code == 2
    located = [line.split()[0] for line in err.splitlines()[1:]]
    assert located == ["items.csv:5", "nations.csv:4", "training.csv:2", "training.csv:3"]


def test_unreadable_items_file_causes_no_cascade(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, err = validate(tmp_path, capsys, ("items.csv", None, b"code,name\n\xff\n"))
    assert code == 2
    assert "1 problem" in err
    assert "unknown item" not in err


def test_bad_role_causes_no_role_cascade(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, err = validate(tmp_path, capsys, ("nations.csv", "Aland,member", "Aland,ally"))
    assert code == 2
    assert "1 problem" in err
    assert "nations.csv:2" in err


@pytest.mark.parametrize("target", ["does-not-exist", "nations.csv"])
def test_path_that_is_not_a_folder(target: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["validate", str(TINY / target)])
    err = capsys.readouterr().err
    assert code == 2
    assert target in err
    assert "expected a scenario folder" in err
    assert "Traceback" not in err
