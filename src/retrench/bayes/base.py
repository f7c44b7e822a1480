"""The common interface of every estimation design (DESIGN.md section 2).

A design subclasses :class:`StructuralModel` and supplies: a :class:`SpecSchema`, the name of
its observed site, ``prepare_panel`` (validated analysis panel), ``model_inputs`` (arrays for the
model function), ``coords_and_dims`` and the NumPyro model function ``model(inputs, observed)``.
Everything else is shared:

* ``__init__(data, spec)`` validates the spec and the panel eagerly;
* ``fit`` runs NumPyro NUTS and returns ArviZ ``InferenceData`` with posterior, sample_stats,
  log_likelihood, observed_data, prior and posterior predictive groups;
* ``counterfactual(**policy)`` runs *the same model function* under
  ``numpyro.handlers.do(policy)`` with the posterior draws substituted (``Predictive``), so a
  counterfactual is an intervention on a policy node, not a second code path;
* ``save`` / ``load`` write and read a self-describing NetCDF file
  (:mod:`retrench.bayes.persistence`).

Policy nodes: a model marks the quantities a policy may set with :func:`policy_node`, an observed
``Delta`` site at its structural value (log density 0, so inference is unchanged). ``do`` then
replaces the value that flows downstream, exactly as a structural-equation intervention.
"""

from __future__ import annotations

import abc
import copy
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
import xarray as xr
from numpyro.handlers import do, seed, trace
from numpyro.infer import MCMC, NUTS, Predictive

from retrench.bayes import inference_data as idio
from retrench.bayes import persistence
from retrench.bayes.factor import factor
from retrench.bayes.spec import (
    Spec,
    SpecSchema,
    check_columns,
    data_table_spec,
    load_spec,
    spec_to_json,
    with_legacy_defaults,
)
from retrench.data.validation import validate_frame
from retrench.errors import SpecError

SOLVER_FAILURE_SITE = "solver_failures"
#: Largest chains × draws × observations for which ``fit(pointwise=None)`` keeps the pointwise
#: log likelihood and the predictive draws of the observed sites (2.5e8 float64 = 2 GB a group).
POINTWISE_AUTO_LIMIT = 250_000_000


def policy_node(name: str, value: jax.Array) -> jax.Array:
    """Mark ``value`` as a quantity a counterfactual policy may set (``do({name: ...})``).

    Implemented as an observed ``Delta`` site at ``value``: it contributes 0 to the log density
    and returns ``value`` unless a ``numpyro.handlers.do`` intervention replaces it.
    """
    value = jnp.asarray(value)
    return numpyro.sample(name, dist.Delta(value, event_dim=value.ndim), obs=value)


def run_predictive(
    model: Any,
    key: jax.Array,
    inputs: Mapping[str, Any],
    *,
    samples: Mapping[str, jax.Array] | None = None,
    num_samples: int | None = None,
    return_sites: Sequence[str] | None = None,
) -> dict[str, jax.Array]:
    """``numpyro.infer.Predictive`` compiled with ``jax.jit`` (op-by-op vmapped execution of a
    model with hundreds of sites is many times slower than the compiled run)."""
    predictive = Predictive(
        model,
        posterior_samples=samples,
        num_samples=num_samples,
        return_sites=list(return_sites) if return_sites is not None else None,
    )
    return jax.jit(lambda k: predictive(k, inputs, None))(key)


def record_solver_failures(ok: jax.Array) -> None:
    """Record root-find / domain failures: ``-inf`` log density where ``ok`` is False, and the
    number of failures as the deterministic site ``solver_failures`` (never an exception)."""
    ok = jnp.asarray(ok, dtype=bool)
    numpyro.deterministic(SOLVER_FAILURE_SITE, jnp.sum(~ok))
    factor("solver_failure_penalty", jnp.where(jnp.all(ok), 0.0, -jnp.inf))


def set_run_arguments(mcmc: MCMC, *args: Any) -> None:
    """Make ``mcmc`` remember ``args`` as the positional arguments of its last run.

    PRIVATE API, isolated here: NumPyro keeps them in ``MCMC._args`` (no public setter) and
    ArviZ's ``from_numpyro`` re-runs the model with them for the log likelihood and the observed
    data; a design may sample a cheaper equivalent form (:meth:`StructuralModel.
    sampling_arguments`), so the per-row arguments are put back after the run.
    tests/bayes/test_private_api.py fails if NumPyro stops storing them there.
    """
    mcmc._args = args


class StructuralModel(abc.ABC):
    """Base class: spec + panel -> NUTS fit -> predictive checks -> counterfactuals -> save/load.

    Class attributes a design sets:
        schema: the :class:`SpecSchema` of its spec.
        observed_sites: names of the likelihood's observed sample sites (the first is the one
            LOO uses); sites absent from a given model instance are skipped.
        summary_sites: posterior sites shown in summaries and diagnostics.
        optional_summary_sites: summary sites only some fits of the design have (e.g. a block
            of the likelihood a spec switches on); diagnosed where the posterior holds them.
    """

    schema: ClassVar[SpecSchema]
    observed_sites: ClassVar[tuple[str, ...]]
    summary_sites: ClassVar[tuple[str, ...]] = ()
    optional_summary_sites: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: pd.DataFrame, spec: str | os.PathLike[str] | Mapping | None = None):
        self.spec: Spec = load_spec(self.schema, spec)
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame (got {type(data).__name__})")
        check_columns(self.spec, self.schema, data.columns)
        csv_file = data.attrs.get("csv_file")  # set where a CSV file is read for a model
        validate_frame(
            data,
            data_table_spec(self.spec, self.schema, data.columns),
            f"the data given to {type(self).__name__}"
            + (f" from {csv_file}" if csv_file else "")
            + " (row = position in the DataFrame)",
        )
        self.panel: pd.DataFrame = self.prepare_panel(data)
        self.inputs, self.observed = self.model_inputs(self.panel)
        self.data_hash: str = self.compute_data_hash()
        self.idata: idio.InferenceData | None = None
        self.seed: int | None = None

    # --- what a design provides ----------------------------------------------------------
    @abc.abstractmethod
    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        """Select, validate and order the analysis panel (errors name column and rows)."""

    @abc.abstractmethod
    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(inputs, observed)``: arrays the model conditions on, and the observed arrays."""

    @abc.abstractmethod
    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        """ArviZ coordinates and the dims of every array-valued site."""

    @abc.abstractmethod
    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        """The NumPyro model; ``observed=None`` samples the observations (predictive runs)."""

    def compute_data_hash(self) -> str:
        """sha256 identifying the analysis data (default: the prepared panel)."""
        return persistence.panel_hash(self.panel)

    # --- shared workflow -------------------------------------------------------------------
    def active_observed_sites(self) -> list[str]:
        """The observed sites this instance's model actually has (in ``observed_sites`` order)."""
        tr = trace(seed(self.model, 0)).get_trace(self.inputs, self.observed)
        return [name for name in self.observed_sites if name in tr]

    @property
    def spec_json(self) -> str:
        """Canonical JSON of the validated spec."""
        return spec_to_json(self.spec)

    def record_sampler_settings(self, settings: Mapping[str, Any]) -> None:
        """Make the spec (stored with the fit) say the sampler settings actually used: draws,
        warm-up, chains and seed, whether from the spec file or from ``fit``'s arguments."""
        used = {k: settings[k] for k in ("draws", "warmup", "chains", "seed")}
        self.spec = {**self.spec, "sampler": {**self.spec["sampler"], **used}}

    def _sampler_settings(
        self, draws: int | None, chains: int | None, seed: int | None, warmup: int | None = None
    ) -> dict:
        sampler = dict(self.spec["sampler"])
        given = (("draws", draws), ("chains", chains), ("seed", seed), ("warmup", warmup))
        for key, value in given:
            if value is not None:
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | np.integer)
                    or value < (0 if key == "seed" else 1)
                ):
                    raise SpecError(f"sampler.{key}: expected a positive integer (got {value!r})")
                sampler[key] = int(value)
        return sampler

    def nuts_options(self) -> dict[str, Any]:
        """Extra keyword arguments for ``numpyro.infer.NUTS`` (e.g. ``dense_mass``); a design
        overrides this to read them from its spec."""
        return {}

    def sampling_arguments(self) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
        """``(inputs, observed)`` of the log density NUTS samples (default: ``self.inputs``,
        ``self.observed``). A design may return an equivalent, cheaper form of the same log
        density (e.g. per-cell sufficient statistics); the stored log likelihood, observed data
        and every predictive run use ``self.inputs`` and ``self.observed``."""
        return self.inputs, self.observed

    def with_observed(self, observed: Mapping[str, Any]) -> StructuralModel:
        """A copy of this model on the same design whose observed arrays are ``observed`` (same
        keys and shapes as ``self.observed``), unfitted, with the data hash of ``observed``:
        what simulation-based calibration fits to each simulated data set without rebuilding
        (and recompiling) the model. The original model is left unchanged."""
        if set(observed) != set(self.observed):
            raise SpecError(
                f"with_observed: expected the observed arrays {sorted(self.observed)}, "
                f"got {sorted(observed)}"
            )
        arrays = {name: jnp.asarray(value) for name, value in observed.items()}
        for name, value in arrays.items():
            if value.shape != jnp.shape(self.observed[name]):
                raise SpecError(
                    f"with_observed: {name} has shape {value.shape}, the model's data "
                    f"{jnp.shape(self.observed[name])}"
                )
        twin = copy.copy(self)
        twin.observed = arrays
        digest = hashlib.sha256()
        for name in sorted(arrays):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(np.asarray(arrays[name], float)).tobytes())
        twin.data_hash = f"observed:{digest.hexdigest()}"
        twin.idata, twin.seed = None, None
        return twin

    def require_fit(self) -> idio.InferenceData:
        """The fit's InferenceData; SpecError when the model has not been fitted or loaded."""
        return self._require_fit()

    def site_names(self) -> dict[str, list[str]]:
        """Names of the model's sites by kind: ``latent``, ``deterministic``, ``policy``."""
        if getattr(self, "_site_names", None) is not None:
            return self._site_names
        tr = trace(seed(self.model, 0)).get_trace(self.inputs, self.observed)
        out: dict[str, list[str]] = {"latent": [], "deterministic": [], "policy": []}
        for name, site in tr.items():
            if site["type"] == "deterministic":
                out["deterministic"].append(name)
            elif site["type"] == "sample" and not site["is_observed"]:
                out["latent"].append(name)
            elif site["type"] == "sample" and isinstance(site["fn"], dist.Delta):
                out["policy"].append(name)
        self._site_names = out
        return out

    def fit(
        self,
        draws: int | None = None,
        chains: int | None = None,
        seed: int | None = None,
        *,
        warmup: int | None = None,
        prior_draws: int = 500,
        progress_bar: bool = False,
        pointwise: bool | None = None,
        backend: str = "numpyro",
        sampler: str = "nutpie",
    ) -> idio.InferenceData:
        """Sample the posterior with NumPyro NUTS; return (and keep) the InferenceData.

        ``backend="pymc"`` samples :meth:`to_pymc` with ``sampler`` (``"nutpie"`` or
        ``"pymc"``) and stores the same groups and names (:mod:`retrench.bayes.pymc_fit`).

        Defaults come from the spec's ``[sampler]`` table. With the same data, spec, seed and
        device the draws are bit-identical.

        ``pointwise``: keep the per-observation groups (pointwise log likelihood, posterior
        predictive, prior predictive of the observed sites), each chains × draws × observations
        numbers. ``None`` (default) keeps them unless that exceeds :data:`POINTWISE_AUTO_LIMIT`
        values (a product-level panel: 4 × 1000 draws × 1e6 rows would be 32 GB per group);
        without them LOO and predictive checks are unavailable, and the file's attribute
        ``retrench_pointwise`` says why.
        """
        settings = self._sampler_settings(draws, chains, seed, warmup)
        self.record_sampler_settings(settings)
        keep, pointwise_note = self._pointwise_decision(pointwise, settings)
        if backend != "numpyro":
            return self._fit_other_backend(
                backend, sampler, settings, keep, prior_draws, pointwise_note
            )
        kernel = NUTS(
            self.model,
            target_accept_prob=settings["target_accept"],
            max_tree_depth=settings["max_tree_depth"],
            **self.nuts_options(),
        )
        mcmc = MCMC(
            kernel,
            num_warmup=settings["warmup"],
            num_samples=settings["draws"],
            num_chains=settings["chains"],
            chain_method=settings["chain_method"],
            progress_bar=progress_bar,
        )
        key_fit, key_prior, key_ppc = jax.random.split(jax.random.PRNGKey(settings["seed"]), 3)
        mcmc.run(key_fit, *self.sampling_arguments(), extra_fields=("num_steps", "diverging"))
        # ArviZ re-runs the model with the run's arguments for log_likelihood and observed_data
        set_run_arguments(mcmc, self.inputs, self.observed)
        samples = mcmc.get_samples()
        ppc_sites = self.active_observed_sites()
        names = self.site_names()
        prior_sites = None if keep else names["latent"] + names["deterministic"]
        prior = run_predictive(
            self.model, key_prior, self.inputs, num_samples=prior_draws, return_sites=prior_sites
        )
        ppc = {}
        if keep:
            ppc = run_predictive(
                self.model, key_ppc, self.inputs, samples=samples, return_sites=ppc_sites
            )
        coords, dims = self.coords_and_dims()
        idata = idio.build_inference_data(
            mcmc,
            prior={k: np.asarray(v) for k, v in prior.items()},
            posterior_predictive={k: np.asarray(v) for k, v in ppc.items()},
            coords=coords,
            dims=dims,
            observed_sites=ppc_sites,
            log_likelihood=keep,
        )
        idio.set_attrs(
            idata,
            persistence.provenance_attrs(
                self.schema.model_name, self.spec_json, self.data_hash, settings["seed"]
            )
            | {"retrench_pointwise": pointwise_note}
            | {f"retrench_{k}": str(settings[k]) for k in ("draws", "warmup", "chains")}
            | {"retrench_thinning": "1"},
        )
        self.idata, self.seed = idata, settings["seed"]
        return idata

    def _fit_other_backend(
        self, backend: str, sampler: str, settings: dict, keep: bool, prior_draws: int, note: str
    ) -> idio.InferenceData:
        """:meth:`fit` with ``backend="pymc"`` (:func:`retrench.bayes.pymc_fit.fit_with_pymc`)."""
        if backend != "pymc":
            raise SpecError(f"backend: expected 'numpyro' or 'pymc' (got {backend!r})")
        from retrench.bayes.pymc_fit import fit_with_pymc

        idata = fit_with_pymc(
            self, settings, sampler=sampler, keep_pointwise=keep, prior_draws=prior_draws
        )
        idio.set_attrs(
            idata,
            persistence.provenance_attrs(
                self.schema.model_name, self.spec_json, self.data_hash, settings["seed"]
            )
            | {"retrench_pointwise": note},
        )
        self.idata, self.seed = idata, settings["seed"]
        return idata

    def n_observations(self) -> int:
        """Number of observed values the likelihood sees (every observed array's size)."""
        return int(sum(np.size(v) for v in self.observed.values()))

    def _pointwise_decision(self, pointwise: bool | None, settings: dict) -> tuple[bool, str]:
        """Whether to keep the per-observation groups, and the note stored with the fit."""
        size = settings["chains"] * settings["draws"] * self.n_observations()
        if pointwise is None:
            pointwise = size <= POINTWISE_AUTO_LIMIT
            reason = f"{size:,} values per group {'<=' if pointwise else '>'} the automatic limit"
        else:
            reason = "asked for" if pointwise else "left out on request"
        verdict = "stored" if pointwise else "not stored"
        return bool(pointwise), f"{verdict}: {reason}"

    def _require_fit(self) -> idio.InferenceData:
        if self.idata is None:
            raise RuntimeError(f"{type(self).__name__}: call fit() or load() first")
        return self.idata

    def posterior_samples(self) -> dict[str, jax.Array]:
        """Posterior draws of the latent sites, flattened over (chain, draw)."""
        idata = self._require_fit()
        draws = idio.posterior_draws(idata, self.site_names()["latent"])
        return {k: jnp.asarray(v) for k, v in draws.items()}

    def _shape_like_posterior(self, values: Mapping[str, Any]) -> dict[str, np.ndarray]:
        post = idio.group(self._require_fit(), "posterior")
        n_chain, n_draw = post.sizes["chain"], post.sizes["draw"]
        return {
            k: np.asarray(v).reshape(n_chain, n_draw, *np.shape(v)[1:]) for k, v in values.items()
        }

    def _dataset(self, values: Mapping[str, np.ndarray], leading: Sequence[str]) -> xr.Dataset:
        coords, dims = self.coords_and_dims()
        data_vars = {}
        for name, arr in values.items():
            site_dims = dims.get(name.removesuffix("_factual").removesuffix("_change"), [])
            extra = [f"{name}_dim_{i}" for i in range(arr.ndim - len(leading) - len(site_dims))]
            data_vars[name] = (list(leading) + list(site_dims) + extra, arr)
        used = {d for v in data_vars.values() for d in v[0]}
        return xr.Dataset(data_vars, coords={k: v for k, v in coords.items() if k in used})

    def prior_predictive(self, draws: int = 500, seed: int | None = None) -> xr.Dataset:
        """Draws of every site from the prior (observations simulated), as an xarray Dataset."""
        key = jax.random.PRNGKey(self.spec["sampler"]["seed"] if seed is None else seed)
        out = run_predictive(self.model, key, self.inputs, num_samples=draws)
        return self._dataset({k: np.asarray(v) for k, v in out.items()}, ["draw"])

    def posterior_predictive(self, seed: int | None = None) -> xr.Dataset:
        """Replicated observations, one per posterior draw (chain, draw, ...)."""
        key = jax.random.PRNGKey((self.seed or 0) + 1 if seed is None else seed)
        sites = self.active_observed_sites()
        out = run_predictive(
            self.model, key, self.inputs, samples=self.posterior_samples(), return_sites=sites
        )
        return self._dataset(self._shape_like_posterior(out), ["chain", "draw"])

    def counterfactual(
        self, *, return_sites: Sequence[str] | None = None, **policy: Any
    ) -> xr.Dataset:
        """Outcomes over the posterior draws when the policy nodes are set to ``policy``.

        Runs the model under ``numpyro.handlers.do(policy)`` with the posterior substituted, and
        the same model without intervention; returns, for every deterministic site (or
        ``return_sites``), the counterfactual value, ``<site>_factual`` and ``<site>_change``.
        """
        names = self.site_names()
        unknown = [k for k in policy if k not in names["policy"]]
        if unknown:
            raise SpecError(
                f"policy.{unknown[0]}: not a policy node of {self.schema.model_name} "
                f"(policy nodes: {', '.join(names['policy'])})"
            )
        sites = list(return_sites) if return_sites is not None else names["deterministic"]
        intervention = {k: jnp.asarray(v, dtype=float) for k, v in policy.items()}
        samples = self.posterior_samples()
        key = jax.random.PRNGKey((self.seed or 0) + 2)
        factual = run_predictive(self.model, key, self.inputs, samples=samples, return_sites=sites)
        changed = run_predictive(
            do(self.model, data=intervention),
            key,
            self.inputs,
            samples=samples,
            return_sites=sites,
        )
        values: dict[str, Any] = {}
        for site in sites:
            values[site] = changed[site]
            values[f"{site}_factual"] = factual[site]
            values[f"{site}_change"] = changed[site] - factual[site]
        ds = self._dataset(self._shape_like_posterior(values), ["chain", "draw"])
        ds.attrs["policy"] = ", ".join(f"{k}={np.asarray(v).tolist()}" for k, v in policy.items())
        return ds

    # --- PyMC front end ----------------------------------------------------------------------
    def to_pymc(self, *, deterministics: Sequence[str] | str = "all") -> Any:
        """This design as a ``pm.Model`` (needs ``retrench[pymc]``): the same latent sites with
        the same priors as PyMC distributions, the likelihood and the theory as ``wrap_jax`` ops
        of this model's JAX code (:func:`retrench.bayes.pymc_bridge.to_pymc`)."""
        from retrench.bayes.pymc_bridge import to_pymc

        return to_pymc(self, deterministics=deterministics)

    # --- persistence -----------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the fit to ``path`` (NetCDF, atomic) with spec, data hash, seed, versions and
        device in the attributes. Returns the path written."""
        return str(persistence.write_atomic(self._require_fit(), path))

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        data: pd.DataFrame,
        spec: str | os.PathLike[str] | Mapping | None = None,
        **data_kwargs: Any,
    ) -> StructuralModel:
        """Restore a saved fit for ``data``; refuse a file whose model, spec or data differ.

        ``spec=None`` uses the spec stored in the file; a given spec must equal it.
        ``data_kwargs`` go to the constructor (e.g. ``tradewar=`` for the tariff model).
        """
        idata, attrs = persistence.read_checked(path, cls.schema.model_name)
        saved_spec = with_legacy_defaults(json.loads(attrs["retrench_spec"]), cls.schema)
        attrs = {**attrs, "retrench_spec": spec_to_json(saved_spec)}
        model = cls(data, saved_spec if spec is None else spec, **data_kwargs)
        persistence.check_matches(
            attrs, spec_json=model.spec_json, data_hash=model.data_hash, path=path
        )
        model.idata, model.seed = idata, int(attrs["retrench_seed"])
        return model
