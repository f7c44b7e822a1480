"""retrench: structural Bayesian estimation of theories of the globalization backlash.

Importing retrench turns on 64-bit floats in JAX (see :mod:`retrench._jax_setup` for why).
"""

from __future__ import annotations

from retrench import (
    _jax_setup,  # noqa: F401  (side effect: jax_enable_x64)
    _moved,
)

_moved.install()  # old module paths (retrench.bayes.tariffs, ...) as aliases of the new ones

__version__ = "0.1.0"
__all__ = ["__version__"]
