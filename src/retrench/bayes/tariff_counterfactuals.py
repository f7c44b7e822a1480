"""Counterfactual policies of the tariff model, each over the full posterior.

Every scenario is :meth:`TariffModel.counterfactual` — the same model function under
``numpyro.handlers.do`` on a policy node — followed by a summary:

* :func:`public_preferred` — ``do(gamma_E_policy = γ_E^W [, gamma_M_policy = γ_M^W])``: the
  reciprocal tariffs the publics would negotiate (section 3.3) and the public-welfare gap
  W(τ^W) − W(τ^G) ≥ 0 (Remark 1: governments liberalise more than the public wants);
* :func:`rules_to_power` — ``do(bargaining_shift = 0)``: Home's (U.S.) tariff and public welfare at
  the rules-based point against the estimated power-based point (section 4, Remark 2);
* :func:`free_trade_pcbr` — Rodrik's political cost–benefit ratio of cutting each country's
  tariff to zero (seed 004), evaluated at the government's and at the public's tariffs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from retrench.errors import SpecError

if TYPE_CHECKING:  # pragma: no cover
    from retrench.bayes.tariffs import TariffModel

PUBLIC_SITES = ("tariff_rules", "public_welfare", "pcbr_free_trade")
POWER_SITES = ("tariff_power_home", "home_public_welfare_power")


def interval_table(
    values: xr.DataArray, dim: str, quantiles: Sequence[float] = (0.05, 0.95)
) -> pd.DataFrame:
    """Posterior mean and interval of ``values`` for each coordinate of ``dim``."""
    flat = values.stack(sample=("chain", "draw"))
    with warnings.catch_warnings():  # all-NaN rows (e.g. PCBR with nothing to cut) stay NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = (flat.quantile(q, dim="sample", skipna=True) for q in quantiles)
    return pd.DataFrame(
        {
            "mean": flat.mean("sample", skipna=True).to_series(),
            f"q{int(100 * quantiles[0])}": lo.drop_vars("quantile").to_series(),
            f"q{int(100 * quantiles[1])}": hi.drop_vars("quantile").to_series(),
        }
    ).rename_axis(dim)


def public_preferred(model: TariffModel) -> xr.Dataset:
    """Counterfactual: tariffs set with the publics' weights; adds ``welfare_gap``.

    ``welfare_gap`` = W(public-preferred tariffs) − W(government tariffs), in units of the
    model's surplus (consumer surplus of one market at free trade ≈ 0.09).
    """
    ds = model.counterfactual(**model.public_policy(), return_sites=list(PUBLIC_SITES))
    ds["welfare_gap"] = ds["public_welfare_change"]
    ds.attrs["scenario"] = "public-preferred tariffs (section 3.3)"
    return ds


def rules_to_power(model: TariffModel) -> xr.Dataset:
    """Counterfactual: Home's bargaining weight back at the rules-based point (Δλ_g = 0).

    Returns ``power_tariff_rise`` (estimated power-based minus rules-based U.S. tariff, ad
    valorem, by HS section) and ``power_public_welfare_gain`` (U.S. public welfare at the power
    point minus at the rules point: Remark 2 and the paper's preliminary claim that it is > 0).
    """
    if model.tradewar is None:
        raise SpecError("tradewar.use: the rules-to-power scenario needs the trade-war panel")
    zeros = np.zeros(len(model.tradewar))
    ds = model.counterfactual(bargaining_shift=zeros, return_sites=list(POWER_SITES))
    ds["power_tariff_rise"] = -ds["tariff_power_home_change"]
    ds["power_public_welfare_gain"] = -ds["home_public_welfare_power_change"]
    ds.attrs["scenario"] = "rules-based point (bargaining_shift = 0) vs estimated power point"
    return ds


def free_trade_pcbr(model: TariffModel) -> xr.Dataset:
    """PCBR of cutting each country's tariff to zero at government and at public tariffs.

    Countries whose model tariff is ≤ 0 have nothing to cut; their PCBR is NaN and they are
    counted in the attribute ``n_nothing_to_cut`` (reported, not hidden).
    """
    public = public_preferred(model)
    ds = xr.Dataset(
        {
            "pcbr_government": public["pcbr_free_trade_factual"],
            "pcbr_public": public["pcbr_free_trade"],
        }
    )
    nothing = public["tariff_rules_factual"].mean(("chain", "draw")) <= 0
    ds.attrs["n_nothing_to_cut"] = int(nothing.sum())
    ds.attrs["scenario"] = "PCBR of a cut to free trade (Rodrik, seed 004)"
    return ds


def scenario_tables(model: TariffModel) -> dict[str, pd.DataFrame]:
    """Posterior summaries of every scenario, for the CLI, the demo and the report."""
    public = public_preferred(model)
    tables = {
        "government_tariff": interval_table(public["tariff_rules_factual"], "country"),
        "public_tariff": interval_table(public["tariff_rules"], "country"),
        "welfare_gap": interval_table(public["welfare_gap"], "country"),
        "pcbr_free_trade": interval_table(public["pcbr_free_trade_factual"], "country"),
    }
    if model.tradewar is not None:
        power = rules_to_power(model)
        tables["power_tariff_rise"] = interval_table(power["power_tariff_rise"], "section")
        tables["power_public_welfare_gain"] = interval_table(
            power["power_public_welfare_gain"], "section"
        )
    return tables
