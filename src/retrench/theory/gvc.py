"""The N-country GVC model of Qu & Yang (2023), seed 003: public entry point.

*Manufacturing Localization, Technology Backfire, and Economic De-globalization*, section 4.
Symmetric countries produce with the Cobb-Douglas technology of eq. (1) (value-added share υ,
local share μ of intermediate inputs) and buy final goods with eq. (4) (local share ω). The
Leontief inverse has the closed form of eq. (11), value added flows as in eq. (12), and GVC
participation (eq. 13) is GVCP_i = T·Σ_{j≠i} Ex_j / Ex_i + (N - 1)·T.

Pieces (each pure JAX, jit/vmap-able, differentiable in μ, υ, ω and the country vectors):

* :mod:`~retrench.theory.gvc_leontief`: ``input_coefficients``, ``final_demand_allocation``,
  ``leontief_inverse`` (eq. 11), ``leontief_inverse_numeric``, ``R``, ``T``, ``f``,
  ``thresholds``.
* :mod:`~retrench.theory.gvc_participation`: ``value_added_flows`` (eq. 12),
  ``gvc_participation`` (eq. 13) and the three closures used for comparative statics.
* :mod:`~retrench.theory.gvc_statics`: derivatives for Propositions 1-4 under each closure.

Example::

    from retrench.theory import gvc
    p = gvc.PAPER_PARAMETERS["china_2015"]
    gvc.leontief_inverse(p["n"], p["mu"], p["upsilon"])
    gvc.thresholds(p["n"], p["mu"])
"""

from __future__ import annotations

from retrench.theory.gvc_leontief import (
    GVCThresholds,
    R,
    T,
    check_parameters,
    f,
    final_demand_allocation,
    input_coefficients,
    leontief_inverse,
    leontief_inverse_numeric,
    spectral_radius,
    thresholds,
)
from retrench.theory.gvc_participation import (
    GVCOutcome,
    exports_from_demand,
    gvc_participation,
    gvc_participation_given_final_demand,
    gvc_participation_given_gross_output,
    gvc_participation_paper_reduced_form,
    value_added_flows,
)
from retrench.theory.gvc_statics import (
    GVCSensitivities,
    sensitivities_given_final_demand,
    sensitivities_given_gross_output,
    sensitivities_paper_reduced_form,
)

# Numbers quoted in the seed that parameterise the model. "source" cites the location. The paper
# gives no full parameterisation of its figures; where a parameter is missing the entry says
# which value was chosen here ("chosen").
PAPER_PARAMETERS: dict[str, dict] = {
    # Section 6.1 / Figure 3: "the value of N should be 7, 20 and 50 ... v is assigned a value of
    # 0.33"; μ runs along the figure's horizontal axis (range not stated in the text).
    "figure3_g7": {"n": 7, "upsilon": 0.33, "source": "section 6.1, Figure 3"},
    "figure3_g20": {"n": 20, "upsilon": 0.33, "source": "section 6.1, Figure 3"},
    "figure3_g50": {"n": 50, "upsilon": 0.33, "source": "section 6.1, Figure 3"},
    # Section 6.1: China's local shares, 2004 and 2015; N = 21 countries in the panel (section
    # 5); υ = 0.33 as in Figure 3 (chosen).
    "china_2004": {
        "n": 21,
        "mu": 0.876,
        "omega": 0.797,
        "upsilon": 0.33,
        "source": "section 6.1 (mu, omega); section 5 (n = 21); upsilon chosen",
    },
    "china_2015": {
        "n": 21,
        "mu": 0.941,
        "omega": 0.846,
        "upsilon": 0.33,
        "source": "section 6.1 (mu, omega); section 5 (n = 21); upsilon chosen",
    },
    # Section 6.2: local share of intermediate inputs, 2011 -> 2015.
    "us_2011": {"n": 21, "mu": 0.7239, "upsilon": 0.33, "source": "section 6.2"},
    "us_2015": {"n": 21, "mu": 0.7553, "upsilon": 0.33, "source": "section 6.2"},
    "uk_2011": {"n": 21, "mu": 0.6209, "upsilon": 0.33, "source": "section 6.2"},
    "uk_2015": {"n": 21, "mu": 0.6919, "upsilon": 0.33, "source": "section 6.2"},
    # Table 2: estimated single thresholds on ω (threshold regressions, eq. 19-20), to compare
    # with the model's 1/N and max(μ, 1/N).
    # Chosen (not from the paper): a demo point with ω below 1/N, between 1/N and μ, and above
    # max(μ, 1/N), and gross outputs close enough to their mean to be feasible at all three.
    "demo_threshold_sides": {
        "n": 5,
        "mu": 0.5,
        "upsilon": 0.33,
        "omegas": (0.1, 0.35, 0.8),
        "gross_output": (0.99, 0.995, 1.0, 1.005, 1.01),
        "source": "chosen for the demo",
    },
    "table2_thresholds": {
        "omega_mu": 0.3454,
        "omega_upsilon": 0.3785,
        "n": 21,
        "source": "Table 2 / Table 3",
    },
}

__all__ = [
    "PAPER_PARAMETERS",
    "GVCOutcome",
    "GVCSensitivities",
    "GVCThresholds",
    "R",
    "T",
    "check_parameters",
    "exports_from_demand",
    "f",
    "final_demand_allocation",
    "gvc_participation",
    "gvc_participation_given_final_demand",
    "gvc_participation_given_gross_output",
    "gvc_participation_paper_reduced_form",
    "input_coefficients",
    "leontief_inverse",
    "leontief_inverse_numeric",
    "sensitivities_given_final_demand",
    "sensitivities_given_gross_output",
    "sensitivities_paper_reduced_form",
    "spectral_radius",
    "thresholds",
    "value_added_flows",
]
