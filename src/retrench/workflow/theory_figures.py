"""The seeds' theory figures, drawn from the theory layer's curve computations (matplotlib, Agg).

* :func:`plot_deremer_figure1` — DeRemer (2023) Figure 1: S, S*, N, N*, the efficiency
  frontier EF, the Nash, stable and public-preferred (W) points, at γ_E = 1.1, γ_M = 1.2
  (the publics' γ_E^W = 1 is illustrative; the paper prints no value). Curves from
  :func:`retrench.theory.tariffs_frontier.figure1_curves`.
* :func:`plot_melnick_figure3` — Melnick (2025) Figure 3: D*_w and D*_ℓ across α_R. The paper
  prints no parameters for it; the appendix example's (λ = 0.5, α_E = 0.4, b = Ψ = 1,
  x_H = 0.125, γ = 1.05) are used, optionally with the appendix's reputational cost c.
  Curves from :func:`retrench.theory.electoral_reputation.realignment_path`.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from retrench.theory.electoral import ElectoralParams  # noqa: E402
from retrench.theory.electoral_reputation import realignment_path  # noqa: E402
from retrench.theory.tariffs import PAPER_PARAMETERS, TariffWeights  # noqa: E402
from retrench.theory.tariffs_frontier import figure1_curves  # noqa: E402

MELNICK_APPENDIX = ElectoralParams(
    gamma=1.05, lam=0.5, alpha_R=0.7, alpha_E=0.4, b=1.0, psi=1.0, x_H=0.125
)


def _save(fig, path: str | os.PathLike[str]) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def plot_deremer_figure1(
    path: str | os.PathLike[str],
    w: TariffWeights = PAPER_PARAMETERS.government,
    w_public: TariffWeights = PAPER_PARAMETERS.public,
) -> str:
    """Figure 1 in specific tariffs (τ_x horizontal, τ_y* vertical); returns the file path."""
    tau_x = np.linspace(-0.06, 0.14, 201)
    c = figure1_curves(w, w_public, tau_x, np.linspace(-1.0, 1.0, 201))
    fig, ax = plt.subplots(figsize=(5.5, 5.2))
    for y, label, style in (
        (c.S, "S (Home indifferent)", "-"),
        (c.S_star, "S* (Foreign indifferent)", "--"),
        (c.N, "N (Home's Nash gain)", ":"),
        (c.N_star, "N* (Foreign's Nash gain)", "-."),
    ):
        ax.plot(tau_x, np.asarray(y), style, color="0.3", label=label)
    ax.plot(np.asarray(c.EF_tau_x), np.asarray(c.EF_tau_y_star), color="C0", lw=2, label="EF")
    for point, label, marker in (
        (c.nash, "Nash", "s"),
        (c.stable, "stable (eq. 6)", "o"),
        (c.public, "W (public)", "^"),
    ):
        ax.plot(*np.asarray(point), marker, ms=8, label=label)
    ax.set(xlim=(-0.06, 0.14), ylim=(-0.06, 0.14), xlabel="τ_x (Home)", ylabel="τ_y* (Foreign)")
    ax.set_title("DeRemer (2023) Figure 1: γ_E = 1.1, γ_M = 1.2")
    ax.legend(fontsize=7, loc="lower left")
    return _save(fig, path)


def plot_melnick_figure3(
    path: str | os.PathLike[str],
    p: ElectoralParams = MELNICK_APPENDIX,
    cost: float = 0.0,
    alpha_R: np.ndarray | None = None,
) -> str:
    """Figure 3: D*_w (solid) and D*_ℓ (dashed) across α_R, regimes shaded; returns the path."""
    grid = np.linspace(0.55, 0.95, 801) if alpha_R is None else np.asarray(alpha_R)
    path_ = realignment_path(p, grid, cost)
    ex_l, ex_h = np.asarray(path_.exit_L), np.asarray(path_.exit_H)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for mask, shade in ((ex_h & ~ex_l, "0.9"), (ex_h & ex_l, "0.8")):
        if mask.any():
            ax.axvspan(grid[mask].min(), grid[mask].max(), color=shade, lw=0)
    d_w, d_l = np.asarray(path_.D_w), np.asarray(path_.D_l)
    switch = np.flatnonzero(np.diff(ex_h.astype(int) + ex_l.astype(int)) != 0) + 1
    for seg in np.split(np.arange(grid.size), switch):
        ax.plot(grid[seg], d_w[seg], "-", color="C0")
        ax.plot(grid[seg], d_l[seg], "--", color="C3")
    ax.axhline(0.0, color="k", lw=0.6)
    ax.plot([], [], "-", color="C0", label="D*_w (winners)")
    ax.plot([], [], "--", color="C3", label="D*_ℓ (losers)")
    ax.set(xlabel="α_R (winners' share under globalization)", ylabel="D* (vote for L if > 0)")
    extra = f", c = {cost:g}" if cost else ""
    ax.set_title(f"Melnick (2025) Figure 3 at the appendix parameters{extra}")
    ax.legend(fontsize=8)
    return _save(fig, path)
