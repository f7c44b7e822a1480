"""Suite-wide test settings.

Hypothesis runs derandomized under CI (``CI`` set), so a CI run is reproducible; locally it
explores new examples each run. No deadline: the first call of a jitted function compiles.

Real data (``../shared/data`` or ``$RETRENCH_DATA``): every test that needs them and finds them
absent calls the ``require_data`` fixture's function, which skips the test, or, when
``RETRENCH_REQUIRE_DATA=1`` (set by ``.ci/run``), fails it: CI cannot pass without the data.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest
from hypothesis import settings

import retrench  # noqa: F401  (loads NumPyro before any test module imports ArviZ or PyMC)

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REQUIRE_DATA_ENV = "RETRENCH_REQUIRE_DATA"


def missing_data(reason: str) -> NoReturn:
    """Skip the calling test because real data are absent, or fail it under
    ``RETRENCH_REQUIRE_DATA=1``."""
    if os.environ.get(REQUIRE_DATA_ENV, "") == "1":
        pytest.fail(f"{reason} ({REQUIRE_DATA_ENV}=1: real data are required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def require_data():
    """The function a real-data test calls when its data are absent (:func:`missing_data`)."""
    return missing_data
