"""Table specifications of the European populism files (Larsen EP, PopuList 2.0, CHES trend).

The CHES CSV was written from Stata with value labels applied, so the endpoints of several
position scales appear as words ("center", "strongly opposed", ...).  :data:`CHES_LABELS` maps
each such label back to the number it labels in the CHES codebook (EU items 1-7, left-right 0-10,
``govt`` 0-1); :func:`ches_numeric` applies it and raises on any label it does not know.
"""

from __future__ import annotations

import re

import pandas as pd

from retrench.data.validation import ColumnSpec as C
from retrench.data.validation import Problem, TableSpec

_DUMMY = (0, 1)

EP_ELECTIONS_SPEC = TableSpec(
    "populist_parties_ep_elections_larsen.csv",
    (
        C("country", "str"),
        C("year", "int", ge=1979, le=2024, unit="year", description="EP election year"),
        C("party", "str"),
        C("party_name_short", "str", nullable=True),
        C("party_eng", "str", nullable=True),
        C("vote_share", "float", ge=0, le=100, unit="percent of the national EP vote"),
        C("seats", "int", ge=0, unit="seats"),
        *(C(c, "int", isin=_DUMMY) for c in ("rightwing", "radicalright", "leftwing", "valence")),
    ),
    key=("country", "year", "party"),
)

_POPULIST_FLAGS = ("populist", "farright", "farleft", "eurosceptic")
_FLAG_COLUMNS = []
for _flag in _POPULIST_FLAGS:
    _FLAG_COLUMNS += [
        C(_flag, "int", isin=_DUMMY),
        *(
            C(f"{_flag}_{s}", "int", ge=1900, le=2100, unit="year")
            for s in ("start", "end", "startnobl", "endnobl")
        ),
        C(f"{_flag}_bl", "int", isin=_DUMMY, description="borderline case"),
    ]

POPU_LIST_SPEC = TableSpec(
    "popu_list_rooduijn.csv",
    (
        C("party_name", "str"),
        C("country_name", "str"),
        C("party_name_english", "str", nullable=True),
        C("party_name_short", "str", nullable=True),
        *_FLAG_COLUMNS,
        C("partyfacts_id", "int", nullable=True, ge=1),
        C("parlgov_id", "int", nullable=True, ge=1),
        C("manifesto_id", "int", nullable=True, ge=1),
    ),
    key=("country_name", "party_name"),
)

CHES_EU_ITEMS = (
    "eu_position",
    "eu_ep",
    "eu_fiscal",
    "eu_intmark",
    "eu_employ",
    "eu_agri",
    "eu_cohesion",
    "eu_environ",
    "eu_asylum",
    "eu_foreign",
    "eu_turkey",
)
CHES_LR_ITEMS = ("lrgen", "lrecon", "galtan")

#: (regular expression on the label, value) per scale; see the CHES 1999-2019 codebook.
CHES_LABELS: dict[str, tuple[tuple[str, float], ...]] = {
    "eu": ((r"^st?r?ongly oppos", 1.0), (r"^neutral", 4.0), (r"^st?r?ongly (in )?favo", 7.0)),
    "lr": ((r"^extreme (left|gal)", 0.0), (r"^center", 5.0), (r"^extreme (right|tan)", 10.0)),
    "govt": ((r"^not in government", 0.0), (r"^in government", 1.0)),
}


def _scale_of(column: str) -> str:
    if column in CHES_EU_ITEMS:
        return "eu"
    return "lr" if column in CHES_LR_ITEMS else "govt"


def ches_numeric(raw: pd.Series, column: str) -> tuple[pd.Series, Problem | None]:
    """Map CHES value labels of ``column`` to numbers; report cells that are neither."""
    rules = CHES_LABELS[_scale_of(column)]
    numbers = pd.to_numeric(raw, errors="coerce")
    labelled = raw.notna() & numbers.isna()
    for row in raw.index[labelled]:
        text = str(raw[row]).strip().lower()
        for pattern, value in rules:
            if re.search(pattern, text):
                numbers[row] = value
                break
    unknown = raw.notna() & numbers.isna()
    if not unknown.any():
        return numbers.astype("float64"), None
    rows = [int(i) for i in raw.index[unknown]]
    expected = f"a number or a CHES label ({', '.join(p for p, _ in rules)})"
    return numbers.astype("float64"), Problem(column, expected, rows, list(raw[unknown]))


CHES_NUMERIC_LABELLED = CHES_EU_ITEMS + CHES_LR_ITEMS + ("govt",)

CHES_SPEC = TableSpec(
    "ches_1999_2019_v3.csv",
    (
        C("country", "str", pattern=r"[a-z]{2,4}", description="CHES country abbreviation"),
        C("year", "int", ge=1999, le=2019, unit="year", description="survey wave"),
        C("party_id", "int", ge=1),
        C("party", "str"),
        C("vote", "float", nullable=True, ge=0, le=100, unit="percent"),
        C("epvote", "float", nullable=True, ge=0, le=100, unit="percent"),
        C("electionyear", "int", nullable=True, ge=1980, le=2020, unit="year"),
        C("family", "str", nullable=True),
    ),
    key=("party_id", "year"),
    strict=False,
    other_kind=None,
)

CHES_RANGES = {
    **dict.fromkeys(CHES_EU_ITEMS, (1.0, 7.0)),
    **dict.fromkeys(CHES_LR_ITEMS, (0.0, 10.0)),
}
CHES_RANGES["govt"] = (0.0, 1.0)
