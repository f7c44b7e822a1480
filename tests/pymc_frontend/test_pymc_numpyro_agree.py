"""Both back ends sample the same posterior: on a small simulated tariff panel the posterior
means of every scalar parameter agree within 4 Monte Carlo standard errors (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pymc")
pytest.importorskip("nutpie")

from retrench.bayes import inference_data as idio  # noqa: E402
from retrench.data.simulate_tariffs import simulate_tariff_panel  # noqa: E402
from retrench.designs import registry  # noqa: E402

SMALL = {"n_countries": 8, "n_years": 6, "seed": 12, "first_year": 2006}
SMALL_PANEL_SPEC = {"parameterisation": {"group": "non_centred", "country_sigma": "non_centred"}}


def scalar_sites(idata) -> list[str]:
    post = idio.group(idata, "posterior")
    return [v for v in post.data_vars if post[v].ndim == 2 and v != "solver_failures"]


def test_posterior_means_agree_within_4_mcse():
    panel, _ = simulate_tariff_panel(**SMALL)
    cls = registry.get("tariffs").model_class()
    fits = {}
    for backend in ("numpyro", "pymc"):
        model = cls(panel, SMALL_PANEL_SPEC)
        fits[backend] = model.fit(
            draws=300,
            warmup=300,
            chains=2,
            seed=7,
            prior_draws=10,
            pointwise=False,
            **({} if backend == "numpyro" else {"backend": "pymc", "sampler": "nutpie"}),
        )
    sites = scalar_sites(fits["numpyro"])
    assert set(sites) == set(scalar_sites(fits["pymc"])) and len(sites) >= 6
    for site in sites:
        means = {b: float(idio.group(f, "posterior")[site].mean()) for b, f in fits.items()}
        mcse = {b: float(idio.mcse(f, [site])[site]) for b, f in fits.items()}
        bound = 4.0 * np.hypot(mcse["numpyro"], mcse["pymc"])
        assert abs(means["numpyro"] - means["pymc"]) < bound, (site, means, mcse)
