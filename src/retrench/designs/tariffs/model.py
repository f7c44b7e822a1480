r"""Exporter-influence tariff model (DeRemer 2023, seed 002) estimated on country tariffs.

Structure (DESIGN.md sections 3 and 6):

* Each country's cooperative, rules-based tariff is the reciprocal efficient tariff of eq. 7 at
  its government weights (symmetric with its partner), expressed ad valorem through the model's
  own world price: t_c = τ_c / p^w(τ_c) = (2γ_M + 1 − 3γ_E) / (2(4 − γ_M)).
* Partial pooling on the logit of t_c over the theory's tariff domain (−1, 1/3) (imports vanish at
  t = 1/3): logit((t_c + 1)/(4/3)) = μ + σ_g z_{g(c)} + σ_c z_c, groups = region or income group.
* Parameterisation (section 6's prototype lesson): t_c is sampled directly, γ_E on its own
  bounded coordinate γ_E = lo + (3 − lo) sigmoid(ℓ_c), lo = max(1, 1 − 2t_c), and γ_M is solved
  from (t_c, γ_E): γ_M = (8t_c − 1 + 3γ_E)/(2(1 + t_c)). Then γ_E < 3 ⇒ γ_M < 4 (the pole of eq. 7)
  and γ_M > 1. The ridge between γ_E and γ_M is a coordinate axis, so NUTS does not crawl along it.
* Sampler coordinates (``[parameterisation]``; the model is the same in every form, see
  ``docs/tariffs_real_fit.md`` for the diagnosis on the WDI panel): group means and country
  error scales centred (the data pin them well inside their spread), the trend sampled as
  β / ``trend_unit`` (its posterior sd ~3e-5 is below what NumPyro's regularised mass-matrix
  estimate can represent), the trade-war shifts through their tariff effects
  (:mod:`retrench.designs.tariffs.tradewar`).
* Storage (``[posterior] deterministics``): by default a fit keeps the latent sites, the scalar
  and summary deterministics, the log likelihood and the predictive groups; per-country
  deterministics (τ_c, W, PCBR, σ_c) are recomputed by :meth:`counterfactual` when needed.
* Observation: y_ct = (1 + t_c) e^{β(year − ref)} − 1 + σ_c ε_ct, ε Normal or Student-t,
  σ_c = floor + exp(a + b z'_c); reported tariffs ≤ ``censor_below_pct`` are left-censored
  (:class:`~retrench.bayes.censored.LeftCensored`), never clipped: the model may put t_c < 0
  (import subsidies when 3γ_E > 2γ_M + 1). With normal errors and several rows per (country,
  year) cell, NUTS evaluates the same sum from per-cell sufficient statistics
  (:meth:`TariffModel.sampling_arguments`, :mod:`retrench.bayes.cell_statistics`).
* Trade war (section 4): the U.S. tariff on China in HS section g moved from the rules-based point
  toward a power-based one, Δt_g = Δλ_g · dt_x/dλ(γ_E^US, γ_M^US) + e_g, e_g ~ Normal(0, se_g)
  with se_g the known standard error of the section's mean over its HS6 lines (one observation
  per section cannot also identify a free noise scale next to the spread of Δλ_g), dt_x/dλ from
  :func:`retrench.theory.tariffs.power_shift` (a Newton root find inside the log density; a
  failure is ``-inf``, counted in ``solver_failures``). China's retaliation is not used: the
  paper notes the model cannot fit it (a power shift lowers the weaker side's tariff).

Identification (what the data say and what the priors carry):

* The WDI panel identifies t_c (one ad-valorem tariff per country and year) and so the single
  combination 2γ_M + 1 − 3γ_E − 2t_c(4 − γ_M) = 0 of each country's weights: the posterior of
  (γ_E, γ_M) lies on an iso-tariff curve. γ_E (and with it γ_M) is carried by the
  ``gamma_E_logit`` prior; compare prior and posterior of ``gamma_E`` (no contraction expected).
* The trade war identifies Δλ_g · dt_x/dλ only. dt_x/dλ depends on (γ_E, γ_M) beyond t_c, so with
  the ``bargaining_shift`` prior it moves the U.S. weights a little; Δλ and γ_E^US are not
  separately identified from one country.
* Public weights (γ^W) are not estimated: they come from the spec's ``[public_weights]``.

| code | symbol | meaning |
|---|---|---|
| ``tariff_rules`` | t_c | ad-valorem reciprocal efficient (rules-based) tariff of country c |
| ``gamma_E``, ``gamma_M`` | γ_E^G, γ_M^G | government weights on exporter / import-rival profits |
| ``gamma_E_policy``, ``gamma_M_policy`` | | policy nodes: weights the tariff is set with |
| ``trend`` | β | drift of log(1 + t) per year around ``data.reference_year`` |
| ``sigma_country`` | σ_c | measurement-error scale of country c (fraction) |
| ``bargaining_shift`` | Δλ_g | policy node: rise of Home's bargaining weight in HS section g |
| ``public_welfare`` | W | public welfare (eq. 2, public weights) at the symmetric tariff |
| ``pcbr_free_trade`` | PCBR | Rodrik's redistribution per efficiency gain of cutting τ_c to 0 |
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

from retrench.bayes import inference_data as idio
from retrench.bayes import persistence
from retrench.bayes.base import StructuralModel, policy_node, record_solver_failures
from retrench.bayes.cell_statistics import observe_left_censored, reduce_to_cells
from retrench.bayes.priors import hierarchical_normal, prior_distribution
from retrench.designs.tariffs.panel import prepare_country_panel, summarise_tradewar
from retrench.designs.tariffs.spec import TARIFF_SCHEMA, public_policy, public_weights
from retrench.designs.tariffs.structure import (
    GAMMA_E_UPPER,
    ad_valorem_slope,
    efficient_tariff_or_autarky,
    gamma_E_lower_bound,
    gamma_M_from_tariff,
    home_public_welfare,
    pcbr_of_cut_to_zero,
    power_shift_flagged,
    rules_tariff,
    scaled_site,
    tariff_from_logit,
)
from retrench.designs.tariffs.tradewar import EFFECT_SITES, bargaining_shifts
from retrench.errors import DataError
from retrench.theory.tariffs import TariffWeights, tariff_in_domain

GLOBAL_SITES = (
    "mu_tariff_logit",
    "group_sd",
    "country_sd",
    "trend",
    "trend_scaled",
    "sigma_log_mean",
    "sigma_log_sd",
    "bargaining_shift_mean",
    "bargaining_shift_sd",
    EFFECT_SITES[0],
    EFFECT_SITES[1],
)


def drop_sites(idata: idio.InferenceData, names: Sequence[str], groups: Sequence[str]) -> None:
    """Remove the variables ``names`` (where present) from the groups ``groups`` of ``idata``."""
    for group_name in groups:
        if idio.has_group(idata, group_name):
            idio.drop_variables(idata, group_name, names)


class TariffModel(StructuralModel):
    """Hierarchical exporter-influence tariff model; see the module docstring.

    Args:
        data: country-year tariffs in the schema of
            :func:`retrench.data.panels_tariffs.tariff_country_panel` (or the columns the spec
            maps).
        spec: None (``models/tariffs.toml``), a TOML path, or a dict merged over the default.
        tradewar: optional :func:`retrench.data.panels_tariffs.tradewar_tariff_panel` frame;
            used when ``tradewar.use`` and the spec's ``tradewar.country`` is in ``data``.
    """

    schema = TARIFF_SCHEMA
    observed_sites = ("tariff_obs", "tradewar_change")
    summary_sites = (
        "mu_tariff_logit",
        "group_sd",
        "country_sd",
        "trend",
        "sigma_log_mean",
        "sigma_log_sd",
        "tariff_rules",
        "gamma_E",
        "gamma_M",
    )
    tradewar_summary_sites = ("bargaining_shift_mean", "bargaining_shift_sd")
    optional_summary_sites = tradewar_summary_sites  # diagnosed when the trade-war block is on

    def __init__(
        self,
        data: pd.DataFrame,
        spec: str | os.PathLike[str] | Mapping | None = None,
        tradewar: pd.DataFrame | None = None,
    ):
        self._tradewar_raw = tradewar
        super().__init__(data, spec)
        if self.tradewar is not None:
            self.summary_sites = self.summary_sites + self.tradewar_summary_sites

    # --- sampling and storage ---------------------------------------------------------------
    def nuts_options(self) -> dict[str, Any]:
        """A dense mass matrix over the global parameters when
        ``parameterisation.dense_mass_globals`` (their posterior correlations are then learnt
        in warm-up; the per-country blocks keep a diagonal mass)."""
        if not self.spec["parameterisation"]["dense_mass_globals"]:
            return {}
        latent = self.site_names()["latent"]
        return {"dense_mass": [tuple(n for n in GLOBAL_SITES if n in latent)]}

    def fit(
        self,
        draws: int | None = None,
        chains: int | None = None,
        seed: int | None = None,
        **options: Any,
    ) -> idio.InferenceData:
        """:meth:`StructuralModel.fit`, then, unless ``posterior.deterministics = "all"``, the
        per-country and per-observation deterministic sites other than the summary sites are
        removed from the posterior and prior groups (log likelihood and predictive groups stay;
        counterfactuals recompute any site from the latent draws)."""
        idata = super().fit(draws, chains, seed, **options)
        if self.spec["posterior"]["deterministics"] == "summary":
            _, dims = self.coords_and_dims()
            per_row = [
                name
                for name in self.site_names()["deterministic"]
                if name not in self.summary_sites and {"country", "obs"} & set(dims.get(name, []))
            ]
            drop_sites(idata, per_row, groups=("posterior", "prior"))
        return idata

    def sampling_arguments(self) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
        """With a normal likelihood and more rows than (country, year) cells, NUTS samples the
        same log density from per-cell sufficient statistics (``observed["tariff_cells"]``,
        :mod:`retrench.bayes.cell_statistics`; cost independent of the rows per cell); the
        per-row site ``tariff_obs`` stays what log likelihood and predictive checks see."""
        lik, inputs = self.spec["likelihood"], self.inputs
        if lik["family"] != "normal":
            return inputs, self.observed
        threshold = lik["censor_below_pct"] / 100.0
        tariff = self.observed["tariff"]
        cells = reduce_to_cells(inputs["country"], inputs["years_from_ref"], tariff, threshold)
        if int(cells.n_cells) == int(cells.n_rows):  # one row per cell (WDI panel): no gain
            return inputs, self.observed
        return inputs, {**self.observed, "tariff_cells": cells}

    # --- data -------------------------------------------------------------------------------
    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        panel, self.excluded = prepare_country_panel(data, self.spec["data"])
        self.countries = np.array(sorted(panel["country_code"].unique()))
        self.groups = np.array(sorted(panel["group"].unique()))
        self.tradewar, self.tradewar_excluded = None, None
        tw = self.spec["tradewar"]
        if self._tradewar_raw is not None and tw["use"]:
            if tw["country"] not in set(self.countries):
                raise DataError(
                    f"tradewar.country: {tw['country']!r} has no tariffs in the country panel"
                )
            self.tradewar, self.tradewar_excluded = summarise_tradewar(
                self._tradewar_raw, tw["date"]
            )
        return panel

    def compute_data_hash(self) -> str:
        """sha256 over the country panel and, when used, the trade-war section summary."""
        digest = persistence.panel_hash(self.panel)
        if self.tradewar is not None:
            digest = persistence.panel_hash(
                pd.DataFrame({"part": [digest, persistence.panel_hash(self.tradewar)]})
            )
        return digest

    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        country_index = {c: i for i, c in enumerate(self.countries)}
        group_index = {g: i for i, g in enumerate(self.groups)}
        first_rows = panel.drop_duplicates("country_code").set_index("country_code")
        inputs: dict[str, Any] = {
            "country": jnp.asarray(panel["country_code"].map(country_index).to_numpy()),
            "years_from_ref": jnp.asarray(
                (panel["year"] - self.spec["data"]["reference_year"]).to_numpy(float)
            ),
            "country_group": jnp.asarray(
                first_rows.loc[self.countries, "group"].map(group_index).to_numpy()
            ),
        }
        observed: dict[str, Any] = {"tariff": jnp.asarray(panel["tariff"].to_numpy(float))}
        if self.tradewar is not None:
            inputs["home_country"] = int(country_index[self.spec["tradewar"]["country"]])
            observed["tradewar_change"] = jnp.asarray(self.tradewar["change"].to_numpy(float))
            inputs["tradewar_change_se"] = jnp.asarray(self.tradewar["change_se"].to_numpy(float))
        return inputs, observed

    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        coords: dict[str, Sequence[Any]] = {
            "country": list(self.countries),
            "group": list(self.groups),
            "obs": list(range(len(self.panel))),
        }
        per_country = (
            "tariff_logit",
            "gamma_E_logit",
            "log_sigma_excess",
            "log_sigma_excess_raw",
            "tariff_rules",
            "tariff_autarky",
            "tariff_specific",
            "gamma_E",
            "gamma_M",
            "gamma_E_policy",
            "gamma_M_policy",
            "sigma_country",
            "public_welfare",
            "pcbr_free_trade",
        )
        dims = {name: ["country"] for name in per_country}
        dims |= {"group_mean": ["group"], "group_mean_raw": ["group"], "tariff_obs": ["obs"]}
        if self.tradewar is not None:
            coords["section"] = list(self.tradewar["section"])
            dims |= {
                name: ["section"]
                for name in (
                    "bargaining_shift_latent",
                    "bargaining_shift_latent_raw",
                    "bargaining_shift",
                    "tradewar_change",
                    "tariff_power_home",
                    "home_public_welfare_power",
                    EFFECT_SITES[2],
                )
            }
        return coords, dims

    # --- model ------------------------------------------------------------------------------
    def public_weights(self, gamma_M_government: jax.Array) -> TariffWeights:
        """Publics' weights γ^W (:func:`~retrench.designs.tariffs.spec.public_weights`)."""
        return public_weights(self.spec, gamma_M_government)

    def public_policy(self) -> dict[str, np.ndarray]:
        """The intervention ``{gamma_E_policy: γ_E^W [, gamma_M_policy: γ_M^W]}`` (per country)."""
        return public_policy(self.spec, len(self.countries))

    def _hierarchical(self, name: str, mean: jax.Array, sd: jax.Array, block: str) -> jax.Array:
        """Normal(mean, sd), centred or not as ``parameterisation.<block>`` says
        (:func:`~retrench.bayes.priors.hierarchical_normal`)."""
        return hierarchical_normal(name, mean, sd, self.spec["parameterisation"][block])

    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        priors, lik = self.spec["priors"], self.spec["likelihood"]
        n_country, n_group = len(self.countries), len(self.groups)
        mu = numpyro.sample("mu_tariff_logit", prior_distribution(priors["mu_tariff_logit"]))
        group_sd = numpyro.sample("group_sd", prior_distribution(priors["group_sd"]))
        country_sd = numpyro.sample("country_sd", prior_distribution(priors["country_sd"]))
        trend = scaled_site("trend", priors["trend"], self.spec["parameterisation"]["trend_unit"])
        sigma_mean = numpyro.sample("sigma_log_mean", prior_distribution(priors["sigma_log_mean"]))
        sigma_sd = numpyro.sample("sigma_log_sd", prior_distribution(priors["sigma_log_sd"]))
        with numpyro.plate("groups", n_group):
            group_mean = self._hierarchical("group_mean", mu, group_sd, "group")
        with numpyro.plate("countries", n_country):
            # centred: each country's tariff is pinned by its own years of data, so the
            # non-centred form would tie z_c to (mu, sd) and lengthen the trajectories
            logit_t = numpyro.sample(
                "tariff_logit", dist.Normal(group_mean[inputs["country_group"]], country_sd)
            )
            e_logit = numpyro.sample("gamma_E_logit", prior_distribution(priors["gamma_E_logit"]))
            log_sigma_excess = self._hierarchical(
                "log_sigma_excess", sigma_mean, sigma_sd, "country_sigma"
            )
        t_c = tariff_from_logit(logit_t)
        lower = gamma_E_lower_bound(t_c)
        gamma_E = numpyro.deterministic(
            "gamma_E", lower + (GAMMA_E_UPPER - lower) * jax.nn.sigmoid(e_logit)
        )
        gamma_M = numpyro.deterministic("gamma_M", gamma_M_from_tariff(t_c, gamma_E))
        t_check, tau_check = rules_tariff(gamma_E, gamma_M)
        ok = (
            jnp.isfinite(t_check)
            & tariff_in_domain(tau_check)
            & (jnp.abs(t_check - t_c) <= 1e-6 * (1.0 + jnp.abs(t_c)))
        )

        # policy block: the tariff is set at the policy weights (government's unless intervened)
        gamma_E_policy = policy_node("gamma_E_policy", gamma_E)
        gamma_M_policy = policy_node("gamma_M_policy", gamma_M)
        t_policy, tau_policy, autarky = efficient_tariff_or_autarky(gamma_E_policy, gamma_M_policy)
        numpyro.deterministic("tariff_rules", t_policy)
        numpyro.deterministic("tariff_autarky", autarky.astype(t_policy.dtype))  # 1: no trade
        numpyro.deterministic("tariff_specific", tau_policy)
        w_public = self.public_weights(gamma_M)
        numpyro.deterministic(
            "public_welfare", home_public_welfare(tau_policy, tau_policy, w_public)
        )
        numpyro.deterministic("pcbr_free_trade", pcbr_of_cut_to_zero(tau_policy))

        if "home_country" in inputs:
            ok = ok.at[inputs["home_country"]].set(
                ok[inputs["home_country"]]
                & self._tradewar_block(
                    inputs,
                    observed,
                    priors,
                    gamma_E,
                    gamma_M,
                    tau_check,
                    (t_policy, tau_policy),
                    w_public,
                )
            )
        record_solver_failures(ok)

        sigma_c = lik["sigma_floor_pct"] / 100.0 + jnp.exp(log_sigma_excess)
        numpyro.deterministic("sigma_country", sigma_c)
        observe_left_censored(  # per row, or (NUTS, see sampling_arguments) by cells
            "tariff_obs",
            lambda c, years: (1.0 + t_policy[c]) * jnp.exp(trend * years) - 1.0,
            sigma_c,
            lik["censor_below_pct"] / 100.0,
            rows=(inputs["country"], inputs["years_from_ref"]),
            observed=None if observed is None else observed["tariff"],
            cells=None if observed is None else observed.get("tariff_cells"),
            df=lik["df"] if lik["family"] == "student_t" else None,
        )

    def _tradewar_block(
        self, inputs, observed, priors, gamma_E, gamma_M, tau_government, policy, w_public
    ) -> jax.Array:
        """Trade-war likelihood for Home (the U.S.; :mod:`retrench.designs.tariffs.tradewar`);
        returns the root find's success flag. ``policy`` = (t, τ) at the policy weights."""
        t_policy, tau_policy = policy
        home = inputs["home_country"]
        n_section = len(self.tradewar)
        dtau_x, dtau_y, ps_ok = power_shift_flagged(gamma_E[home], gamma_M[home])
        tau_gov = tau_government[home]
        tau_gov = jnp.where(jnp.isfinite(tau_gov) & ps_ok, tau_gov, 0.05)  # NaN-free gradient
        response_government = ad_valorem_slope(tau_gov) * dtau_x
        shift_latent, response_ok = bargaining_shifts(
            priors,
            self.spec["parameterisation"]["tradewar_shift"],
            n_section,
            response_government,
            self._hierarchical,
        )
        shift = policy_node("bargaining_shift", shift_latent)
        tau_home = tau_policy[home]
        slope = ad_valorem_slope(tau_home)
        numpyro.deterministic("tariff_power_home", t_policy[home] + shift * slope * dtau_x)
        w_home = TariffWeights.symmetric(w_public.gamma_E[home], w_public.gamma_M[home])
        welfare_power = home_public_welfare(
            tau_home + shift * dtau_x, tau_home + shift * dtau_y, w_home
        )
        numpyro.deterministic("home_public_welfare_power", welfare_power)
        with numpyro.plate("sections", n_section):
            numpyro.sample(
                "tradewar_change",
                dist.Normal(shift * slope * dtau_x, inputs["tradewar_change_se"]),
                obs=None if observed is None else observed["tradewar_change"],
            )
        return ps_ok & response_ok
