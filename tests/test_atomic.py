"""The one atomic-write helper: the target is the old file or the complete new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrench.atomic import write_atomic


def test_a_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "table.csv"
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_text("a,b\n1,2\n")

    assert write_atomic(target, write) == target
    assert target.read_text() == "a,b\n1,2\n"
    assert seen[0].suffix == ".csv" and seen[0].parent == target.parent
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "fit.nc"
    target.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["fit.nc"]
