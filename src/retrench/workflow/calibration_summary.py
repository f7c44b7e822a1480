"""Summaries of a simulation-based calibration (SBC) study: tables, figures and ``summary.md``.

Input: a :class:`~retrench.workflow.executor_calibration.CalibrationResult`, whose ``ranks[p]``
has shape ``(n_simulations, *shape_of_p)`` and holds ``rank = #{draws < truth}`` in
``{0, ..., n_draws}`` (Talts et al. 2018, Algorithm 1). If the fit is calibrated the ranks are
uniform on those ``n_draws + 1`` values, so

* the central ``level`` interval covers the truth when ``(1 - level)/2 · n_draws <= rank <=
  (1 + level)/2 · n_draws`` (the rule of ``CalibrationResult.coverage``); over ``n`` independent
  data sets the number of hits is Binomial(n, level), whose central 95 % range is the
  ``range_low .. range_high`` reported per parameter (flagged ``in_range``);
* the rank histogram is flat: ``uniformity_p`` is a chi-square test of it with *exact* expected
  counts (``bins`` groups of consecutive rank values; the groups may differ in size by one value);
* the ECDF of the fractional ranks ``u = (rank + 1/2) / (n_draws + 1)`` stays within the
  simultaneous band of Säilynoja, Bürkner & Vehtari (2022), "Graphical test for discrete
  uniformity and its applications in goodness-of-fit evaluation and multiple sample
  comparison", Statistics and Computing 32:32, section 2.2 (the pointwise binomial level is
  adjusted by simulation so that the whole curve stays inside with probability 0.95).

Vector parameters (per country, per Congress) are pooled over their elements in
:func:`parameter_table` and reported element by element in :func:`element_table`. The elements
of one data set are correlated, so the pooled uniformity test and the binomial range (computed
for the number of *data sets*) are indicative there; judge those by the per-element table.

:func:`write_summary` writes everything into one folder, each file atomically (temporary file
in the same folder + ``os.replace``), ``summary.md`` last.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from retrench.atomic import write_atomic
from retrench.errors import SpecError
from retrench.workflow.executor import FAILURES_FILE
from retrench.workflow.executor_calibration import CalibrationResult
from retrench.workflow.rank_statistics import (  # noqa: F401  (re-exported)
    UNIFORMITY_BINS,
    _check_level,
    central_interval_hits,
    rank_uniformity_pvalue,
)

DEFAULT_LEVEL = 0.9
RANGE_PROBABILITY = 0.95
ECDF_GRID_POINTS = 101


@dataclasses.dataclass(frozen=True)
class SummaryFiles:
    """File names that :func:`write_summary` writes inside its folder."""

    markdown: str = "summary.md"
    parameters: str = "coverage.csv"
    elements: str = "coverage_elements.csv"
    rank_histograms: str = "sbc_ranks.png"
    rank_ecdf: str = "sbc_ecdf.png"


# --- statistics -------------------------------------------------------------------------------


def binomial_coverage_range(
    n_datasets: int, level: float = DEFAULT_LEVEL, probability: float = RANGE_PROBABILITY
) -> tuple[float, float]:
    """Central ``probability`` range of the coverage (hits / n) when hits ~ Binomial(n, level)."""
    if int(n_datasets) < 1:
        raise SpecError(f"n_datasets must be >= 1, got {n_datasets}")
    low, high = stats.binom.interval(probability, int(n_datasets), _check_level(level))
    return float(low) / n_datasets, float(high) / n_datasets


def _percent(level: float) -> str:
    return f"{round(level * 100, 6):g}"


def _coverage_columns(level: float) -> list[float]:
    return [level] if math.isclose(level, 0.5) else [level, 0.5]


def _row(ranks: np.ndarray, n_draws: int, level: float, elements: int) -> dict[str, Any]:
    """One table row from ``ranks`` of shape ``(n_datasets, elements)``."""
    n_datasets = ranks.shape[0]
    row: dict[str, Any] = {"simulations": n_datasets, "elements": elements, "n_ranks": ranks.size}
    for lev in _coverage_columns(level):
        row[f"coverage_{_percent(lev)}"] = float(central_interval_hits(ranks, n_draws, lev).mean())
    row["uniformity_p"] = rank_uniformity_pvalue(ranks, n_draws)
    low, high = binomial_coverage_range(n_datasets, level)
    coverage = row[f"coverage_{_percent(level)}"]
    row |= {"range_low": low, "range_high": high, "in_range": bool(low <= coverage <= high)}
    return row


def _ranks_by_dataset(result: CalibrationResult) -> dict[str, np.ndarray]:
    if not result.ranks:
        raise SpecError("calibration result has no parameters")
    if int(result.n_draws) < 1:
        raise SpecError(f"calibration result has n_draws = {result.n_draws}; expected >= 1")
    return {n: np.asarray(r).reshape(len(r), -1) for n, r in result.ranks.items()}


def parameter_table(result: CalibrationResult, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """Per parameter (index ``parameter``), ranks pooled over a vector parameter's elements.

    Columns: ``simulations`` (data sets), ``elements``, ``n_ranks``, ``coverage_<level%>``,
    ``coverage_50``, ``uniformity_p``, ``range_low``/``range_high`` (95 % binomial range of the
    ``level`` coverage over ``simulations`` data sets) and ``in_range``.
    """
    rows = [
        {"parameter": name, **_row(r, result.n_draws, level, r.shape[1])}
        for name, r in _ranks_by_dataset(result).items()
    ]
    return pd.DataFrame(rows).set_index("parameter")


def element_table(result: CalibrationResult, level: float = DEFAULT_LEVEL) -> pd.DataFrame:
    """One row per element of each vector parameter (``alpha_R[3]``, ``w[0,1]``); the same
    columns as :func:`parameter_table`. Empty (with those columns) if all are scalars."""
    rows = []
    for name, ranks in result.ranks.items():
        shape = np.shape(ranks)[1:]
        if int(np.prod(shape)) <= 1:
            continue
        flat = np.asarray(ranks).reshape(len(ranks), -1)
        for j, index in enumerate(np.ndindex(*shape)):
            label = f"{name}[{','.join(map(str, index))}]"
            rows.append({"parameter": label, **_row(flat[:, j : j + 1], result.n_draws, level, 1)})
    if not rows:
        columns = parameter_table(result, level).columns
        return pd.DataFrame(columns=["parameter", *columns]).set_index("parameter")
    return pd.DataFrame(rows).set_index("parameter")


# --- rank ECDF with a simultaneous band -------------------------------------------------------


def fractional_ranks(ranks: np.ndarray, n_draws: int) -> np.ndarray:
    """``u = (rank + 1/2) / (n_draws + 1)``: the midpoints of ``n_draws + 1`` equal cells."""
    return (np.asarray(ranks, dtype=float).ravel() + 0.5) / (n_draws + 1)


def uniform_rank_cdf(grid: np.ndarray, n_draws: int) -> np.ndarray:
    """CDF of the fractional rank under uniform ranks, at ``grid`` (a step function)."""
    support = fractional_ranks(np.arange(n_draws + 1), n_draws)
    return np.searchsorted(support, grid, side="right") / support.size


def _ecdf(u: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.sort(u), grid, side="right") / u.size


def simultaneous_ecdf_band(
    n_ranks: int,
    null_cdf: np.ndarray,
    probability: float = RANGE_PROBABILITY,
    n_simulations: int = 1000,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits of ``ECDF - null_cdf`` at the grid where ``null_cdf`` is given.

    Säilynoja et al. (2022), section 2.2: simulate ``n_simulations`` ECDFs of ``n_ranks``
    draws from the null (multinomial counts in the cells between grid points), take each one's
    smallest two-sided pointwise binomial tail probability, and use the ``1 - probability``
    quantile γ of those as the pointwise level: a curve lies inside the band
    ``[Binom⁻¹(γ/2), Binom⁻¹(1 - γ/2)] / n_ranks`` at every grid point with ``probability``.
    """
    p = np.asarray(null_cdf, dtype=float)
    cells = np.diff(np.concatenate([[0.0], p, [1.0]])).clip(min=0.0)
    rng = np.random.default_rng(seed)
    counts = np.cumsum(rng.multinomial(n_ranks, cells / cells.sum(), size=n_simulations), axis=1)
    counts = counts[:, : p.size]
    free = (p > 0) & (p < 1)
    lower_tail = stats.binom.cdf(counts[:, free], n_ranks, p[free])
    upper_tail = stats.binom.sf(counts[:, free] - 1, n_ranks, p[free])
    smallest = np.minimum(2 * np.minimum(lower_tail, upper_tail), 1.0).min(axis=1, initial=1.0)
    gamma = float(np.quantile(smallest, 1 - probability))
    low, high = np.zeros_like(p), np.zeros_like(p)
    low[free] = stats.binom.ppf(gamma / 2, n_ranks, p[free]) / n_ranks - p[free]
    high[free] = stats.binom.ppf(1 - gamma / 2, n_ranks, p[free]) / n_ranks - p[free]
    return low, high


def plot_rank_ecdf(
    ranks: Mapping[str, np.ndarray], n_draws: int, path: str | os.PathLike[str]
) -> str:
    """One panel per parameter: ECDF of the fractional ranks minus the uniform CDF, inside the
    simultaneous 95 % band (grey); ranks pooled over a vector parameter's elements."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(ranks)
    ncols = min(len(names), 5)
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 2.4 * nrows), squeeze=False)
    grid = np.linspace(0.0, 1.0, ECDF_GRID_POINTS)
    null = uniform_rank_cdf(grid, n_draws)
    for ax, name in zip(axes.ravel(), names, strict=False):
        u = fractional_ranks(ranks[name], n_draws)
        low, high = simultaneous_ecdf_band(u.size, null)
        ax.fill_between(grid, low, high, color="0.85", step="post")
        ax.plot(grid, _ecdf(u, grid) - null, color="tab:blue", drawstyle="steps-post")
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.set_title(name, fontsize=8)
        ax.set_xlabel("fractional rank", fontsize=8)
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("ECDF - uniform", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)
    return str(path)


# --- writing ----------------------------------------------------------------------------------


def _markdown_rows(table: pd.DataFrame, level: float) -> pd.DataFrame:
    """Display strings for summary.md (3 decimals, range as ``[lo, hi]``)."""
    shown = pd.DataFrame(index=table.index)
    shown["data sets"] = table["simulations"].astype(int).astype(str)
    shown["ranks"] = table["n_ranks"].astype(int).astype(str)
    for lev in _coverage_columns(level):
        shown[f"coverage {_percent(lev)} %"] = table[f"coverage_{_percent(lev)}"].map(
            "{:.3f}".format
        )
    shown["uniformity p"] = table["uniformity_p"].map("{:.3f}".format)
    bounds = zip(table["range_low"], table["range_high"], strict=True)
    shown["95 % range"] = [f"[{low:.2f}, {high:.2f}]" for low, high in bounds]
    shown["in range"] = np.where(table["in_range"], "yes", "**no**")
    return shown


def _run_sentence(result: CalibrationResult, out_dir: Path, settings: Mapping[str, Any]) -> str:
    run = result.summary
    n_sets = len(next(iter(result.ranks.values())))
    failed = f"{len(run.failures)} failed"
    if run.failures:
        failed += f", listed in {os.path.relpath(Path(run.out_dir) / FAILURES_FILE, out_dir)}"
    setting_text = "".join(f", {k} = {v}" for k, v in settings.items())
    timing = (
        f"wall time {run.wall_s:.0f} s on {run.workers} worker(s) ({run.executor})"
        if run.computed
        else "collected from finished fits (none run now)"
    )
    return (
        f"{n_sets} simulated data set{'' if n_sets == 1 else 's'} ({failed}){setting_text}; "
        f"{result.n_draws} posterior draws per fit; {timing}."
    )


def summary_markdown(
    result: CalibrationResult,
    table: pd.DataFrame,
    elements: pd.DataFrame,
    out_dir: Path,
    *,
    title: str,
    settings: Mapping[str, Any],
    level: float,
    notes: str = "",
    files: SummaryFiles = SummaryFiles(),
) -> str:
    """The text of summary.md (see :func:`write_summary`)."""
    from retrench.bayes.render import markdown_table

    pct = _percent(level)
    n_sets = int(table["simulations"].max())
    low, high = binomial_coverage_range(n_sets, level)
    outside = elements.index[~elements["in_range"].astype(bool)] if len(elements) else []
    lines = [f"# {title}", "", _run_sentence(result, out_dir, settings), ""]
    if notes:
        lines += [notes.strip(), ""]
    lines += [
        f"A parameter's {pct} % coverage over {n_sets} data sets should lie in "
        f"[{low:.2f}, {high:.2f}] (95 % binomial range; `in range`). Vector parameters are pooled "
        f"over their elements (per element in {files.elements}); their elements are correlated "
        "within a data set, so read their range and uniformity p as indicative. uniformity p: "
        f"chi-square test of the rank histogram ({UNIFORMITY_BINS} bins).",
        "",
        markdown_table(_markdown_rows(table, level), max_rows=len(table)),
        "",
    ]
    if len(elements):
        listed = ", ".join(f"{e} ({elements.loc[e, f'coverage_{pct}']:.2f})" for e in outside)
        lines += [f"Elements outside their range: {listed or 'none'}.", ""]
    lines += [
        f"![rank histograms]({files.rank_histograms})",
        "",
        f"![rank ECDF differences, simultaneous 95 % band]({files.rank_ecdf})",
        "",
    ]
    return "\n".join(lines)


def write_summary(
    result: CalibrationResult,
    out_dir: str | os.PathLike[str],
    *,
    title: str,
    settings: Mapping[str, Any],
    level: float = DEFAULT_LEVEL,
    notes: str = "",
    files: SummaryFiles = SummaryFiles(),
) -> Path:
    """Write the study's summary into ``out_dir`` and return the path of the Markdown file.

    Files (names from ``files``): the :func:`parameter_table` and :func:`element_table` as CSV
    (first column ``parameter``), rank histograms and the rank-ECDF figure as PNG, and the
    Markdown summary (``title``, the run and its ``settings``, ``notes``, the table, the
    figures), each written atomically, the Markdown last.
    """
    from retrench.bayes.plots import plot_rank_histograms

    level = _check_level(level)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table, elements = parameter_table(result, level), element_table(result, level)
    write_atomic(out / files.parameters, table.to_csv)
    write_atomic(out / files.elements, elements.to_csv)
    write_atomic(
        out / files.rank_histograms,
        lambda tmp: plot_rank_histograms(result.ranks, result.n_draws, tmp),
    )
    write_atomic(
        out / files.rank_ecdf, lambda tmp: plot_rank_ecdf(result.ranks, result.n_draws, tmp)
    )
    text = summary_markdown(
        result, table, elements, out, title=title, settings=settings, level=level, notes=notes,
        files=files,
    )  # fmt: skip
    return write_atomic(out / files.markdown, lambda tmp: tmp.write_text(text, encoding="utf-8"))
