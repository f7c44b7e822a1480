"""Weight-shift variant (issue 16): a shift of u_M at entry keeps the reciprocal tariff the data
see inside and moves γ_E along it (checked with the simulator's independent formulas)."""

from __future__ import annotations

import numpy as np

from retrench.data.simulate_tariffs_accession import draw_weights, reciprocal_ad_valorem
from retrench.designs.accession.sensitivity import shifted_weights


def test_shift_keeps_the_reciprocal_tariff_and_zero_shift_is_the_identity() -> None:
    rng = np.random.default_rng(4)
    gamma_E, gamma_M = draw_weights(50, rng)
    t_R = reciprocal_ad_valorem(gamma_E, gamma_M)
    same_E, same_M = shifted_weights(gamma_M, t_R, np.zeros(50))
    np.testing.assert_allclose(same_E, gamma_E, rtol=1e-12)
    np.testing.assert_allclose(same_M, gamma_M, rtol=1e-12)
    shift = rng.normal(0, 0.3, size=50)
    new_E, new_M = shifted_weights(gamma_M, t_R, shift)
    np.testing.assert_allclose(reciprocal_ad_valorem(new_E, new_M), t_R, atol=1e-12)
    # u_M = logit((gamma_M - 5/8) / (9/8)) moved by exactly the shift
    logit = lambda g: np.log((g - 0.625) / (1.75 - g))  # noqa: E731
    np.testing.assert_allclose(logit(new_M) - logit(gamma_M), shift, atol=1e-10)
    assert np.all(np.sign(new_M - gamma_M) == np.sign(shift))


def test_embedded_synthetic_panel_is_reproduced_by_its_settings() -> None:
    import importlib.util

    import pandas as pd

    from retrench.data.simulate_tariffs_accession import simulate_accession_panel
    from retrench.resources import embedded_file

    spec = importlib.util.spec_from_file_location(
        "make_accession_synthetic", embedded_file("make_accession_synthetic.py")
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    panel, _ = simulate_accession_panel(**script.SETTINGS)
    stored = pd.read_csv(embedded_file("accession_synthetic.csv"))
    np.testing.assert_allclose(stored["tariff_applied_pct"], panel["tariff_applied_pct"], rtol=1e-9)
    assert list(stored["country_code"]) == list(panel["country_code"])
