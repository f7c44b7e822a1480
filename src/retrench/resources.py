"""Files retrench ships: the spec files of ``models/`` and the embedded data of ``data/``.

Both folders stay at the top of the repository, where users read and edit them; the wheel
carries them as the packages ``retrench._models`` and ``retrench._embedded`` (a ``package_dir``
mapping in ``setup.py``), found here through the import system. In a source checkout (run with
``PYTHONPATH=src`` or installed editable) the repository's folders are used:
:func:`repository_root` is the one place that knows where a checkout's root is.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from retrench.errors import DataError

#: environment variable that replaces the shipped spec folder
MODELS_ENV_VAR = "RETRENCH_MODELS_DIR"


def repository_root() -> Path | None:
    """Root of the source checkout this package runs from (``src/retrench`` -> two levels up),
    or None when retrench runs from an installed wheel."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def _shipped(package: str, folder: str) -> Path:
    """Folder of the packaged ``package`` (wheel), else the checkout's ``folder``."""
    root = repository_root()
    if root is not None and (root / folder).is_dir():
        return root / folder
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if locations:  # a folder without __init__.py: a namespace package with one location
        return Path(locations[0])
    raise DataError(
        f"retrench's {folder}/ folder is missing: not in a source checkout "
        f"({Path(__file__).resolve().parents[2]}) nor packaged as {package}"
    )


def models_dir() -> Path:
    """Folder of the shipped spec files ``<design>.toml`` (``$RETRENCH_MODELS_DIR`` first)."""
    env = os.environ.get(MODELS_ENV_VAR)
    return Path(env) if env else _shipped("retrench._models", "models")


def embedded_dir() -> Path:
    """Folder of the embedded default data (synthetic panels, the paper's tables)."""
    return _shipped("retrench._embedded", "data")


def embedded_file(name: str) -> Path:
    """Path of the embedded data file ``name`` (e.g. ``"tariffs_synthetic.csv"``)."""
    return embedded_dir() / name
