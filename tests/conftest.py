"""Suite-wide test settings.

Hypothesis runs derandomized under CI (``CI`` set), so a CI run is reproducible; locally it
explores new examples each run. No deadline: the first call of a jitted function compiles.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
