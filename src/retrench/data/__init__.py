"""retrench.data: loaders, schemas, data-quality reports and analysis panels for the real data.

Entry points:

* :func:`load` (``load(name, path=None)``) -- one validated loader per dataset folder;
* :func:`quality_report` -- coverage, missingness and robust outlier flags;
* panels: :func:`electoral_rollcall_panel`, :func:`electoral_member_votes`,
  :func:`electoral_district_panel`, :func:`tariff_country_panel`, :func:`tradewar_tariff_panel`,
  :func:`wto_status_panel`, :func:`gvc_panel` (with :func:`gvc_missing_countries`).

Data are found through ``path``, ``$RETRENCH_DATA`` or ``../shared/data`` next to the repository
(see :mod:`retrench.data.locate`); they are never copied into the repository.
"""

from __future__ import annotations

from retrench.data.loaders import (
    LOADERS,
    dataset_names,
    load,
    load_adh2013_china_shock_cz,
    load_adhm_house_2002_2016,
    load_populism_europe,
    load_us_china_tradewar_tariffs,
    load_us_trade_rollcalls,
    load_wdi_tariff_rates,
    load_wiod2013_gvc_indicators,
    load_wto_membership,
)
from retrench.data.locate import DATASETS, ENV_VAR, candidate_roots, dataset_file
from retrench.data.panels_electoral import (
    electoral_district_panel,
    electoral_member_votes,
    electoral_rollcall_panel,
)
from retrench.data.panels_gvc import (
    MISSING_REASONS,
    SEED_003_COUNTRIES,
    gvc_missing_countries,
    gvc_panel,
)
from retrench.data.panels_tariffs import (
    TARIFF_COUNTRY_COLUMNS,
    TRADEWAR_COLUMNS,
    tariff_country_panel,
    tradewar_tariff_panel,
)
from retrench.data.panels_wto import (
    WTO_PANEL_COLUMNS,
    WTO_STATUSES,
    economy_status_summary,
    wto_status_panel,
)
from retrench.data.quality import QualityReport, quality_report

__all__ = [
    "DATASETS",
    "ENV_VAR",
    "LOADERS",
    "MISSING_REASONS",
    "SEED_003_COUNTRIES",
    "TARIFF_COUNTRY_COLUMNS",
    "TRADEWAR_COLUMNS",
    "WTO_PANEL_COLUMNS",
    "WTO_STATUSES",
    "QualityReport",
    "candidate_roots",
    "dataset_file",
    "dataset_names",
    "economy_status_summary",
    "electoral_district_panel",
    "electoral_member_votes",
    "electoral_rollcall_panel",
    "gvc_missing_countries",
    "gvc_panel",
    "load",
    "load_adh2013_china_shock_cz",
    "load_adhm_house_2002_2016",
    "load_populism_europe",
    "load_us_china_tradewar_tariffs",
    "load_us_trade_rollcalls",
    "load_wdi_tariff_rates",
    "load_wiod2013_gvc_indicators",
    "load_wto_membership",
    "quality_report",
    "tariff_country_panel",
    "tradewar_tariff_panel",
    "wto_status_panel",
]
