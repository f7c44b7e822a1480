"""Deprecated: the data sources moved (issue 12); this module keeps the old names working.

Generic helpers are in :mod:`retrench.data.sources`; each design's source record functions are in
its own ``retrench/designs/<name>/source.py`` and reached through
:mod:`retrench.designs.registry` (``entry.make_source`` / ``entry.load_data``). The old names
below (``tariff_source``, ``load_gvc_data``, ...) are looked up in the registry when used.
"""

from __future__ import annotations

from typing import Any

from retrench.data.sources import (  # noqa: F401  (re-exported)
    TEXT_COLUMNS,
    PathLike,
    csv_or_root,
    no_synthetic_with_data,
    read_panel_csv,
)
from retrench.resources import embedded_dir, embedded_file, repository_root

REPOSITORY_ROOT = repository_root()
EMBEDDED = embedded_dir()
SYNTHETIC_TARIFFS = embedded_file("tariffs_synthetic.csv")
SYNTHETIC_GVC = embedded_file("gvc_synthetic.csv")

_csv_or_root = csv_or_root
_no_synthetic_with_data = no_synthetic_with_data

#: old name -> (design, ModelEntry attribute)
_BY_REGISTRY = {
    "tariff_source": ("tariffs", "make_source"),
    "load_tariff_data": ("tariffs", "load_data"),
    "electoral_source": ("electoral", "make_source"),
    "load_electoral_data": ("electoral", "load_data"),
    "gvc_source": ("gvc", "make_source"),
    "load_gvc_data": ("gvc", "load_data"),
}


def __getattr__(name: str) -> Any:
    if name in _BY_REGISTRY:
        from retrench.designs import registry

        design, attribute = _BY_REGISTRY[name]
        return getattr(registry.get(design), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
