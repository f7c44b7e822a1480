"""The accession design through the CLI (issue 16): one tiny fit of the embedded synthetic panel,
then check, both counterfactuals and the report with the identification table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from retrench.cli import app
from retrench.data.simulate_tariffs_accession import nash_ad_valorem

runner = CliRunner()


def _ok(args: list[str]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def accession_fit(tmp_path_factory):
    out = tmp_path_factory.mktemp("accession") / "fit"
    _ok(["fit", "accession", "--synthetic", "--draws", "30", "--warmup", "30", "--chains", "1",
         "--out", str(out)])  # fmt: skip
    return out


def test_fit_check_simulate_report(accession_fit) -> None:
    out = accession_fit
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code in (0, 1) and "verdict" in check.output

    listed = _ok(["simulate", str(out)]).output
    assert "never_joined" in listed and "join" in listed
    _ok(["simulate", str(out), "--policy", "never_joined"])
    tables = sorted(out.glob("counterfactual_never_joined_*.csv"))
    assert len(tables) == 3
    factual, never = (pd.read_csv(p, index_col=0) for p in tables[:2])
    # the six synthetic economies that enter inside 1996-2009 (A000..A005)
    assert list(factual.index) == [f"A00{i}" for i in range(6)]
    assert np.all(factual["q5"] <= factual["mean"]) and np.all(never["mean"] <= never["q95"])

    _ok(["simulate", str(out), "--policy", "join", "--amount", "2000"])
    joined = sorted(out.glob("counterfactual_join_*.csv"))
    outside = pd.read_csv(joined[0], index_col=0)
    assert list(outside.index) == ["A008"]  # the one economy that never joins
    bad = runner.invoke(app, ["simulate", str(out), "--policy", "never_joined", "--amount", "3"])
    assert bad.exit_code != 0 and "takes no amount" in bad.output

    _ok(["report", str(out)])
    for name in ("report.md", "tariff_paths.png", "identification.csv", "identification.png"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "identification.csv", keep_default_na=False, na_values=[""])
    assert {"gamma_E", "gamma_M", "trend"} <= set(table["parameter"])
    gamma_M = table.loc[table["parameter"] == "gamma_M"].set_index("label")
    assert list(gamma_M.index) == [f"A00{i}" for i in range(9)]
    assert np.isfinite(table["prior_sensitivity"]).all()  # log prior computed for this design


def test_join_counterfactual_of_an_outsider_starts_from_its_nash_tariff(accession_fit) -> None:
    # factual tariff of the never-member = its Nash path: compare with the posterior t^N
    from retrench.workflow.results import load_results

    model = load_results(accession_fit)
    post = model.require_fit().posterior
    t_N = nash_ad_valorem(post["gamma_M"].sel(country="A008").values.ravel())
    assert np.all(np.abs(post["tariff_nash"].sel(country="A008").values.ravel() - t_N) < 1e-12)
