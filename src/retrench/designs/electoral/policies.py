r"""Counterfactuals of the electoral design over the posterior (Melnick 2025, seed 001).

* :func:`hold_inequality`: α_R held at its first-Congress (early-1990s) level in every Congress,
  run as ``model.counterfactual(inequality_hold=1)`` (``numpyro.handlers.do`` on the policy
  node); would H still have turned to exit, and when?
* :func:`minimal_compensation`: per posterior draw and Congress, the smallest rise κ* in the
  losers' share under globalization (α_R → α_R − κ) that keeps H in, i.e. makes Φ_H(γ) ≥ 0
  (P(exit_H) ≤ ½). Φ_H falls in α_R (Corollary 3: γ_H rises in α_R), so κ* is found by a
  vectorised bisection; :func:`compensation_check` confirms it through the policy node
  ``compensation`` of the model itself.
* :func:`realignment_map`: the thresholds γ_L(α_R), γ_H(α_R) on a grid of α_R for every
  posterior draw (the region γ_L < γ ≤ γ_H is where H exits and L remains), and where the U.S.
  stood in each Congress; :func:`plot_realignment_map` draws it like the seed's Figures 2–3.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import pandas as pd
import xarray as xr

from retrench.designs.electoral import structure as es
from retrench.errors import SpecError
from retrench.theory import electoral_primitives as prim

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPORT_SITES = ("p_exit_H", "p_exit_L", "alpha_R_used", "gamma_H", "phi_H", "D_w", "D_l")
COMPENSATION_STEPS = 60


def interval_frame(values: np.ndarray, index: Sequence, prob: float = 0.9) -> pd.DataFrame:
    """Mean and central ``prob`` interval over the first axis (draws), one row per ``index``."""
    lo, hi = np.nanquantile(values, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return pd.DataFrame(
        {"mean": np.nanmean(values, 0), "median": np.nanmedian(values, 0), "lo": lo, "hi": hi},
        index=pd.Index(index, name="congress"),
    )


def _flat(ds: xr.Dataset, name: str) -> np.ndarray:
    arr = np.asarray(ds[name].values)
    return arr.reshape((-1,) + arr.shape[2:])


def posterior_arrays(model, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Posterior draws (chain × draw flattened) of ``names`` from the model's fit."""
    post = model.idata.posterior
    return {name: _flat(post, name) for name in names}


# --- inequality held at its early-1990s level --------------------------------------------------
def hold_inequality(model) -> tuple[xr.Dataset, pd.DataFrame]:
    """(counterfactual dataset, per-Congress table): α_R,c held at α_R,first for every c.

    Table columns: factual and counterfactual mean P(H exits) with 90 % intervals, and the
    posterior probability that H proposes exit (P(exit_H) > ½) under the hold. "When" is
    answered by ``first_exit_congress``: the first Congress where that probability exceeds ½.
    """
    n = len(model.congresses)
    sites = [s for s in REPORT_SITES if s in model.site_names()["deterministic"]]
    ds = model.counterfactual(inequality_hold=np.ones(n), return_sites=sites)
    cf, fa = _flat(ds, "p_exit_H"), _flat(ds, "p_exit_H_factual")
    table = pd.DataFrame(
        {
            "p_exit_H_factual": fa.mean(0),
            "p_exit_H_held": cf.mean(0),
            "held_lo": np.quantile(cf, 0.05, 0),
            "held_hi": np.quantile(cf, 0.95, 0),
            "prob_H_exits_factual": (fa > 0.5).mean(0),
            "prob_H_exits_held": (cf > 0.5).mean(0),
        },
        index=pd.Index(model.congresses, name="congress"),
    )
    exits = table.index[table["prob_H_exits_held"] > 0.5]
    table.attrs["first_exit_congress"] = int(exits[0]) if len(exits) else None
    return ds, table


# --- compensation that keeps H in --------------------------------------------------------------
def _phi_H(alpha_R, log_gamma, lam, alpha_E, x_H, b, psi):
    """Φ_H(γ) at winners' share ``alpha_R`` (arrays over draws × Congress)."""
    u_R, ok_R = es.proposal_logits(lam, alpha_R, x_H, b * psi)
    u_E, ok_E = es.proposal_logits(lam, alpha_E, x_H, b * psi)
    phi = prim.exit_advantage(log_gamma, lam, alpha_R, alpha_E, x_H, b, psi, u_R, u_E)
    return phi, ok_R & ok_E


@jax.jit
def _minimal_compensation_arrays(alpha_R, log_gamma, lam, alpha_E, x_H, b, psi):
    lower = es.alpha_R_lower_bound(lam, alpha_E)
    room = (alpha_R - lower) * (1.0 - 1e-9)
    args = (log_gamma, lam, alpha_E, x_H, b, psi)
    phi0, _ = _phi_H(alpha_R, *args)
    phi_max, _ = _phi_H(alpha_R - room, *args)
    lo, hi = jnp.zeros_like(alpha_R), room

    def step(_, bounds):
        lo, hi = bounds
        mid = 0.5 * (lo + hi)
        stays, _ = _phi_H(alpha_R - mid, *args)
        return jnp.where(stays >= 0, lo, mid), jnp.where(stays >= 0, mid, hi)

    lo, hi = jax.lax.fori_loop(0, COMPENSATION_STEPS, step, (lo, hi))
    kappa = jnp.where(phi0 >= 0, 0.0, jnp.where(phi_max < 0, jnp.inf, hi))
    return kappa


def minimal_compensation(model) -> tuple[np.ndarray, pd.DataFrame]:
    """(κ* per draw × Congress, table): the smallest rise in the losers' share that keeps H in.

    κ* = 0 where H already remains; ``inf`` where even α_R at its lower bound max(1 − λ, α_E)
    does not keep H in (reported as the share ``unattainable``). The table gives the posterior
    median and 90 % interval of κ* among the attainable draws, the share of draws needing a
    positive κ*, and that unattainable share.
    """
    p = posterior_arrays(model, ["alpha_R", "gamma", "lam", "alpha_E", "x_H", "b"])
    col = {k: v[:, None] for k, v in p.items() if k != "alpha_R"}
    kappa = np.asarray(
        _minimal_compensation_arrays(
            jnp.asarray(p["alpha_R"]), jnp.log(col["gamma"]), col["lam"], col["alpha_E"],
            col["x_H"], col["b"], model.spec["structure"]["psi"],
        )
    )  # fmt: skip
    finite = np.where(np.isfinite(kappa), kappa, np.nan)
    table = interval_frame(finite, model.congresses)
    table["share_positive"] = (kappa > 0).mean(0)
    table["unattainable"] = np.isinf(kappa).mean(0)
    return kappa, table


def compensation_check(model, kappa_draws: np.ndarray, congress: int) -> dict[str, float]:
    """Run ``counterfactual(compensation=κ)`` at the posterior median κ* of ``congress`` and
    report how often Φ_H ≥ 0 among draws with κ* ≤ κ (should be 1) and κ* > κ (should be 0)."""
    i = int(np.flatnonzero(np.asarray(model.congresses) == congress)[0])
    column = kappa_draws[:, i]
    kappa = float(np.nanmedian(np.where(np.isfinite(column), column, np.nan)))
    policy = np.zeros(len(model.congresses))
    policy[i] = kappa
    ds = model.counterfactual(compensation=policy, return_sites=["phi_H"])
    phi = _flat(ds, "phi_H")[:, i]
    below, above = column <= kappa, column > kappa
    return {
        "kappa": kappa,
        "stays_when_enough": float(np.mean(phi[below] >= -1e-10)) if below.any() else np.nan,
        "stays_when_not_enough": float(np.mean(phi[above] >= 1e-10)) if above.any() else np.nan,
    }


# --- the policies as tables (for ``retrench simulate``) ------------------------------------------
POLICIES: dict[str, str] = {
    "hold-inequality": "winners' share α_R held at its first-Congress (early-1990s) level: "
    "would H still have turned to exit, and when?",
    "compensation": "losers' share raised by AMOUNT in every Congress (α_R → α_R − AMOUNT); "
    "without AMOUNT, the smallest raise that keeps H in, per Congress, with its uncertainty",
}


def fixed_compensation(model, amount: float) -> pd.DataFrame:
    """P(exit_H) per Congress with the losers' share raised by ``amount`` (policy node
    ``compensation``), beside the factual one; ``out_of_domain`` is the share of draws where
    α_R − amount falls below max(1 − λ, α_E), for which the model keeps the factual α_R (and
    counts a solver failure) instead of leaving the domain."""
    if not np.isfinite(amount) or amount < 0:
        raise SpecError(f"amount: expected a finite raise of the losers' share >= 0 (got {amount})")
    p = posterior_arrays(model, ["alpha_R", "lam", "alpha_E"])
    lower = es.alpha_R_lower_bound(p["lam"], p["alpha_E"])[:, None]
    largest = float(np.max(np.asarray(p["alpha_R"]) - lower))
    if amount >= largest:  # checked before any counterfactual is computed
        raise SpecError(
            f"amount: a raise of {amount:g} leaves the model's domain in every posterior draw "
            f"and Congress (alpha_R - amount must stay above max(1 - lam, alpha_E)); expected "
            f"0 <= amount < {largest:.4g}"
        )
    n = len(model.congresses)
    ds = model.counterfactual(compensation=np.full(n, float(amount)),
                              return_sites=["p_exit_H", "alpha_R"])  # fmt: skip
    cf, fa = _flat(ds, "p_exit_H"), _flat(ds, "p_exit_H_factual")
    table = interval_frame(cf, model.congresses)
    table.insert(0, "p_exit_H_factual", fa.mean(0))
    table["prob_H_exits_factual"] = (fa > 0.5).mean(0)
    table["prob_H_exits"] = (cf > 0.5).mean(0)
    table["out_of_domain"] = (np.asarray(p["alpha_R"]) - amount <= lower).mean(0)
    table.attrs["amount"] = float(amount)
    return table


def counterfactual_tables(
    model, policy: str, amount: float | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """(title, table) pairs of one policy of :data:`POLICIES` over the posterior of ``model``.

    ``hold-inequality``: :func:`hold_inequality` (``amount`` must be None). ``compensation``:
    :func:`fixed_compensation` at ``amount``, or with ``amount`` None :func:`minimal_compensation`
    and the first Congress in which a positive raise is needed in most draws.

    Raises:
        SpecError: unknown ``policy``, or an ``amount`` the policy does not take.
    """
    if policy not in POLICIES:
        raise SpecError(f"policy: unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    if policy == "hold-inequality":
        if amount is not None:
            raise SpecError("amount: the hold-inequality policy takes no amount")
        _, table = hold_inequality(model)
        first = table.attrs["first_exit_congress"]
        when = "never" if first is None else f"from Congress {first}"
        return [(f"Inequality held at the first Congress (H exits in most draws: {when})", table)]
    if amount is not None:
        return [(f"Losers' share raised by {amount:g}", fixed_compensation(model, float(amount)))]
    _, table = minimal_compensation(model)
    needed = table.index[table["share_positive"] > 0.5]
    when = "never" if len(needed) == 0 else f"from Congress {int(needed[0])}"
    title = f"Smallest raise of the losers' share keeping H in (needed in most draws: {when})"
    return [(title, table)]


# --- realignment map ---------------------------------------------------------------------------
def realignment_map(model, n_grid: int = 60, max_draws: int = 400) -> dict[str, np.ndarray]:
    """Thresholds on a grid of α_R per posterior draw, and where the U.S. stood per Congress.

    Returns ``ratio`` (grid of α_R/(1 − α_R)), ``log_gamma_L``/``log_gamma_H`` (draws × grid, NaN
    below the draw's lower bound of α_R), ``us_ratio``/``us_gamma`` (draws × Congress),
    ``prob_H_exits_L_remains`` per Congress (share of draws with γ_L,c < γ ≤ γ_H,c).
    """
    p = posterior_arrays(
        model, ["alpha_R", "gamma", "lam", "alpha_E", "x_H", "b", "gamma_L", "gamma_H"]
    )
    take = np.linspace(0, p["gamma"].shape[0] - 1, min(max_draws, p["gamma"].shape[0])).astype(int)
    p = {k: v[take] for k, v in p.items()}
    lower = np.maximum(1 - p["lam"], p["alpha_E"])
    top = min(0.97, float(np.quantile(p["alpha_R"], 0.95)) + 0.02)
    grid = np.linspace(float(np.quantile(lower, 0.05)) + 1e-4, top, n_grid)
    psi = model.spec["structure"]["psi"]
    col = {k: jnp.asarray(p[k])[:, None] for k in ("lam", "alpha_E", "x_H", "b")}
    a = jnp.broadcast_to(jnp.asarray(grid)[None, :], (take.size, n_grid))
    out = {}
    for leader, x in (("L", 0.0 * col["x_H"]), ("H", col["x_H"])):
        u_R, _ = es.proposal_logits(col["lam"], a, x, col["b"] * psi)
        u_E, _ = es.proposal_logits(col["lam"], col["alpha_E"], x, col["b"] * psi)
        lg = es.log_threshold(col["lam"], a, col["alpha_E"], x, col["b"], psi, u_R, u_E)
        out[f"log_gamma_{leader}"] = np.where(
            grid[None, :] > lower[:, None], np.asarray(lg), np.nan
        )
    g = p["gamma"][:, None]
    out.update(
        ratio=grid / (1 - grid),
        us_ratio=p["alpha_R"] / (1 - p["alpha_R"]),
        us_gamma=np.broadcast_to(g, p["alpha_R"].shape),
        prob_H_exits_L_remains=((p["gamma_L"] < g) & (g <= p["gamma_H"])).mean(0),
    )
    return out


def plot_realignment_map(model, path: str | os.PathLike[str], n_grid: int = 60) -> str:
    """Three panels: (a) Figure 2-like map, γ_L and γ_H against α_R/(1 − α_R) with 90 % bands
    and the U.S. per Congress (posterior median, 50 % intervals); (b) the identified coordinate
    log(γ/γ_d,c) per Congress (H exits and L remains where the H band is below 0 and the L band
    above); (c) Figure 3-like E[D_w], E[D_ℓ] per Congress with 90 % bands."""
    rm = realignment_map(model, n_grid=n_grid)
    fig, (ax, ax1, ax2) = plt.subplots(1, 3, figsize=(16, 4.8))
    for leader, colour, style in (("L", "tab:blue", "-"), ("H", "tab:red", ":")):
        gam = np.exp(rm[f"log_gamma_{leader}"])
        lo, med, hi = np.nanquantile(gam, [0.05, 0.5, 0.95], axis=0)
        ax.plot(rm["ratio"], med, style, color=colour, label=f"γ_{leader} (median)")
        ax.fill_between(rm["ratio"], lo, hi, color=colour, alpha=0.2, label=f"γ_{leader} 90 %")
    med_L = np.nanmedian(np.exp(rm["log_gamma_L"]), 0)
    med_H = np.nanmedian(np.exp(rm["log_gamma_H"]), 0)
    ax.fill_between(rm["ratio"], med_L, med_H, color="grey", alpha=0.15, label="H exits, L remains")
    xr_, yr_ = rm["us_ratio"], rm["us_gamma"]
    xm, ym = np.median(xr_, 0), np.median(yr_, 0)
    xe = np.abs(np.quantile(xr_, [0.25, 0.75], 0) - xm)
    ye = np.abs(np.quantile(yr_, [0.25, 0.75], 0) - ym)
    ax.errorbar(xm, ym, xerr=xe, yerr=ye, fmt="o", color="black", ms=3, lw=0.7, label="U.S. (50 %)")
    for c, x, y in list(zip(model.congresses, xm, ym, strict=True))[::3]:
        ax.annotate(str(c), (x, y), fontsize=7, xytext=(2, 3), textcoords="offset points")
    ax.set_xlabel("inequality α_R / (1 − α_R)")
    ax.set_ylabel("γ")
    ax.set_title("(a) Exit thresholds and the U.S.")
    ax.set_ylim(1.0, float(np.nanquantile(np.exp(rm["log_gamma_H"]), 0.95)) * 1.02)
    ax.legend(fontsize=7, loc="upper left")
    post = posterior_arrays(model, ["gamma", "gamma_L", "gamma_H"])
    for leader, colour in (("L", "tab:blue"), ("H", "tab:red")):
        rel = np.log(post["gamma"][:, None] / post[f"gamma_{leader}"])
        lo, med, hi = np.quantile(rel, [0.05, 0.5, 0.95], axis=0)
        ax1.plot(model.congresses, med, color=colour, label=f"log(γ/γ_{leader})")
        ax1.fill_between(model.congresses, lo, hi, color=colour, alpha=0.2)
    ax1.axhline(0, color="black", lw=0.7)
    ax1.set_xlabel("Congress")
    ax1.set_title("(b) Where the U.S. stood: d exits iff log(γ/γ_d) ≤ 0")
    ax1.legend(fontsize=8)
    post = posterior_arrays(model, ["D_w", "D_l"])
    for name, colour, label in (("D_w", "tab:green", "E[D*_w]"), ("D_l", "tab:purple", "E[D*_ℓ]")):
        lo, med, hi = np.quantile(post[name], [0.05, 0.5, 0.95], axis=0)
        ax2.plot(model.congresses, med, color=colour, label=label)
        ax2.fill_between(model.congresses, lo, hi, color=colour, alpha=0.2)
    ax2.axhline(0, color="black", lw=0.7)
    ax2.set_xlabel("Congress")
    ax2.set_ylabel("log-income gap L vs H")
    ax2.set_title("(c) Realignment: sign of D_w, D_ℓ")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)
