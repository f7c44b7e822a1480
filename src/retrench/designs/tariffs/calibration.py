"""Simulation-based calibration tasks of the tariff design (Talts et al. 2018).

:func:`simulate` draws every parameter from the model's prior
(:meth:`TariffModel.prior_predictive`) and simulates a panel at those weights with the data
layer's independent NumPy simulator (:func:`retrench.data.simulate_tariffs.simulate_from_weights`);
:func:`fit` refits the model and returns thinned posterior draws. Run by
:func:`retrench.workflow.executor_calibration.run_calibration` (``retrench calibrate tariffs`` and
``python -m benchmarks.calibration_tasks tariffs``), one task per simulated data set.

The trade-war block is not part of the study (a simulated panel has no U.S.); its shifts are a
linear-Gaussian layer on the U.S. weights whose reparameterisation is checked exactly in the
tests (a change of variables of the centred form).
"""

from __future__ import annotations

from functools import cache

import jax.numpy as jnp
import numpy as np

from retrench.bayes import inference_data as idio
from retrench.data.simulate_tariffs import simulate_from_weights, simulate_tariff_panel
from retrench.designs.tariffs.model import TariffModel
from retrench.designs.tariffs.spec import SMALL_PANEL_OVERRIDES

SBC_PARAMETERS = (
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


@cache
def _tariff_model(n_countries: int, n_years: int, first_year: int):
    """A tariff model on a simulated panel of the given shape (one per worker and shape)."""
    structure, _ = simulate_tariff_panel(
        n_countries=n_countries, n_years=n_years, seed=0, first_year=first_year
    )
    return TariffModel(structure, SMALL_PANEL_OVERRIDES), structure


def simulate(
    seed: int, n_countries: int = 6, n_years: int = 6, first_year: int = 2006
) -> tuple[dict, dict]:
    """Truth drawn from the tariff model's prior and a panel simulated at it (NumPy simulator).

    Raises:
        RuntimeError: the prior draw hit a solver failure, or the simulator's t_c disagrees with
            the model's (they are independent implementations of eq. 7).
    """
    model, structure = _tariff_model(n_countries, n_years, first_year)
    prior = model.prior_predictive(draws=1, seed=seed)
    if int(prior["solver_failures"][0]) != 0:
        raise RuntimeError(f"prior draw {seed} has solver failures")
    panel, truth = simulate_from_weights(
        prior["gamma_E"].values[0],
        prior["gamma_M"].values[0],
        prior["sigma_country"].values[0],
        years=np.sort(structure["year"].unique()),
        trend=float(prior["trend"].values[0]),
        reference_year=model.spec["data"]["reference_year"],
        groups=structure.drop_duplicates("country_code")["region"].to_numpy(),
        censor_below=model.spec["likelihood"]["censor_below_pct"] / 100,
        seed=seed,
    )
    if not np.allclose(truth.tariff_rules, prior["tariff_rules"].values[0], atol=1e-9):
        raise RuntimeError("simulator and model disagree on the rules-based tariffs")
    values = {name: np.asarray(prior[name].values[0]) for name in SBC_PARAMETERS}
    data = {
        "tariff": panel["tariff_applied_pct"].to_numpy() / 100,
        "shape": (n_countries, n_years, first_year),
    }
    return values, data


def fit(data: dict, seed: int, warmup: int = 400, draws: int = 400, thin: int = 2) -> dict:
    """Posterior draws (one chain, thinned by ``thin`` against autocorrelated ranks)."""
    designed, _ = _tariff_model(*data["shape"])
    model = designed.with_observed({"tariff": jnp.asarray(data["tariff"])})
    idata = model.fit(draws=draws, chains=1, seed=seed, warmup=warmup, prior_draws=2)
    out = idio.posterior_draws(idata, list(SBC_PARAMETERS))
    return {k: v[::thin] for k, v in out.items()}
