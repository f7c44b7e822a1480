"""Simulation-based calibration tasks of the tariff-accession design (Talts et al. 2018).

:func:`simulate` draws every parameter from the model's prior
(:meth:`TariffAccessionModel.prior_predictive`) and simulates tariffs at those weights with the
data layer's independent NumPy simulator
(:func:`retrench.data.simulate_tariffs_accession.simulate_accession_rows`) on the economy-years
and entry dates of a *structure*:

* ``"synthetic"`` (default): the embedded panel ``data/accession_synthetic.csv`` (6 economies
  entering inside 1996-2009, 2 always inside, 1 never joining; 126 rows);
* ``"real"``: the real data's accession structure, :func:`retrench.data.wto_status_panel` of the
  default data root (187 economies, 3,685 economy-years, 1988-2022; each fit takes minutes).

:func:`fit` refits the model (one chain) and returns thinned posterior draws. Run by
``retrench calibrate accession`` (:func:`retrench.workflow.executor_calibration.run_calibration`).
"""

from __future__ import annotations

from functools import cache

import jax.numpy as jnp
import numpy as np

from retrench.bayes import inference_data as idio
from retrench.data.simulate_tariffs_accession import simulate_accession_rows
from retrench.designs.accession.model import TariffAccessionModel
from retrench.designs.accession.source import accession_source, load_accession_data
from retrench.errors import SpecError

SBC_PARAMETERS = (
    "mu_reciprocal_logit",
    "mu_gamma_M_logit",
    "trend",
    "sigma_log_mean",
    "gamma_E",
    "gamma_M",
    "tariff_nash",
    "tariff_reciprocal",
)
STRUCTURES = ("synthetic", "real")


@cache
def accession_model(structure: str = "synthetic") -> TariffAccessionModel:
    """The accession model on the economy-years of ``structure`` (one per worker)."""
    if structure not in STRUCTURES:
        raise SpecError(f"structure: expected one of {', '.join(STRUCTURES)} (got {structure!r})")
    source = accession_source(synthetic=structure == "synthetic")
    return TariffAccessionModel(load_accession_data(source)["data"])


def simulate(seed: int, structure: str = "synthetic") -> tuple[dict, dict]:
    """Truth drawn from the accession model's prior and tariffs simulated at it.

    Raises:
        RuntimeError: the prior draw hit a domain failure, or the simulator's regime tariffs
            disagree with the model's (independent implementations of the same formulas).
    """
    model = accession_model(structure)
    prior = model.prior_predictive(draws=1, seed=seed)
    if int(prior["solver_failures"][0]) != 0:
        raise RuntimeError(f"prior draw {seed} is outside the weights' domain")
    panel = model.panel
    index = {c: i for i, c in enumerate(model.countries)}
    rows = panel.assign(economy=panel["country_code"].map(index))[["economy", "year"]]
    entry = (
        (panel["year"] + 0.5 - panel["years_in_regime"])
        .groupby(panel["country_code"])
        .first()
        .reindex(model.countries)
        .to_numpy(float)
    )
    lik = model.spec["likelihood"]
    simulated, truth = simulate_accession_rows(
        prior["gamma_E"].values[0],
        prior["gamma_M"].values[0],
        prior["sigma_country"].values[0],
        entry,
        rows,
        trend=float(prior["trend"].values[0]),
        phase_in_years=float(prior["phase_in_years"].values[0]),
        reference_year=model.spec["data"]["reference_year"],
        likelihood=lik["family"],
        df=lik["df"],
        censor_below=lik["censor_below_pct"] / 100,
        seed=seed,
        codes=model.countries,
    )
    for name in ("tariff_nash", "tariff_reciprocal"):
        if not np.allclose(getattr(truth, name), prior[name].values[0], atol=1e-9):
            raise RuntimeError(f"simulator and model disagree on {name}")
    values = {name: np.asarray(prior[name].values[0]) for name in SBC_PARAMETERS}
    data = {"tariff": simulated["tariff_applied_pct"].to_numpy() / 100, "structure": structure}
    return values, data


def fit(data: dict, seed: int, warmup: int = 300, draws: int = 300, thin: int = 2) -> dict:
    """Posterior draws (one chain, thinned by ``thin`` against autocorrelated ranks)."""
    designed = accession_model(data["structure"])
    model = designed.with_observed({"tariff": jnp.asarray(data["tariff"])})
    idata = model.fit(draws=draws, chains=1, seed=seed, warmup=warmup, prior_draws=2)
    out = idio.posterior_draws(idata, list(SBC_PARAMETERS))
    return {k: v[::thin] for k, v in out.items()}
