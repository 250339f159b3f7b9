"""uncertainty.toml is checked like every scenario file: `replenish sweep` exits 2 naming the
file, the line and what was expected, for every problem at once, before any run starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from replenish.cli import run
from replenish.scenario.uncertainty import read_uncertainty

from .support import UNCERTAINTY, synthetic_folder


def _sweep(folder: Path, tmp_path: Path, *extra: str) -> int:
    return run(["sweep", str(folder), "--runs", "2", "--out", str(tmp_path / "out"), *extra])


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().err.split())


def test_the_test_file_reads_with_every_quantity(tmp_path: Path) -> None:
    (tmp_path / "u.toml").write_text(UNCERTAINTY, encoding="utf-8")
    u = read_uncertainty(tmp_path / "u.toml")
    assert list(u.distributions) == ["line_shortfall", "expansion_delay", "lead_time",
                                     "consumption", "pledge_slip", "pledge_lapse"]
    assert u.distributions["line_shortfall"].params == {"low": 0.0, "mode": 0.1, "high": 0.4}
    assert u.given["pledge_lapse"] == {"distribution": "probability", "p": 0.2}


@pytest.mark.parametrize(("text", "expected"), [
    ('[line_shortfall]\ndistribution = "uniform"\nlow = 0.0\nhigh = \n',
     "uncertainty.toml:4 column '8': not valid TOML"),
    ('[line_shortfall]\ndistribution = "fixed"\nvalue = 0.1\nspread = 2\n',
     "uncertainty.toml:4 column 'line_shortfall.spread': unknown key for a fixed "
     "distribution; expected distribution, value"),
    ('[capacity]\ndistribution = "fixed"\nvalue = 0.1\n',
     "uncertainty.toml:1 column 'capacity': unknown uncertainty; expected one of "
     "line_shortfall, expansion_delay, lead_time, consumption, pledge_slip, pledge_lapse"),
    ('[consumption]\ndistribution = "triangular"\nlow = 1.0\nmode = 0.8\nhigh = 1.5\n',
     "uncertainty.toml:4 column 'consumption.mode': expected mode between low (1) and "
     "high (1.5), got 0.8"),
    ('[consumption]\ndistribution = "normal"\nmean = 1.1\nsd = -0.1\n',
     "uncertainty.toml:4 column 'consumption.sd': expected a standard deviation of 0 or "
     "more, got -0.1"),
    ('\n[pledge_lapse]\ndistribution = "probability"\np = -0.1\n',
     "uncertainty.toml:4 column 'pledge_lapse.p': expected a probability between 0 and 1, "
     "got -0.1"),
    ('[pledge_slip]\ndistribution = "probability"\np = 0.5\n',
     "uncertainty.toml:2 column 'pledge_slip.distribution': expected distribution = one of "
     "'fixed', 'uniform', 'triangular', 'normal', 'poisson', got 'probability'"),
    ('[lead_time]\ndistribution = "poisson"\n',
     "uncertainty.toml:1 column 'lead_time.mean': missing key; a poisson distribution "
     "takes mean"),
])
def test_a_bad_file_exits_2_naming_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str) -> None:
    folder = synthetic_folder(tmp_path / "sc", uncertainty=text)
    assert _sweep(folder, tmp_path) == 2
    said = _said(capsys)
    assert expected in said and "Traceback" not in said
    assert not (tmp_path / "out").exists()


def test_every_problem_is_named_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    text = ('[lead_time]\ndistribution = "poisson"\nmean = -1\n\n'
            '[pledge_lapse]\ndistribution = "probability"\np = 1.5\nstatus = "some"\n')
    folder = synthetic_folder(tmp_path / "sc", uncertainty=text)
    assert _sweep(folder, tmp_path) == 2
    said = _said(capsys)
    assert "3 problems" in said
    assert "uncertainty.toml:3 column 'lead_time.mean'" in said
    assert "uncertainty.toml:7 column 'pledge_lapse.p'" in said
    assert "uncertainty.toml:8 column 'pledge_lapse.status'" in said


def test_without_a_file_the_sweep_says_how_to_write_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = synthetic_folder(tmp_path / "sc", uncertainty=None)
    assert _sweep(folder, tmp_path) == 2
    said = _said(capsys)
    assert "uncertainty.toml: missing: a sweep needs" in said
    assert "[line_shortfall]" in said and "--uncertainty FILE" in said


def test_another_file_is_named_as_given(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = synthetic_folder(tmp_path / "sc")
    other = tmp_path / "risks.toml"
    other.write_text('[consumption]\ndistribution = "lognormal"\nmean = 0\nsd = 0.1\n',
                     encoding="utf-8")
    assert _sweep(folder, tmp_path, "--uncertainty", str(other)) == 2
    assert f"{other}:3 column 'consumption.mean': expected the factor's mean above 0" in (
        _said(capsys))


def test_bad_flags_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = synthetic_folder(tmp_path / "sc")
    assert _sweep(folder, tmp_path, "--mode", "maybe", "--workers", "-1",
                  "--scheduler", "nonsense") == 2
    said = _said(capsys)
    assert "--mode: expected fixed or replan" in said and "--workers" in said
    assert "--scheduler: expected a scheduler's address such as tcp://host:8786" in said
