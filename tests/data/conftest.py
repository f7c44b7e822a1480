"""Fixtures for the data-layer tests: the real data folder and corrupted copies of it."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from retrench.data.locate import DATASETS, candidate_roots


def _real_root() -> Path | None:
    for root in candidate_roots():
        if (root / "wdi_tariff_rates").is_dir():
            return root.resolve()
    return None


@pytest.fixture(scope="session")
def data_root(require_data) -> Path:
    root = _real_root()
    if root is None:
        require_data("real data folder (../shared/data or $RETRENCH_DATA) not available")
    return root


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a CSV file with the plain csv module (independent of pandas)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def corrupt_copy(data_root: Path, tmp_path: Path) -> Callable[..., Path]:
    """Copy one dataset folder into tmp_path and edit one of its files.

    ``corrupt_copy(name, filename, edit)`` where ``edit(header, rows)`` mutates the parsed rows in
    place (or returns a new ``(header, rows)``); returns the tmp root to pass as ``path``.
    """

    def make(name: str, filename: str, edit: Callable) -> Path:
        target = tmp_path / name
        target.mkdir(parents=True, exist_ok=True)
        for f in DATASETS[name].files:
            if f != filename:
                (target / f).symlink_to(data_root / name / f)
        header, rows = read_rows(data_root / name / filename)
        result = edit(header, rows)
        if result is not None:
            header, rows = result
        write_rows(target / filename, header, rows)
        return tmp_path

    return make


def set_cell(row: int, column: str, value: str) -> Callable:
    """An edit that sets ``column`` of data row ``row`` (0-based) to ``value``."""

    def edit(header: list[str], rows: list[list[str]]) -> None:
        rows[row][header.index(column)] = value

    return edit
