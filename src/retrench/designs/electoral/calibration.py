"""Simulation-based calibration tasks of the electoral model (Talts et al. 2018, Algorithm 1).

:func:`simulate` draws every parameter and a data set from the model's own prior predictive
(:func:`retrench.bayes.base.run_predictive` with no posterior) on the fixed design of the
simulated panels (:func:`retrench.data.simulate_electoral.simulate_electoral`: which Congresses
have roll calls, of which kind, how many members vote, the districts' exposures); :func:`fit`
refits the model with one NUTS chain and returns the (thinned) draws of
:data:`SBC_PARAMETERS`. ``retrench calibrate electoral`` and
``python -m benchmarks.bench_electoral calibrate`` run them on the executor
(:func:`retrench.workflow.executor_calibration.run_calibration`).
"""

from __future__ import annotations

from functools import cache

import numpy as np

SBC_SCALARS = (
    "x_H", "gamma", "lam", "alpha_E", "b", "qr_scale", "alpha_R_rw_sd", "discipline",
    "concentration", "m", "exposure_loading",
)  # fmt: skip
SBC_PATHS = ("p_exit_H", "p_exit_L", "alpha_R")
SBC_PARAMETERS = SBC_SCALARS + SBC_PATHS


@cache
def design_model(n_districts: int = 100, republican_leader: str = "H", max_tree_depth: int = 8):
    """The electoral model on the simulated panels' design (one per worker and option set)."""
    from retrench.data.simulate_electoral import ElectoralTruth, simulate_electoral
    from retrench.designs.electoral.model import ElectoralModel

    rollcalls, districts = simulate_electoral(ElectoralTruth(), 0, n_districts=n_districts)
    spec = {
        "structure": {"republican_leader": republican_leader},
        "sampler": {"max_tree_depth": int(max_tree_depth)},
    }
    return ElectoralModel(rollcalls, spec, districts)


def simulate_prior(
    seed: int, n_districts: int = 100, republican_leader: str = "H"
) -> tuple[dict, dict]:
    """(truth, data): parameters and observations drawn from the model's prior predictive.

    Raises:
        RuntimeError: the prior draw fails a root find (the executor records it as a failure).
    """
    import jax

    from retrench.bayes.base import SOLVER_FAILURE_SITE, run_predictive

    model = design_model(n_districts, republican_leader)
    draw = run_predictive(model.model, jax.random.PRNGKey(seed), model.inputs, num_samples=1)
    if SOLVER_FAILURE_SITE in draw and float(np.asarray(draw[SOLVER_FAILURE_SITE]).sum()) > 0:
        raise RuntimeError(f"prior draw {seed} has root-find failures")
    truth = {name: np.asarray(draw[name][0], float) for name in SBC_PARAMETERS}
    data = {
        "yea": np.asarray(draw["yea_obs"][0]),
        "d_rep_share": np.asarray(draw["district_obs"][0], float),
        "design": (n_districts, republican_leader),
    }
    return truth, data


def fit_posterior(
    data: dict,
    seed: int,
    warmup: int = 800,
    draws: int = 400,
    thin: int = 2,
    max_tree_depth: int = 9,
) -> dict:
    """Posterior draws of :data:`SBC_PARAMETERS` (one chain, thinned by ``thin``).

    The defaults are the budget at which the 50-data-set study is calibrated (docs/
    calibration.md); 200 + 200 draws at tree depth 8 under-cover γ, x_H and the α_R path.
    """
    import jax.numpy as jnp

    from retrench.bayes import inference_data as idio

    model = design_model(*data["design"], max_tree_depth=max_tree_depth).with_observed(
        {"yea": jnp.asarray(data["yea"]), "d_rep_share": jnp.asarray(data["d_rep_share"])}
    )
    idata = model.fit(draws=draws, chains=1, seed=seed, warmup=warmup, prior_draws=2)
    out = idio.posterior_draws(idata, list(SBC_PARAMETERS))
    return {k: v[::thin] for k, v in out.items()}


#: names the executor and ``retrench calibrate`` look up (see :mod:`retrench.designs.registry`)
simulate = simulate_prior
fit = fit_posterior
