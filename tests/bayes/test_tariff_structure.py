"""Tariff design: parameterisation algebra, panel preparation, prior predictive structure."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest
from numpyro.infer.util import log_density

from retrench.bayes.tariff_data import hs_section, prepare_country_panel, summarise_tradewar
from retrench.bayes.tariff_structure import (
    TARIFF_UPPER,
    ad_valorem_slope,
    gamma_E_lower_bound,
    gamma_M_from_tariff,
    power_shift_flagged,
    rules_tariff,
    tariff_from_logit,
    tariff_logit,
)
from retrench.bayes.tariffs import TariffModel
from retrench.data.simulate_tariffs import simulate_tariff_panel
from retrench.errors import DataError


def test_gamma_M_from_tariff_inverts_eq7_on_a_grid():
    t = np.linspace(-0.3, 0.3, 13)[:, None]
    gamma_E = np.linspace(1.0, 2.9, 11)[None, :]
    gamma_E = np.maximum(gamma_E, np.asarray(gamma_E_lower_bound(t)) + 1e-3)
    gamma_M = np.asarray(gamma_M_from_tariff(t, gamma_E))
    # eq. 7 (specific) then the ad-valorem map by hand: p^w = (4 - 3 tau)/7
    tau = 4 * (2 * gamma_M + 1 - 3 * gamma_E) / (59 - 9 * gamma_E - 8 * gamma_M)
    np.testing.assert_allclose(tau / ((4 - 3 * tau) / 7), np.broadcast_to(t, tau.shape), atol=1e-12)
    assert np.all(gamma_M >= 1.0 - 1e-9) and np.all(gamma_M < 4.0)
    t_model, tau_model = rules_tariff(gamma_E, gamma_M)
    np.testing.assert_allclose(np.asarray(t_model), np.broadcast_to(t, tau.shape), atol=1e-12)


def test_tariff_domain_of_the_logit_coordinate():
    assert pytest.approx(1 / 3, abs=1e-14) == TARIFF_UPPER  # tau = 1/6 prohibitive, p^w = 1/2
    x = np.array([-40.0, -2.0, 0.0, 1.31, 40.0])
    t = np.asarray(tariff_from_logit(x))
    assert np.all((t >= -1) & (t <= 1 / 3)) and abs(t[3] - 0.05) < 0.002
    np.testing.assert_allclose(tariff_logit(t[1:4]), x[1:4], rtol=1e-10)


def _wdi_like_rows():
    panel, _ = simulate_tariff_panel(n_countries=4, n_years=3, seed=1)
    return panel


def test_prepare_panel_leaves_out_and_lists_suspect_missing_and_aggregate_rows():
    raw = _wdi_like_rows()
    raw.loc[0, "suspect"] = True
    raw.loc[1, "tariff_applied_pct"] = np.nan
    raw.loc[2, "is_aggregate"] = True
    spec = TariffModel(_wdi_like_rows()).spec["data"] | {"years": [2000, 2030]}
    panel, excluded = prepare_country_panel(raw, spec)
    assert len(panel) == len(raw) - 3
    assert sorted(excluded["reason"]) == sorted(
        ["flagged suspect by the data layer", "tariff missing", "aggregate (not an economy)"]
    )
    np.testing.assert_allclose(
        panel["tariff"].to_numpy(), raw.loc[3:, "tariff_applied_pct"].to_numpy() / 100
    )


def test_prepare_panel_rejects_negative_tariffs_and_missing_groups_naming_them():
    spec = TariffModel(_wdi_like_rows()).spec["data"] | {"years": [2000, 2030]}
    raw = _wdi_like_rows()
    raw.loc[4, "tariff_applied_pct"] = -1.0
    with pytest.raises(DataError, match=r"'tariff_applied_pct'.*S01"):
        prepare_country_panel(raw, spec)
    raw = _wdi_like_rows()
    raw.loc[raw["country_code"] == "S02", "region"] = np.nan
    with pytest.raises(DataError, match=r"'region': missing group for S02"):
        prepare_country_panel(raw, spec)


def test_hs_sections_and_tradewar_summary():
    codes = pd.Series(["010121", "050100", "720851", "847130", "970110"])
    assert list(hs_section(codes)) == [
        "I animals",
        "I animals",
        "XV base metals",
        "XVI machinery",
        "XXI art",
    ]
    with pytest.raises(DataError, match="no HS section"):
        hs_section(pd.Series(["990100"]))
    base, war = pd.Timestamp("2018-01-01"), pd.Timestamp("2020-02-14")
    rows = []
    for hs6, b, w, sus in (
        ("720851", 0.0, 25.0, False),
        ("720852", 2.0, 27.0, False),
        ("847130", 0.0, 7.5, False),
        ("847131", 0.0, 350.0, True),
    ):
        for date, tariff in ((base, b), (war, w)):
            rows.append(
                {
                    "direction": "us_on_china",
                    "hs6": hs6,
                    "date": date,
                    "tariff_pct": tariff,
                    "baseline_tariff_pct": b,
                    "suspect": sus,
                }
            )
    sections, excluded = summarise_tradewar(pd.DataFrame(rows), "2020-02-14")
    assert list(sections["section"]) == ["XV base metals", "XVI machinery"]
    np.testing.assert_allclose(sections["change"], [0.25, 0.075])
    np.testing.assert_allclose(sections["baseline"], [0.01, 0.0])
    # base metals: changes 0.25 and 0.25 -> sd 0 -> floor; machinery: a single line -> floor
    np.testing.assert_allclose(sections["change_se"], [0.001, 0.001])
    assert list(excluded["hs6"]) == ["847131"]


def _usa_panel_and_tradewar():
    panel, _ = simulate_tariff_panel(n_countries=5, n_years=3, seed=2)
    panel.loc[panel["country_code"] == "S00", "country_code"] = "USA"
    tradewar = pd.DataFrame(
        [
            {
                "direction": "us_on_china",
                "hs6": hs6,
                "date": pd.Timestamp(d),
                "tariff_pct": t,
                "baseline_tariff_pct": 0.0,
                "suspect": False,
            }
            for hs6 in ("720851", "847130")
            for d, t in (("2018-01-01", 0.0), ("2020-02-14", 20.0))
        ]
    )
    return panel, tradewar


@pytest.fixture(scope="module")
def usa_prior():
    """The default (effect-form) model on a panel with the U.S. and its prior draws."""
    panel, tradewar = _usa_panel_and_tradewar()
    model = TariffModel(panel, tradewar=tradewar)
    return model, model.prior_predictive(draws=200, seed=0)


def test_prior_predictive_power_shift_raises_home_tariff_remark_2(usa_prior):
    model, prior = usa_prior
    home = list(model.countries).index("USA")
    rise = prior["tariff_power_home"] - prior["tariff_rules"].isel(country=home)
    shift = prior["bargaining_shift"]
    ok = prior["solver_failures"] == 0
    assert float(ok.mean()) > 0.95
    sign_agrees = (np.sign(rise) == np.sign(shift)).where(ok)
    assert float(sign_agrees.mean()) == 1.0


def test_effect_parameterisation_is_a_change_of_variables_of_the_centred_one(usa_prior):
    """log p_effect(c m, c s, c shift, rest) = log p_centred(m, s, shift, rest) - (G + 2) log c
    with c = 100 (dt/dtau)(tau_US) dtau_x/dlambda at the U.S. weights (affine Jacobian; effects
    in percentage points)."""
    effect, prior = usa_prior
    panel, tradewar = _usa_panel_and_tradewar()
    centred = TariffModel(panel, {"parameterisation": {"tradewar_shift": "centred"}}, tradewar)
    assert effect.spec["parameterisation"]["tradewar_shift"] == "effect"
    home = list(centred.countries).index("USA")
    args = (centred.inputs, centred.observed)
    lp_centred = jax.jit(lambda p: log_density(centred.model, args, {}, p)[0])

    def _effect(p):
        lp, trace = log_density(effect.model, args, {}, p)
        return lp, trace["bargaining_shift_latent"]["value"]

    lp_effect = jax.jit(_effect)
    n_section = len(centred.tradewar)
    for draw in (0, 7, 42):  # the effect model's draws, read in the centred coordinates
        params = {n: jnp.asarray(prior[n].values[draw]) for n in centred.site_names()["latent"]}
        gE = prior["gamma_E"].values[draw, home]
        gM = prior["gamma_M"].values[draw, home]
        _, tau = rules_tariff(gE, gM)
        dtau_x, _, ok = power_shift_flagged(jnp.asarray(gE), jnp.asarray(gM))
        c = 100 * float(ad_valorem_slope(tau) * dtau_x)
        assert bool(ok) and c > 0
        moved = {n: v for n, v in params.items() if not n.startswith("bargaining_shift")}
        moved["tradewar_effect_mean"] = c * params["bargaining_shift_mean"]
        moved["tradewar_effect_sd"] = c * params["bargaining_shift_sd"]
        moved["tradewar_effect"] = c * params["bargaining_shift_latent"]
        expected = float(lp_centred(params)) - (n_section + 2) * np.log(c)
        assert np.isfinite(expected)
        lp, shifts = lp_effect(moved)
        np.testing.assert_allclose(float(lp), expected, rtol=1e-10)
        # the shifts the effect form records are the centred form's
        np.testing.assert_allclose(shifts, params["bargaining_shift_latent"], rtol=1e-10)


def test_scaled_trend_coordinate_leaves_the_model_unchanged():
    """trend sampled as trend/unit: log density differs by the Jacobian log(unit) only."""
    panel, _ = simulate_tariff_panel(n_countries=4, n_years=3, seed=1)
    direct = TariffModel(panel, {"parameterisation": {"trend_unit": 1.0}})
    scaled = TariffModel(panel, {"parameterisation": {"trend_unit": 0.001}})
    prior = direct.prior_predictive(draws=2, seed=3)
    args = (direct.inputs, direct.observed)
    for draw in range(2):
        params = {n: jnp.asarray(prior[n].values[draw]) for n in direct.site_names()["latent"]}
        moved = {n: v for n, v in params.items() if n != "trend"}
        moved["trend_scaled"] = params["trend"] / 0.001
        lp_direct, _ = log_density(direct.model, args, {}, params)
        lp_scaled, tr = log_density(scaled.model, args, {}, moved)
        np.testing.assert_allclose(float(lp_scaled), float(lp_direct) + np.log(0.001), rtol=1e-10)
        np.testing.assert_allclose(tr["trend"]["value"], params["trend"], rtol=1e-12)


def test_power_shift_gradient_survives_a_non_finite_cotangent():
    """A leapfrog step to a non-finite log density must give a divergence, not an exception
    from the implicit adjoint's linear solve; regular gradients match finite differences."""
    grad_inf = jax.grad(lambda e: power_shift_flagged(e, 1.2)[0] * jnp.inf)(1.1)
    assert float(grad_inf) == 0.0
    grad = float(jax.grad(lambda e: power_shift_flagged(e, 1.2)[0])(1.1))
    h = 1e-6
    up, down = (float(power_shift_flagged(1.1 + d, 1.2)[0]) for d in (h, -h))
    assert grad == pytest.approx((up - down) / (2 * h), rel=1e-5)


def test_efficient_outcome_past_the_prohibitive_tariff_is_autarky():
    from retrench.designs.tariffs.structure import efficient_tariff_or_autarky

    # section 3.3 market, symmetric weights: eq. 7 in ad-valorem form (2γ_M + 1 − 3γ_E)/(2(4 − γ_M))
    gamma_E = jnp.array([1.0, 1.0, 1.0, 1.0, 3.0])
    gamma_M = jnp.array([1.5, 2.0, 2.5, 7.0, 1.0])
    t, tau, autarky = efficient_tariff_or_autarky(gamma_E, gamma_M)
    # 0.2 is interior; 0.5 and 1.0 are past t = 1/3 where imports (1 − p) − 0.5p vanish at
    # p = 2/3, i.e. τ = 1/6; γ_M = 7 makes joint welfare non-concave (59 − 9 − 56 < 0): NaN;
    # γ_E = 3, γ_M = 1 gives τ = −1 (zero local price): NaN, not autarky
    np.testing.assert_allclose(t[:3], [0.2, 1 / 3, 1 / 3], rtol=1e-12)
    np.testing.assert_allclose(tau[1:3], [1 / 6, 1 / 6], rtol=1e-12)
    assert list(np.asarray(autarky)) == [False, True, True, False, False]
    assert np.all(np.isnan(np.asarray(t[3:]))) and np.all(np.isnan(np.asarray(tau[3:])))


def test_power_counterfactual_refuses_a_shift_past_the_domain(usa_prior):
    """`simulate --policy power --amount A`: a shift moving the U.S. tariff past the prohibitive
    tariff is refused (naming the amount and the domain), a small one is computed."""
    import xarray as xr

    from retrench.designs.tariffs.policies import rules_to_power
    from retrench.errors import SpecError

    model, prior = usa_prior
    ok = np.flatnonzero(prior["solver_failures"].values == 0)[:20]
    latent = {n: prior[n].isel(draw=ok) for n in model.site_names()["latent"]}
    model.idata = xr.DataTree.from_dict(
        {"posterior": xr.Dataset({n: v.expand_dims(chain=1) for n, v in latent.items()})}
    )
    model.seed = 0
    small = rules_to_power(model, 0.01)
    rise = small["power_tariff_rise"].values
    assert np.all(np.isfinite(rise))
    with pytest.raises(SpecError, match=r"amount: a bargaining shift of 1e\+09 .* 100 %"):
        rules_to_power(model, 1e9)
