"""Counterfactual policies of the tariff-accession design, each over the full posterior.

Both are :meth:`TariffAccessionModel.counterfactual` — the same NumPyro model under
``numpyro.handlers.do`` on the policy node ``regime_share`` (share_cy of the move from the Nash
to the reciprocal tariff) — followed by a summary by economy:

* ``never_joined``: ``do(regime_share = 0)`` for every row: each member's tariffs on the Nash path
  t^N_c e^{β(y − ref)}, reported for the economies that entered inside the panel's span
  (observed on both sides of entry), as the mean tariff over their post-entry years, factual
  and counterfactual;
* ``join``: for the economies that never joined, ``do(regime_share = 1 − exp(−max(y + ½ − Y,
  0)/φ))`` on their rows, i.e. entry on 1 January of year Y (``amount``; default the spec's
  ``data.reference_year``) with the phase-in φ of the fit (its posterior mean when estimated);
  reported as the mean tariff over their rows from Y on.

Public welfare: W of eq. 2 with the publics' weights γ^W = (1, 1) (no political weights) at
symmetric tariffs τ = τ* (both partners in the same regime), at the economy's steady-state regime
tariff, W(τ^N) under "never joined" against W(τ^R) as a member, per posterior draw
(:func:`retrench.theory.tariffs.public_welfare`; ad valorem to specific through the model's world
price). ``welfare_change`` = W(counterfactual) − W(factual), in units of the model's surplus.

:func:`counterfactual_tables` is what ``retrench simulate OUT --policy P [--amount Y]`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.designs.accession.structure import regime_share
from retrench.errors import SpecError
from retrench.theory.tariffs import TariffWeights, from_ad_valorem, public_welfare

if TYPE_CHECKING:  # pragma: no cover
    from retrench.designs.accession.model import TariffAccessionModel

POLICIES: dict[str, str] = {
    "never_joined": "each economy that entered inside the span on its Nash path had it never "
    "joined: tariffs and public welfare (takes no amount)",
    "join": "each economy that never joined enters on 1 January of year AMOUNT (default: the "
    "spec's reference year): reciprocal tariffs phased in, and public welfare",
}
PUBLIC = TariffWeights(1.0, 1.0, 1.0, 1.0)


def interval_rows(values: np.ndarray, labels: list[str], dim: str = "country") -> pd.DataFrame:
    """Posterior mean, 5 % and 95 % quantiles of ``values`` (draws × labels)."""
    values = np.asarray(values, float)
    return pd.DataFrame(
        {
            "mean": values.mean(0),
            "q5": np.quantile(values, 0.05, axis=0),
            "q95": np.quantile(values, 0.95, axis=0),
        },
        index=pd.Index(labels, name=dim),
    )


def symmetric_public_welfare(t_ad_valorem: np.ndarray) -> np.ndarray:
    """W(τ, τ) of eq. 2 at γ^W = (1, 1), τ the specific tariff of ad-valorem ``t``."""

    @jax.jit
    def welfare(t: jax.Array) -> jax.Array:
        tau = from_ad_valorem(t)
        return public_welfare(tau, tau, PUBLIC).home

    return np.asarray(welfare(jnp.asarray(t_ad_valorem, float)))


def acceding_economies(model: TariffAccessionModel) -> list[str]:
    """Economies observed both before and after their entry (years_in_regime < 0 and > 0)."""
    x = model.panel.groupby("country_code")["years_in_regime"]
    both = (x.min() < 0) & (x.max() > 0)
    return sorted(both.index[both])


def never_members(model: TariffAccessionModel) -> list[str]:
    """Economies that never joined in the panel (``years_in_regime`` empty in every row)."""
    never = model.panel.groupby("country_code")["years_in_regime"].apply(lambda s: s.isna().all())
    return sorted(never.index[never])


def _row_means(values: np.ndarray, rows: np.ndarray, economies: list[str], panel) -> np.ndarray:
    """Mean over each economy's selected rows of ``values`` (draws × rows) -> draws × economies."""
    codes = panel["country_code"].to_numpy()
    return np.stack([values[:, rows & (codes == c)].mean(1) for c in economies], axis=1)


def _flat(ds, name: str) -> np.ndarray:
    arr = ds[name].values
    return arr.reshape(-1, *arr.shape[2:])


def _regime_draws(model: TariffAccessionModel, economies: list[str]) -> tuple[np.ndarray, ...]:
    draws = idio.posterior_draws(model.require_fit(), ["tariff_nash", "tariff_reciprocal"])
    index = [int(np.flatnonzero(model.countries == c)[0]) for c in economies]
    return draws["tariff_nash"][:, index], draws["tariff_reciprocal"][:, index]


def never_joined(model: TariffAccessionModel) -> list[tuple[str, pd.DataFrame]]:
    """Tables of the "never joined" counterfactual (module docstring)."""
    economies = acceding_economies(model)
    if not economies:
        raise SpecError("policy never_joined: no economy is observed on both sides of its entry")
    ds = model.counterfactual(regime_share=np.zeros(len(model.panel)), return_sites=["tariff_mean"])
    after = model.panel["years_in_regime"].to_numpy() > 0
    factual = _row_means(_flat(ds, "tariff_mean_factual"), after, economies, model.panel)
    never = _row_means(_flat(ds, "tariff_mean"), after, economies, model.panel)
    t_nash, t_recip = _regime_draws(model, economies)
    change = symmetric_public_welfare(t_nash) - symmetric_public_welfare(t_recip)
    return [
        ("mean tariff after entry, as a member (factual)", interval_rows(factual, economies)),
        ("mean tariff after entry, had it never joined", interval_rows(never, economies)),
        ("public-welfare change had it never joined: W(t^N) - W(t^R)", interval_rows(
            change, economies)),
    ]  # fmt: skip


def join(model: TariffAccessionModel, year: float | None = None) -> list[tuple[str, pd.DataFrame]]:
    """Tables of the "join in year Y" counterfactual (module docstring)."""
    economies = never_members(model)
    if not economies:
        raise SpecError("policy join: every economy of the panel is a GATT/WTO member")
    entry = float(model.spec["data"]["reference_year"] if year is None else year)
    post = idio.group(model.require_fit(), "posterior")
    phase = float(post["phase_in_years"].mean())
    panel = model.panel
    x = panel["years_in_regime"].to_numpy(float)
    outside = np.isnan(x)
    x_new = np.where(outside, panel["year"].to_numpy(float) + 0.5 - entry, x)
    share = np.asarray(regime_share(jnp.asarray(x_new), phase))
    ds = model.counterfactual(regime_share=share, return_sites=["tariff_mean"])
    rows = outside & (panel["year"].to_numpy() >= entry)
    if not rows.any():
        raise SpecError(f"amount: no year of the never-members lies at or after {entry:g}")
    kept = [c for c in economies if rows[panel["country_code"].to_numpy() == c].any()]
    factual = _row_means(_flat(ds, "tariff_mean_factual"), rows, kept, panel)
    joined = _row_means(_flat(ds, "tariff_mean"), rows, kept, panel)
    t_nash, t_recip = _regime_draws(model, kept)
    change = symmetric_public_welfare(t_recip) - symmetric_public_welfare(t_nash)
    when = f"from {entry:g} (phase-in {phase:.3g} years)"
    return [
        (f"mean tariff {when}, outside (factual)", interval_rows(factual, kept)),
        (f"mean tariff {when}, had it joined", interval_rows(joined, kept)),
        ("public-welfare change had it joined: W(t^R) - W(t^N)", interval_rows(change, kept)),
    ]


def _year(amount: float | None) -> float | None:
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float | np.number):
        raise SpecError(f"amount: expected a year for policy 'join' (got {amount!r})")
    if not (np.isfinite(amount) and 1900 <= float(amount) <= 2100):
        raise SpecError(f"amount: expected a year between 1900 and 2100 (got {amount!r})")
    return float(amount)


def counterfactual_tables(
    model: TariffAccessionModel, policy: str, amount: float | None = None
) -> list[tuple[str, pd.DataFrame]]:
    """Titled interval tables (posterior mean, 5 % and 95 % quantiles by economy).

    Raises:
        SpecError: an unknown policy (naming the known ones), an amount "never_joined" does
            not take or a year outside 1900-2100, or a panel without the economies the policy
            concerns.
    """
    if policy not in POLICIES:
        raise SpecError(f"policy: unknown policy {policy!r} (known: {', '.join(POLICIES)})")
    if policy == "never_joined":
        if amount is not None:
            raise SpecError("amount: policy 'never_joined' takes no amount")
        return never_joined(model)
    return join(model, _year(amount))
