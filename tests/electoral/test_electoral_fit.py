"""Fast parameter recovery on simulated roll calls and districts, counterfactuals, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from retrench.bayes import electoral_checks as ck
from retrench.bayes import electoral_counterfactuals as cf
from retrench.bayes.electoral import ElectoralModel
from retrench.data.simulate_electoral import congress_outcomes
from retrench.errors import DataError, SpecError


def test_recovers_exit_probabilities_bias_and_realignment(fitted, truth):
    out = congress_outcomes(truth)
    table = ck.recovery_table(
        fitted.idata,
        {"p_exit_H": out.p_exit_H, "x_H": truth.x_H, "discipline": truth.discipline,
         "qr_scale": truth.qr_scale, "gamma": truth.gamma},
        prob=0.95,
    )  # fmt: skip
    # Congresses with roll calls (the others are interpolated by the random walk); the elements
    # are correlated, so allow a cluster of misses but no element far off
    voted = sorted(set(fitted.panel["congress"]))
    path = table.loc[[f"p_exit_H[{truth.congresses.index(c)}]" for c in voted]]
    assert path["covered"].sum() >= len(path) - 2, path.to_string()
    assert path["z"].abs().max() < 4, path.to_string()
    scalars = table.loc[["x_H", "discipline", "qr_scale", "gamma"]]
    assert (scalars["z"].abs() < 3).all(), scalars.to_string()
    # L never exits in the truth; the posterior agrees (95th percentiles, not the single
    # largest of 150 × 14 draws, which moves with every change of the sampler's path)
    p_exit_L = fitted.idata.posterior["p_exit_L"].values.reshape(-1, len(fitted.congresses))
    assert np.quantile(p_exit_L, 0.95, axis=0).max() < 0.2
    assert (p_exit_L > 0.5).mean() < 0.01
    # true first realigned Congress: sign of D_l − D_w flips
    gap = out.D_l - out.D_w
    first_true = truth.congresses[int(np.argmax(np.sign(gap) != np.sign(gap[0])))]
    period = ck.realignment_period(fitted.idata, fitted.congresses)
    mode = int(period.drop("none").idxmax())
    assert abs(mode - first_true) <= 2, period
    assert period["none"] < 0.1


def test_the_votes_contract_what_they_identify(fitted):
    table = ck.contraction(fitted.idata)
    assert table.loc["discipline", "contraction"] > 0.8
    assert table.loc["p_exit_H[110]", "contraction"] > 0.8
    assert table.loc["b", "contraction"] < 0.5  # carried by its prior (bΨ only via proposals)


def test_holding_inequality_freezes_exit_at_the_first_congress(fitted):
    ds, table = cf.hold_inequality(fitted)
    held = ds["p_exit_H"].values.reshape(-1, len(fitted.congresses))
    factual = ds["p_exit_H_factual"].values.reshape(-1, len(fitted.congresses))
    # every Congress now faces the first Congress's α_R: P(exit_H) equals its factual first value
    np.testing.assert_allclose(held, np.repeat(factual[:, :1], held.shape[1], axis=1), atol=1e-10)
    assert table["p_exit_H_held"].iloc[-1] < table["p_exit_H_factual"].iloc[-1]


def test_minimal_compensation_agrees_with_the_do_intervention(fitted):
    kappa, table = cf.minimal_compensation(fitted)
    p_exit = fitted.idata.posterior["p_exit_H"].values.reshape(kappa.shape)
    assert np.all(kappa[p_exit < 0.5] == 0.0)
    assert np.all(kappa[p_exit > 0.5] > 0.0)
    check = cf.compensation_check(fitted, kappa, int(fitted.congresses[-1]))
    assert check["kappa"] > 0
    assert check["stays_when_enough"] == 1.0 and check["stays_when_not_enough"] == 0.0


def test_plots_are_written(fitted, tmp_path):
    for fn, name in (
        (cf.plot_realignment_map, "map.png"),
        (ck.plot_party_yea_shares, "yea.png"),
        (ck.plot_exposure_vote, "exposure.png"),
    ):
        path = fn(fitted, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 10_000, path


def test_save_load_round_trip_and_refusal(fitted, tmp_path):
    path = fitted.save(tmp_path / "fit.nc")
    again = ElectoralModel.load(path, fitted._data_raw, districts=fitted._districts_raw)
    np.testing.assert_array_equal(
        again.idata.posterior["x_H"].values, fitted.idata.posterior["x_H"].values
    )
    other = fitted._data_raw.copy()
    other.loc[0, "yea"] = max(other.loc[0, "yea"] - 1, 0) if other.loc[0, "yea"] else 1
    other.loc[0, "n_voting"] = max(other.loc[0, "n_voting"], other.loc[0, "yea"])
    with pytest.raises(DataError, match="not the data of the saved fit"):
        ElectoralModel.load(path, other, districts=fitted._districts_raw)


def test_unknown_policy_is_refused(fitted):
    with pytest.raises(SpecError, match="policy.alpha_R"):
        fitted.counterfactual(alpha_R=np.zeros(14))
