r"""Per-cell sufficient statistics of a left-censored normal likelihood (issue 7, scaling).

In the tariff model (``retrench.designs.tariffs``) a row i enters the likelihood
only through its cell k(i) = (country c, years from the reference year τ): every row of a cell
has the same mean μ_k = (1 + t_c) e^{βτ} − 1, the same scale σ_c and the same censoring point
c (:class:`~retrench.bayes.censored.LeftCensored`). For the **normal** family the sum over rows
of the log likelihood is then a function of four numbers per cell, exactly:

.. math::

    \sum_i \log p(y_i) = \sum_k \Big[ -n_k \log σ_k - \tfrac{n_k}{2} \log 2π
        - \frac{S_k + n_k (\bar y_k - μ_k)^2}{2 σ_k^2} \Big]
        + \sum_k m_k \log Φ\Big(\frac{c - μ_k}{σ_k}\Big),

with n_k, ȳ_k and S_k = Σ(y − ȳ_k)² over the cell's uncensored rows (y > c; the centred form
Σy² − 2μΣy + nμ² = S + n(ȳ − μ)² avoids the cancellation of the raw moments) and m_k the number
of its censored rows (y ≤ c). A gradient then costs O(cells) instead of O(rows): this helps
panels with many rows per cell (product-level tariffs) and does nothing when every cell holds
one row (the WDI country panel). For Student-t errors the sum does not reduce (no finite
sufficient statistics): keep the rows.

Cells with no uncensored rows are left out of the first sum and cells with no censored rows out
of the second (so that 0 · log Φ = 0 · (−∞) never arises), which is why the two sums run over
separate cell lists.

| code | symbol | meaning |
|---|---|---|
| ``observed_country``, ``observed_years`` | (c, τ) of k | cells with at least one y > c |
| ``n_observed`` | n_k | number of uncensored rows of cell k |
| ``observed_mean`` | ȳ_k | their mean |
| ``observed_sum_sq`` | S_k | Σ (y − ȳ_k)² over them |
| ``censored_country``, ``censored_years`` | (c, τ) of k | cells with at least one y ≤ c |
| ``n_censored`` | m_k | number of censored rows of cell k |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import pandas as pd

from retrench.bayes.censored import LeftCensored
from retrench.bayes.factor import factor
from retrench.errors import DataError

__all__ = [
    "CellStatistics",
    "censored_normal_cells_log_likelihood",
    "observe_left_censored",
    "reduce_to_cells",
]

LOG_2PI = float(np.log(2.0 * np.pi))


class CellStatistics(NamedTuple):
    """Sufficient statistics per (country, year) cell; a JAX pytree (see the module table).

    ``n_cells`` (distinct cells) and ``n_rows`` are kept as 0-d arrays so that the tuple stays a
    pytree of arrays (it may travel as a traced model argument)."""

    observed_country: jax.Array
    observed_years: jax.Array
    n_observed: jax.Array
    observed_mean: jax.Array
    observed_sum_sq: jax.Array
    censored_country: jax.Array
    censored_years: jax.Array
    n_censored: jax.Array
    n_cells: jax.Array
    n_rows: jax.Array


def _checked_rows(
    country: np.ndarray, years_from_ref: np.ndarray, values: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated 1-D arrays (country as int64); DataError naming the argument otherwise."""
    country, years, values = (np.asarray(a) for a in (country, years_from_ref, values))
    for name, arr in (("country", country), ("years_from_ref", years), ("values", values)):
        if arr.ndim != 1 or arr.shape != values.shape:
            raise DataError(
                f"{name}: expected a 1-D array of {values.size} rows like values "
                f"(got shape {arr.shape})"
            )
    if values.size == 0:
        raise DataError("values: no rows to reduce to cells")
    for name, arr in (("years_from_ref", years), ("values", values)):
        bad = np.flatnonzero(~np.isfinite(arr.astype(float)))
        if bad.size:
            raise DataError(f"{name}: must be finite (row {bad[0]} is {arr[bad[0]]})")
    as_int = country.astype(np.int64)
    bad = np.flatnonzero((as_int != country) | (as_int < 0))
    if bad.size:
        raise DataError(
            f"country: expected non-negative integer indices (row {bad[0]} is {country[bad[0]]})"
        )
    if not np.isfinite(threshold):
        raise DataError(f"threshold: must be finite (got {threshold})")
    return as_int, years.astype(float), values.astype(float)


def reduce_to_cells(
    country: np.ndarray, years_from_ref: np.ndarray, values: np.ndarray, threshold: float
) -> CellStatistics:
    """Reduce rows to the per-cell statistics of the module docstring.

    Args:
        country: (N,) country index c of each row (non-negative integers).
        years_from_ref: (N,) years from the reference year τ of each row.
        values: (N,) observations y; y ≤ ``threshold`` counts as censored (as in
            :class:`~retrench.bayes.censored.LeftCensored`).
        threshold: the censoring point c.

    Cells are sorted by (country, τ); the result does not depend on the order of the rows
    beyond floating-point summation order.
    """
    country, years, values = _checked_rows(country, years_from_ref, values, threshold)
    cell_of_row, cells = pd.factorize(pd.MultiIndex.from_arrays([country, years]), sort=True)
    n_cells = len(cells)
    cell_country = cells.get_level_values(0).to_numpy(np.int64)
    cell_years = cells.get_level_values(1).to_numpy(float)
    censored = values <= threshold
    uncensored = ~censored
    n_observed = np.bincount(cell_of_row, weights=uncensored.astype(float), minlength=n_cells)
    n_censored = np.bincount(cell_of_row, weights=censored.astype(float), minlength=n_cells)
    sums = np.bincount(cell_of_row, weights=np.where(uncensored, values, 0.0), minlength=n_cells)
    mean = np.divide(sums, n_observed, out=np.zeros(n_cells), where=n_observed > 0)
    deviations = np.where(uncensored, values - mean[cell_of_row], 0.0)
    sum_sq = np.bincount(cell_of_row, weights=deviations**2, minlength=n_cells)
    has_obs, has_cens = n_observed > 0, n_censored > 0
    return CellStatistics(
        observed_country=jnp.asarray(cell_country[has_obs]),
        observed_years=jnp.asarray(cell_years[has_obs]),
        n_observed=jnp.asarray(n_observed[has_obs]),
        observed_mean=jnp.asarray(mean[has_obs]),
        observed_sum_sq=jnp.asarray(sum_sq[has_obs]),
        censored_country=jnp.asarray(cell_country[has_cens]),
        censored_years=jnp.asarray(cell_years[has_cens]),
        n_censored=jnp.asarray(n_censored[has_cens]),
        n_cells=jnp.asarray(n_cells),
        n_rows=jnp.asarray(values.size),
    )


def censored_normal_cells_log_likelihood(
    cells: CellStatistics,
    mean_of: Callable[[jax.Array, jax.Array], jax.Array],
    scale: jax.Array,
    threshold: float,
) -> jax.Array:
    """Σ over rows of the left-censored normal log likelihood, from the cell statistics.

    Args:
        cells: from :func:`reduce_to_cells`.
        mean_of: ``mean_of(country, years_from_ref) -> μ`` for arrays of cells.
        scale: (countries,) σ_c of each country.
        threshold: the censoring point c the cells were reduced with.

    Returns:
        The scalar Σ_i log p(y_i) of the module docstring (equal to summing
        ``LeftCensored(μ, σ, c).log_prob(y)`` over the rows, up to rounding).
    """
    mu = mean_of(cells.observed_country, cells.observed_years)
    sigma = scale[cells.observed_country]
    n = cells.n_observed
    squares = cells.observed_sum_sq + n * (cells.observed_mean - mu) ** 2
    observed = -n * (jnp.log(sigma) + 0.5 * LOG_2PI) - squares / (2.0 * sigma**2)
    mu_cens = mean_of(cells.censored_country, cells.censored_years)
    z = (threshold - mu_cens) / scale[cells.censored_country]
    censored = cells.n_censored * jax.scipy.special.log_ndtr(z)
    return jnp.sum(observed) + jnp.sum(censored)


def observe_left_censored(
    name: str,
    mean_of: Callable[[jax.Array, jax.Array], jax.Array],
    scale: jax.Array,
    threshold: float,
    *,
    rows: tuple[jax.Array, jax.Array],
    observed: jax.Array | None,
    cells: CellStatistics | None = None,
    df: float | None = None,
) -> None:
    """The observation site of a model whose rows share (country, τ) cells.

    Without ``cells``: the per-row site ``name``, ``LeftCensored(μ, σ_c, c, df)`` over the plate
    ``"obs"`` (observed at ``observed``, or sampled when it is None), which is what the log
    likelihood (LOO) and predictive runs see. With ``cells`` (normal errors only): the factor
    ``<name>_cells`` with :func:`censored_normal_cells_log_likelihood`, the same total log
    density, for the sampler.

    Args:
        name: site name.
        mean_of: ``mean_of(country, years_from_ref) -> μ``.
        scale: (countries,) σ_c.
        threshold: censoring point c.
        rows: ``(country, years_from_ref)`` of every row.
        observed: (rows,) observations, or None to sample them.
        cells: :func:`reduce_to_cells` of the same rows and ``threshold``, or None.
        df: Student-t degrees of freedom, None for normal errors.
    """
    if cells is not None:
        if df is not None:
            raise ValueError(f"{name}: cell statistics are exact for normal errors only (df={df})")
        loglik = censored_normal_cells_log_likelihood(cells, mean_of, scale, threshold)
        factor(f"{name}_cells", loglik)
        return
    country, years_from_ref = rows
    mean = mean_of(country, years_from_ref)
    with numpyro.plate("obs", mean.shape[0]):
        numpyro.sample(name, LeftCensored(mean, scale[country], threshold, df=df), obs=observed)
