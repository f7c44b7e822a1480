"""Plots of the conjoint design and of the After-equilibrium theory (matplotlib, Agg; files only).

* :func:`plot_estimates`: dot-and-whisker plot of an AMCE or marginal-means table (both methods
  side by side, 90 % intervals), grouped by attribute;
* :func:`plot_welfare_path`: Figure 2 of the memo, welfare over time along autarky → trade
  equilibrium → disadvantaged sector let go → erosion, against autarky and re-entry
  (:func:`retrench.theory.after_equilibrium.welfare_path`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from retrench.theory import after_equilibrium as ae  # noqa: E402

METHOD_STYLE = {"ols": ("tab:blue", "o", -0.15), "bayes": ("tab:red", "s", 0.15)}


def _save(fig, path: str | os.PathLike[str]) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def plot_estimates(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str,
    reference: float = 0.0,
    xlabel: str = "effect on P(profile chosen)",
) -> str:
    """Dot-and-whisker plot of ``table`` (columns attribute, level, estimate, lower, upper,
    method): one row per level, one colour per method, a vertical line at ``reference``
    (0 for AMCEs, 0.5 for forced-choice marginal means)."""
    rows = list(dict.fromkeys(zip(table.attribute, table.level, strict=True)))
    position = {row: len(rows) - i for i, row in enumerate(rows)}
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    for method, group in table.groupby("method"):
        colour, marker, offset = METHOD_STYLE.get(method, ("black", "d", 0.0))
        y = np.array(
            [position[(a, lv)] for a, lv in zip(group.attribute, group.level, strict=True)]
        )
        ax.errorbar(
            group.estimate,
            y + offset,
            xerr=[group.estimate - group.lower, group.upper - group.estimate],
            fmt=marker,
            color=colour,
            capsize=2,
            label=method,
        )
    ax.axvline(reference, color="grey", lw=0.8, ls="--")
    ax.set_yticks([position[r] for r in rows], [f"{a}: {lv}" for a, lv in rows], fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower right")
    return _save(fig, path)


def plot_welfare_path(
    path: str | os.PathLike[str],
    params: ae.AfterEquilibriumParams = ae.DEFAULT_PARAMS,
    scopes: Sequence[str] = ("systemic", "sectoral"),
    n_steps: int = 50,
) -> str:
    """Figure 2: welfare over autarky (log points) along the path, one line per scope.

    Time runs: autarky (t < 0), trade equilibrium (0 ≤ t < 1), disadvantaged sector let go
    (1 ≤ t < 2), erosion rising linearly from 0 to 1 (2 ≤ t ≤ 3). Dashed: autarky and re-entry.
    """
    n_adv = int(np.asarray(params.advantage).shape[-1])
    masks = {"systemic": ae.systemic_scope(n_adv), "sectoral": ae.sectoral_scope(n_adv)}
    fig, ax = plt.subplots(figsize=(7, 4))
    erosion = np.linspace(0.0, 1.0, n_steps)
    for scope in scopes:
        stages = ae.welfare_path(params, 0.0, masks[scope])
        after = [float(ae.post_erosion_gain(params, e, masks[scope])) for e in erosion]
        t = np.concatenate([[-1, 0, 0, 1, 1, 2], 2 + erosion])
        w = np.concatenate(
            [[0, 0, float(stages.trade), float(stages.trade)]]
            + [[float(stages.capability_lost)] * 2, after]
        )
        ax.plot(t, w, label=f"{scope} erosion")
    ax.axhline(0.0, color="black", lw=0.8, ls="--", label="autarky")
    ax.axhline(float(ae.reentry_gain(params)), color="grey", lw=0.8, ls=":", label="re-entry")
    ax.set_xticks([-0.5, 0.5, 1.5, 2.5], ["autarky", "trade", "D let go", "erosion 0 → 1"])
    ax.set_ylabel("welfare over autarky (log points)")
    ax.set_title("After equilibrium (Yean, Figure 2): our formalisation")
    ax.legend(fontsize=8)
    return _save(fig, path)
