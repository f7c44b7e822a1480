"""Plots of the workflow, written to files (matplotlib, Agg backend; nothing is shown).

* :func:`plot_predictive` — ECDFs of replicated data sets (prior or posterior predictive)
  against the observed data;
* :func:`plot_weight_ridge` — posterior of (γ_E, γ_M) for a few countries over prior draws:
  the iso-tariff ridge that shows what one tariff per country cannot identify;
* :func:`plot_contraction` — prior-to-posterior contraction 1 − var_post/var_prior per country;
* :func:`plot_pareto_k` — PSIS-LOO Pareto k per observation with the 0.7 threshold;
* :func:`plot_rank_histograms` — simulation-based calibration ranks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _save(fig, path: str | os.PathLike[str]) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def plot_predictive(
    observed: np.ndarray,
    replicated: np.ndarray,
    path: str | os.PathLike[str],
    title: str,
    scale: float = 100.0,
    n_lines: int = 60,
) -> str:
    """ECDF of ``observed`` (bold) over ECDFs of up to ``n_lines`` rows of ``replicated``."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
    rng = np.random.default_rng(0)
    rows = rng.choice(replicated.shape[0], size=min(n_lines, replicated.shape[0]), replace=False)
    for i in rows:
        x = np.sort(replicated[i]) * scale
        ax.step(x, np.arange(1, x.size + 1) / x.size, color="tab:blue", alpha=0.12, lw=0.8)
    x = np.sort(observed) * scale
    ax.step(x, np.arange(1, x.size + 1) / x.size, color="black", lw=2, label="observed")
    ax.plot([], [], color="tab:blue", alpha=0.5, label="replicated")
    hi = np.quantile(np.concatenate([observed, replicated[rows].ravel()]) * scale, 0.995)
    ax.set_xlim(min(0.0, float(np.min(observed) * scale)), max(hi, float(np.max(x))))
    ax.set_xlabel("tariff (%)")
    ax.set_ylabel("ECDF")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return _save(fig, path)


def plot_weight_ridge(
    posterior: Mapping[str, np.ndarray],
    prior: Mapping[str, np.ndarray],
    labels: Sequence[str],
    path: str | os.PathLike[str],
) -> str:
    """(γ_E, γ_M) scatter for each labelled country: prior draws (grey), posterior (colour)."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.scatter(
        prior["gamma_E"].ravel(),
        prior["gamma_M"].ravel(),
        s=2,
        color="0.8",
        label="prior (all countries)",
    )
    for i, label in enumerate(labels):
        ax.scatter(
            posterior["gamma_E"][:, i],
            posterior["gamma_M"][:, i],
            s=3,
            alpha=0.5,
            label=f"{label} posterior",
        )
    ax.set_xlabel("γ_E (exporters' weight)")
    ax.set_ylabel("γ_M (import-competing weight)")
    ax.set_title("one tariff per country identifies only an iso-tariff curve")
    ax.legend(fontsize=7, markerscale=3)
    return _save(fig, path)


def plot_contraction(contraction: Mapping[str, np.ndarray], path: str | os.PathLike[str]) -> str:
    """Box plot of 1 − var_post/var_prior across countries, one box per quantity."""
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    names = list(contraction)
    ax.boxplot(
        [np.asarray(contraction[n]) for n in names], tick_labels=names, orientation="horizontal"
    )
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("posterior contraction 1 - var_post / var_prior")
    ax.set_title("what the data identify (1: fully) and what the priors carry (0)")
    return _save(fig, path)


def plot_pareto_k(k: np.ndarray, path: str | os.PathLike[str]) -> str:
    """Pareto k of each observation (PSIS-LOO) with the 0.7 reliability threshold."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    k = np.asarray(k).ravel()
    ax.scatter(np.arange(k.size), k, s=4, c=np.where(k > 0.7, "tab:red", "tab:blue"))
    ax.axhline(0.7, color="tab:red", lw=0.8, ls="--")
    ax.set_xlabel("observation")
    ax.set_ylabel("Pareto k")
    ax.set_title(f"PSIS-LOO: {int(np.sum(k > 0.7))} of {k.size} observations with k > 0.7")
    return _save(fig, path)


def plot_rank_histograms(
    ranks: Mapping[str, np.ndarray], n_draws: int, path: str | os.PathLike[str], bins: int = 10
) -> str:
    """SBC rank histograms (one panel per parameter) with the uniform expectation band."""
    names = list(ranks)
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        r = np.asarray(ranks[name]).ravel()
        ax.hist(r, bins=bins, range=(0, n_draws + 1), color="tab:blue", alpha=0.7)
        expected = r.size / bins
        band = 1.96 * np.sqrt(expected * (1 - 1 / bins))
        ax.axhspan(expected - band, expected + band, color="0.85", zorder=0)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("rank of truth")
    return _save(fig, path)
