"""``factor``: an arbitrary log-density term in a NumPyro model.

The same statement as ``numpyro.factor`` (a ``Unit`` site observed at its value, marked
auxiliary), built from the public ``numpyro.distributions.Unit``. NumPyro 0.22's own ``factor``
looks the class up as ``numpyro.distributions.distribution.Unit``, an attribute access on the
package that failed in a full test run (``module 'numpyro.distributions' has no attribute
'distribution'``) though never in isolation; this statement avoids that lookup.
"""

from __future__ import annotations

import jax
import numpyro
import numpyro.distributions as dist


def factor(name: str, log_factor: jax.Array) -> None:
    """Add ``log_factor`` (possibly batched) to the model's log density as the site ``name``."""
    unit = dist.Unit(log_factor)
    numpyro.sample(name, unit, obs=unit.sample(None), infer={"is_auxiliary": True})
