"""Self-describing, checked results files: data hash, provenance attributes, atomic NetCDF write.

A saved fit is one NetCDF file (ArviZ groups) whose root attributes record what produced it:
the model name, the validated spec (canonical JSON), the sha256 of the analysis panel, the seed,
the package versions and the JAX backend and devices. The file is written to a temporary name in
the destination folder and renamed over the target (``os.replace``), so a crash never leaves a
half-written results file. No pickle anywhere.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import jax
import pandas as pd

from retrench import atomic
from retrench.bayes import inference_data as idio
from retrench.errors import DataError, SpecError

PACKAGES = (
    "retrench",
    "jax",
    "jaxlib",
    "numpyro",
    "arviz-base",
    "arviz-stats",
    "xarray",
    "pandas",
    "optimistix",
)


def panel_hash(panel: pd.DataFrame) -> str:
    """sha256 of a canonical CSV serialisation of ``panel`` (column order and row order kept,
    floats written with 17 significant digits, ``\\n`` line ends, no index)."""
    text = panel.to_csv(index=False, float_format="%.17g", lineterminator="\n", na_rep="NA")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that determine a fit's numbers."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def device_description() -> dict[str, str]:
    """JAX backend and device list (draws are reproducible bit for bit only on the same ones)."""
    return {
        "jax_backend": jax.default_backend(),
        "jax_devices": ", ".join(str(d) for d in jax.devices()),
    }


def provenance_attrs(model_name: str, spec_json: str, data_hash: str, seed: int) -> dict[str, str]:
    """The root attributes written into every results file."""
    return {
        "retrench_model": model_name,
        "retrench_spec": spec_json,
        "retrench_data_sha256": data_hash,
        "retrench_seed": str(seed),
        "retrench_versions": json.dumps(package_versions(), sort_keys=True),
        "retrench_saved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        **{f"retrench_{k}": v for k, v in device_description().items()},
    }


def write_atomic(idata: idio.InferenceData, path: str | os.PathLike[str]) -> Path:
    """Write ``idata`` to ``path`` atomically (:func:`retrench.atomic.write_atomic`)."""
    return atomic.write_atomic(path, lambda tmp: idio.write_netcdf(idata, tmp))


def read_results_file(path: str | os.PathLike[str]) -> Any:
    """Read a results NetCDF file; a missing, empty, truncated or garbage file is a DataError
    naming the file and what was expected (never a NetCDF/HDF5 traceback)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"results file {path} does not exist")
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"results file {path} is empty (0 bytes); expected a NetCDF fit")
    try:
        return idio.read_netcdf(str(path))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise DataError(
            f"results file {path} ({size} bytes) is damaged or not a NetCDF fit written by "
            f"retrench ({reason}); fit again with `retrench fit ... --overwrite`"
        ) from exc


def read_checked(path: str | os.PathLike[str], model_name: str) -> tuple[Any, dict[str, Any]]:
    """Read a results file and check it holds a fit of ``model_name``.

    Returns:
        ``(idata, attrs)``.

    Raises:
        DataError: the file does not exist or is not a readable NetCDF file.
        SpecError: the file was written by another model or lacks retrench attributes.
    """
    idata = read_results_file(path)
    attrs = idio.attrs_of(idata)
    saved_model = attrs.get("retrench_model")
    if saved_model is None:
        raise SpecError(f"{path}: not a retrench results file (no retrench_model attribute)")
    if saved_model != model_name:
        raise SpecError(f"{path}: holds a fit of model {saved_model!r}, not {model_name!r}")
    return idata, attrs


def check_matches(
    attrs: Mapping[str, Any], *, spec_json: str, data_hash: str, path: str | os.PathLike[str]
) -> None:
    """Refuse a results file whose spec or data hash differs from the caller's. The
    ``[sampler]`` section is not compared: it records how the fit was run (draws, warm-up,
    chains, seed actually used), not which model it is."""
    saved = json.loads(attrs.get("retrench_spec", "{}"))
    given = json.loads(spec_json)
    if {k: v for k, v in saved.items() if k != "sampler"} != {
        k: v for k, v in given.items() if k != "sampler"
    }:
        keys = sorted(_differing_keys(saved, given))
        raise SpecError(
            f"{path}: the spec passed differs from the spec of the saved fit "
            f"(differing keys: {', '.join(keys) or 'structure'})"
        )
    if attrs.get("retrench_data_sha256") != data_hash:
        raise DataError(
            f"{path}: the data passed (sha256 {data_hash[:12]}...) are not the data of the saved "
            f"fit (sha256 {str(attrs.get('retrench_data_sha256'))[:12]}...)"
        )


def _differing_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out: list[str] = []
        for key in sorted(set(a) | set(b)):
            sub = f"{prefix}.{key}" if prefix else str(key)
            out.extend(_differing_keys(a.get(key), b.get(key), sub))
        return out
    return [] if a == b else [prefix]
