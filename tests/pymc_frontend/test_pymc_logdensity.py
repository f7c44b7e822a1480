"""The PyMC front end has the NumPyro model's log density, Jacobians included (issue 15).

At random points of the unconstrained space (prior draws, unconstrained, plus noise) the
NumPyro potential energy (``-log p`` with the Jacobians of NumPyro's ``biject_to`` transforms)
equals minus PyMC's ``logp(jacobian=True)`` at the same values of PyMC's transformed value
variables (log for positive, log-odds for bounded: the same maps), to 1e-9 relative.
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
from numpyro.distributions import biject_to
from numpyro.handlers import seed, trace
from numpyro.infer.util import potential_energy

pm = pytest.importorskip("pymc")

from retrench.designs import registry  # noqa: E402
from retrench.workflow.results import build_model  # noqa: E402

DESIGNS = ("tariffs", "electoral", "gvc")


def unconstrained_points(model, n_points: int, rng: np.random.Generator) -> list[dict]:
    """Prior draws mapped to the unconstrained space, moved by N(0, 0.1²) noise."""
    latent = model.site_names()["latent"]
    args = model.sampling_arguments()
    points = []
    for k in range(n_points):
        tr = trace(seed(model.model, 100 + k)).get_trace(*args)
        point = {}
        for name in latent:
            u = np.asarray(biject_to(tr[name]["fn"].support).inv(tr[name]["value"]))
            point[name] = u + 0.1 * rng.standard_normal(u.shape)
        points.append(point)
    return points


@pytest.fixture(scope="module", params=DESIGNS)
def bridged(request):
    model = build_model(request.param, registry.get(request.param).make_source(synthetic=True))
    pymc_model = model.to_pymc(deterministics="none")
    logp = pymc_model.compile_logp(jacobian=True, mode="JAX")
    return model, pymc_model, logp


def test_free_variables_are_the_latent_sites(bridged):
    model, pymc_model, _ = bridged
    assert [rv.name for rv in pymc_model.free_RVs] == model.site_names()["latent"]


def test_log_densities_agree_at_random_unconstrained_points(bridged):
    model, pymc_model, logp = bridged
    args = model.sampling_arguments()
    numpyro_potential = jax.jit(lambda u: potential_energy(model.model, args, {}, u))
    value_name = {rv.name: pymc_model.rvs_to_values[rv].name for rv in pymc_model.free_RVs}
    points = unconstrained_points(model, 4, np.random.default_rng(15))
    for point in points:
        expected = -float(numpyro_potential(point))
        got = float(logp({value_name[k]: v for k, v in point.items()}))
        assert np.isfinite(expected)
        assert got == pytest.approx(expected, rel=1e-9), (model.schema.model_name, point)
    # the points differ, so agreement is not a constant coincidence
    values = [float(logp({value_name[k]: v for k, v in p.items()})) for p in points]
    assert len(set(values)) == len(values)
