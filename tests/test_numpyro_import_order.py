"""ArviZ (and PyMC) register NumPyro as a lazy module when they are imported first; retrench must
still leave NumPyro whole, or NumPyro's own ``numpyro.factor`` fails (see
``retrench._jax_setup.load_numpyro_eagerly``). Run in a fresh interpreter: the import order is
the point."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import arviz_base.io_numpyro  # registers a lazy numpyro
import retrench  # noqa: F401
import numpyro.distributions as dist
assert hasattr(dist, "distribution")  # without retrench's eager load: AttributeError below
import numpyro
numpyro.handlers.trace(lambda: numpyro.factor("f", 1.0)).get_trace()
print("ok")
"""


def test_numpyro_is_whole_after_arviz_was_imported_first() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
