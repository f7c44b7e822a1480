"""docs/replication/seed003.md section 4 on the real WIOD panel (skipped when the data are absent).

The expected numbers are the record's; the regressions are checked against linearmodels in
test_qu_yang_tables.py, so this file only pins what the record prints.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrench.data as rd
from retrench.designs.gvc.qu_yang_tables import (
    PAPER,
    PROJECT,
    table1,
    table3_column,
    threshold_tests,
)
from retrench.errors import DataError


@pytest.fixture(scope="module")
def panel(require_data):
    try:
        frame = rd.gvc_panel(seed_sample_only=True)
    except DataError as err:
        require_data(f"WIOD GVC data not available: {err}")
    frame = frame.dropna(subset=["gr"])
    return frame.assign(log_value_added=np.log(frame.value_added))


def test_table1_project_columns(panel):
    t = table1(panel, controls=["log_value_added"])
    expected = {
        ("mu", "coef"): (-0.6282, -0.6933, -0.3739, -0.3962),
        ("mu", "t"): (-8.0517, -8.5545, -9.5537, -8.1597),
        ("omega", "coef"): (-0.0686, -0.1045, -0.0172, -0.0101),
        ("upsilon", "coef"): (-0.1301, -0.0944, -0.0271, -0.0118),
        ("gr", "coef"): (-0.0014, -0.0090, -0.0278, -0.0906),
        ("r2_within_two_way", "coef"): (0.3559, 0.3730, 0.4072, 0.4042),
    }
    for key, values in expected.items():
        np.testing.assert_allclose(t.loc[key].to_numpy(dtype=float), values, atol=5e-5)
    assert t.loc[("r2_within_country", "coef"), "16"] == pytest.approx(0.434, abs=5e-4)
    assert t.loc[("log_value_added", "coef"), "17"] == pytest.approx(0.2853, abs=5e-5)


@pytest.mark.parametrize(
    ("regressor", "phi", "f_project", "f_paper"),
    [("mu", 0.9146, 33.8425, 35.8333), ("upsilon", 0.8926, 9.2543, 9.7987)],
)
def test_table2_single_thresholds_and_f(panel, regressor, phi, f_project, f_paper):
    fast = {"replications": 1}
    project = threshold_tests(panel, regressor, PROJECT.__class__(**{**PROJECT.__dict__, **fast}))
    paper = threshold_tests(panel, regressor, PAPER.__class__(**{**PAPER.__dict__, **fast}))
    assert project.loc["single", "threshold"] == pytest.approx(phi, abs=5e-5)
    assert project.loc["single", "F"] == pytest.approx(f_project, abs=5e-4)
    assert paper.loc["single", "F"] == pytest.approx(f_paper, abs=5e-4)
    assert (project.attrs["dof"], paper.attrs["dof"]) == (255, 270)


@pytest.mark.slow
def test_table2_bootstrap_p_values(panel):
    got = {
        (name, reg): threshold_tests(
            panel, reg, choices.__class__(**{**choices.__dict__, "replications": 500})
        )["p_value"].to_numpy()
        for name, choices in (("project", PROJECT), ("paper", PAPER))
        for reg in ("mu", "upsilon")
    }
    np.testing.assert_allclose(got[("project", "mu")], [0.216, 0.628, 0.634])
    np.testing.assert_allclose(got[("paper", "mu")], [0.102, 0.454, 0.896])
    np.testing.assert_allclose(got[("project", "upsilon")], [0.792, 0.850, 0.658])
    np.testing.assert_allclose(got[("paper", "upsilon")], [0.704, 0.938, 0.714])


def test_table3_project_columns(panel):
    one = PROJECT.__class__(replications=1)
    phi_mu = float(threshold_tests(panel, "mu", one).loc["single", "threshold"])
    phi_ups = float(threshold_tests(panel, "upsilon", one).loc["single", "threshold"])
    mu = table3_column(panel, "mu", phi_mu)
    ups = table3_column(panel, "upsilon", phi_ups)
    assert mu[("mu_below", "coef")] == pytest.approx(-0.6377, abs=5e-5)
    assert mu[("mu_above", "coef")] == pytest.approx(-1.0486, abs=5e-5)
    assert ups[("upsilon_below", "coef")] == pytest.approx(0.0011, abs=5e-5)
    assert ups[("upsilon_above", "coef")] == pytest.approx(-0.1993, abs=5e-5)
