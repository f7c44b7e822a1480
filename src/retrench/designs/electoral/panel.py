"""Analysis panels of the electoral design: roll calls by party and districts, with exclusions.

Nothing is dropped silently: every row left out is listed, with its reason, in the frames returned
next to the panels (``ElectoralModel.excluded`` and ``ElectoralModel.district_excluded``).

* Roll calls (one row per roll call × party, :func:`retrench.data.electoral_rollcall_panel`):
  parties are mapped to leaders by the spec (``structure.republican_leader``; D is the other
  leader); independents and rows where nobody of the party voted are excluded. Each roll call is
  classified from ``"<agreement> | <vote_role>"`` by the spec's regexes as ``compensation``
  (TAA), ``reversed`` (yea opposes liberalization) or ``liberalizing``.
* Districts (:func:`retrench.data.electoral_district_panel`): exposure is standardized over all
  districts; races flagged ``uncontested`` are excluded (``districts.uncontested = "exclude"``)
  or kept for the mixture likelihood (``"mixture"``). Missing exposure or vote change is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrench.errors import DataError, SpecError
from retrench.resources import embedded_dir

KINDS = ("liberalizing", "reversed", "compensation")
SYNTHETIC_DIR = embedded_dir()
DISTRICT_REQUIRED = ("district", "exposure", "d_rep_share", "uncontested", "uncontested_weight")


def leader_of_party(republican_leader: str) -> dict[str, str]:
    """Party letter → leader: ``{"R": "H", "D": "L"}`` for the seed's reading."""
    if republican_leader not in ("H", "L"):
        raise SpecError(
            f"structure.republican_leader: expected 'H' or 'L' (got {republican_leader!r})"
        )
    return {"R": republican_leader, "D": "L" if republican_leader == "H" else "H"}


def _compile(pattern: str, key: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SpecError(f"data.{key}: not a valid regular expression ({exc})") from exc


def classify_rollcalls(text: pd.Series, compensation: str, reversed_: str) -> pd.Series:
    """``compensation`` / ``reversed`` / ``liberalizing`` for each ``agreement | vote_role``."""
    comp = text.str.contains(_compile(compensation, "compensation_regex"))
    rev = text.str.contains(_compile(reversed_, "reversed_regex"))
    return pd.Series(
        np.where(comp, "compensation", np.where(rev, "reversed", "liberalizing")), index=text.index
    )


def prepare_rollcalls(
    data: pd.DataFrame, spec: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, excluded): roll-call rows the likelihood uses, and those left out with reasons."""
    cols = spec["data"]
    structure = spec["structure"]
    frame = pd.DataFrame(
        {
            "vote_id": data[cols["vote_id"]].astype(str),
            "congress": data[cols["congress"]],
            "party": data[cols["party"]].astype(str),
            "yea": data[cols["yea"]],
            "n_voting": data[cols["n_voting"]],
            "text": data[cols["agreement"]].astype(str)
            + " | "
            + data[cols["vote_role"]].astype(str),
        }
    ).reset_index(drop=True)
    for name in ("congress", "yea", "n_voting"):
        bad = frame[name].isna() | (frame[name] != np.floor(frame[name]))
        if bad.any():
            raise DataError(
                f"data.{name}: column {cols[name]!r} must hold integers; bad rows "
                f"{frame.index[bad].tolist()[:5]}"
            )
    frame[["congress", "yea", "n_voting"]] = frame[["congress", "yea", "n_voting"]].astype("int64")
    bad = (frame["yea"] < 0) | (frame["yea"] > frame["n_voting"])
    if bad.any():
        raise DataError(
            f"data.yea: expected 0 <= yea <= n_voting; bad rows {frame.index[bad].tolist()[:5]}"
        )
    first, last = structure["first_congress"], structure["last_congress"]
    outside = ~frame["congress"].between(first, last)
    if outside.any():
        raise DataError(
            f"data.congress: Congresses {sorted(frame.loc[outside, 'congress'].unique())} lie "
            f"outside structure.first_congress..last_congress = {first}..{last}"
        )
    mapping = leader_of_party(structure["republican_leader"])
    frame["leader"] = frame["party"].map(mapping)
    frame["kind"] = classify_rollcalls(
        frame["text"], cols["compensation_regex"], cols["reversed_regex"]
    )
    reason = pd.Series("", index=frame.index)
    reason[frame["n_voting"] == 0] = "nobody of the party voted"
    reason[frame["leader"].isna()] = "party has no leader in the model (independents)"
    excluded = frame.loc[reason != ""].assign(reason=reason[reason != ""])
    panel = frame.loc[reason == ""].reset_index(drop=True)
    if panel.empty:
        raise DataError("roll calls: no row of party R or D with voting members")
    panel["congress_index"] = panel["congress"] - first
    return panel, excluded.reset_index(drop=True)


def prepare_districts(
    districts: pd.DataFrame, options: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(panel, excluded) of districts with standardized exposure ``z_exposure``."""
    missing = [c for c in DISTRICT_REQUIRED if c not in districts.columns]
    if missing:
        raise DataError(
            f"districts: column {missing[0]!r} missing (expected the columns of "
            "retrench.data.electoral_district_panel)"
        )
    frame = districts.loc[:, list(DISTRICT_REQUIRED)].reset_index(drop=True).copy()
    for name in ("exposure", "d_rep_share", "uncontested_weight"):
        bad = ~np.isfinite(frame[name].to_numpy(float))
        if bad.any():
            raise DataError(
                f"districts.{name}: missing or non-finite in districts "
                f"{frame.loc[bad, 'district'].tolist()[:5]}"
            )
    if len(frame) < 3:
        raise DataError(f"districts: need at least 3 districts (got {len(frame)})")
    exposure = frame["exposure"].to_numpy(float)
    frame["z_exposure"] = (exposure - exposure.mean()) / exposure.std(ddof=0)
    frame["uncontested"] = frame["uncontested"].astype(bool)
    if options["uncontested"] == "exclude":
        excluded = frame.loc[frame["uncontested"]].assign(reason="uncontested race (flagged)")
        frame = frame.loc[~frame["uncontested"]]
    else:
        excluded = frame.iloc[0:0].assign(reason=pd.Series(dtype=str))
    return frame.reset_index(drop=True), excluded.reset_index(drop=True)


def synthetic_panels(folder: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The embedded synthetic (roll calls, districts) of ``data/electoral_synthetic_*.csv``
    (see ``data/README_electoral.md`` for the seed and the true parameters)."""
    folder = SYNTHETIC_DIR if folder is None else Path(folder)
    paths = [folder / f"electoral_synthetic_{n}.csv" for n in ("rollcalls", "districts")]
    for path in paths:
        if not path.is_file():
            raise DataError(f"{path}: missing (run data/make_electoral_synthetic.py)")
    rollcalls = pd.read_csv(paths[0], parse_dates=["date"])
    districts = pd.read_csv(paths[1], dtype={"district": str, "state": str})
    return rollcalls, districts
