"""DeRemer (2023) exporter-influence tariff model after Bagwell–Staiger: the public API.

This module gathers the names of DESIGN.md section 2 from three modules, one concept each:

* :mod:`~retrench.theory.tariffs_market` — linear two-country market, world price (eq. 3),
  domain of tariffs, ad-valorem ↔ specific conversion through the model's world price;
* :mod:`~retrench.theory.tariffs_objectives` — weights, G and W (eqs. 1–2), eq. 4, reciprocity
  (eq. 5) and the eq. 6 residual;
* :mod:`~retrench.theory.tariffs_equilibria` — Nash, reciprocal efficient (eq. 6),
  Pareto-weighted and power-shift (section 4) solutions;
* :mod:`~retrench.theory.tariffs_closed_forms` — eq. 7 and the Nash closed form (test oracles);
* :mod:`~retrench.theory.tariffs_frontier` — the Pareto frontier in closed form, eq. 6 solved
  robustly along it (any weights, either form of eq. 5), and Figure 1's curves.
* :mod:`~retrench.theory.tariffs_regimes` — the Nash tariff as a function of γ_M alone and the
  reciprocal efficient tariff, specific and ad valorem, with domain flags (WTO accession).

``PAPER_PARAMETERS`` holds the paper's worked example (Figure 1: γ_M = 1.2, γ_E = 1.1, section
3.3 forms) for demos. The paper gives no numbers for the publics' weights; the public entry is an
illustration (γ_E^W = 1: no export externality; γ_M^W = γ_M^G as the paper assumes first).
"""

from __future__ import annotations

from typing import NamedTuple

from retrench.theory.tariffs_closed_forms import (
    efficient_tariff_closed_form,
    nash_ad_valorem_closed_form,
    nash_tariff_closed_form,
)
from retrench.theory.tariffs_equilibria import (
    PowerShift,
    TariffSolution,
    nash_tariffs,
    pareto_efficient_tariffs,
    power_shift,
    public_preferred_tariffs,
    reciprocal_efficient_tariffs,
)
from retrench.theory.tariffs_frontier import (
    FrontierSolution,
    figure1_curves,
    frontier_tariffs,
    reciprocal_efficient_tariffs_on_frontier,
)
from retrench.theory.tariffs_market import (
    MarketParams,
    autarky_price,
    from_ad_valorem,
    importer_price,
    market_clearing_residual,
    prohibitive_tariff,
    tariff_in_domain,
    to_ad_valorem,
    world_price,
)
from retrench.theory.tariffs_objectives import (
    ObjectivePair,
    TariffWeights,
    export_price_effect,
    government_objective,
    objective_gradients,
    public_welfare,
    reciprocal_stationarity_residual,
    reciprocity_ratio,
)
from retrench.theory.tariffs_regimes import (
    RegimeTariff,
    nash_prohibitive_weight,
    nash_tariff,
    nash_zero_weight,
    reciprocal_tariff,
)


class PaperTariffExample(NamedTuple):
    """The seed's worked example: governments' and (illustrative) publics' weights, market."""

    government: TariffWeights
    public: TariffWeights
    market: MarketParams


PAPER_PARAMETERS = PaperTariffExample(
    government=TariffWeights.symmetric(gamma_E=1.1, gamma_M=1.2),  # Figure 1, section 3.3
    public=TariffWeights.symmetric(gamma_E=1.0, gamma_M=1.2),  # illustrative, not in the paper
    market=MarketParams(),  # section 3.3: CS = ½(1 − p)², Π_E = p²/2, Π_M = p²/4
)

__all__ = [
    "PAPER_PARAMETERS",
    "FrontierSolution",
    "figure1_curves",
    "frontier_tariffs",
    "reciprocal_efficient_tariffs_on_frontier",
    "MarketParams",
    "ObjectivePair",
    "PaperTariffExample",
    "PowerShift",
    "RegimeTariff",
    "TariffSolution",
    "TariffWeights",
    "autarky_price",
    "efficient_tariff_closed_form",
    "export_price_effect",
    "from_ad_valorem",
    "government_objective",
    "importer_price",
    "market_clearing_residual",
    "nash_ad_valorem_closed_form",
    "nash_prohibitive_weight",
    "nash_tariff",
    "nash_tariff_closed_form",
    "nash_zero_weight",
    "nash_tariffs",
    "objective_gradients",
    "pareto_efficient_tariffs",
    "power_shift",
    "prohibitive_tariff",
    "public_preferred_tariffs",
    "public_welfare",
    "reciprocal_efficient_tariffs",
    "reciprocal_stationarity_residual",
    "reciprocal_tariff",
    "reciprocity_ratio",
    "tariff_in_domain",
    "to_ad_valorem",
    "world_price",
]
