"""GVC panel for the localization design (Qu & Yang 2023, seed 003; DESIGN.md section 3).

Code name <-> symbol of the paper (eq. 13 and the panel regressions eq. 16-20):

==============================  ======  =============================================
column                          symbol  definition (WIOD 2013, millions of current USD)
==============================  ======  =============================================
``gvc_participation``           GVCP    (DVX + FVA) / gross exports (Koopman et al.)
``gvc_backward``                        FVA / gross exports
``gvc_forward``                         DVX / gross exports
``omega``                       ω       domestic share of final demand
``mu``                          μ       domestic share of intermediate inputs
``upsilon``                     υ       value added / gross output
``gr``                          gr      VA growth minus world VA growth (fractions)
==============================  ======  =============================================

``gr`` is built from the table's own value added (VA = X - column sums of Z, in current USD, so
it includes exchange-rate movements): ``va_growth`` = VA_t / VA_{t-1} - 1 of the country and
``world_va_growth`` the same for the sum over all 41 WIOD economies (RoW included); it is
missing in 1995, the first year.  The paper used OECD GDP growth for 2000-2015 instead.
"""

from __future__ import annotations

import pandas as pd

from retrench.data.loaders import PathLike, load_wiod2013_gvc_indicators

#: The 21 countries of the paper's panel (seed 003, section 4).
SEED_003_COUNTRIES = (
    "AUS",
    "AUT",
    "BEL",
    "CAN",
    "DNK",
    "FIN",
    "FRA",
    "DEU",
    "ITA",
    "JPN",
    "KOR",
    "NLD",
    "NZL",
    "NOR",
    "PRT",
    "ESP",
    "SWE",
    "CHE",
    "GBR",
    "USA",
    "CHN",
)
#: Why a seed-003 country is absent from the WIOD 2013 release (PROVENANCE).
MISSING_REASONS = {
    "NZL": "not a separate economy in the WIOD 2013 release (only inside RoW); "
    "not in WIOD 2016 either",
    "NOR": "not a separate economy in the WIOD 2013 release (only inside RoW); "
    "added in WIOD 2016, which is not available here",
    "CHE": "not a separate economy in the WIOD 2013 release (only inside RoW); "
    "added in WIOD 2016, which is not available here",
}
GVC_PANEL_COLUMNS = (
    "country",
    "year",
    "in_seed_sample",
    "gvc_participation",
    "gvc_backward",
    "gvc_forward",
    "omega",
    "mu",
    "upsilon",
    "value_added",
    "gross_output",
    "gross_exports",
    "va_growth",
    "world_va_growth",
    "gr",
)


def gvc_missing_countries(path: PathLike = None) -> dict[str, str]:
    """Seed-003 countries absent from the WIOD file, each with the reason it is missing."""
    present = set(load_wiod2013_gvc_indicators(path)["country_year"]["country"])
    return {
        code: MISSING_REASONS.get(code, "absent from the WIOD file (reason unknown)")
        for code in SEED_003_COUNTRIES
        if code not in present
    }


def gvc_panel(path: PathLike = None, seed_sample_only: bool = False) -> pd.DataFrame:
    """Country-year GVC panel, 1995-2011, tidy (one row per economy and year).

    Columns :data:`GVC_PANEL_COLUMNS`; see the module docstring for the symbols.  All 41 WIOD
    economies (RoW included) are returned unless ``seed_sample_only``, which keeps the 18
    seed-003 countries present in WIOD (``gvc_missing_countries`` lists the other 3).  The world
    growth rate always uses all 41 economies.
    """
    cy = load_wiod2013_gvc_indicators(path)["country_year"].sort_values(["country", "year"])
    world = cy.groupby("year")["value_added"].sum()
    world_growth = world / world.shift(1) - 1
    va_growth = cy.groupby("country")["value_added"].transform(lambda s: s / s.shift(1) - 1)
    panel = pd.DataFrame(
        {
            "country": cy["country"],
            "year": cy["year"],
            "in_seed_sample": cy["country"].isin(SEED_003_COUNTRIES),
            "gvc_participation": cy["gvc_participation"],
            "gvc_backward": cy["gvc_backward"],
            "gvc_forward": cy["gvc_forward"],
            "omega": cy["domestic_share_final_demand"],
            "mu": cy["domestic_share_intermediates"],
            "upsilon": cy["va_to_go_ratio"],
            "value_added": cy["value_added"],
            "gross_output": cy["gross_output"],
            "gross_exports": cy["gross_exports"],
            "va_growth": va_growth,
            "world_va_growth": cy["year"].map(world_growth).astype("float64"),
        }
    )
    panel["gr"] = panel["va_growth"] - panel["world_va_growth"]
    if seed_sample_only:
        panel = panel[panel["in_seed_sample"]]
    panel = panel.reset_index(drop=True)
    panel.attrs.update(
        source=cy.attrs["source"],
        units={
            "value_added": "millions of current USD",
            "gross_output": "millions of current USD",
            "gross_exports": "millions of current USD",
            "gr": "fraction per year",
        },
        missing_seed_countries=MISSING_REASONS,
    )
    return panel
