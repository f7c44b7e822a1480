"""Electoral panels for the realignment design (Melnick; DESIGN.md section 3).

* :func:`electoral_rollcall_panel`: yea/nay counts and yea share by roll call, chamber and party
  (binomial-ready: ``yea`` successes out of ``n_voting = yea + nay`` trials).
* :func:`electoral_member_votes`: one row per member and roll call with party, state, district
  and Voteview ideology (DW-NOMINATE dim 1, Nokken-Poole dim 1).
* :func:`electoral_district_panel`: ADHM (2020) district-level China-shock exposure and the
  2002 -> t change in the Republican two-party House vote share, aggregated from county x
  district cells with the file's own population weights ``sh_district_2002``; uncontested races
  are flagged, not dropped.

Party: the source JSON's party letter, with ``ID`` (Lieberman as Independent Democrat) counted as
``I``.  ``party_code`` is Voteview's (100 Dem, 200 Rep, 328 Ind) and can differ for switchers.
"""

from __future__ import annotations

import pandas as pd

from retrench.data.loaders import PathLike, load_adhm_house_2002_2016, load_us_trade_rollcalls
from retrench.data.schemas_electoral import ADHM_YEARS
from retrench.errors import DataError

PARTY_GROUPS = {"D": "D", "R": "R", "I": "I", "ID": "I"}
UNCONTESTED_CHANGE_PP = 50.0

ROLLCALL_PANEL_COLUMNS = (
    "vote_id",
    "chamber",
    "congress",
    "date",
    "bill",
    "agreement",
    "vote_role",
    "party",
    "yea",
    "nay",
    "abstain",
    "n_voting",
    "yea_share",
)


def electoral_member_votes(path: PathLike = None) -> pd.DataFrame:
    """Member-level trade votes: ``vote`` (1 yea, 0 nay, <NA> abstain), party, state, district,
    ``nominate_dim1`` (DW-NOMINATE, career-constant) and ``nokken_poole_dim1`` (congress-specific).
    """
    return _member_frame(load_us_trade_rollcalls(path)["member_votes"])


def _member_frame(members: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "vote_id": members["vote_id"],
            "chamber": members["chamber"],
            "congress": members["congress"],
            "date": members["date"],
            "agreement": members["agreement"],
            "vote_role": members["vote_role"],
            "member_id_source": members["member_id_source"],
            "icpsr": members["icpsr"],
            "bioname": members["bioname"],
            "party": members["party"].map(PARTY_GROUPS).astype("str"),
            "party_code": members["party_code"],
            "state": members["state"],
            "district_code": members["district_code"],
            "position_raw": members["position_raw"],
            "vote": members["vote"].astype("Int64"),
            "nominate_dim1": members["nominate_dim1"],
            "nokken_poole_dim1": members["nokken_poole_dim1"],
        }
    )
    out.attrs.update(
        source=members.attrs["source"],
        units={"nominate_dim1": "DW-NOMINATE", "nokken_poole_dim1": "Nokken-Poole"},
    )
    return out


def electoral_rollcall_panel(path: PathLike = None) -> pd.DataFrame:
    """Yea/nay counts and yea share for every trade roll call by party and chamber.

    One row per (vote_id, party) with columns :data:`ROLLCALL_PANEL_COLUMNS`; ``abstain`` counts
    Not Voting and Present; ``yea_share = yea / n_voting`` (NaN when nobody of that party voted).
    """
    tables = load_us_trade_rollcalls(path)
    members = _member_frame(tables["member_votes"])
    counts = (
        members.assign(
            yea=members["vote"].eq(1).fillna(False),
            nay=members["vote"].eq(0).fillna(False),
            abstain=members["vote"].isna(),
        )
        .groupby(["vote_id", "party"], sort=True)[["yea", "nay", "abstain"]]
        .sum()
        .astype("int64")
        .reset_index()
    )
    meta = tables["rollcalls"][
        ["vote_id", "chamber", "congress", "date", "bill", "agreement", "vote_role"]
    ]
    panel = meta.merge(counts, on="vote_id", how="left", validate="one_to_many")
    panel["n_voting"] = panel["yea"] + panel["nay"]
    panel["yea_share"] = panel["yea"] / panel["n_voting"].where(panel["n_voting"] > 0)
    panel = panel.loc[:, list(ROLLCALL_PANEL_COLUMNS)]
    return panel.sort_values(["date", "vote_id", "party"]).reset_index(drop=True)


def electoral_district_panel(
    path: PathLike = None,
    year: int = 2016,
    uncontested_threshold: float = UNCONTESTED_CHANGE_PP,
) -> pd.DataFrame:
    """District-level China-shock exposure and Republican vote-share change 2002 -> ``year``.

    Aggregation over a district's county cells c with weights w_c = ``sh_district_2002`` (they
    sum to 1 per district; checked by the schema):

    * ``exposure`` = sum_c w_c d_imp_usch_pd_c (ADHM's 2000-2008 change in import exposure),
      ``instrument`` = sum_c w_c d_imp_otch_lag_pd_c, ``shnr_pres2000`` likewise;
    * ``d_rep_share`` = sum_c w_c d2_shnr_c / sum_{c observed} w_c (percentage points), and
      ``weight_missing`` = the weight of cells whose change is missing in the source;
    * ``uncontested_weight`` = the weight of cells with |change| >= ``uncontested_threshold``
      (a change a contested race cannot produce: the race was uncontested in 2002 or ``year``),
      ``uncontested`` = that weight > 0, ``fully_uncontested_swing`` = some cell changed by ±100.

    Flagged districts are kept; select on ``uncontested`` explicitly.
    """
    if year not in ADHM_YEARS:
        raise DataError(f"year must be one of {ADHM_YEARS} (got {year!r})")
    house = load_adhm_house_2002_2016(path)
    change = f"d2_shnr_2002_{year}"
    house = house.assign(
        _w=house["sh_district_2002"],
        _flag=house[change].abs() >= uncontested_threshold,
        _full=house[change].abs() >= 100 - 1e-6,
    )
    w = house["_w"]
    observed = house[change].notna()
    parts = pd.DataFrame(
        {
            "district": house["congressionaldistrict"],
            "n_cells": 1,
            "exposure": w * house["d_imp_usch_pd"],
            "instrument": w * house["d_imp_otch_lag_pd"],
            "shnr_pres2000": w * house["shnr_pres2000"],
            "_wy": (w * house[change]).where(observed, 0.0),
            "_w_observed": w.where(observed, 0.0),
            "weight_missing": w.where(~observed, 0.0),
            "uncontested_weight": w.where(house["_flag"], 0.0),
            "fully_uncontested_swing": house["_full"],
        }
    )
    panel = parts.groupby("district", sort=True).sum().reset_index()
    panel["d_rep_share"] = panel["_wy"] / panel["_w_observed"].where(panel["_w_observed"] > 0)
    panel["fully_uncontested_swing"] = panel["fully_uncontested_swing"].astype(bool)
    panel.insert(1, "state", panel["district"].str.split(" ").str[0])
    panel.insert(2, "district_number", panel["district"].str.split(" ").str[1].astype("int64"))
    panel = panel.drop(columns=["_wy", "_w_observed"])
    panel["uncontested"] = panel["uncontested_weight"] > 0
    panel.attrs.update(
        source=house.attrs["source"],
        year=year,
        units={
            "exposure": "$1000 per worker (ADHM d_imp_usch_pd)",
            "d_rep_share": "percentage points",
            "shnr_pres2000": "share",
        },
        uncontested_rule=f"|d2_shnr_2002_{year}| >= {uncontested_threshold} points",
    )
    return panel
