"""``retrench demo`` end to end in a temporary folder: what it prints and what it writes.

The printed theory numbers are checked against the independent SciPy baselines
(``benchmarks/baselines``), not against the theory layer that produced them.
"""

from __future__ import annotations

import re

import pytest
from benchmarks.baselines.electoral_scipy import equilibrium_scipy
from benchmarks.baselines.tariffs_scipy import (
    nash_tariffs_scipy,
    reciprocal_efficient_tariffs_scipy,
)
from typer.testing import CliRunner

from retrench.cli import app
from retrench.theory.electoral_paper import PAPER_PARAMETERS


def _row(text: str, label: str) -> list[float]:
    """The numbers of the table row that starts with ``label`` (rich box characters stripped)."""
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if cells and cells[0] == label:
            return [float(c) for c in cells[1:] if re.fullmatch(r"-?\d+\.\d+", c)]
    raise AssertionError(f"no row {label!r} in the demo output")


@pytest.mark.slow  # fits the tariff model (2 chains × 800 iterations) and writes a report: minutes
def test_demo_prints_checked_numbers_and_writes_its_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = tmp_path / "retrench-output" / "demo"
    tables = (out / "theory_tables.txt").read_text()
    assert (out / "exit_thresholds.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # tariff table (DeRemer, γ_E = 1.1, γ_M = 1.2): eq. 6 and Nash against fsolve on hand FOCs
    tau_eff = reciprocal_efficient_tariffs_scipy(1.1, 1.2, 1.1, 1.2)
    tau_nash = nash_tariffs_scipy(1.1, 1.2, 1.1, 1.2)
    assert _row(tables, "reciprocal efficient, eq. 6 (numeric)")[:2] == pytest.approx(
        tau_eff, abs=6e-5
    )
    assert _row(tables, "Nash (non-cooperative)")[:2] == pytest.approx(tau_nash, abs=6e-5)

    # electoral table: the proposals of every column against brentq on Proposition 1
    names = list(PAPER_PARAMETERS)
    expected = [equilibrium_scipy(*PAPER_PARAMETERS[n]) for n in names]
    for label, key in (("θ*_LR (Prop. 1)", "theta_LR"), ("θ*_HR", "theta_HR")):
        assert _row(tables, label) == pytest.approx([e[key] for e in expected], abs=6e-5)
    assert _row(tables, "γ_H (exit threshold)") == pytest.approx(
        [e["gamma_H"] for e in expected], abs=6e-5
    )

    # the tariff fit: printed coverage line, and the results folder
    coverage = dict(re.findall(r"(\w+) (\d\.\d\d)", result.output.split("coverage:")[1]))
    assert float(coverage["tariff_rules"]) >= 0.7
    fit_dir = out / "tariffs"
    assert (fit_dir / "fit.nc").stat().st_size > 10_000
    report = (fit_dir / "report.md").read_text()
    assert "Predictive checks" in report and "Counterfactuals" in report
