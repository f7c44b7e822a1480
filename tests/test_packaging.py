"""The wheel ships every design's spec (models/*.toml) and the embedded data (data/*.csv), and
the installed package finds them without the source checkout (retrench.resources)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ["src", "models", "data", "pyproject.toml", "setup.py", "README.md"]


def test_the_wheel_contains_the_specs_and_the_embedded_data(tmp_path: Path) -> None:
    tree = tmp_path / "tree"  # build from a copy: setuptools writes build/ beside the sources
    tree.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(source, tree / name, ignore=ignore)
        else:
            shutil.copy2(source, tree / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(tree), "-w", str(wheels), "--no-deps",
         "--no-build-isolation", "-q"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("retrench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    specs = {f"retrench/_models/{p.name}" for p in (ROOT / "models").glob("*.toml")}
    embedded = {f"retrench/_embedded/{p.name}" for p in (ROOT / "data").glob("*.csv")}
    assert specs and embedded
    assert specs <= names, sorted(specs - names)
    assert embedded <= names, sorted(embedded - names)
    assert "retrench/cli/__init__.py" in names and "retrench/designs/registry.py" in names
    designs = {p.parent.name for p in (ROOT / "src/retrench/designs").glob("*/__init__.py")}
    assert {f"retrench/designs/{d}/__init__.py" for d in designs} <= names


def test_outside_a_checkout_a_missing_shipped_folder_is_named(monkeypatch) -> None:
    import pytest

    from retrench import resources
    from retrench.errors import DataError

    monkeypatch.setattr(resources, "repository_root", lambda: None)
    monkeypatch.delenv(resources.MODELS_ENV_VAR, raising=False)
    # in a checkout the package retrench._models does not exist (the wheel maps models/ to it)
    with pytest.raises(DataError, match=r"models/ folder is missing.*retrench\._models"):
        resources.models_dir()


def test_in_a_checkout_the_repository_folders_are_used() -> None:
    from retrench import resources

    assert resources.repository_root() == ROOT
    assert (
        resources.embedded_file("tariffs_synthetic.csv") == ROOT / "data" / "tariffs_synthetic.csv"
    )
