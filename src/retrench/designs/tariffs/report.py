"""The fit report: diagnostics, predictive checks, LOO, identification and counterfactuals.

:func:`write_report` writes PNG plots and ``report.md`` into a results folder. Every number in
the report is computed from the saved fit and the reloaded data (:mod:`retrench.workflow.results`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.bayes import plots
from retrench.bayes.contraction import contraction_by_site, contraction_table
from retrench.bayes.diagnostics import diagnose
from retrench.bayes.render import markdown_table

RIDGE_COUNTRIES = ("USA", "CHN", "DEU", "BRA", "IND")


def loo_summary(idata, var_name: str) -> dict[str, float]:
    """elpd_loo, its SE, p_loo, and counts of Pareto k above 0.5 and 0.7."""
    result = idio.loo(idata, var_name)
    k = np.asarray(result.pareto_k)
    return {
        "elpd_loo": float(result.elpd_loo),
        "se": float(result.se),
        "p_loo": float(result.p_loo),
        "k_over_0.5": int(np.sum(k > 0.5)),
        "k_over_0.7": int(np.sum(k > 0.7)),
        "n": int(k.size),
        "pareto_k": k,
    }


def contraction(idata, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """1 − posterior variance / prior variance for each element of ``names``
    (:mod:`retrench.bayes.contraction`)."""
    table = contraction_table(
        idio.group(idata, "posterior"), idio.group(idata, "prior"), names, drop_constants=False
    )
    return contraction_by_site(table)


def weight_correlation(idata) -> np.ndarray:
    """Posterior correlation of γ_E and γ_M within each country (≈ ±1: a ridge)."""
    post = idio.posterior_draws(idata, ["gamma_E", "gamma_M"])
    e, m = post["gamma_E"], post["gamma_M"]
    e, m = e - e.mean(0), m - m.mean(0)
    return (e * m).sum(0) / np.sqrt((e * e).sum(0) * (m * m).sum(0))


def _ridge_indices(countries: np.ndarray) -> list[int]:
    chosen = [int(np.flatnonzero(countries == c)[0]) for c in RIDGE_COUNTRIES if c in countries]
    return chosen[:3] if chosen else list(range(min(3, countries.size)))


def write_report(model, out: str | os.PathLike[str]) -> Path:
    """Write plots and ``report.md`` for a fitted tariff model into ``out``; return the path."""
    from retrench.designs.tariffs.policies import scenario_tables

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idata = model.require_fit()
    diag = diagnose(
        idata, model.summary_sites, max_tree_depth=model.spec["sampler"]["max_tree_depth"]
    )
    observed = model.panel["tariff"].to_numpy()
    prior_rep = idio.posterior_draws(idata, ["tariff_obs"], "prior_predictive")["tariff_obs"]
    post_rep = idio.posterior_draws(idata, ["tariff_obs"], "posterior_predictive")["tariff_obs"]
    files = {
        "prior predictive": plots.plot_predictive(
            observed, prior_rep, out / "prior_predictive.png", "prior predictive vs observed"
        ),
        "posterior predictive": plots.plot_predictive(
            observed, post_rep, out / "posterior_predictive.png", "posterior predictive vs observed"
        ),
    }
    loo = loo_summary(idata, "tariff_obs")
    files["Pareto k"] = plots.plot_pareto_k(loo["pareto_k"], out / "pareto_k.png")
    shrink = contraction(idata, ("tariff_rules", "gamma_E", "gamma_M"))
    files["contraction"] = plots.plot_contraction(shrink, out / "contraction.png")
    idx = _ridge_indices(model.countries)
    post = idio.posterior_draws(idata, ["gamma_E", "gamma_M"])
    prior = idio.posterior_draws(idata, ["gamma_E", "gamma_M"], "prior")
    files["weight ridge"] = plots.plot_weight_ridge(
        {k: v[:, idx] for k, v in post.items()},
        prior,
        list(model.countries[idx]),
        out / "weight_ridge.png",
    )
    corr = weight_correlation(idata)
    tables = scenario_tables(model)
    zero_share = float(np.mean(observed <= model.spec["likelihood"]["censor_below_pct"] / 100))
    rep_zero = float(np.mean(post_rep <= model.spec["likelihood"]["censor_below_pct"] / 100))
    excluded = getattr(model, "excluded", pd.DataFrame())
    lines = [
        f"# Fit report: {model.schema.model_name}",
        "",
        f"{len(model.panel)} observations of {len(model.countries)} countries used; "
        f"{len(excluded)} rows left out"
        + (
            ": " + ", ".join(f"{n} {r}" for r, n in excluded["reason"].value_counts().items())
            if len(excluded)
            else ""
        )
        + ".",
        "",
        f"## Convergence: **{diag.verdict}**",
        "",
        *[f"- {r}" for r in diag.reasons],
        "",
        markdown_table(pd.DataFrame([diag.counts]).T.rename(columns={0: "value"}), 20),
        "",
        markdown_table(diag.table.sort_values("r_hat", ascending=False).head(15)),
        "",
        "## Predictive checks",
        "",
        f"Share of observed tariffs at or below the censoring point: {zero_share:.3f}; "
        f"in posterior replications: {rep_zero:.3f}.",
        "",
        "![prior predictive](prior_predictive.png) "
        "![posterior predictive](posterior_predictive.png)",
        "",
        f"PSIS-LOO: elpd_loo = {loo['elpd_loo']:.1f} (SE {loo['se']:.1f}), "
        f"p_loo = {loo['p_loo']:.1f}; Pareto k > 0.7 for {loo['k_over_0.7']} of {loo['n']} "
        f"observations (> 0.5 for {loo['k_over_0.5']})"
        + (
            " - those observations dominate their country's fit; LOO there is unreliable."
            if loo["k_over_0.7"]
            else "."
        ),
        "",
        "## Identification",
        "",
        "One tariff per country and year identifies the country's ad-valorem tariff t_c, i.e. one "
        "combination of (gamma_E, gamma_M); the gamma_E prior carries the rest. Median posterior "
        f"contraction across countries: t_c {np.nanmedian(shrink['tariff_rules']):.2f}, "
        f"gamma_E {np.nanmedian(shrink['gamma_E']):.2f}, gamma_M "
        f"{np.nanmedian(shrink['gamma_M']):.2f}. Median |corr(gamma_E, gamma_M)| within a "
        f"country: {np.nanmedian(np.abs(corr)):.3f} (a ridge).",
        "",
        "![contraction](contraction.png) ![ridge](weight_ridge.png)",
        "",
        "## Counterfactuals (posterior mean and 90 % interval)",
        "",
    ]
    for name, table in tables.items():
        lines += [f"### {name.replace('_', ' ')}", "", markdown_table(table, 15), ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
