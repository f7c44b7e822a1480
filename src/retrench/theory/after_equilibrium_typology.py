"""Table 1 of Yean (2025), *After Equilibrium*: sector advantage × threat scope → response.

The memo's Table 1:

| sector \\ threat | sectoral | systemic |
|---|---|---|
| disadvantaged | managed transition (regional politics): | managed transition: |
| | 1990s Mexico/NAFTA | first China shock |
| advantaged | targeted protection (bipartisan): | broad-based protection (bipartisan): |
| | U.S.–Japan trade war | second China shock |

:func:`table1_response` returns the cell. :func:`predicted_response` derives the same cell from
the formal model of :mod:`retrench.theory.after_equilibrium` (our formalisation): a threat to an
imported sector that *raises* national welfare (a further fall of the disadvantaged sector's
import price) leaves only regional losers → managed transition; a threat that lowers national
welfare and covers every advantaged sector → broad-based protection; any other threat to exported
sectors (their rents fall, the nation as a whole may not) → targeted protection. The
codes are integers so that the function is jit/vmap-able: 0 managed transition, 1 targeted
protection, 2 broad-based protection.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from retrench.theory.after_equilibrium import (
    AfterEquilibriumParams,
    net_exports,
    price_deviations,
    sectoral_scope,
    systemic_scope,
    welfare_gain,
)

Array = jax.Array

MANAGED_TRANSITION, TARGETED_PROTECTION, BROAD_BASED_PROTECTION = 0, 1, 2
RESPONSES = (
    "managed transition (regional politics)",
    "targeted protection (bipartisan)",
    "broad-based protection (bipartisan)",
)
SECTORS = ("disadvantaged", "advantaged")
SCOPES = ("sectoral", "systemic")
EXAMPLES = {
    ("disadvantaged", "sectoral"): "1990s Mexico/NAFTA",
    ("disadvantaged", "systemic"): "first China shock",
    ("advantaged", "sectoral"): "U.S.-Japan trade war",
    ("advantaged", "systemic"): "second China shock",
}


class Table1Cell(NamedTuple):
    """One cell of Table 1: the response code, its label and the memo's example."""

    code: int
    response: str
    example: str


def table1_response(sector: str, scope: str) -> Table1Cell:
    """The memo's expected response to a threat to a ``sector`` ("disadvantaged"/"advantaged")
    of a ``scope`` ("sectoral"/"systemic")."""
    if sector not in SECTORS:
        raise ValueError(f"sector: expected one of {SECTORS} (got {sector!r})")
    if scope not in SCOPES:
        raise ValueError(f"scope: expected one of {SCOPES} (got {scope!r})")
    if sector == "disadvantaged":
        code = MANAGED_TRANSITION
    else:
        code = TARGETED_PROTECTION if scope == "sectoral" else BROAD_BASED_PROTECTION
    return Table1Cell(code, RESPONSES[code], EXAMPLES[(sector, scope)])


def threat_welfare_change(
    p: AfterEquilibriumParams, sector: str, scope: str, size: float = 0.5
) -> Array:
    """Change of national welfare (log points) caused by a threat of ``size`` from the trade
    equilibrium with lost capability: a further fall of D's import price by ``size`` (log) for
    the disadvantaged sector, erosion ``size`` of one/all advantaged sectors otherwise."""
    n = jnp.asarray(p.shares).shape[-1] - 1
    before = welfare_gain(p, price_deviations(p), p.capability_loss)
    if sector == "disadvantaged":
        after_x = price_deviations(p, disadvantaged_shock=size)
    else:
        mask = sectoral_scope(n) if scope == "sectoral" else systemic_scope(n)
        after_x = price_deviations(p, size, mask)
    return welfare_gain(p, after_x, p.capability_loss) - before


def threatened_sectors_exported(p: AfterEquilibriumParams, sector: str, scope: str) -> Array:
    """True when every sector the threat hits is a net exporter at the trade equilibrium with
    lost capability (l_j > β_j)."""
    n = jnp.asarray(p.shares).shape[-1] - 1
    exports = net_exports(p, price_deviations(p), p.capability_loss)
    if sector == "disadvantaged":
        return exports[0] > 0
    mask = sectoral_scope(n) if scope == "sectoral" else systemic_scope(n)
    return jnp.all(jnp.where(mask > 0, exports[1:] > 0, True))


def predicted_response(
    p: AfterEquilibriumParams, sector: str, scope: str, size: float = 0.5
) -> Array:
    """Table 1 cell implied by the model (an integer array; jit/vmap-able in ``p``):
    0 when the threatened sector is imported and national welfare rises, 2 when national welfare
    falls and the threat covers every advantaged sector, 1 otherwise."""
    change = threat_welfare_change(p, sector, scope, size)
    exported = threatened_sectors_exported(p, sector, scope)
    systemic = scope == "systemic" and sector == "advantaged"
    managed = (~exported) & (change >= 0)
    broad = (change < 0) & systemic
    return jnp.where(
        managed, MANAGED_TRANSITION, jnp.where(broad, BROAD_BASED_PROTECTION, TARGETED_PROTECTION)
    )
