"""Checks of an electoral fit: contraction, recovery, realignment period, predictive plots.

* :func:`contraction`: prior-to-posterior contraction 1 − var_post/var_prior of every scalar
  (and per-Congress) parameter; near 0 = the prior carries it, near 1 = the data pin it.
* :func:`recovery_table`: truth beside the posterior (90 % interval, coverage, z-score) for a
  simulated data set (:mod:`retrench.data.simulate_electoral`).
* :func:`realignment_period`: posterior distribution of the first Congress whose exposure–vote
  slope has the opposite sign of the first Congress's (Proposition 3), or "none".
* :func:`plot_party_yea_shares` and :func:`plot_exposure_vote`: posterior predictive checks of
  party yea shares by Congress and of the exposure–vote relation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.bayes.contraction import contraction_table
from retrench.errors import SpecError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CONTRACTION_SITES = (
    "lam", "alpha_E", "x_H", "gamma", "b", "qr_scale", "alpha_R_rw_sd", "discipline",
    "concentration", "taa_intercept", "taa_slope", "m", "exposure_loading",
    "district_intercept", "district_sigma", "alpha_R", "p_exit_H", "p_exit_L", "gamma_H",
    "gamma_L", "exposure_slope",
)  # fmt: skip


def _flat(ds, name: str) -> np.ndarray:
    arr = np.asarray(ds[name].values)
    return arr.reshape((-1,) + arr.shape[2:]) if ds is not None else arr


def contraction(idata, names: Sequence[str] = CONTRACTION_SITES) -> pd.DataFrame:
    """1 − var_post/var_prior per parameter element, with prior and posterior sd, indexed
    ``name`` or ``name[label]`` (:func:`retrench.bayes.contraction.contraction_table` on the
    ``prior`` group that :meth:`StructuralModel.fit` stores)."""
    table = contraction_table(
        idio.group(idata, "posterior"), idio.group(idata, "prior"), names, drop_constants=False
    )
    table = table.loc[table["prior_sd"].notna()]  # sites the prior group lacks are left out
    pairs = zip(table["parameter"], table["label"], strict=True)
    index = [f"{name}[{label}]" if label else name for name, label in pairs]
    return table.drop(columns=["parameter", "label"]).set_axis(index).rename_axis("parameter")


def recovery_table(
    idata, truth: Mapping[str, float | np.ndarray], prob: float = 0.9
) -> pd.DataFrame:
    """Truth, posterior median, central ``prob`` interval, ``covered`` and z = (mean − truth)/sd."""
    rows = []
    for name, value in truth.items():
        draws = _flat(idata.posterior, name)
        draws = draws.reshape(draws.shape[0], -1)
        values = np.atleast_1d(np.asarray(value, float))
        lo, hi = np.quantile(draws, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
        for j, tv in enumerate(values):
            rows.append(
                {
                    "parameter": name if values.size == 1 else f"{name}[{j}]",
                    "truth": tv,
                    "median": float(np.median(draws[:, j])),
                    "lo": lo[j],
                    "hi": hi[j],
                    "covered": bool(lo[j] <= tv <= hi[j]),
                    "z": float((draws[:, j].mean() - tv) / max(draws[:, j].std(), 1e-12)),
                }
            )
    return pd.DataFrame(rows).set_index("parameter")


def realignment_period(idata, congresses: Sequence[int]) -> pd.Series:
    """Posterior probability of the first realigned Congress (and of ``none``)."""
    if "realigned" not in idata.posterior:
        raise SpecError("districts.use: the fit has no district block, so no realignment period")
    flags = _flat(idata.posterior, "realigned") > 0.5
    first = np.where(flags.any(1), np.argmax(flags, 1), -1)
    labels = ["none" if i < 0 else str(congresses[i]) for i in first]
    order = [str(c) for c in congresses] + ["none"]
    return pd.Series(labels).value_counts(normalize=True).reindex(order, fill_value=0.0)


def party_share_table(model, replicated: np.ndarray | None = None) -> pd.DataFrame:
    """Observed pooled yea share of liberalizing votes by (Congress, party) and, given
    ``replicated`` yea counts (draws × rows), the predictive 5 %, 50 %, 95 % quantiles."""
    panel = model.panel
    keep = (panel["kind"] == "liberalizing").to_numpy()
    groups = panel.loc[keep].groupby(["congress", "party"]).indices
    rows = []
    for (congress, party), idx in sorted(groups.items()):
        rows_idx = np.flatnonzero(keep)[idx]
        n = panel["n_voting"].to_numpy()[rows_idx].sum()
        row = {"congress": congress, "party": party,
               "observed": panel["yea"].to_numpy()[rows_idx].sum() / n}  # fmt: skip
        if replicated is not None:
            share = replicated[:, rows_idx].sum(1) / n
            row.update(
                zip(("lo", "median", "hi"), np.quantile(share, [0.05, 0.5, 0.95]), strict=True)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def plot_party_yea_shares(model, path: str | os.PathLike[str]) -> str:
    """Observed party yea shares on liberalizing roll calls by Congress against the posterior
    predictive 90 % band."""
    rep = _flat(model.idata.posterior_predictive, "yea_obs")
    table = party_share_table(model, rep)
    fig, ax = plt.subplots(figsize=(7, 4))
    for party, colour in (("D", "tab:blue"), ("R", "tab:red")):
        t = table[table["party"] == party]
        ax.fill_between(t["congress"], t["lo"], t["hi"], color=colour, alpha=0.2)
        ax.plot(t["congress"], t["median"], color=colour, lw=1, label=f"{party} predicted")
        ax.plot(t["congress"], t["observed"], "o", color=colour, label=f"{party} observed")
    ax.set_xlabel("Congress")
    ax.set_ylabel("yea share (liberalizing votes)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    ax.set_title("Posterior predictive check: party yea shares")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def plot_exposure_vote(model, path: str | os.PathLike[str]) -> str:
    """District vote-share change against exposure: data, posterior mean line and 90 % band of
    replicated changes; excluded (uncontested) districts shown as crosses."""
    d = model.districts
    rep = _flat(model.idata.posterior_predictive, "district_obs")
    mean = _flat(model.idata.posterior, "district_mean")
    order = np.argsort(d["exposure"].to_numpy())
    x = d["exposure"].to_numpy()[order]
    fig, ax = plt.subplots(figsize=(7, 4))
    lo, hi = np.quantile(rep[:, order], [0.05, 0.95], axis=0)
    ax.fill_between(x, lo, hi, color="tab:grey", alpha=0.2, label="90 % predictive")
    ax.plot(x, mean[:, order].mean(0), color="black", label="posterior mean")
    ax.plot(d["exposure"], d["d_rep_share"], ".", color="tab:red", ms=3, label="districts")
    ex = model.district_excluded
    if ex is not None and len(ex):
        ax.plot(ex["exposure"], ex["d_rep_share"], "x", color="grey", ms=4,
                label=f"uncontested, excluded ({len(ex)})")  # fmt: skip
    ax.set_xlabel("China-shock exposure")
    ax.set_ylabel("Δ Republican share (pp)")
    ax.legend(fontsize=8)
    ax.set_title("Posterior predictive check: exposure–vote relation")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def ols_slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of ``y`` on ``x`` (last axis of ``y``; ``x`` one vector)."""
    xc = x - x.mean()
    yc = y - y.mean(axis=-1, keepdims=True)
    return (yc * xc).sum(-1) / (xc * xc).sum()


def exposure_slope_check(model) -> dict[str, float]:
    """Posterior predictive check of the exposure–vote relation: the OLS slope of the district
    change (pp) on standardized exposure in the data and in every replicated data set.

    Returns the observed slope, the replicated median and 90 % interval, and the predictive
    p-value P(replicated ≤ observed) (near 0 or 1 = the model misses the slope).
    """
    if model.districts is None:
        raise SpecError("districts.use: the fit has no district block, so no exposure slope")
    z = model.districts["z_exposure"].to_numpy(float)
    observed = float(ols_slope(z, model.districts["d_rep_share"].to_numpy(float)))
    replicated = ols_slope(z, _flat(model.idata.posterior_predictive, "district_obs"))
    lo, med, hi = np.quantile(replicated, [0.05, 0.5, 0.95])
    return {
        "observed": observed,
        "replicated_median": float(med),
        "replicated_lo": float(lo),
        "replicated_hi": float(hi),
        "p_value": float(np.mean(replicated <= observed)),
    }
