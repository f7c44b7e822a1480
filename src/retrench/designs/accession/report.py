"""The fit report of the tariff-accession design: diagnostics, predictive checks, tariff paths.

:func:`write_report` writes into a results folder ``prior_predictive.png``,
``posterior_predictive.png`` (ECDFs of all tariffs), ``tariff_paths.png`` (the posterior
predictive check of the tariff paths of a few acceding economies before and after entry: observed
tariffs, the 90 % band of replicated tariffs and the posterior mean of the mean tariff, entry
marked) and ``report.md`` with the weights and regime tariffs of those economies. The design-free
identification table (``identification.csv``) is written by ``retrench report`` for every design.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from retrench.bayes import inference_data as idio  # noqa: E402
from retrench.bayes import plots  # noqa: E402
from retrench.bayes.diagnostics import diagnose  # noqa: E402
from retrench.bayes.render import markdown_table  # noqa: E402
from retrench.designs.accession.policies import acceding_economies  # noqa: E402

#: economies shown when present (issue 16's four acceding economies)
PATH_ECONOMIES = ("CHN", "VNM", "RUS", "SAU")
WEIGHT_SITES = ("gamma_M", "gamma_E", "tariff_nash", "tariff_reciprocal")


def path_economies(model, wanted: Sequence[str] = PATH_ECONOMIES) -> list[str]:
    """``wanted`` economies in the panel, else the first four seen on both sides of entry."""
    present = [c for c in wanted if c in set(model.countries)]
    return present or acceding_economies(model)[:4]


def plot_tariff_paths(model, economies: Sequence[str], path: str | os.PathLike[str]) -> str:
    """Observed tariffs of ``economies`` by year over the 90 % posterior predictive band."""
    idata = model.require_fit()
    rep = idio.posterior_draws(idata, ["tariff_obs"], "posterior_predictive")["tariff_obs"]
    mean = idio.posterior_draws(idata, ["tariff_mean"])["tariff_mean"]
    panel = model.panel
    fig, axes = plt.subplots(1, len(economies), figsize=(3.4 * len(economies), 3.2), squeeze=False)
    for ax, code in zip(axes[0], economies, strict=True):
        rows = np.flatnonzero(panel["country_code"].to_numpy() == code)
        years = panel["year"].to_numpy()[rows]
        lo, hi = np.quantile(rep[:, rows], [0.05, 0.95], axis=0) * 100
        ax.fill_between(years, lo, hi, color="tab:blue", alpha=0.25, label="90 % replicated")
        ax.plot(years, mean[:, rows].mean(0) * 100, color="tab:blue", label="mean tariff")
        ax.plot(years, panel["tariff"].to_numpy()[rows] * 100, "k.", label="observed")
        x = panel["years_in_regime"].to_numpy()[rows]
        if np.isfinite(x).any():
            entry = float(np.nanmean(years + 0.5 - x))
            ax.axvline(entry, color="tab:red", ls="--", lw=1, label="entry")
        ax.set_title(code)
        ax.set_xlabel("year")
    axes[0][0].set_ylabel("applied tariff (%)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def weight_table(model, economies: Sequence[str]) -> pd.DataFrame:
    """Posterior mean and sd of the weights and regime tariffs of ``economies``."""
    draws = idio.posterior_draws(model.require_fit(), list(WEIGHT_SITES))
    index = [int(np.flatnonzero(model.countries == c)[0]) for c in economies]
    table = {}
    for name in WEIGHT_SITES:
        values = draws[name][:, index]
        table[f"{name} mean"] = values.mean(0)
        table[f"{name} sd"] = values.std(0)
    return pd.DataFrame(table, index=pd.Index(list(economies), name="country"))


def write_report(model, out: str | os.PathLike[str]) -> Path:
    """Write plots and ``report.md`` for a fitted accession model into ``out``; return the path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idata = model.require_fit()
    diag = diagnose(
        idata, model.summary_sites, max_tree_depth=model.spec["sampler"]["max_tree_depth"]
    )
    observed = model.panel["tariff"].to_numpy()
    prior_rep = idio.posterior_draws(idata, ["tariff_obs"], "prior_predictive")["tariff_obs"]
    post_rep = idio.posterior_draws(idata, ["tariff_obs"], "posterior_predictive")["tariff_obs"]
    plots.plot_predictive(observed, prior_rep, out / "prior_predictive.png", "prior predictive")
    plots.plot_predictive(
        observed, post_rep, out / "posterior_predictive.png", "posterior predictive"
    )
    economies = path_economies(model)
    plot_tariff_paths(model, economies, out / "tariff_paths.png")
    phase = idio.group(idata, "posterior")["phase_in_years"]
    lines = [
        f"# Fit report: {model.schema.model_name}",
        "",
        f"{len(model.panel)} observations of {len(model.countries)} economies used; "
        f"{len(model.excluded)} rows left out; {len(acceding_economies(model))} economies "
        "observed on both sides of their GATT/WTO entry.",
        "",
        f"## Convergence: **{diag.verdict}**",
        "",
        *[f"- {r}" for r in diag.reasons],
        "",
        markdown_table(diag.table.sort_values("r_hat", ascending=False).head(15)),
        "",
        "## Predictive checks",
        "",
        "![prior predictive](prior_predictive.png) "
        "![posterior predictive](posterior_predictive.png)",
        "",
        "Tariff paths before and after entry (observed; 90 % band of replicated tariffs; "
        "posterior mean of the mean tariff; entry dashed):",
        "",
        "![tariff paths](tariff_paths.png)",
        "",
        f"## Weights and regime tariffs (phase-in φ = {float(phase.mean()):.3g} years)",
        "",
        markdown_table(weight_table(model, economies)),
        "",
        "Identification of every parameter: `identification.csv` and `identification.png`.",
        "",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
