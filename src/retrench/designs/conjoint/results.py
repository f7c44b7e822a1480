"""Run both estimators on one survey and write the results folder's tables.

``amce.csv``: columns ``attribute, level, estimate, lower, upper, method`` (90 % intervals;
``method`` ``ols`` or ``bayes``), one row per non-reference level and method.
``marginal_means.csv``: the same columns, one row per level and method. ``hypotheses.csv``: the
posterior probability of each of the memo's ordered hypotheses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from retrench.designs.conjoint import ols
from retrench.designs.conjoint import posterior as post
from retrench.designs.conjoint.model import ConjointModel

CSV_COLUMNS = ["attribute", "level", "estimate", "lower", "upper", "method"]


def estimate_both(
    survey: pd.DataFrame,
    *,
    spec: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    draws: int | None = None,
    warmup: int | None = None,
    chains: int | None = None,
    seed: int | None = None,
) -> dict[str, pd.DataFrame]:
    """OLS and Bayesian AMCEs and marginal means (stacked, ``method`` tells them apart) and the
    hypotheses' posterior probabilities, from one validated survey."""
    model = ConjointModel(survey, spec)
    samples = model.sample_posterior(draws=draws, warmup=warmup, chains=chains, seed=seed)
    levels = post.level_draws(model, samples)
    amce = pd.concat([ols.amce_ols(model.panel), post.amce_bayes(model, samples)])
    mm = pd.concat([ols.marginal_means_ols(model.panel), post.marginal_means_bayes(model, samples)])
    hypotheses = post.hypothesis_probabilities(post.amce_draws(levels)).rename_axis("hypothesis")
    return {
        "amce": amce.reset_index(drop=True),
        "marginal_means": mm.reset_index(drop=True),
        "hypotheses": hypotheses.reset_index(),
    }


def write_tables(tables: Mapping[str, pd.DataFrame], out: str | os.PathLike[str]) -> list[Path]:
    """Write ``amce.csv``, ``marginal_means.csv`` (the columns of :data:`CSV_COLUMNS`) and
    ``hypotheses.csv`` into ``out`` (created); returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("amce", "marginal_means"):
        path = out / f"{name}.csv"
        tables[name][CSV_COLUMNS].to_csv(path, index=False, float_format="%.6g")
        written.append(path)
    if "hypotheses" in tables:
        path = out / "hypotheses.csv"
        tables["hypotheses"].to_csv(path, index=False, float_format="%.4g")
        written.append(path)
    return written
