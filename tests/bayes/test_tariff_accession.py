"""Tariff-accession model (issue 16): likelihood against SciPy, parameter recovery, data checks.

The fit is a small simulated panel (:mod:`retrench.data.simulate_tariffs_accession`, an
independent NumPy implementation): 6 economies entering the WTO inside a 12-year span, 2 inside
throughout, 1 never joining; NUTS run directly (1 chain, 250 + 250 draws).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest
from numpyro.handlers import do
from numpyro.infer import MCMC, NUTS, Predictive
from numpyro.infer.util import log_likelihood
from scipy import stats

import retrench  # noqa: F401  (x64)
from retrench.data.simulate_tariffs_accession import (
    simulate_accession_panel,
    simulate_like_status_panel,
)
from retrench.designs.accession.model import TariffAccessionModel
from retrench.errors import DataError, SpecError

N_ACCEDING = 6


def _spec(reference_year: int, family: str = "normal") -> dict:
    return {
        "likelihood": {"family": family},
        "data": {"years": [1990, 2020], "reference_year": reference_year},
        "regime": {"phase_in": "estimated"},  # the simulated truth has phi = 2 years
    }


@pytest.fixture(scope="module")
def simulated():
    panel, truth = simulate_accession_panel(
        n_acceding=N_ACCEDING, n_members=2, n_outside=1, n_years=12, seed=1
    )
    return panel, truth


@pytest.fixture(scope="module")
def fitted(simulated):
    panel, truth = simulated
    model = TariffAccessionModel(panel, _spec(truth.reference_year))
    mcmc = MCMC(NUTS(model.model), num_warmup=250, num_samples=250, progress_bar=False)
    mcmc.run(jax.random.PRNGKey(0), model.inputs, model.observed, extra_fields=("diverging",))
    prior = Predictive(model.model, num_samples=2000)(jax.random.PRNGKey(1), model.inputs, None)
    return model, mcmc, prior


# --- likelihood against an independent SciPy computation --------------------------------------


def _fixed_parameters(n: int) -> dict:
    rng = np.random.default_rng(5)
    rho = 0.3
    chol = np.array([[1.0, 0.0], [rho, np.sqrt(1 - rho**2)]])
    return {
        "mu_reciprocal_logit": np.array(1.2),
        "mu_gamma_M_logit": np.array(-0.2),
        "sd_reciprocal_logit": np.array(0.4),
        "sd_gamma_M_logit": np.array(0.8),
        "weights_corr_cholesky": chol,
        "weights_logit": rng.normal([1.2, -0.2], [0.4, 0.8], size=(n, 2)),
        "phase_in_years": np.array(2.5),
        "trend_scaled": np.array(-1.5),  # trend = -0.0015
        "sigma_log_mean": np.array(-4.5),
        "sigma_log_sd": np.array(0.3),
        "log_sigma_excess_raw": (raw := rng.normal(size=n)),
        "log_sigma_excess": -4.5 + 0.3 * raw,  # the same scales in the centred coordinates
    }


def _loglik_by_hand(params: dict, panel: pd.DataFrame, countries, spec: dict) -> np.ndarray:
    """Pointwise log likelihood with NumPy and scipy.stats, formulas written out."""
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    u_R, u_M = params["weights_logit"][:, 0], params["weights_logit"][:, 1]
    gamma_M = 5 / 8 + (7 / 4 - 5 / 8) * sig(u_M)
    t_R = -1 + (4 / 3) * sig(u_R)
    gamma_E = (2 * gamma_M + 1 - 2 * t_R * (4 - gamma_M)) / 3
    t_N = (8 * gamma_M - 5) / (41 - 8 * gamma_M)
    # eq. 7's ad-valorem form at (gamma_E, gamma_M) must give back t_R
    np.testing.assert_allclose((2 * gamma_M + 1 - 3 * gamma_E) / (2 * (4 - gamma_M)), t_R)
    c = panel["country_code"].map({k: i for i, k in enumerate(countries)}).to_numpy()
    x = panel["years_in_regime"].to_numpy()
    share = np.where(np.isnan(x), 0.0, 1 - np.exp(-np.maximum(np.nan_to_num(x), 0) / 2.5))
    t = (1 - share) * t_N[c] + share * t_R[c]
    years = panel["year"].to_numpy() - spec["data"]["reference_year"]
    mean = (1 + t) * np.exp(-0.0015 * years) - 1
    sigma = 0.001 + np.exp(-4.5 + 0.3 * params["log_sigma_excess_raw"])[c]
    y = panel["tariff"].to_numpy()
    threshold = 0.0005
    if spec["likelihood"]["family"] == "normal":
        law = stats.norm(mean, sigma)
    else:
        law = stats.t(5.0, mean, sigma)
    return np.where(y <= threshold, law.logcdf(threshold), law.logpdf(y))


@pytest.mark.parametrize(
    ("family", "phase_in"),
    [("normal", "estimated"), ("student_t", "estimated"), ("normal", "fixed")],
)
def test_log_likelihood_matches_scipy_at_fixed_parameters(simulated, family, phase_in):
    panel, truth = simulated
    spec = _spec(truth.reference_year, family)
    spec["regime"] = {"phase_in": phase_in, "fixed_phase_in_years": 2.5}
    model = TariffAccessionModel(panel, spec)
    assert (model.panel["tariff"] == 0).sum() >= 1  # a censored row is exercised
    params = _fixed_parameters(len(model.countries))
    if phase_in == "fixed":  # phi = 2.5 comes from the spec, not from a sampled site
        del params["phase_in_years"]
    batched = {k: jnp.asarray(v)[None] for k, v in params.items()}
    ours = log_likelihood(model.model, batched, model.inputs, model.observed)["tariff_obs"][0]
    expected = _loglik_by_hand(params, model.panel, model.countries, model.spec)
    np.testing.assert_allclose(np.asarray(ours), expected, rtol=1e-9, atol=1e-9)


# --- recovery -----------------------------------------------------------------------------------


def test_weights_of_acceding_economies_are_recovered(fitted, simulated):
    model, mcmc, prior = fitted
    _, truth = simulated
    assert list(model.countries) == list(truth.country_code)
    draws = mcmc.get_samples()
    assert int(mcmc.get_extra_fields()["diverging"].sum()) <= 2
    acceding = slice(0, N_ACCEDING)
    for name in ("gamma_M", "gamma_E"):
        post = np.asarray(draws[name])[:, acceding]
        true = getattr(truth, name)[acceding]
        mean, sd = post.mean(0), post.std(0)
        prior_sd = np.asarray(prior[name])[:, acceding].std(0)
        assert np.all(np.abs(mean - true) < 4 * sd + 0.01), (name, mean, true, sd)
        assert np.all(sd < 0.25 * prior_sd), (name, sd, prior_sd)
        lo, hi = np.quantile(post, [0.05, 0.95], axis=0)
        assert ((lo <= true) & (true <= hi)).sum() >= N_ACCEDING // 2, (name, lo, hi, true)


def test_always_members_pin_only_their_reciprocal_tariff(fitted, simulated):
    model, mcmc, prior = fitted
    _, truth = simulated
    draws = mcmc.get_samples()
    members = slice(N_ACCEDING, N_ACCEDING + 2)
    t_R = np.asarray(draws["tariff_reciprocal"])[:, members]
    assert np.all(np.abs(t_R.mean(0) - truth.tariff_reciprocal[members]) < 0.01)
    # gamma_M of an economy never seen outside stays wide (carried by the hierarchy)
    gamma_M_sd = np.asarray(draws["gamma_M"])[:, members].std(0)
    assert np.all(gamma_M_sd > 0.25 * np.asarray(prior["gamma_M"])[:, members].std(0))
    phase = np.asarray(draws["phase_in_years"])
    assert np.quantile(phase, 0.01) <= truth.phase_in_years <= np.quantile(phase, 0.99)


def test_never_joined_counterfactual_is_the_nash_path(fitted):
    model, mcmc, _ = fitted
    samples = {k: v[:50] for k, v in mcmc.get_samples().items()}
    n_rows = len(model.panel)
    out = Predictive(
        do(model.model, data={"regime_share": jnp.zeros(n_rows)}),
        posterior_samples=samples,
        return_sites=["tariff_mean", "tariff_nash", "trend"],
    )(jax.random.PRNGKey(2), model.inputs, None)
    c = np.asarray(model.inputs["country"])
    years = np.asarray(model.inputs["years_from_ref"])
    t_N = np.asarray(out["tariff_nash"])[:, c]
    expected = (1 + t_N) * np.exp(np.asarray(out["trend"])[:, None] * years) - 1
    np.testing.assert_allclose(np.asarray(out["tariff_mean"]), expected, rtol=1e-12)


# --- data preparation and simulator -------------------------------------------------------------


def test_panel_errors_name_the_column_and_row(simulated):
    panel, truth = simulated
    bad = panel.copy()
    bad["years_since_entry"] = bad["years_since_entry"].astype(object)
    bad.loc[4, "years_since_entry"] = "soon"
    with pytest.raises(DataError, match=r"column 'years_since_entry'.*row 4: 'soon'"):
        TariffAccessionModel(bad, _spec(truth.reference_year))
    negative = panel.copy()
    negative.loc[7, "tariff_applied_pct"] = -1.0
    with pytest.raises(DataError, match=r"tariff_applied_pct.*in \[0, 1000\].*row 7"):
        TariffAccessionModel(negative, _spec(truth.reference_year))
    doubled = pd.concat([panel, panel.iloc[[3]]], ignore_index=True)
    with pytest.raises(DataError, match=r"unique key \(country_code, year\)"):
        TariffAccessionModel(doubled, _spec(truth.reference_year))


def test_suspect_rows_are_left_out_and_listed(simulated):
    panel, truth = simulated
    flagged = panel.copy()
    flagged.loc[[2, 9], "suspect"] = True
    model = TariffAccessionModel(flagged, _spec(truth.reference_year))
    assert len(model.panel) == len(panel) - 2
    assert list(model.excluded["reason"]) == ["flagged suspect by the data layer"] * 2


def test_simulation_keeps_the_real_accession_structure():
    real = pd.DataFrame(
        {
            "country_code": ["CHN"] * 3 + ["DZA"] * 2 + ["USA"] * 2,
            "year": [2000, 2001, 2003, 2000, 2001, 2000, 2001],
            "tariff_applied_pct": [14.7, 14.1, 6.5, 20.0, np.nan, 1.6, 1.6],
            "years_since_entry": [-1.45, -0.45, 1.55, np.nan, np.nan, 52.5, 53.5],
        }
    )
    panel, truth = simulate_like_status_panel(real, seed=3)
    assert list(zip(panel["country_code"], panel["year"], strict=True)) == [
        ("CHN", 2000),
        ("CHN", 2001),
        ("CHN", 2003),
        ("DZA", 2000),
        ("USA", 2000),
        ("USA", 2001),
    ]
    np.testing.assert_allclose(
        panel["years_since_entry"].to_numpy(), [-1.45, -0.45, 1.55, np.nan, 52.5, 53.5]
    )
    assert (
        list(panel["wto_status"]) == ["outside", "acceding", "member", "outside"] + ["member"] * 2
    )
    entry = dict(zip(truth.country_code, truth.entry, strict=True))
    assert entry["CHN"] == pytest.approx(2001.95) and np.isnan(entry["DZA"])


def test_model_builds_on_the_real_status_panel():
    from retrench.data import wto_status_panel
    from retrench.data.locate import candidate_roots

    if not any((root / "wto_membership").is_dir() for root in candidate_roots()):
        pytest.skip("real data folder not available")
    status = wto_status_panel()
    model = TariffAccessionModel(status)
    usable = status.loc[status["year"].between(1988, 2022) & status["tariff_applied_pct"].notna()]
    assert len(model.panel) + int(usable["suspect"].sum()) == len(usable)
    assert set(model.excluded["reason"]) <= {"tariff missing", "flagged suspect by the data layer"}
    china = model.panel.loc[model.panel["country_code"] == "CHN"].set_index("year")
    assert china.loc[2000, "years_in_regime"] < 0 < china.loc[2002, "years_in_regime"]
    algeria = model.panel.loc[model.panel["country_code"] == "DZA", "years_in_regime"]
    assert algeria.isna().all()  # never joined: Nash tariff in every year


def test_spec_errors_name_the_key(simulated):
    panel, truth = simulated
    with pytest.raises(SpecError, match="regime.phase_in: expected one of estimated, fixed"):
        TariffAccessionModel(panel, {"regime": {"phase_in": "instant"}})
    with pytest.raises(SpecError, match="weights.lkj_concentration: must be > 0"):
        TariffAccessionModel(panel, {"weights": {"lkj_concentration": 0.0}})


def test_constant_tariff_path_puts_every_year_at_the_reciprocal_tariff(simulated):
    """regime.tariff_path = "constant" (the comparison model of `retrench compare`): the mean
    tariff is (1 + t^R_c) e^{trend (year − ref)} − 1 in every row, entry or not."""
    panel, truth = simulated
    spec = _spec(truth.reference_year) | {"regime": {"tariff_path": "constant"}}
    model = TariffAccessionModel(panel, spec)
    prior = model.prior_predictive(draws=3, seed=4)
    c = model.panel["country_code"].map({k: i for i, k in enumerate(model.countries)}).to_numpy()
    years = model.panel["year"].to_numpy() - truth.reference_year
    for draw in range(3):
        t_R = prior["tariff_reciprocal"].values[draw]
        trend = float(prior["trend"].values[draw])
        expected = (1 + t_R[c]) * np.exp(trend * years) - 1
        np.testing.assert_allclose(prior["tariff_mean"].values[draw], expected, rtol=1e-10)
    switching = TariffAccessionModel(panel, _spec(truth.reference_year))
    assert switching.spec["regime"]["tariff_path"] == "nash_then_reciprocal"


def test_calibrate_simulate_option_is_checked_against_the_simulator(tmp_path):
    from typer.testing import CliRunner

    from retrench.cli import app

    runner = CliRunner()
    out = tmp_path / "sbc"
    result = runner.invoke(
        app, ["calibrate", "accession", "--out", str(out), "--simulate-option", "size=9"]
    )
    assert result.exit_code == 2 and "takes structure" in result.output, result.output
    result = runner.invoke(
        app, ["calibrate", "accession", "--out", str(out), "--simulate-option", "structure"]
    )
    assert result.exit_code == 2 and "KEY=VALUE" in result.output, result.output
    assert not out.exists()


def test_fit_saved_before_new_spec_keys_loads_with_what_it_did(fitted, simulated, tmp_path):
    """A fit whose stored spec predates parameterisation.country_sigma and regime.tariff_path
    loads with the values that reproduce it (non-centred scales, switching path), not today's
    defaults, and not as a 'missing key' error."""
    import json

    import xarray as xr

    from retrench.bayes.persistence import provenance_attrs

    panel, truth = simulated
    model, mcmc, _ = fitted
    samples = mcmc.get_samples(group_by_chain=True)
    posterior = xr.Dataset({"trend_scaled": (("chain", "draw"), samples["trend_scaled"])})
    model.seed = 0
    for name, drop in (("new.nc", False), ("old.nc", True)):
        stored = json.loads(model.spec_json)
        if drop:  # what a fit saved before the two keys existed stored
            del stored["parameterisation"]["country_sigma"], stored["regime"]["tariff_path"]
        model.idata = xr.DataTree.from_dict({"posterior": posterior})
        model.idata.attrs.update(
            provenance_attrs("accession", json.dumps(stored), model.data_hash, 0)
        )
        model.save(tmp_path / name)
    old = TariffAccessionModel.load(tmp_path / "old.nc", panel)
    assert old.spec["parameterisation"]["country_sigma"] == "non_centred"
    assert old.spec["regime"]["tariff_path"] == "nash_then_reciprocal"
    # the file written today keeps what it stored (centred by default)
    again = TariffAccessionModel.load(tmp_path / "new.nc", panel)
    assert again.spec["parameterisation"]["country_sigma"] == "centred"
