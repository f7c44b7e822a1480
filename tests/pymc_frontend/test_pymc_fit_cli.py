"""``retrench fit tariffs --synthetic --backend pymc`` writes a results folder that ``check``,
``report``, ``simulate`` (counterfactuals) and the model API use unchanged (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

pytest.importorskip("pymc")
pytest.importorskip("nutpie")

from retrench._cli_workflow import app  # noqa: E402
from retrench.bayes import inference_data as idio  # noqa: E402
from retrench.workflow.results import load_results, read_attrs  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def pymc_fit(tmp_path_factory):
    out = tmp_path_factory.mktemp("pymc_fit") / "out"
    args = ["fit", "tariffs", "--synthetic", "--backend", "pymc", "--out", str(out)]
    args += ["--draws", "40", "--warmup", "60", "--chains", "2", "--seed", "4"]
    result = runner.invoke(app, args)
    return out, result


def test_fit_writes_the_numpyro_groups(pymc_fit):
    out, result = pymc_fit
    assert result.exit_code == 0, result.output
    idata, attrs = read_attrs(out)
    assert attrs["retrench_backend"] == "pymc/nutpie"
    for name in ("posterior", "sample_stats", "log_likelihood", "observed_data", "prior"):
        assert idio.has_group(idata, name), name
    stats = idio.group(idata, "sample_stats")
    assert {"diverging", "n_steps"} <= set(stats.data_vars)
    post = idio.group(idata, "posterior")
    assert post.sizes["chain"] == 2 and post.sizes["draw"] == 40
    # deterministic sites recomputed from the draws: gamma_M solves t_c from (t_c, gamma_E)
    assert {"gamma_E", "gamma_M", "tariff_rules", "solver_failures"} <= set(post.data_vars)
    assert post["gamma_E"].dims == ("chain", "draw", "country")
    assert np.all(np.asarray(post["gamma_M"]) < 4.0)
    assert np.asarray(post["mu_tariff_logit"]).std() > 0


def test_check_report_and_a_counterfactual_run_on_it(pymc_fit):
    out, _ = pymc_fit
    result = runner.invoke(app, ["check", str(out)])
    assert "verdict:" in result.output, result.output
    result = runner.invoke(app, ["simulate", str(out), "--policy", "public"])
    assert result.exit_code == 0, result.output
    assert "welfare_gap" in result.output
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.md").is_file()


def test_counterfactual_of_a_pymc_fit_changes_what_it_sets(pymc_fit):
    out, _ = pymc_fit
    model = load_results(out)
    n_country = len(model.countries)
    # publics' weights gamma_E = 1, gamma_M = 1: eq. 7 gives t = 0 (free trade) everywhere
    ds = model.counterfactual(
        gamma_E_policy=np.ones(n_country),
        gamma_M_policy=np.ones(n_country),
        return_sites=["tariff_rules", "gamma_M"],
    )
    np.testing.assert_allclose(ds["tariff_rules"], 0.0, atol=1e-12)
    assert float(np.abs(ds["tariff_rules_change"]).max()) > 1e-3
    # what the policy does not set stays as fitted
    np.testing.assert_array_equal(ds["gamma_M"], ds["gamma_M_factual"])
