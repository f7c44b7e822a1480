"""``GVCThresholdModel``: the GVC localization design (Qu & Yang 2023, seed 003) on the common
model interface (DESIGN.md section 2; :class:`retrench.bayes.base.StructuralModel`).

Specification ``models/gvc.toml``: eq. 16 (``thresholds.count = 0``), eq. 19
(``regressor = "mu"``) or eq. 20 (``"upsilon"``) with one or two thresholds. The NumPyro model is
:func:`retrench.designs.gvc.threshold.gvc_threshold_model` (fixed effects and φ marginalised
exactly, see there); ``fit`` samples (β, δ, σ) with the compiled sampler of
:mod:`retrench.designs.gvc.posterior` and stores, per draw, the fixed effects and φ drawn from
their exact conditionals, so the InferenceData holds joint draws of every parameter.

==================  =================================================================
InferenceData var   meaning
==================  =================================================================
``beta``            (chain, draw, regressor) c1..c4 on standardised ω, μ, υ, gr
``delta``           (chain, draw, threshold) slope changes at φ_j
``sigma``           (chain, draw) residual sd
``phi``             (chain, draw, threshold) φ_j drawn from p(φ | β, δ, σ, y), ω scale
``country_effect``  (chain, draw, country); ``year_effect`` (chain, draw, year)
``log_likelihood``  pointwise log p(gvc_it | all of the above), for PSIS-LOO
==================  =================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from retrench.bayes import inference_data as idio
from retrench.bayes import persistence
from retrench.bayes.base import StructuralModel
from retrench.bayes.priors import prior_distribution
from retrench.bayes.spec import (
    SpecSchema,
    boolean,
    int_range,
    non_negative_int,
    one_of,
    probability,
)
from retrench.data.validation import ColumnSpec as Column
from retrench.designs.gvc.matrices import DEFAULT_COLUMNS, ThresholdDesign, design_from_panel
from retrench.designs.gvc.policies import counterfactual_participation, threshold_membership
from retrench.designs.gvc.posterior import (
    ThresholdPosterior,
    ThresholdSampler,
    phi_posterior,
    pointwise_log_likelihood,
    posterior_mean_draws,
)
from retrench.designs.gvc.threshold import gvc_threshold_model, threshold_arrays
from retrench.errors import DataError, SpecError


def _threshold_count(value: Any, key: str) -> int:
    count = non_negative_int(value, key)
    if count > 2:
        raise SpecError(f"{key}: 0, 1 or 2 thresholds are supported (got {value!r})")
    return count


GVC_SCHEMA = SpecSchema(
    model_name="gvc",
    parameters=("beta", "delta", "sigma"),
    data_columns=("country", "year", "gvc", "omega", "mu", "upsilon", "gr", "sample_flag"),
    optional_columns=("sample_flag",),
    column_checks={
        "country": Column("", "str", description="country code"),
        "year": Column("", "int", ge=1900, le=2100, unit="year"),
        **{
            key: Column("", "float", nullable=True)
            for key in ("gvc", "omega", "mu", "upsilon", "gr")
        },
    },
    key_columns=("country", "year"),
    data_options={"years": int_range, "standardize": boolean},
    likelihood={"family": one_of("normal"), "fixed_effects": one_of("flat")},
    sections={
        "thresholds": {
            "count": _threshold_count,
            "regressor": one_of("mu", "upsilon"),
            "trim": probability,
            "phi_prior": one_of("uniform", "width"),
            "hansen_replications": non_negative_int,
        }
    },
)


class GVCThresholdModel(StructuralModel):
    """Panel threshold model of GVC participation (eq. 16/19/20) with exact φ posterior.

    Args:
        data: a country-year panel with the columns named in the spec's ``[data]`` table (the
            output of :func:`retrench.data.panels_gvc.gvc_panel` or of
            :func:`retrench.data.simulate_gvc.simulate_gvc_panel`).
        spec: path, dict of overrides, or None for ``models/gvc.toml``.
    """

    schema = GVC_SCHEMA
    observed_sites = ("gvc",)
    summary_sites = ("beta", "delta", "sigma")

    # --- design hooks ------------------------------------------------------------------------
    @property
    def n_thresholds(self) -> int:
        return int(self.spec["thresholds"]["count"])

    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        cols = self.spec["data"]
        panel = data
        flag = cols["sample_flag"]
        if flag in panel.columns:
            panel = panel[panel[flag].astype(bool)]
        first, last = cols["years"]
        panel = panel[(panel[cols["year"]] >= first) & (panel[cols["year"]] <= last)]
        if panel.empty:
            raise DataError(f"no rows left for years {first}-{last} (column {cols['year']!r})")
        return panel.sort_values([cols["country"], cols["year"]]).reset_index(drop=True)

    def _columns(self) -> dict[str, str]:
        return {k: self.spec["data"][k] for k in DEFAULT_COLUMNS}

    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        th = self.spec["thresholds"]
        self.design: ThresholdDesign = design_from_panel(
            panel,
            threshold_regressor=th["regressor"],
            columns=self._columns(),
            trim=th["trim"],
            standardize=self.spec["data"]["standardize"],
        )
        arrays = threshold_arrays(self.design, th["phi_prior"], two_thresholds=th["count"] == 2)
        # K = 0 has no δ: diagnostics of a fitted instance look only at sampled sites
        self.summary_sites = ("beta", "delta", "sigma") if th["count"] else ("beta", "sigma")  # type: ignore[misc]
        self.posterior: ThresholdPosterior | None = None
        return {"data": arrays}, {"gvc": self.design.y}

    def priors(self) -> dict[str, Any]:
        return {
            name: prior_distribution(self.spec["priors"][name]) for name in GVC_SCHEMA.parameters
        }

    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        d = self.design
        coords = {
            "regressor": list(d.covariate_names),
            "threshold": list(range(1, self.n_thresholds + 1)),
            "country": list(d.unit_labels),
            "year": list(d.time_labels),
            "obs": list(range(d.n_obs)),
        }
        dims = {
            "beta": ["regressor"],
            "delta": ["threshold"],
            "phi": ["threshold"],
            "country_effect": ["country"],
            "year_effect": ["year"],
            "gvc": ["obs"],
        }
        return coords, dims

    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        gvc_threshold_model(inputs["data"], self.n_thresholds, self.priors())

    # --- fitting -----------------------------------------------------------------------------
    def fit(
        self,
        draws: int | None = None,
        chains: int | None = None,
        seed: int | None = None,
        *,
        warmup: int | None = None,
        backend: str = "numpyro",
        **_: Any,
    ) -> idio.InferenceData:
        """NUTS on (β, δ, σ) with φ and the fixed effects marginalised; joint draws stored.

        ``backend="pymc"`` is not available for this design's fit yet (its exact-conditional
        sampler draws φ and the fixed effects after NUTS); :meth:`to_pymc` is."""
        if backend != "numpyro":
            raise SpecError(
                f"backend: the gvc design fits with its own sampler only (got {backend!r}); "
                "model.to_pymc() gives its PyMC model"
            )
        settings = self._sampler_settings(draws, chains, seed, warmup)
        self.record_sampler_settings(settings)
        sampler = ThresholdSampler(
            self.n_thresholds,
            draws=settings["draws"],
            warmup=settings["warmup"],
            chains=settings["chains"],
            priors=self.priors(),
            target_accept=settings["target_accept"],
        )
        self.posterior = sampler.run(
            self.design, settings["seed"], self.spec["thresholds"]["phi_prior"]
        )
        self.posterior.fixed_effects()
        self.idata, self.seed = self._to_inference_data(self.posterior), settings["seed"]
        idio.set_attrs(
            self.idata,
            persistence.provenance_attrs(
                self.schema.model_name, self.spec_json, self.data_hash, settings["seed"]
            ),
        )
        return self.idata

    def _to_inference_data(self, post: ThresholdPosterior) -> idio.InferenceData:
        """InferenceData from a :class:`ThresholdPosterior` (:func:`idio.from_arrays`)."""
        chains = post.chains
        alpha, eta = post.fixed_effects()

        def shaped(values: np.ndarray) -> np.ndarray:
            return np.asarray(values).reshape(chains, -1, *np.shape(values)[1:])

        posterior = {
            "beta": shaped(post.samples["beta"]),
            "sigma": shaped(post.samples["sigma"]),
            "country_effect": shaped(alpha),
            "year_effect": shaped(eta),
        }
        if post.n_thresholds:
            posterior["delta"] = shaped(post.samples["delta"])
            posterior["phi"] = shaped(post.design.grid[post.phi_index_draws])
        coords, dims = self.coords_and_dims()
        return idio.from_arrays(
            posterior,
            log_likelihood={"gvc": shaped(pointwise_log_likelihood(post))},
            observed_data={"gvc": post.design.y},
            sample_stats={"diverging": post.diagnostics["diverging"]},
            coords=coords,
            dims=dims,
        )

    def _require_posterior(self) -> ThresholdPosterior:
        if self.posterior is None:
            raise RuntimeError("GVCThresholdModel: call fit() or load() first")
        return self.posterior

    # --- predictive checks and counterfactuals ----------------------------------------------
    def posterior_predictive(self, seed: int | None = None) -> xr.Dataset:
        """Replicated GVC participation (raw scale), one per joint posterior draw."""
        post = self._require_posterior()
        rng = np.random.default_rng((self.seed or 0) + 1 if seed is None else seed)
        mean = posterior_mean_draws(post)
        y_rep = mean + post.samples["sigma"][:, None] * rng.standard_normal(mean.shape)
        loc, scale = self.design.scales["gvc"]
        shaped = (loc + scale * y_rep).reshape(post.chains, -1, self.design.n_obs)
        return xr.Dataset({"gvc": (("chain", "draw", "obs"), shaped)})

    def prior_predictive(self, draws: int = 500, seed: int | None = None) -> xr.Dataset:
        """Prior draws of (β, δ, σ, φ) and the implied *within-country-and-year* GVCP index.

        The fixed effects have a flat (improper) prior, so only deviations from the country and
        year means are simulated (on the standardised scale).
        """
        import jax

        from retrench.bayes.base import run_predictive

        key = jax.random.PRNGKey(self.spec["sampler"]["seed"] if seed is None else seed)
        prior = run_predictive(self.model, key, self.inputs, num_samples=draws)
        d = self.design
        beta = np.asarray(prior["beta"])
        rng = np.random.default_rng(0 if seed is None else seed)
        mean = beta @ d.covariates.T
        if self.n_thresholds:
            phi = rng.choice(d.grid, size=(draws, self.n_thresholds))
            above = d.threshold_variable[None, :, None] > np.sort(phi, axis=1)[:, None, :]
            delta = np.asarray(prior["delta"])
            mean = mean + np.einsum("snk,sk->sn", above, delta) * d.threshold_regressor
        sigma = np.asarray(prior["sigma"])[:, None]
        y = mean + sigma * rng.standard_normal(mean.shape)
        y = y - y.mean(axis=1, keepdims=True)
        return xr.Dataset(
            {
                "beta": (("draw", "regressor"), beta),
                "sigma": (("draw",), sigma[:, 0]),
                "gvc_within": (("draw", "obs"), y),
            },
            coords={"regressor": list(d.covariate_names)},
        )

    def counterfactual(  # type: ignore[override]
        self, *, countries: Sequence[str] | None = None, **shift: float
    ) -> xr.Dataset:
        """Expected GVC participation when ω, μ, υ or gr rise by the given raw amounts,
        e.g. ``counterfactual(omega=0.02)`` (re-shoring of final demand) or ``mu=0.02``."""
        if not shift:
            raise SpecError("counterfactual: give at least one shift, e.g. omega=0.02")
        return counterfactual_participation(self._require_posterior(), shift, countries)

    def threshold_membership(self) -> xr.DataArray:
        """P(ω_it > φ_j | y) per country and year."""
        return threshold_membership(self._require_posterior())

    def phi_summary(self, prob: float = 0.90) -> pd.DataFrame:
        """Posterior mode, mean and equal-tailed ``prob`` interval of each φ_j, and the slopes
        of the threshold regressor in each regime (posterior mean and ``prob`` interval)."""
        post = self._require_posterior()
        rows = []
        for j in range(post.n_thresholds):
            iv = post.phi_interval(j, prob)
            rows.append(
                {
                    "parameter": f"phi_{j + 1}",
                    "mean": iv.mean,
                    "mode": iv.mode,
                    "lower": iv.lower,
                    "upper": iv.upper_cell_end,
                }
            )
        slopes = post.regime_slopes()
        tail = (1 - prob) / 2
        for j in range(slopes.shape[1]):
            lo, hi = np.quantile(slopes[:, j], [tail, 1 - tail])
            rows.append(
                {
                    "parameter": f"slope_{self.design.threshold_regressor_name}_regime_{j}",
                    "mean": float(slopes[:, j].mean()),
                    "mode": np.nan,
                    "lower": float(lo),
                    "upper": float(hi),
                }
            )
        return pd.DataFrame(rows).set_index("parameter")

    # --- persistence -------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        data: pd.DataFrame,
        spec: str | os.PathLike[str] | Mapping | None = None,
        **data_kwargs: Any,
    ) -> GVCThresholdModel:
        """Restore a saved fit (refusing another model, spec or data) with its joint draws."""
        model = super().load(path, data, spec, **data_kwargs)
        assert isinstance(model, GVCThresholdModel)
        post = idio.group(model.idata, "posterior")
        chains = post.sizes["chain"]
        flat = {k: np.asarray(post[k].values).reshape(-1, *post[k].shape[2:]) for k in post}
        samples = {k: flat[k] for k in ("beta", "sigma", "delta") if k in flat}
        samples["country_effect"], samples["year_effect"] = (
            flat["country_effect"],
            flat["year_effect"],
        )
        arrays = model.inputs["data"]
        k = model.n_thresholds
        if k:
            pmf, _ = phi_posterior(samples, arrays, k, model.seed + 1)
            picks = np.searchsorted(model.design.grid, flat["phi"]).astype(int)
        else:
            pmf, picks = (), np.zeros((samples["beta"].shape[0], 0), dtype=int)
        diverging = idio.sample_stat(model.idata, "diverging")
        model.posterior = ThresholdPosterior(
            design=model.design,
            arrays=arrays,
            n_thresholds=k,
            samples=samples,
            phi_pmf=pmf,
            phi_index_draws=picks,
            chains=chains,
            diagnostics={"divergences": int(np.sum(diverging)), "diverging": diverging},
        )
        return model
