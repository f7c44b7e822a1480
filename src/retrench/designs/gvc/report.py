"""Results folder and report of the GVC threshold model (Qu & Yang 2023, seed 003, eq. 16/19/20).

Two hooks for the generic CLI (``retrench fit gvc --thresholds N`` and ``retrench report OUT``):

* :func:`after_fit` — right after a fit: Hansen's (1999) estimator and bootstrap on the model's
  own design (``thresholds.hansen_replications`` draws, seed = the fit's seed), then
  ``phi_summary.csv`` (φ posterior and regime slopes beside Hansen's estimates and 90 %
  LR-inversion interval), ``hansen.csv`` (F statistics and bootstrap p-values) and, with
  thresholds, ``membership.csv`` (P(ω_it > φ_j | y)); returns printable lines.
* :func:`write_report` — ``report.md`` and plots: the φ posterior (pmf over the candidate ω
  values, 90 % interval) beside Hansen's LR path and interval, the slopes by regime, the
  country × year map of P(ω_it > φ), convergence diagnostics, and the 0/1/2-threshold
  comparison (exact log p(y | K), PSIS-LOO of the fitted K, Hansen's bootstrap tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from retrench.bayes.diagnostics import diagnose  # noqa: E402
from retrench.bayes.render import markdown_table  # noqa: E402
from retrench.designs.gvc.hansen_bootstrap import HansenAnalysis, hansen_analysis  # noqa: E402
from retrench.designs.gvc.hansen_compare import psis_loo  # noqa: E402
from retrench.designs.gvc.posterior import pointwise_log_likelihood  # noqa: E402

#: Probability of the reported intervals (Bayesian equal-tailed and Hansen's LR inversion).
INTERVAL_PROB = 0.90


def _posterior(model):
    posterior = getattr(model, "posterior", None)
    if posterior is None:
        raise RuntimeError("GVC report: the model has no posterior; fit or load it first")
    return posterior


def model_hansen(model, replications: int | None = None) -> HansenAnalysis | None:
    """Hansen's sequence on ``model.design`` (None when the replication count is 0)."""
    reps = model.spec["thresholds"]["hansen_replications"] if replications is None else replications
    if not reps:
        return None
    return hansen_analysis(
        model.design, replications=int(reps), alpha=1 - INTERVAL_PROB, seed=int(model.seed or 0)
    )


def phi_hansen_table(model, hansen: HansenAnalysis | None) -> pd.DataFrame:
    """``model.phi_summary()`` with Hansen's estimate and interval for each φ_j and his regime
    slopes (same K as the model; K = 0 shows the linear slope and Hansen's 1-threshold fit
    is left out)."""
    summary = model.phi_summary(INTERVAL_PROB)
    k = model.n_thresholds
    if hansen is None or k == 0:
        return summary
    fit = hansen.one if k == 1 else hansen.two
    for j, (lo, hi) in enumerate(fit.intervals):
        summary.loc[f"phi_{j + 1}", ["hansen_estimate", "hansen_lower", "hansen_upper"]] = [
            fit.thresholds[j],
            lo,
            hi,
        ]
    name = model.design.threshold_regressor_name
    for j, slope in enumerate(fit.slopes):
        summary.loc[f"slope_{name}_regime_{j}", "hansen_estimate"] = slope
    return summary


def hansen_tests(hansen: HansenAnalysis) -> pd.Series:
    """Hansen's F statistics, bootstrap p-values and estimates (one value per row)."""
    values = {
        "F_0v1": hansen.test_0v1.statistic,
        "p_0v1": hansen.test_0v1.p_value,
        "F_1v2": hansen.test_1v2.statistic,
        "p_1v2": hansen.test_1v2.p_value,
        "replications": float(hansen.test_0v1.bootstrap.size),
        "phi_hat_one": hansen.one.thresholds[0],
    }
    for j, phi in enumerate(hansen.two.thresholds):
        values[f"phi_hat_two_{j + 1}"] = phi
    return pd.Series(values, name="value")


def after_fit(model, out: str | os.PathLike[str]) -> list[str]:
    """Hansen comparison and the CSV files of a results folder; returns printable lines."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    hansen = model_hansen(model)
    summary = phi_hansen_table(model, hansen)
    summary.to_csv(out / "phi_summary.csv")
    lines = [
        f"GVC model: {model.n_thresholds} threshold(s) on ω, slope of "
        f"{model.design.threshold_regressor_name}; {model.design.n_obs} country-years",
    ]
    for name, row in summary.iterrows():
        text = f"{name}: mean {row['mean']:.4f} [{row['lower']:.4f}, {row['upper']:.4f}]"
        if "hansen_estimate" in row and np.isfinite(row["hansen_estimate"]):
            text += f"; Hansen {row['hansen_estimate']:.4f}"
            if "hansen_lower" in row and np.isfinite(row["hansen_lower"]):
                text += f" [{row['hansen_lower']:.4f}, {row['hansen_upper']:.4f}]"
        lines.append(text)
    if hansen is not None:
        tests = hansen_tests(hansen)
        tests.to_csv(out / "hansen.csv", header=True)
        lines.append(
            f"Hansen bootstrap ({int(tests['replications'])} reps): F(0 vs 1) = "
            f"{tests['F_0v1']:.2f}, p = {tests['p_0v1']:.3f}; F(1 vs 2) = {tests['F_1v2']:.2f}, "
            f"p = {tests['p_1v2']:.3f}"
        )
    if model.n_thresholds:
        model.threshold_membership().to_dataframe().to_csv(out / "membership.csv")
    lines.append(
        f"wrote phi_summary.csv{', hansen.csv' if hansen is not None else ''}"
        f"{', membership.csv' if model.n_thresholds else ''} to {out}"
    )
    return lines


# --- plots -------------------------------------------------------------------------------------
def _save(fig, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def plot_phi_posterior(model, hansen: HansenAnalysis | None, path: Path) -> str:
    """Posterior pmf of each φ_j with its 90 % interval, Hansen's LR path, c(α) and interval."""
    post, d = _posterior(model), model.design
    k = post.n_thresholds
    fig, axes = plt.subplots(1, k, figsize=(6 * k, 3.6), squeeze=False)
    fit = None if hansen is None else (hansen.one if k == 1 else hansen.two)
    for j, ax in enumerate(axes[0]):
        iv = post.phi_interval(j, INTERVAL_PROB)
        ax.vlines(d.grid, 0, post.phi_pmf[j], color="C0", lw=1.5, label="posterior p(φ | y)")
        ax.axvspan(iv.lower, iv.upper_cell_end, color="C0", alpha=0.15, label="Bayes 90 %")
        ax.set_xlabel("φ (ω scale)")
        ax.set_ylabel("posterior probability")
        ax.set_title(f"threshold φ_{j + 1}")
        if fit is not None:
            lo, hi = fit.intervals[j]
            ax.axvspan(lo, hi, color="C1", alpha=0.25, label="Hansen 90 % (LR)")
            twin = ax.twinx()
            twin.plot(d.grid, fit.lr_paths[j], color="C1", lw=0.8, label="Hansen LR(φ)")
            crit = -2.0 * np.log(1.0 - np.sqrt(INTERVAL_PROB))
            twin.axhline(crit, color="C1", ls="--", lw=0.8)
            twin.set_ylabel("LR(φ)", color="C1")
            twin.set_ylim(0, max(4 * crit, 1.0))
        ax.legend(fontsize=7, loc="upper left")
        ax.set_xlim(*_zoom(iv.lower, iv.upper_cell_end, None if fit is None else fit.intervals[j]))
    return _save(fig, path)


def _zoom(lower: float, upper: float, other: tuple[float, float] | None) -> tuple[float, float]:
    """x-range around both intervals, padded by their joint width (at least 0.01 each side)."""
    lo, hi = (lower, upper) if other is None else (min(lower, other[0]), max(upper, other[1]))
    pad = max(hi - lo, 0.01)
    return lo - pad, hi + pad


def plot_regime_slopes(model, hansen: HansenAnalysis | None, path: Path) -> str:
    """Posterior of the threshold regressor's slope in each regime, Hansen's estimates marked."""
    slopes = _posterior(model).regime_slopes()
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * slopes.shape[1], 3.4))
    ax.violinplot([slopes[:, j] for j in range(slopes.shape[1])], showmedians=True)
    k = model.n_thresholds
    if hansen is not None and k:
        fit = hansen.one if k == 1 else hansen.two
        ax.plot(np.arange(1, k + 2), fit.slopes, "o", color="C1", label="Hansen estimate")
        ax.legend(fontsize=7)
    ax.set_xticks(np.arange(1, slopes.shape[1] + 1), [f"regime {j}" for j in range(k + 1)])
    ax.set_ylabel(f"slope of {model.design.threshold_regressor_name} (standardised)")
    ax.axhline(0, color="grey", lw=0.5)
    return _save(fig, path)


def plot_membership_map(model, path: Path) -> str:
    """Country × year heatmap of P(ω_it > φ_j | y), one panel per threshold."""
    membership = model.threshold_membership()
    k = membership.sizes["threshold"]
    fig, axes = plt.subplots(1, k, figsize=(8 * k, 0.25 * membership.sizes["country"] + 1.5))
    for j, ax in enumerate(np.atleast_1d(axes)):
        grid = membership.isel(threshold=j).to_pandas()
        image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=1)
        ax.set_yticks(range(len(grid.index)), grid.index, fontsize=7)
        ax.set_xticks(range(0, len(grid.columns), 3), grid.columns[::3], fontsize=7)
        ax.set_title(f"P(ω_it > φ_{j + 1} | y): who is past the threshold")
        fig.colorbar(image, ax=ax)
    return _save(fig, path)


# --- threshold-count comparison ------------------------------------------------------------------
def _default_priors(model) -> bool:
    p = model.spec["priors"]
    return (
        p["beta"]["family"] == "normal"
        and p["delta"]["family"] == "normal"
        and p["beta"].get("loc", 0.0) == 0.0
        and p["delta"].get("loc", 0.0) == 0.0
        and p["sigma"]["family"] == "half_normal"
    )


def threshold_count_table(
    model, hansen: HansenAnalysis | None, exact_evidence: bool = True
) -> pd.DataFrame:
    """Rows K = 0, 1, 2: exact log p(y | K) and P(K | y) (equal prior odds; only with the
    default prior families), PSIS-LOO of the fitted K, Hansen's bootstrap F and p-value."""
    from retrench.designs.gvc.marginal import exact_threshold_posterior
    from retrench.designs.gvc.threshold import threshold_arrays

    table = pd.DataFrame(index=pd.Index([0, 1, 2], name="thresholds"))
    if exact_evidence and _default_priors(model):
        p = model.spec["priors"]
        data = threshold_arrays(model.design, two_thresholds=True)
        log_m = [
            exact_threshold_posterior(
                data,
                k,
                beta_scale=p["beta"]["scale"],
                delta_scale=p["delta"]["scale"],
                sigma_scale=p["sigma"]["scale"],
                sigma_points=400 if k < 2 else 80,
            ).log_marginal
            for k in (0, 1, 2)
        ]
        table["log_marginal"] = log_m
        table["posterior_prob_K"] = np.exp(np.asarray(log_m) - np.logaddexp.reduce(log_m))
    loo = psis_loo(pointwise_log_likelihood(_posterior(model)))
    for name, value in loo.items():
        table.loc[model.n_thresholds, name] = value
    if hansen is not None:
        table.loc[1, ["hansen_F", "hansen_p_value"]] = [
            hansen.test_0v1.statistic,
            hansen.test_0v1.p_value,
        ]
        table.loc[2, ["hansen_F", "hansen_p_value"]] = [
            hansen.test_1v2.statistic,
            hansen.test_1v2.p_value,
        ]
    return table


# --- report.md -----------------------------------------------------------------------------------
def _diagnostics_lines(model) -> list[str]:
    idata = model.require_fit()
    posterior_vars = set(idata.posterior.data_vars)
    names = [v for v in ("beta", "delta", "sigma") if v in posterior_vars]
    diag = diagnose(idata, names, max_tree_depth=model.spec["sampler"]["max_tree_depth"])
    return [
        f"## Convergence: **{diag.verdict}**",
        "",
        "NUTS samples (β, δ, σ) with φ and the fixed effects integrated out exactly; φ and the "
        "effects are then drawn from their exact conditionals (no mixing to diagnose there).",
        "",
        *[f"- {r}" for r in diag.reasons],
        "",
        markdown_table(diag.table.sort_values("r_hat", ascending=False), 20),
        "",
    ]


def write_report(
    model,
    out: str | os.PathLike[str],
    hansen: HansenAnalysis | None = None,
    comparison: pd.DataFrame | None = None,
    exact_evidence: bool = True,
) -> Path:
    """Write ``report.md`` and its plots for a fitted (or loaded) ``GVCThresholdModel``.

    ``hansen``: precomputed :class:`HansenAnalysis` on the model's design (default: computed
    here with the spec's ``hansen_replications``); ``comparison``: a precomputed K = 0/1/2
    table (e.g. :func:`retrench.designs.gvc.hansen_compare.compare_threshold_counts` over three
    fits), else :func:`threshold_count_table` (``exact_evidence`` adds the exact log p(y | K),
    ~10-30 s of quadrature).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    d, k = model.design, model.n_thresholds
    if hansen is None:
        hansen = model_hansen(model)
    summary = phi_hansen_table(model, hansen)
    lines = [
        "# Fit report: gvc (Qu & Yang 2023, eq. 16/19/20)",
        "",
        f"{d.n_obs} country-years, {d.n_units} countries, {d.time_labels[0]}-"
        f"{d.time_labels[-1]}; {k} threshold(s) on ω for the slope of "
        f"{d.threshold_regressor_name}; {d.grid.size} candidate φ values (trim {d.trim}).",
        "",
        *_diagnostics_lines(model),
        "## Threshold φ and slopes by regime (posterior mean, 90 % interval; Hansen beside)",
        "",
        markdown_table(summary, 20),
        "",
    ]
    if k:
        phi_png = plot_phi_posterior(model, hansen, out / "phi_posterior.png")
        map_png = plot_membership_map(model, out / "membership_map.png")
        lines += [f"![φ posterior beside Hansen]({phi_png})", ""]
    slopes_png = plot_regime_slopes(model, hansen, out / "regime_slopes.png")
    lines += [f"![slopes by regime]({slopes_png})", ""]
    if k:
        lines += ["## Who is past the threshold", "", f"![membership map]({map_png})", ""]
    table = (
        comparison
        if comparison is not None
        else threshold_count_table(model, hansen, exact_evidence)
    )
    lines += [
        "## How many thresholds?",
        "",
        "Exact log p(y | K) (quadrature over σ, φ summed over the grid) and P(K | y) under "
        "equal prior odds (sensitive to the δ prior scale); PSIS-LOO for the fitted K; Hansen's "
        "bootstrap test of K − 1 against K thresholds.",
        "",
        markdown_table(table, 10),
        "",
    ]
    if hansen is None:
        lines += ["(Hansen's analysis skipped: thresholds.hansen_replications = 0.)", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
