"""Table specifications of the electoral datasets (roll calls, ADHM districts, ADH zones).

Each ``*_SPEC`` is a :class:`~retrench.data.validation.TableSpec`; ``build_schema(spec)`` gives
the equivalent ``pandera.pandas.DataFrameSchema``.  Units follow the PROVENANCE files.
"""

from __future__ import annotations

import pandas as pd

from retrench.data.validation import ColumnSpec as C
from retrench.data.validation import RowCheck, TableSpec

POSITIONS_YEA = ("Yea", "Aye")
POSITIONS_NAY = ("Nay", "No")
POSITIONS_ABSTAIN = ("Not Voting", "Present")
POSITIONS = POSITIONS_YEA + POSITIONS_NAY + POSITIONS_ABSTAIN
CHAMBERS = ("House", "Senate")
STATE_PATTERN = r"[A-Z]{2}"
VOTE_ID_PATTERN = r"[hs]\d+-\d{3}\.\d{4}"


def _chamber_matches_vote_id(df: pd.DataFrame) -> pd.Series:
    prefix = df["vote_id"].str[0].map({"h": "House", "s": "Senate"})
    return prefix == df["chamber"]


def _vote_matches_position(df: pd.DataFrame) -> pd.Series:
    yea = df["position_raw"].isin(POSITIONS_YEA) & (df["vote"] == 1)
    nay = df["position_raw"].isin(POSITIONS_NAY) & (df["vote"] == 0)
    abstain = df["position_raw"].isin(POSITIONS_ABSTAIN) & df["vote"].isna()
    return yea | nay | abstain | ~df["position_raw"].isin(POSITIONS)


def _date_in_session_year(df: pd.DataFrame) -> pd.Series:
    return df["date"].dt.year == df["session_year"]


ROLLCALLS_SPEC = TableSpec(
    "trade_rollcalls.csv",
    (
        C("vote_id", "str", pattern=VOTE_ID_PATTERN, description="{h|s}{roll}-{congress}.{year}"),
        C("chamber", "str", isin=CHAMBERS),
        C("congress", "int", ge=101, le=119),
        C("session_year", "int", ge=1989, le=2025, unit="year"),
        C("rollnumber", "int", ge=1),
        C("date", "date"),
        C("bill", "str"),
        C("agreement", "str", description="hand-assigned trade measure"),
        C("vote_role", "str", description="final passage, cloture, recommit, ..."),
        C("question", "str"),
        C("result", "str"),
        C("requires", "str", isin=("1/2", "3/5", "2/3")),
        C("yea", "int", ge=0, unit="members"),
        C("nay", "int", ge=0, unit="members"),
        C("present", "int", ge=0, unit="members"),
        C("not_voting", "int", ge=0, unit="members"),
        C("source_url", "str"),
    ),
    key=("vote_id",),
    row_checks=(
        RowCheck(
            "chamber_vote_id",
            ("vote_id", "chamber"),
            _chamber_matches_vote_id,
            "chamber agreeing with the vote_id prefix (h = House, s = Senate)",
        ),
        RowCheck(
            "date_year",
            ("date", "session_year"),
            _date_in_session_year,
            "date falling in session_year",
        ),
    ),
)

MEMBER_VOTES_SPEC = TableSpec(
    "trade_votes_members.csv",
    (
        C("vote_id", "str", pattern=VOTE_ID_PATTERN),
        C("chamber", "str", isin=CHAMBERS),
        C("congress", "int", ge=101, le=119),
        C("date", "date"),
        C("agreement", "str"),
        C("vote_role", "str"),
        C("member_id_source", "str", description="bioguide id (House) or LIS id (Senate)"),
        C("bioguide_id", "str", nullable=True),
        C("icpsr", "int", nullable=True, ge=1, description="Voteview member id"),
        C("display_name", "str"),
        C("bioname", "str", nullable=True),
        C("party", "str", isin=("D", "R", "I", "ID"), description="party as in the source JSON"),
        C(
            "party_code",
            "int",
            nullable=True,
            isin=(100, 200, 328),
            description="Voteview party code: 100 Dem, 200 Rep, 328 Ind",
        ),
        C("state", "str", pattern=STATE_PATTERN),
        C(
            "district_code",
            "int",
            nullable=True,
            ge=0,
            le=99,
            description="Voteview district code (0, 98, 99: at-large / non-voting)",
        ),
        C("position_raw", "str", isin=POSITIONS, description="Yea/Aye/Nay/No/Not Voting/Present"),
        C(
            "vote",
            "float",
            nullable=True,
            isin=(0.0, 1.0),
            description="1 = Yea/Aye, 0 = Nay/No, empty = Not Voting/Present",
        ),
        C("nominate_dim1", "float", nullable=True, ge=-1, le=1, unit="DW-NOMINATE"),
        C("nominate_dim2", "float", nullable=True, ge=-1, le=1, unit="DW-NOMINATE"),
        C("nokken_poole_dim1", "float", nullable=True, ge=-1.5, le=1.5, unit="Nokken-Poole"),
        C("nokken_poole_dim2", "float", nullable=True, ge=-1.5, le=1.5, unit="Nokken-Poole"),
    ),
    key=("vote_id", "member_id_source"),
    row_checks=(
        RowCheck(
            "chamber_vote_id",
            ("vote_id", "chamber"),
            _chamber_matches_vote_id,
            "chamber agreeing with the vote_id prefix (h = House, s = Senate)",
        ),
        RowCheck(
            "vote_position",
            ("position_raw", "vote"),
            _vote_matches_position,
            "vote = 1 for Yea/Aye, 0 for Nay/No, empty for Not Voting/Present",
        ),
    ),
)

VOTEVIEW_SPEC = TableSpec(
    "voteview_members_trade_congresses.csv",
    (
        C("congress", "int", ge=1, le=119),
        C("chamber", "str", isin=CHAMBERS),
        C("icpsr", "int", ge=1),
        C("state_icpsr", "int", ge=0),
        C("district_code", "int", nullable=True, ge=0, le=99),
        C("state_abbrev", "str", pattern=STATE_PATTERN),
        C("party_code", "int", ge=1),
        C("bioname", "str"),
        C("bioguide_id", "str", nullable=True),
        C("nominate_dim1", "float", nullable=True, ge=-1, le=1, unit="DW-NOMINATE"),
        C("nominate_dim2", "float", nullable=True, ge=-1, le=1, unit="DW-NOMINATE"),
        C("nokken_poole_dim1", "float", nullable=True, ge=-1.5, le=1.5, unit="Nokken-Poole"),
        C("nokken_poole_dim2", "float", nullable=True, ge=-1.5, le=1.5, unit="Nokken-Poole"),
    ),
    key=("congress", "chamber", "icpsr"),
    strict=False,
    other_kind="float",
)

# --- ADHM (2020) county x district file -------------------------------------------------------

ADHM_YEARS = (2004, 2006, 2008, 2010, 2012, 2014, 2016)
_ADHM_PP = [f"d2_shnr_2002_{y}" for y in ADHM_YEARS] + [f"d2_rwin_2002_{y}" for y in ADHM_YEARS]
_ADHM_DUMMIES = [
    "reg_midatl",
    "reg_encen",
    "reg_wncen",
    "reg_satl",
    "reg_escen",
    "reg_wscen",
    "reg_mount",
    "reg_pacif",
    "majority_white",
    "redistrict_2004",
    "redistrict_2006",
    "redistrict_2012",
    "redistrict_2016",
]


def _district_weights_sum_to_one(df: pd.DataFrame) -> pd.Series:
    total = df.groupby("congressionaldistrict")["sh_district_2002"].transform("sum")
    return (total - 1.0).abs() < 1e-4


ADHM_SPEC = TableSpec(
    "house_2002_2016.csv",
    (
        C(
            "congressionaldistrict",
            "str",
            pattern=r"[A-Z]{2} \d{1,2}",
            description="108th-congress district, e.g. 'AL 2'",
        ),
        C("cty_fips", "int", ge=1001, le=56999, description="county FIPS"),
        C("czone", "int", ge=100, le=40000, description="commuting zone (1990 definition)"),
        C(
            "sh_district_2002",
            "float",
            ge=0,
            le=1,
            unit="share",
            description="cell's share of the district's 2002 population (aggregation weight)",
        ),
        C(
            "d_imp_usch_pd",
            "float",
            unit="$1000 per worker (ADHM)",
            description="CZ change in U.S. import exposure to China 2000-2008",
        ),
        C(
            "d_imp_otch_lag_pd",
            "float",
            unit="$1000 per worker (ADHM)",
            description="instrument: other high-income countries' imports from China, lagged",
        ),
        *(
            C(c, "float", nullable=True, ge=-100, le=100, unit="percentage points")
            for c in _ADHM_PP
        ),
        *(C(c, "int", isin=(0, 1), unit="indicator") for c in _ADHM_DUMMIES),
        C(
            "shnr_pres2000",
            "float",
            ge=0,
            le=1,
            unit="share",
            description="Republican share of the two-party 2000 presidential vote",
        ),
    ),
    key=("congressionaldistrict", "cty_fips"),
    row_checks=(
        RowCheck(
            "district_weights",
            ("congressionaldistrict", "sh_district_2002"),
            _district_weights_sum_to_one,
            "sh_district_2002 summing to 1 within each congressionaldistrict",
        ),
    ),
    strict=False,
    other_kind="float",
)

# --- ADH (2013) commuting-zone work file -------------------------------------------------------

_ADH_REGIONS = [
    "reg_midatl",
    "reg_encen",
    "reg_wncen",
    "reg_satl",
    "reg_escen",
    "reg_wscen",
    "reg_mount",
    "reg_pacif",
]


def _t2_matches_year(df: pd.DataFrame) -> pd.Series:
    return df["t2"] == (df["yr"] == 2000).astype("int64")


ADH_SPEC = TableSpec(
    "workfile_china.csv",
    (
        C("czone", "int", ge=100, le=40000, description="commuting zone"),
        C("statefip", "int", ge=1, le=56),
        C("city", "str"),
        C("yr", "int", isin=(1990, 2000), description="1990: 1990-2000; 2000: 2000-2007"),
        C("t2", "int", isin=(0, 1), description="second-period indicator"),
        C(
            "timepwt48",
            "float",
            ge=0,
            le=1,
            unit="share",
            description="CZ share of national population (regression weight)",
        ),
        *(C(c, "int", isin=(0, 1), unit="indicator") for c in _ADH_REGIONS),
        C("d_tradeusch_pw", "float", unit="$1000 per worker (2007 USD), per decade"),
        C("d_tradeotch_pw_lag", "float", unit="$1000 per worker (2007 USD), per decade"),
        C("d_sh_empl_mfg", "float", unit="percentage points per decade"),
    ),
    key=("czone", "yr"),
    row_checks=(
        RowCheck("t2_year", ("t2", "yr"), _t2_matches_year, "t2 = 1 exactly when yr = 2000"),
    ),
    strict=False,
    other_kind="float",
)
