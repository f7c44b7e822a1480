"""Reading one CSV file against a declared table specification.

Every file goes through :func:`read_table`, which

1. checks that every declared column is present (and, for a ``strict`` table, that no other is);
2. converts each column to its declared kind (``int``, ``float``, ``str``, ``date``) itself,
   collecting every cell that does not parse, instead of letting pandas coerce it to NaN;
3. validates the converted frame with a ``pandera.pandas`` schema built from the same
   specification (ranges, allowed values, patterns, key uniqueness, row-level consistency checks),
   with lazy validation so that all failures are gathered;
4. raises one :class:`~retrench.errors.DataError` that names the file, every offending column, the
   first offending rows (0-based row and 1-based CSV line, the header being line 1), the offending
   values and what was expected, unless the caller asked for ``drop_invalid=True``, in which case
   the offending rows are dropped and listed in ``df.attrs["dropped"]`` (count and reason per
   check).  Problems that no row can be blamed for (a missing column) always raise.

Units and descriptions of the declared columns travel in ``df.attrs["units"]`` and
``df.attrs["descriptions"]``; the file read is ``df.attrs["source"]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from retrench.errors import DataError

Kind = Literal["int", "float", "str", "date"]
MAX_ROWS_SHOWN = 5

_PANDAS_DTYPE = {
    (False, "int"): "int64",
    (True, "int"): "Int64",
    (False, "float"): "float64",
    (True, "float"): "float64",
    (False, "str"): "str",
    (True, "str"): "str",
}


#: The texts a true/false column may hold (as written by pandas, or as 1/0).
BOOLEAN_TEXT = ("True", "False", "true", "false", "1", "0")


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column: its kind, unit, nullability and value checks.

    ``ge``/``le`` bound the values, ``isin`` lists the allowed values, ``pattern`` is a regular
    expression every string must match in full; ``expect`` says in words what is expected
    (used in error messages when a check fails).
    """

    name: str
    kind: Kind
    unit: str = ""
    description: str = ""
    nullable: bool = False
    ge: float | None = None
    le: float | None = None
    isin: Sequence[Any] | None = None
    pattern: str | None = None

    def expectation(self) -> str:
        parts = [self.kind if self.kind != "date" else "date YYYY-MM-DD"]
        if self.ge is not None and self.le is not None:
            parts.append(f"in [{self.ge}, {self.le}]")
        elif self.ge is not None:
            parts.append(f">= {self.ge}")
        elif self.le is not None:
            parts.append(f"<= {self.le}")
        if self.isin is not None:
            parts.append(f"one of {list(self.isin)}")
        if self.pattern is not None:
            parts.append(f"matching {self.pattern!r}")
        parts.append("may be empty" if self.nullable else "not empty")
        return ", ".join(parts)


@dataclass(frozen=True)
class RowCheck:
    """A consistency rule over several columns: ``fn(df)`` returns True for the rows that pass."""

    name: str
    columns: tuple[str, ...]
    fn: Callable[[pd.DataFrame], pd.Series]
    expect: str


@dataclass(frozen=True)
class TableSpec:
    """Declared layout of one CSV file.

    ``key`` columns must be unique together; with ``strict`` every column of the file must be
    declared, otherwise undeclared columns are converted to ``other_kind`` (``None``: to float
    if every non-empty cell is a number, else kept as strings).
    """

    filename: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    row_checks: tuple[RowCheck, ...] = ()
    strict: bool = True
    other_kind: Kind | None = None
    description: str = ""

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass
class Problem:
    """One failed expectation: column (or columns), what was expected, offending rows/values."""

    column: str
    expected: str
    rows: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    in_file: bool = True  # rows are data rows of a CSV file (line = row + 2)

    def describe(self) -> str:
        if not self.rows:
            return f"column {self.column!r}: {self.expected}"
        shown = [
            (f"row {r} (line {r + 2}): {v!r}" if self.in_file else f"row {r}: {v!r}")
            for r, v in zip(self.rows[:MAX_ROWS_SHOWN], self.values[:MAX_ROWS_SHOWN], strict=False)
        ]
        extra = len(self.rows) - MAX_ROWS_SHOWN
        more = f" ... and {extra} more" if extra > 0 else ""
        return (
            f"column {self.column!r}: expected {self.expected}; "
            f"{len(self.rows)} offending row(s): " + "; ".join(shown) + more
        )


def raise_problems(path: Path | str, problems: Sequence[Problem]) -> None:
    """Raise one DataError listing every problem found in ``path``."""
    if problems:
        lines = "\n  - ".join(p.describe() for p in problems)
        raise DataError(f"invalid data in {path}:\n  - {lines}")


def check_not_truncated(path: Path) -> None:
    """DataError if a non-empty file does not end with a line break: a copy or download cut
    inside its last line (e.g. inside a number) would otherwise load as if complete."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return
            handle.seek(-1, os.SEEK_END)
            last = handle.read(1)
    except FileNotFoundError as exc:
        raise DataError(f"file not found: {path}") from exc
    if last not in (b"\n", b"\r"):
        raise DataError(
            f"{path}: the file ends without a line break, inside its last line: it looks "
            "truncated; expected complete lines (fetch or copy the file again)"
        )


def _read_raw(path: Path) -> pd.DataFrame:
    check_not_truncated(Path(path))
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError as exc:
        raise DataError(f"file not found: {path}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse {path} as CSV: {exc}") from exc


def _convert(raw: pd.Series, kind: Kind) -> tuple[pd.Series, pd.Series]:
    """Convert a string column; return the converted column and a mask of unparseable cells."""
    present = raw.notna()
    if kind == "str":
        return raw, pd.Series(False, index=raw.index)
    if kind == "date":
        converted = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        return converted, present & converted.isna()
    numbers = _parse_numbers(raw)
    bad = present & ~np.isfinite(numbers.to_numpy(dtype="float64"))  # unparseable, nan, inf
    if kind == "int":
        frac = numbers.notna() & (numbers != np.round(numbers))
        bad = bad | frac
        ints = numbers.where(~bad)
        return ints.astype("Int64"), bad
    return numbers.astype("float64"), bad


def _parse_numbers(raw: pd.Series) -> pd.Series:
    """Floats from strings; cells that do not parse become NaN (the caller reports them)."""
    try:
        return raw.astype("float64")  # fast path: every cell parses
    except (ValueError, TypeError):
        return pd.to_numeric(raw.str.strip(), errors="coerce").astype("float64")


def _numeric_if_every_cell_parses(raw: pd.Series) -> pd.Series:
    """An undeclared column of a non-strict table: float if every non-empty cell is a number,
    otherwise the strings unchanged (nothing becomes NaN)."""
    numbers = _parse_numbers(raw)
    if (raw.notna() & numbers.isna()).any():
        return raw
    return numbers.astype("float64")


def _pandera_column(spec: ColumnSpec) -> pa.Column:
    checks: list[pa.Check] = []
    if spec.ge is not None:
        checks.append(pa.Check.ge(spec.ge))
    if spec.le is not None:
        checks.append(pa.Check.le(spec.le))
    if spec.isin is not None:
        checks.append(pa.Check.isin(list(spec.isin)))
    if spec.pattern is not None:
        checks.append(pa.Check.str_matches(rf"^(?:{spec.pattern})\Z"))
    dtype = pa.DateTime if spec.kind == "date" else _PANDAS_DTYPE[(spec.nullable, spec.kind)]
    return pa.Column(dtype, checks=checks, nullable=spec.nullable, coerce=False)


def build_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema equivalent to ``spec`` (dtypes, value checks, key, row checks)."""
    columns = {c.name: _pandera_column(c) for c in spec.columns}
    checks = [
        pa.Check(rc.fn, name=rc.name, error=rc.expect, element_wise=False) for rc in spec.row_checks
    ]
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        unique=list(spec.key) if spec.key else None,
        strict=False,
        name=spec.filename,
    )


def _problems_from_pandera(
    errors: pa.errors.SchemaErrors, spec: TableSpec, frame: pd.DataFrame
) -> tuple[list[Problem], dict[str, set[int]]]:
    """Translate pandera failure cases into Problems: one per (column, check), one per row check
    and one for the key; offending values of a multi-column rule are shown as tuples."""
    cases = errors.failure_cases.copy()
    cases["check"] = cases["check"].astype(str)
    row_checks = {rc.name: rc for rc in spec.row_checks} | {rc.expect: rc for rc in spec.row_checks}
    is_key = cases["check"].str.contains("uniqueness|duplicate", regex=True)
    is_row = cases["check"].isin(list(row_checks))
    problems: list[Problem] = []
    rows_by_reason: dict[str, set[int]] = {}

    def add(column: str, expected: str, rows: list[int], values: list[Any]) -> None:
        problems.append(Problem(column, expected, rows, values))
        if rows:
            rows_by_reason.setdefault(f"{column}: {expected}", set()).update(rows)

    if is_key.any():
        rows = _index_rows(cases.loc[is_key, "index"])
        key = list(spec.key)
        add(
            ", ".join(key),
            f"unique key ({', '.join(key)}); duplicates",
            rows,
            [tuple(frame.loc[r, key]) for r in rows],
        )
    for check, group in cases[is_row & ~is_key].groupby("check", sort=False):
        rc = row_checks[str(check)]
        rows = _index_rows(group["index"])
        add(
            ", ".join(rc.columns),
            rc.expect,
            rows,
            [tuple(frame.loc[r, list(rc.columns)]) for r in rows],
        )
    for (column, check), group in cases[~is_row & ~is_key].groupby(
        ["column", "check"], dropna=False, sort=False
    ):
        rows = _index_rows(group["index"])
        group = group[group["index"].notna()].sort_values("index")
        try:
            expected = f"{spec.column(str(column)).expectation()} (failed {check})"
        except KeyError:
            expected = str(check)
        add(str(column), expected, rows, list(group["failure_case"])[: len(rows)])
    return problems, rows_by_reason


def _index_rows(index: pd.Series) -> list[int]:
    return sorted({int(i) for i in index if i is not None and not pd.isna(i)})


def _structural_problems(raw: pd.DataFrame, spec: TableSpec) -> list[Problem]:
    problems = []
    missing = [c.name for c in spec.columns if c.name not in raw.columns]
    for name in missing:
        problems.append(
            Problem(name, f"column missing; expected a column {name!r} ({spec.column(name).kind})")
        )
    if spec.strict:
        declared = {c.name for c in spec.columns}
        for name in raw.columns:
            if name not in declared:
                problems.append(
                    Problem(str(name), f"unexpected column; expected only {sorted(declared)}")
                )
    return problems


def _convert_and_check(
    raw: pd.DataFrame, spec: TableSpec, source: Path | str
) -> tuple[pd.DataFrame, list[Problem], dict[str, set[int]]]:
    """Text cells -> declared kinds -> pandera schema: the converted frame (unparseable rows
    left out), every problem, and the rows behind each reason. Missing columns raise at once."""
    raise_problems(source, _structural_problems(raw, spec))
    frame, problems, bad_rows = _convert_all(raw, spec)
    unparsed = sorted(set().union(*bad_rows.values())) if bad_rows else []
    frame = _cast_declared(frame.drop(index=unparsed), spec)
    try:
        build_schema(spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        more, more_rows = _problems_from_pandera(exc, spec, frame)
        problems.extend(more)
        for reason, rows in more_rows.items():
            bad_rows.setdefault(reason, set()).update(rows)
    return frame, problems, bad_rows


def read_table(path: Path, spec: TableSpec, drop_invalid: bool = False) -> pd.DataFrame:
    """Read ``path`` and return it converted and validated against ``spec``.

    Raises DataError (file, column, first offending rows, expectation) on any failure; with
    ``drop_invalid=True`` rows that fail a row-level expectation are dropped instead and reported
    in ``df.attrs["dropped"]`` as a list of ``{"reason", "count", "rows"}`` dicts (0-based rows of
    the file).  A problem no row can be blamed for (e.g. a missing column) always raises.
    """
    frame, problems, bad_rows = _convert_and_check(_read_raw(path), spec, path)
    dropped: list[dict[str, Any]] = []
    if problems:
        if not drop_invalid or any(not p.rows for p in problems):
            raise_problems(path, problems)
        dropped = [
            {"reason": reason, "count": len(rows), "rows": sorted(rows)}
            for reason, rows in bad_rows.items()
        ]
        frame = frame.drop(index=sorted(set().union(*bad_rows.values())), errors="ignore")
    frame = frame.reset_index(drop=True)
    frame.attrs.update(
        source=str(path),
        units={c.name: c.unit for c in spec.columns if c.unit},
        descriptions={c.name: c.description for c in spec.columns if c.description},
        dropped=dropped,
    )
    return frame


def _as_text(value: Any) -> Any:
    """One cell of an in-memory table as the text a CSV file would hold (None when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    return str(value)


def validate_frame(frame: pd.DataFrame, spec: TableSpec, source: str) -> None:
    """Validate an in-memory table against ``spec`` exactly as :func:`read_table` validates a
    file: every cell is read as the text a CSV file would hold, then converted and checked
    (kinds, ranges, allowed values, empty cells, unique key). DataError naming ``source``, the
    column, the 0-based row position and the value; nothing is returned or changed."""
    raw = frame.reset_index(drop=True).astype(object).map(_as_text)
    _, problems, _ = _convert_and_check(raw, spec, source)
    for problem in problems:
        problem.in_file = False
    raise_problems(source, problems)


def _cast_declared(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Give non-nullable integer columns (free of empty cells by now) the int64 dtype."""
    for col in spec.columns:
        if col.kind == "int" and not col.nullable and col.name in frame.columns:
            frame[col.name] = frame[col.name].astype("int64")
    return frame


def _convert_all(
    raw: pd.DataFrame, spec: TableSpec
) -> tuple[pd.DataFrame, list[Problem], dict[str, set[int]]]:
    """Convert every column to its declared kind; report unparseable and forbidden-empty cells."""
    declared = {c.name: c for c in spec.columns}
    converted: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    bad_rows: dict[str, set[int]] = {}
    for name in raw.columns:
        col = declared.get(name)
        kind = col.kind if col is not None else spec.other_kind
        if kind is None:
            converted[name] = _numeric_if_every_cell_parses(raw[name])
            continue
        values, bad = _convert(raw[name], kind)
        expected = col.expectation() if col is not None else f"{kind} (undeclared column)"
        if bad.any():
            rows = [int(i) for i in np.flatnonzero(bad.to_numpy())]
            problems.append(Problem(str(name), expected, rows, list(raw[name].iloc[rows])))
            bad_rows.setdefault(f"{name}: not parseable as {kind}", set()).update(rows)
        if col is not None and not col.nullable and raw[name].isna().any():
            rows = [int(i) for i in np.flatnonzero(raw[name].isna().to_numpy())]
            problems.append(Problem(str(name), f"{expected} (empty cell)", rows, [""] * len(rows)))
            bad_rows.setdefault(f"{name}: empty cell", set()).update(rows)
        converted[name] = values
    return pd.DataFrame(converted, index=raw.index), problems, bad_rows
