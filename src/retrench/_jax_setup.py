"""JAX configuration applied once, on ``import retrench``.

64-bit floats are on by default because the theory layer relies on them:

* equilibria are found by Newton root finds whose tolerances (1e-10 and below) are below float32
  resolution, so in float32 the solvers would stall and report non-convergence;
* implicit-function gradients are checked against central finite differences, which lose half
  their digits in float32;
* several closed forms have poles inside the parameter box (e.g. the efficient tariff at
  gamma_M = 4), and their neighbourhood is only usable in double precision.

Set ``RETRENCH_X64=0`` before importing retrench to keep JAX's float32 default (faster on GPUs,
not supported for the test suite).
"""

from __future__ import annotations

import os

import jax

X64_ENABLED: bool = os.environ.get("RETRENCH_X64", "1") != "0"
jax.config.update("jax_enable_x64", X64_ENABLED)


def load_numpyro_eagerly() -> None:
    """Import NumPyro for real before anything imports ArviZ.

    arviz-base (and PyMC, which imports it) registers ``numpyro`` as a *lazy* module when NumPyro
    is not yet imported; a later ``import numpyro.distributions`` through that lazy package leaves
    ``numpyro.distributions`` without its submodule attributes, and NumPyro's own
    ``numpyro.factor`` then fails (``module 'numpyro.distributions' has no attribute
    'distribution'``), in an order-dependent way. Touching an attribute completes a lazy load."""
    import sys

    import numpyro
    import numpyro.distributions.distribution  # noqa: F401

    _ = numpyro.__version__  # completes a lazy load
    package = sys.modules["numpyro.distributions"]
    package.distribution = sys.modules["numpyro.distributions.distribution"]
    sys.modules["numpyro"].distributions = package


load_numpyro_eagerly()
