r"""Tariff-accession model: WTO/GATT entry separates γ_E from γ_M (issue 16; seed 002).

In DeRemer's model (after Bagwell–Staiger) a government outside a reciprocal agreement sets the
Nash tariff, which depends on its weight on import-competing profits alone,
t^N(γ_M) = (8γ_M − 5)/(41 − 8γ_M) ad valorem (τ^N = (8γ_M − 5)/(4(17 − 2γ_M)) specific, through
the model's world price p^w(τ) = (4 − 3τ)/7); inside, governments negotiate to the reciprocal
efficient tariff t^R(γ_E, γ_M) = (2γ_M + 1 − 3γ_E)/(2(4 − γ_M)) (eq. 7). An economy observed on
both sides of its entry identifies γ_M from its tariffs before and γ_E (given γ_M) from its
tariffs after (Bagwell & Staiger 2011 use WTO accessions the same way).

Model, for economy c and year y:

* weights on the bounded domain of :mod:`retrench.designs.accession.structure`
  (γ_M ∈ (5/8, 7/4), γ_E ∈ ((8γ_M − 5)/9, 3)) through the logit coordinates u_c = (u_R, u_M)_c
  of the reciprocal tariff t^R_c on (−1, 1/3) and of γ_M on (5/8, 7/4), a bijection of that
  domain (γ_E solved from t^R and γ_M): u_c = μ + diag(s) L z_c, z_c ~ Normal(0, I₂),
  L L' = R ~ LKJ(η) (the correlation ρ between the two coordinates is estimated), μ and s with
  the spec's priors (non-centred). The prior on γ_E is the one these imply;
* regime: share_cy = 1 − exp(−max(x_cy, 0)/φ), x_cy = years from entry (GATT date for
  original members, WTO date for Article XII accessions) to 1 July of y, 0 for an economy that
  never joined; φ (``phase_in_years``) fixed at 3 years by default or estimated
  (``[regime]``): estimated on the WDI panel it ran to ~36 years, reading the members'
  continuing liberalisation after entry as a slow move toward negative reciprocal tariffs
  (see docs/tariffs_accession.md), so the estimate is the sensitivity run;
* mean tariff t_cy = (1 − share_cy) t^N(γ_M,c) + share_cy t^R(γ_E,c, γ_M,c);
* observation y_cy = (1 + t_cy) e^{β(y − ref)} − 1 + σ_c ε_cy, ε Normal or Student-t,
  σ_c = floor + exp(a + b z'_c) (hierarchical, non-centred); reported tariffs at or below
  ``censor_below_pct`` are left-censored (:class:`~retrench.bayes.censored.LeftCensored`),
  never clipped.

Identifying assumption: an economy's weights (γ_E, γ_M) are the same before and after its
entry; only the regime changes. Accession itself does not change who has the government's ear.
A shift in weights at accession (issue 16's variant) is not in this version.

Domain (stated in full in :mod:`~retrench.designs.accession.structure`): the lower bound of
γ_M is 5/8, where the Nash tariff is zero, so that the low pre-accession tariffs of the Baltic
states, Moldova, Ukraine or Kazakhstan (0.1–3.8 %, far below the 9.1 % Nash tariff at γ_M = 1)
are Nash tariffs of governments with γ_M ≈ 0.63–0.79 rather than misfits; the regime assumption
(outside = Nash) is kept for every economy.

What the data identify: γ_M,c from the years outside, γ_E,c given γ_M,c from the years inside,
for economies seen on both sides (29 Article XII members in the WDI file, plus original members
that joined GATT after 1988). Economies always inside identify only t^R_c (their (γ_E, γ_M) lie
on an iso-tariff curve, located along it by the hierarchical prior and its correlation); those
always outside identify γ_M,c only. The phase-in time φ is identified by the post-entry paths.

Left out of this first version: the 2018–20 trade-war block of :mod:`retrench.bayes.tariffs`
(it concerns the United States, an always-member, and adds a root find per draw), public-weight
counterfactuals and the weight-shift variant.

| code | symbol | meaning |
|---|---|---|
| ``gamma_E``, ``gamma_M`` | γ_E,c, γ_M,c | government weights on exporter / import-rival profits |
| ``weights_raw`` | z_c | standard-normal coordinates (columns ``reciprocal``, ``gamma_M``) |
| ``mu_reciprocal_logit``, ``mu_gamma_M_logit`` | μ_R, μ_M | means of u_R, u_M |
| ``sd_reciprocal_logit``, ``sd_gamma_M_logit`` | s_R, s_M | spreads of u_R, u_M |
| ``weights_correlation`` | ρ | correlation of u_R and u_M across economies |
| ``tariff_nash``, ``tariff_reciprocal`` | t^N_c, t^R_c | ad-valorem regime tariffs |
| ``phase_in_years`` | φ | years to 63 % of the move from t^N to t^R after entry |
| ``regime_share`` | share_cy | policy node: set it to 0 for "never joined" |
| ``trend`` | β | drift of log(1 + t) per year around ``data.reference_year`` |
| ``sigma_country`` | σ_c | measurement-error scale of economy c (fraction) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from retrench.bayes.base import StructuralModel, policy_node, record_solver_failures
from retrench.bayes.censored import LeftCensored
from retrench.bayes.priors import hierarchical_normal, prior_distribution, scaled_site
from retrench.designs.accession.panel import prepare_accession_panel
from retrench.designs.accession.spec import ACCESSION_SCHEMA
from retrench.designs.accession.structure import (
    gamma_E_from_reciprocal,
    gamma_M_from_logit,
    reciprocal_from_logit,
    regime_share,
    regime_tariffs,
)

WEIGHT_COORDINATES = ("reciprocal", "gamma_M")
TREND_UNIT = 0.001


class TariffAccessionModel(StructuralModel):
    """Nash tariffs outside, reciprocal efficient tariffs inside; see the module docstring.

    Args:
        data: economy-year tariffs with regime timing, in the schema of
            :func:`retrench.data.wto_status_panel` (or the columns the spec maps).
        spec: None (``models/accession.toml``), a TOML path, or a dict merged over it.
    """

    schema = ACCESSION_SCHEMA
    observed_sites = ("tariff_obs",)
    summary_sites = (
        "mu_reciprocal_logit",
        "mu_gamma_M_logit",
        "sd_reciprocal_logit",
        "sd_gamma_M_logit",
        "weights_correlation",
        "phase_in_years",
        "trend",
        "sigma_log_mean",
        "sigma_log_sd",
        "gamma_E",
        "gamma_M",
    )

    def __init__(
        self, data: pd.DataFrame, spec: str | os.PathLike[str] | Mapping | None = None
    ) -> None:
        super().__init__(data, spec)

    # --- data -------------------------------------------------------------------------------
    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        panel, self.excluded = prepare_accession_panel(data, self.spec["data"])
        self.countries = np.array(sorted(panel["country_code"].unique()))
        return panel

    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        country_index = {c: i for i, c in enumerate(self.countries)}
        inputs = {
            "country": jnp.asarray(panel["country_code"].map(country_index).to_numpy()),
            "years_from_ref": jnp.asarray(
                (panel["year"] - self.spec["data"]["reference_year"]).to_numpy(float)
            ),
            "years_in_regime": jnp.asarray(panel["years_in_regime"].to_numpy(float)),
        }
        return inputs, {"tariff": jnp.asarray(panel["tariff"].to_numpy(float))}

    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        coords: dict[str, Sequence[Any]] = {
            "country": list(self.countries),
            "weight": list(WEIGHT_COORDINATES),
            "obs": list(range(len(self.panel))),
        }
        per_country = (
            "gamma_E",
            "gamma_M",
            "tariff_nash",
            "tariff_reciprocal",
            "log_sigma_excess",
            "log_sigma_excess_raw",
            "sigma_country",
        )
        dims = {name: ["country"] for name in per_country}
        dims |= {name: ["country", "weight"] for name in ("weights_raw", "weights_logit")}
        dims |= {name: ["obs"] for name in ("tariff_obs", "regime_share", "tariff_mean")}
        return coords, dims

    # --- model ------------------------------------------------------------------------------
    def _phase_in_years(self) -> jax.Array:
        regime = self.spec["regime"]
        if regime["phase_in"] == "fixed":
            return numpyro.deterministic(
                "phase_in_years", jnp.asarray(regime["fixed_phase_in_years"])
            )
        return numpyro.sample(
            "phase_in_years", prior_distribution(self.spec["priors"]["phase_in_years"])
        )

    def _weights(self, n_country: int) -> tuple[jax.Array, jax.Array]:
        """(γ_E, γ_M) per economy from the non-centred bivariate normal on (u_R, u_M)."""
        priors = self.spec["priors"]
        mu = jnp.stack(
            [
                numpyro.sample(f"mu_{name}_logit", prior_distribution(priors[f"mu_{name}_logit"]))
                for name in WEIGHT_COORDINATES
            ]
        )
        sd = jnp.stack(
            [
                numpyro.sample(f"sd_{name}_logit", prior_distribution(priors[f"sd_{name}_logit"]))
                for name in WEIGHT_COORDINATES
            ]
        )
        chol = numpyro.sample(
            "weights_corr_cholesky",
            dist.LKJCholesky(2, self.spec["weights"]["lkj_concentration"]),
        )
        numpyro.deterministic("weights_correlation", chol[1, 0])
        scale_tril = sd[:, None] * chol
        if self.spec["parameterisation"]["weights"] == "centred":
            with numpyro.plate("countries", n_country):
                u = numpyro.sample(
                    "weights_logit", dist.MultivariateNormal(mu, scale_tril=scale_tril)
                )
        else:
            with numpyro.plate("countries", n_country):
                z = numpyro.sample("weights_raw", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
            u = numpyro.deterministic("weights_logit", mu + z @ scale_tril.T)
        gamma_M = numpyro.deterministic("gamma_M", gamma_M_from_logit(u[:, 1]))
        t_R = reciprocal_from_logit(u[:, 0])
        gamma_E = numpyro.deterministic("gamma_E", gamma_E_from_reciprocal(t_R, gamma_M))
        return gamma_E, gamma_M

    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        priors, lik = self.spec["priors"], self.spec["likelihood"]
        n_country = len(self.countries)
        gamma_E, gamma_M = self._weights(n_country)
        phase = self._phase_in_years()
        # sampled as trend / 0.001: its posterior sd (~3e-4) is far below the 1e-3 variance
        # NumPyro's mass-matrix regularisation assumes (see retrench.bayes.priors.scaled_site)
        trend = scaled_site("trend", priors["trend"], TREND_UNIT)
        sigma_mean = numpyro.sample("sigma_log_mean", prior_distribution(priors["sigma_log_mean"]))
        sigma_sd = numpyro.sample("sigma_log_sd", prior_distribution(priors["sigma_log_sd"]))
        with numpyro.plate("countries", n_country):
            # centred by default: ~20 years per economy pin each error scale, and the
            # non-centred form then ties every raw coordinate to (sigma_log_mean, sigma_log_sd)
            # (R-hat 1.07 for sigma_log_mean on the real panel, 2 × 300 draws)
            log_sigma_excess = hierarchical_normal(
                "log_sigma_excess",
                sigma_mean,
                sigma_sd,
                self.spec["parameterisation"]["country_sigma"],
            )

        t_nash, t_recip, ok = regime_tariffs(gamma_E, gamma_M)
        numpyro.deterministic("tariff_nash", t_nash)
        numpyro.deterministic("tariff_reciprocal", t_recip)
        record_solver_failures(ok)

        country = inputs["country"]
        if self.spec["regime"]["tariff_path"] == "constant":
            # the comparison model: one cooperative tariff t^R per economy in every year
            share = policy_node("regime_share", jnp.ones_like(inputs["years_in_regime"]))
        else:
            share = policy_node("regime_share", regime_share(inputs["years_in_regime"], phase))
        t_cy = (1.0 - share) * t_nash[country] + share * t_recip[country]
        mean = numpyro.deterministic(
            "tariff_mean", (1.0 + t_cy) * jnp.exp(trend * inputs["years_from_ref"]) - 1.0
        )
        sigma_c = numpyro.deterministic(
            "sigma_country", lik["sigma_floor_pct"] / 100.0 + jnp.exp(log_sigma_excess)
        )
        df = lik["df"] if lik["family"] == "student_t" else None
        with numpyro.plate("obs", mean.shape[0]):
            numpyro.sample(
                "tariff_obs",
                LeftCensored(mean, sigma_c[country], lik["censor_below_pct"] / 100.0, df=df),
                obs=None if observed is None else observed["tariff"],
            )
