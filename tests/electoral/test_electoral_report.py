"""Hooks for the generic CLI: counterfactual tables, the report, the exposure-slope check."""

from __future__ import annotations

import numpy as np
import pytest

from retrench.bayes import electoral_checks as ck
from retrench.bayes import electoral_counterfactuals as cf
from retrench.errors import SpecError
from retrench.workflow.report_electoral import write_report


def test_policies_are_described_and_unknown_ones_refused(fitted):
    assert set(cf.POLICIES) == {"hold-inequality", "compensation"}
    assert all(isinstance(v, str) and v for v in cf.POLICIES.values())
    with pytest.raises(SpecError, match="unknown policy 'tariff'"):
        cf.counterfactual_tables(fitted, "tariff")
    with pytest.raises(SpecError, match="amount"):
        cf.counterfactual_tables(fitted, "hold-inequality", 0.1)
    with pytest.raises(SpecError, match="amount"):
        cf.counterfactual_tables(fitted, "compensation", -0.1)


def test_hold_inequality_table(fitted):
    [(title, table)] = cf.counterfactual_tables(fitted, "hold-inequality")
    assert "Inequality held" in title
    assert list(table.index) == list(fitted.congresses)
    # under the hold every Congress faces the first Congress's α_R: one common value
    assert np.ptp(table["p_exit_H_held"].to_numpy()) < 1e-10


def test_compensation_of_zero_changes_nothing_and_large_ones_leave_the_domain(fitted):
    [(_, zero)] = cf.counterfactual_tables(fitted, "compensation", 0.0)
    factual = fitted.idata.posterior["p_exit_H"].values.reshape(-1, len(fitted.congresses))
    np.testing.assert_allclose(zero["mean"], factual.mean(0), atol=1e-10)
    np.testing.assert_allclose(zero["prob_H_exits"], (factual > 0.5).mean(0))
    assert (zero["out_of_domain"] == 0).all()
    post = fitted.idata.posterior
    lower = np.maximum(1 - post["lam"].values, post["alpha_E"].values).reshape(-1, 1)
    room = post["alpha_R"].values.reshape(-1, len(fitted.congresses)) - lower
    amount = float(np.median(room))
    [(_, big)] = cf.counterfactual_tables(fitted, "compensation", amount)
    np.testing.assert_allclose(big["out_of_domain"], (room <= amount).mean(0))


def test_minimal_compensation_table_when_no_amount(fitted):
    [(title, table)] = cf.counterfactual_tables(fitted, "compensation")
    assert "Smallest raise" in title
    _, direct = cf.minimal_compensation(fitted)
    np.testing.assert_allclose(table["median"], direct["median"])


def test_exposure_slope_check_matches_polyfit(fitted):
    z = fitted.districts["z_exposure"].to_numpy(float)
    y = fitted.districts["d_rep_share"].to_numpy(float)
    check = ck.exposure_slope_check(fitted)
    assert check["observed"] == pytest.approx(np.polyfit(z, y, 1)[0], rel=1e-10)
    assert check["replicated_lo"] <= check["replicated_median"] <= check["replicated_hi"]
    # the predictive p-value from the replicated district draws, slopes by np.polyfit
    replicated = fitted.idata.posterior_predictive["district_obs"].values.reshape(-1, z.size)
    slopes = np.array([np.polyfit(z, rep, 1)[0] for rep in replicated])
    assert check["p_value"] == pytest.approx(np.mean(slopes <= check["observed"]))
    assert check["replicated_median"] == pytest.approx(np.median(slopes), rel=1e-9)


def test_write_report_writes_plots_tables_and_markdown(fitted, tmp_path):
    path = write_report(fitted, tmp_path / "report")
    names = {p.name for p in path.parent.iterdir()}
    expected = {
        "report.md", "ppc_party_yea_shares.png", "ppc_exposure_vote.png", "realignment_map.png",
        "prior_posterior.png", "contraction.csv", "realignment_period.csv",
        "ppc_party_yea_shares.csv", "counterfactual_hold-inequality.csv",
        "counterfactual_compensation.csv",
    }  # fmt: skip
    assert expected <= names
    text = path.read_text()
    for snippet in ("Republicans = H", "predictive band", "OLS slope", "Smallest raise"):
        assert snippet in text
    assert (path.parent / "prior_posterior.png").stat().st_size > 10_000


def test_write_report_refuses_an_unfitted_model(fitted, tmp_path):
    class Unfitted:
        idata = None

    with pytest.raises(RuntimeError, match="no fit"):
        write_report(Unfitted(), tmp_path)
