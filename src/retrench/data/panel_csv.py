"""Panel CSVs given on the command line (``retrench fit MODEL --data FILE.csv``): the same
validation path as the datasets (:func:`retrench.data.validation.read_table`, pandera schemas).

Before the schema, the file itself is checked: it exists, is not empty, is UTF-8 text, has a
header line and at least one data row, and ends with a line break (a file cut inside its last
number, e.g. by an interrupted copy, is reported as truncated instead of silently losing what
followed). Then every column of the panel's layout is converted and checked (types, ranges,
allowed values), keys must be unique (no duplicate country-years) and every error names the
file, the column, the 1-based line in the file and the value.

Layouts: ``"tariffs"`` (the layout of the embedded ``tariffs_synthetic.csv``) and ``"gvc"``
(``gvc_synthetic.csv``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from retrench.data.schemas_trade import WB_INCOME_GROUPS, WB_REGIONS
from retrench.data.validation import BOOLEAN_TEXT, TableSpec, read_table
from retrench.data.validation import ColumnSpec as C
from retrench.errors import DataError

_BOOL = BOOLEAN_TEXT

TARIFF_PANEL_SPEC = TableSpec(
    "tariff panel CSV",
    (
        C("country_code", "str", pattern=r"[A-Z0-9]{3}", description="ISO3 or WDI aggregate"),
        C("country_name", "str", nullable=True),
        C("year", "int", ge=1960, le=2030, unit="year"),
        C("region", "str", nullable=True, isin=WB_REGIONS),
        C("income_group", "str", nullable=True, isin=WB_INCOME_GROUPS),
        C("is_aggregate", "str", isin=_BOOL),
        C("tariff_applied_pct", "float", nullable=True, ge=0, le=1000, unit="percent"),
        C("tariff_mfn_pct", "float", nullable=True, ge=0, le=1000, unit="percent"),
        C("suspect_applied", "str", isin=_BOOL),
        C("suspect_mfn", "str", isin=_BOOL),
        C("suspect", "str", isin=_BOOL),
        C("suspect_reason", "str", nullable=True),
    ),
    key=("country_code", "year"),
    strict=False,
)

GVC_PANEL_SPEC = TableSpec(
    "GVC panel CSV",
    (
        C("country", "str", pattern=r"[A-Za-z0-9]{2,3}", description="country code"),
        C("year", "int", ge=1950, le=2100, unit="year"),
        C("gvc_backward", "float", ge=0, le=1, unit="share of gross exports"),
        C("gvc_forward", "float", ge=0, le=1, unit="share of gross exports"),
        C("gvc_participation", "float", ge=0, le=2, unit="share of gross exports"),
        C("omega", "float", ge=0, le=1, unit="share"),
        C("mu", "float", ge=0, le=1, unit="share"),
        C("upsilon", "float", ge=0, le=1, unit="share"),
        C("gr", "float", ge=-1, le=1, unit="growth gap"),
    ),
    key=("country", "year"),
    strict=False,
)

LAYOUTS: dict[str, TableSpec] = {"tariffs": TARIFF_PANEL_SPEC, "gvc": GVC_PANEL_SPEC}


def check_csv_file(path: str | os.PathLike[str]) -> Path:
    """The file-level checks of a CSV: exists, not empty, UTF-8, a header and a data row, and a
    final line break (else truncated). DataError naming the file, the line and what was
    expected."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {path} does not exist (expected a panel CSV file)")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path}: the file is empty ({len(raw)} bytes); expected a header line "
                        "and data rows")  # fmt: skip
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}: line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8 text; expected a "
            "UTF-8 encoded CSV file (re-save it as UTF-8)"
        ) from None
    lines = text.splitlines()
    if not text.endswith(("\n", "\r")):
        raise DataError(
            f"{path}: line {len(lines)}: the file ends without a line break, inside its last "
            f"line {lines[-1][-40:]!r}: it looks truncated; expected complete lines (re-copy "
            "or re-export the file)"
        )
    if sum(1 for line in lines[1:] if line.strip()) == 0:
        raise DataError(f"{path}: only a header line ({lines[0][:80]!r}), no data rows; "
                        "expected at least one row")  # fmt: skip
    return path


def read_panel_table(path: str | os.PathLike[str], layout: str) -> pd.DataFrame:
    """Read and validate a panel CSV of ``layout`` (one of :data:`LAYOUTS`)."""
    if layout not in LAYOUTS:
        raise DataError(f"unknown panel layout {layout!r} (known: {', '.join(LAYOUTS)})")
    path = check_csv_file(path)
    frame = read_table(path, LAYOUTS[layout])
    for column in frame.columns:
        spec_names = {c.name for c in LAYOUTS[layout].columns}
        if column in spec_names and LAYOUTS[layout].column(column).isin == _BOOL:
            frame[column] = frame[column].str.lower().isin(("true", "1"))
    return frame
