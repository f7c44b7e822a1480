"""Counterfactual policies of the tariff model, each over the full posterior.

Every scenario is :meth:`TariffModel.counterfactual` — the same model function under
``numpyro.handlers.do`` on a policy node — followed by a summary:

* :func:`public_preferred` — ``do(gamma_E_policy = γ_E^W [, gamma_M_policy = γ_M^W])``: the
  reciprocal tariffs the publics would negotiate (section 3.3) and the public-welfare gap
  W(τ^W) − W(τ^G) ≥ 0 (Remark 1: governments liberalise more than the public wants). Where
  eq. 7 at the public's weights lies at or past the prohibitive tariff the efficient outcome
  is autarky: the tariff is the prohibitive one (t = 1/3) and the table's ``autarky_share``
  column says in what share of draws that happened;
* :func:`rules_to_power` — ``do(bargaining_shift = 0)``: Home's (U.S.) tariff and public welfare at
  the rules-based point against the estimated power-based point (section 4, Remark 2);
* :func:`free_trade_pcbr` — Rodrik's political cost–benefit ratio of cutting each country's
  tariff to zero (seed 004), evaluated at the government's and at the public's tariffs.

:func:`counterfactual_tables` is the entry point a generic front end (``retrench simulate OUT
--policy P [--amount A]``) calls: the names in :data:`POLICIES`, titled interval tables back.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from retrench.bayes import inference_data as idio
from retrench.designs.tariffs.structure import GAMMA_E_UPPER, TARIFF_LOWER, TARIFF_UPPER
from retrench.errors import SpecError

if TYPE_CHECKING:  # pragma: no cover
    from retrench.designs.tariffs.model import TariffModel

PUBLIC_SITES = ("tariff_rules", "tariff_autarky", "public_welfare", "pcbr_free_trade")
POWER_SITES = ("tariff_power_home", "home_public_welfare_power")

POLICIES: dict[str, str] = {
    "public": "tariffs the publics would negotiate (amount: their exporter weight gamma_E^W, "
    "default from the spec) and the public-welfare gap",
    "power": "U.S. tariff and public welfare at the rules-based point (amount: bargaining "
    "shift set in every HS section, default 0) against the estimated power point",
    "free-trade": "Rodrik's PCBR of cutting each country's tariff to zero, at government and "
    "at public tariffs (takes no amount)",
}


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


def public_preferred(model: TariffModel, gamma_E_public: float | None = None) -> xr.Dataset:
    """Counterfactual: tariffs set with the publics' weights; adds ``welfare_gap``.

    ``welfare_gap`` = W(public-preferred tariffs) − W(government tariffs), in units of the
    model's surplus (consumer surplus of one market at free trade ≈ 0.09); W always uses the
    spec's public weights. ``gamma_E_public`` (γ_E^W) overrides the spec's exporter weight of
    the tariff-setting intervention.
    """
    policy = model.public_policy()
    if gamma_E_public is not None:
        policy["gamma_E_policy"] = np.full(len(model.countries), float(gamma_E_public))
    ds = model.counterfactual(**policy, return_sites=list(PUBLIC_SITES))
    ds["welfare_gap"] = ds["public_welfare_change"]
    ds.attrs["scenario"] = "public-preferred tariffs (section 3.3)"
    return ds


def rules_to_power(model: TariffModel, shift: float = 0.0) -> xr.Dataset:
    """Counterfactual: Home's bargaining weight back at the rules-based point (Δλ_g = 0).

    ``shift`` sets Δλ_g in every section to another value than 0 (the rules-based point).
    Returns ``power_tariff_rise`` (estimated power-based minus rules-based U.S. tariff, ad
    valorem, by HS section) and ``power_public_welfare_gain`` (U.S. public welfare at the power
    point minus at the rules point: Remark 2 and the paper's preliminary claim that it is > 0).
    """
    if model.tradewar is None:
        raise SpecError("tradewar.use: the rules-to-power scenario needs the trade-war panel")
    fixed = np.full(len(model.tradewar), float(shift))
    ds = model.counterfactual(bargaining_shift=fixed, return_sites=list(POWER_SITES))
    _require_power_point_in_domain(ds, float(shift), idio.group(model.idata, "posterior"))
    ds["power_tariff_rise"] = -ds["tariff_power_home_change"]
    ds["power_public_welfare_gain"] = -ds["home_public_welfare_power_change"]
    ds.attrs["scenario"] = (
        f"rules-based point (bargaining_shift = {float(shift):g}) vs estimated power point"
    )
    return ds


def _require_power_point_in_domain(ds: xr.Dataset, shift: float, posterior: xr.Dataset) -> None:
    """Refuse a bargaining shift whose power point leaves the theory's domain in any draw.

    The power point is section 4's first-order move t + Δλ · dt/dλ from the rules-based
    tariffs; past the prohibitive tariff (ad valorem 1/3) or below −1, or where Home's public
    welfare is undefined (the partner's tariff left the domain), it means nothing.
    """
    tariff = ds["tariff_power_home"]
    welfare = ds["home_public_welfare_power"]
    inside = (
        np.isfinite(tariff)
        & (tariff > TARIFF_LOWER)
        & (tariff < TARIFF_UPPER)
        & np.isfinite(welfare)
    )
    if bool(inside.all()):
        return
    outside = 1.0 - float(inside.mean())
    shifts = posterior.get("bargaining_shift_latent")
    estimated = (
        ""
        if shifts is None
        else f"; the estimated shifts lie in [{float(shifts.quantile(0.05)):.3g}, "
        f"{float(shifts.quantile(0.95)):.3g}] (5-95 %)"
    )
    raise SpecError(
        f"amount: a bargaining shift of {shift:g} takes the U.S. tariff (or its partner's) outside "
        f"the model's domain (-1 < t < 1/3, trade flowing) in {100 * outside:.3g} % of "
        "draw-sections; the power point is a first-order move along the frontier (section 4), "
        f"so use a smaller shift{estimated}"
    )


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
        "public_tariff": interval_table(public["tariff_rules"], "country").assign(
            autarky_share=autarky_share(public["tariff_autarky"]).to_numpy()
        ),
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


def _amount(policy: str, amount: float | None) -> float | None:
    """Validate ``amount`` for ``policy`` (None: the policy's default)."""
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float | np.number):
        raise SpecError(f"amount: expected a number for policy {policy!r} (got {amount!r})")
    value = float(amount)
    if policy == "free-trade":
        raise SpecError("amount: policy 'free-trade' takes no amount (the cut is to zero)")
    if not np.isfinite(value):
        raise SpecError(f"amount: expected a finite number (got {amount!r})")
    if policy == "public" and not 1.0 <= value < GAMMA_E_UPPER:
        raise SpecError(
            f"amount: the public exporter weight gamma_E^W must lie in [1, {GAMMA_E_UPPER:g}) "
            f"(got {value!r})"
        )
    return value


def counterfactual_tables(
    model: TariffModel, policy: str, amount: float | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """Titled interval tables (posterior mean, 5 % and 95 % quantiles by country or HS section)
    of the counterfactual ``policy``, one of :data:`POLICIES`.

    Raises:
        SpecError: an unknown policy (naming it and the known ones), an amount the policy does
            not take or outside its range, or ``"power"`` without the trade-war panel.
    """
    if policy not in POLICIES:
        raise SpecError(f"policy: unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    value = _amount(policy, amount)
    if policy == "public":
        ds = public_preferred(model, value)
        where = "" if value is None else f" (gamma_E^W = {value:g})"
        columns = [
            ("government tariff", "tariff_rules_factual", "country"),
            ("public-preferred tariff" + where, "tariff_rules", "country"),
            ("public-welfare gap" + where, "welfare_gap", "country"),
        ]
    elif policy == "power":
        ds = rules_to_power(model, 0.0 if value is None else value)
        where = f" (shift set to {0.0 if value is None else value:g})"
        columns = [
            ("U.S. tariff rise, power vs rules" + where, "power_tariff_rise", "section"),
            ("U.S. public-welfare gain" + where, "power_public_welfare_gain", "section"),
        ]
    else:
        ds = free_trade_pcbr(model)
        columns = [
            ("PCBR of free trade at government tariffs", "pcbr_government", "country"),
            ("PCBR of free trade at public tariffs", "pcbr_public", "country"),
        ]
    tables = [(f"{title}: {name}", interval_table(ds[name], dim)) for title, name, dim in columns]
    if policy == "public":
        _, public_table = tables[1]
        public_table["autarky_share"] = autarky_share(ds["tariff_autarky"]).to_numpy()
    return tables


def autarky_share(autarky: xr.DataArray) -> pd.Series:
    """Share of posterior draws, by country, whose efficient tariff is prohibitive (no trade)."""
    return autarky.mean(("chain", "draw")).to_series().rename("autarky_share")
