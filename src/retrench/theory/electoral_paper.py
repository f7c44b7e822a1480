"""The parameterisations printed in Melnick (2025), seed 001, and a reading of its appendix example.

``PAPER_PARAMETERS`` holds every parameter point the paper states:

* ``prop3_alpha_R_0.70`` and ``prop3_alpha_R_0.71``: the appendix example in the proof of
  Proposition 3 (λ = 0.5, α_E = 0.4, b = 1, Ψ = 1, x_H = 0.125, γ = 1.05; α_R = 0.70, 0.71).
* ``figure2``: footnote 9 (λ = 0.6, α_E = 0.4, b = 1, Ψ = 1, x_H = 0.5). Figure 2 plots γ_L and
  γ_H against α_R/(1 − α_R), so α_R varies (:func:`figure2_threshold_curves`) and γ plays no
  role; the stored α_R = 0.7 and γ = 1.05 are placeholders inside the domain.

Figure 1 is empirical (IO withdrawals, COW IGO data) and Figure 3 states no parameter values,
so neither has a parameterisation here. See ``docs/replication/seed001.md`` for the comparison.

The printed appendix numbers do not follow from the printed equations at b = Ψ = 1. They are
reproduced (every printed digit but one) by :func:`equilibrium_as_printed`: proposals solve
Proposition 1 with bΨ halved (equivalently, an ideological cost (x_d + α_a − θ)² without the
factor ½), while the thresholds γ_d evaluate the printed Φ_d with the stated bΨ = 1.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from retrench.theory import electoral_primitives as prim
from retrench.theory.electoral import (
    ElectoralEquilibrium,
    ElectoralParams,
    equilibrium,
    exit_threshold,
)

Array = jax.Array

PAPER_PARAMETERS: dict[str, ElectoralParams] = {
    "prop3_alpha_R_0.70": ElectoralParams(
        gamma=1.05, lam=0.5, alpha_R=0.70, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125
    ),
    "prop3_alpha_R_0.71": ElectoralParams(
        gamma=1.05, lam=0.5, alpha_R=0.71, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125
    ),
    "figure2": ElectoralParams(
        gamma=1.05, lam=0.6, alpha_R=0.7, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.5
    ),
}

#: Where each entry of PAPER_PARAMETERS is printed.
PAPER_SOURCES: dict[str, str] = {
    "prop3_alpha_R_0.70": "Appendix, proof of Proposition 3 (first case)",
    "prop3_alpha_R_0.71": "Appendix, proof of Proposition 3 (second case)",
    "figure2": "Footnote 9 (Figure 2); alpha_R varies along the x-axis, gamma unused",
}

#: The numbers printed in the proof of Proposition 3 (rounded to three decimals there).
PRINTED_PROP3: dict[str, dict[str, float]] = {
    "prop3_alpha_R_0.70": {
        "theta_LR": 0.566, "theta_LE": 0.467, "theta_HE": 0.508, "theta_HR": 0.605,
        "gamma_H": 1.048, "gamma_L": 1.013, "D_w": -0.067, "D_l": 0.095,
    },
    "prop3_alpha_R_0.71": {
        "theta_LR": 0.569, "theta_LE": 0.468, "theta_HE": 0.508, "theta_HR": 0.608,
        "gamma_H": 1.051, "gamma_L": 1.015, "D_w": 0.162, "D_l": -0.083,
    },
}  # fmt: skip


def equilibrium_as_printed(p: ElectoralParams, foc_b_psi_factor: float = 0.5) -> dict[str, Array]:
    """The appendix example's computation as the printed numbers imply (a reading, not the model).

    Proposals solve Proposition 1 with bΨ replaced by ``foc_b_psi_factor``·bΨ; Φ_d, γ_d, the
    exit decisions and D_j then use the stated b and Ψ. With the factor 1 this is the model
    itself (:func:`retrench.theory.electoral.equilibrium`). Scalar parameters only.
    """
    b_foc = p.b * foc_b_psi_factor
    logits = {
        name: prim.solve_proposal_logit(p.lam, alpha, x, b_foc, p.psi).value
        for name, alpha, x in (
            ("LR", p.alpha_R, 0.0), ("LE", p.alpha_E, 0.0),
            ("HR", p.alpha_R, p.x_H), ("HE", p.alpha_E, p.x_H),
        )
    }  # fmt: skip
    out: dict[str, Array] = {f"theta_{k}": jax.nn.sigmoid(u) for k, u in logits.items()}
    log_gamma = jnp.log(p.gamma)
    for d, x in (("L", 0.0), ("H", p.x_H)):
        u_R, u_E = logits[f"{d}R"], logits[f"{d}E"]
        args = (p.lam, p.alpha_R, p.alpha_E, x, p.b, p.psi, u_R, u_E)
        out[f"gamma_{d}"] = jnp.exp(prim.solve_log_threshold(*args).value)
        out[f"exit_{d}"] = prim.exit_advantage(log_gamma, *args) <= 0.0
    d_w, d_l = prim.log_income_gaps(
        jnp.where(out["exit_L"], 0.0, log_gamma),
        jnp.where(out["exit_L"], logits["LE"], logits["LR"]),
        jnp.where(out["exit_H"], 0.0, log_gamma),
        jnp.where(out["exit_H"], logits["HE"], logits["HR"]),
    )
    out["D_w"], out["D_l"] = d_w, d_l
    return out


def figure2_threshold_curves(alpha_R: Array) -> tuple[Array, Array, Array]:
    """Figure 2: (α_R/(1 − α_R), γ_L, γ_H) along ``alpha_R`` at the footnote 9 parameters."""
    alpha_R = jnp.asarray(alpha_R, dtype=jnp.result_type(float))
    p = PAPER_PARAMETERS["figure2"]._replace(alpha_R=alpha_R)
    return alpha_R / (1.0 - alpha_R), exit_threshold(p, "L"), exit_threshold(p, "H")


def summary_table(p: ElectoralParams) -> list[tuple[str, float]]:
    """(label, value) rows for printing one equilibrium: parameters, proposals, thresholds, votes.

    Scalar parameters only; booleans are reported as 0.0/1.0.
    """
    eq: ElectoralEquilibrium = equilibrium(p)
    rows = [(f"param {name}", float(value)) for name, value in p._asdict().items()]
    for field in ("theta_LR", "theta_LE", "theta_HR", "theta_HE", "phi_L", "phi_H"):
        rows.append((field, float(getattr(eq, field))))
    rows.append(("gamma_L (threshold)", float(jnp.exp(eq.log_gamma_L))))
    rows.append(("gamma_H (threshold)", float(jnp.exp(eq.log_gamma_H))))
    for field in ("exit_L", "exit_H", "D_w", "D_l", "pi_L", "pi_is_probability"):
        rows.append((field, float(getattr(eq, field))))
    return rows
