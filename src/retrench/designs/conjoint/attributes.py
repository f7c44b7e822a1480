"""The conjoint's attributes and levels: Table 2 of Yean (2025), *After Equilibrium*, section 3.3.

The memo's text says respondents see vignettes that "differ along four dimensions"; its Table 2
lists five (shock type, geopolitics, sociotropic effect, product differentiation, firm type). We
follow the table, and split *geopolitics* ("Ally vs. adversary; Democracy vs. autocracy") into
two binary attributes, ``ally`` and ``regime``, so that the two cues can be told apart: six
attribute columns in all. The first level of every attribute is its reference level (AMCEs are
differences from it).

Outcome convention: in each task the respondent picks the trade scenario that calls more for a
protective response (restricting trade), so a positive AMCE means *more opposition to trade*.

The memo's hypotheses (section 3.3, "Theoretical Expectations"), as ordered statements on AMCEs:

* ``H1_systemic_strongest``: AMCE(comparative advantage, systemic) > AMCE(comparative advantage,
  sectoral) > AMCE(higher value-added, not comparative advantage), all relative to the
  disadvantaged sector;
* ``H2_comparative_advantage``: AMCE(comparative advantage, sectoral) > 0 (losing an advantaged
  sector draws more opposition than losing a disadvantaged one);
* ``H3_adversary``: AMCE(adversary) > 0; ``H4_autocracy``: AMCE(autocracy) > 0 (rival-country cues
  amplify opposition).
"""

from __future__ import annotations

from collections.abc import Mapping

SHOCK_TYPE_LEVELS = (
    "Disadvantaged sector",
    "Higher value-added, not comparative advantage",
    "Comparative advantage, sectoral",
    "Comparative advantage, systemic",
)

#: attribute column -> levels (first = reference), in Table 2's order.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "shock_type": SHOCK_TYPE_LEVELS,
    "ally": ("Ally", "Adversary"),
    "regime": ("Democracy", "Autocracy"),
    "sociotropic": ("No overall harm", "Net harm to U.S. economy"),
    "differentiation": ("No product differentiation", "Product differentiation"),
    "firm_type": ("Foreign firm", "Own multinational", "Localized production"),
}

#: Table 2's dimension of each attribute column.
DIMENSIONS: dict[str, str] = {
    "shock_type": "Shock Type",
    "ally": "Geopolitics (ally status)",
    "regime": "Geopolitics (regime type)",
    "sociotropic": "Sociotropic Effect",
    "differentiation": "Product Diff. (New Trade Theory)",
    "firm_type": "Firm Type (New New Trade Theory)",
}

#: hypothesis name -> chain of (attribute, level) whose AMCEs must be strictly decreasing;
#: ("", "0") stands for zero (the reference level).
HYPOTHESES: dict[str, tuple[tuple[str, str], ...]] = {
    "H1_systemic_strongest": (
        ("shock_type", SHOCK_TYPE_LEVELS[3]),
        ("shock_type", SHOCK_TYPE_LEVELS[2]),
        ("shock_type", SHOCK_TYPE_LEVELS[1]),
    ),
    "H2_comparative_advantage": (("shock_type", SHOCK_TYPE_LEVELS[2]), ("", "0")),
    "H3_adversary": (("ally", "Adversary"), ("", "0")),
    "H4_autocracy": (("regime", "Autocracy"), ("", "0")),
}


def reference_level(attribute: str, attributes: Mapping[str, tuple[str, ...]] = ATTRIBUTES) -> str:
    """The reference (first) level of ``attribute``."""
    return attributes[attribute][0]


def effect_names(
    attributes: Mapping[str, tuple[str, ...]] = ATTRIBUTES,
) -> list[tuple[str, str]]:
    """(attribute, level) of every non-reference level, in attribute order: the columns of the
    dummy design matrix and the rows of an AMCE table."""
    return [(a, level) for a, levels in attributes.items() for level in levels[1:]]


def level_names(
    attributes: Mapping[str, tuple[str, ...]] = ATTRIBUTES,
) -> list[tuple[str, str]]:
    """(attribute, level) of every level, reference included: the rows of a marginal-means table."""
    return [(a, level) for a, levels in attributes.items() for level in levels]
