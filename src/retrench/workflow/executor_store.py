"""Per-task result files of :mod:`retrench.workflow.executor`: atomic ``.npz``, no pickle.

One finished task is one file ``<out_dir>/<key>.npz`` holding the task's arrays plus three
metadata entries (the task key, its seed and its spec as canonical JSON). A file is written to a
temporary name in the same folder and moved into place with :func:`os.replace`, so a file that
exists is complete: an interrupted run leaves either the whole result or nothing, and a rerun
skips exactly the tasks whose file exists. Files are read with ``allow_pickle=False``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from retrench.errors import SpecError

META_KEY = "__task_key__"
META_SEED = "__task_seed__"
META_SPEC = "__task_spec_json__"
META_NAMES = (META_KEY, META_SEED, META_SPEC)
RESULT_SUFFIX = ".npz"
TEMP_PREFIX = ".partial-"
ALLOWED_KINDS = "biufcUS"  # bool, int, uint, float, complex, unicode, bytes: never object


def spec_json(spec: Mapping[str, Any]) -> str:
    """Canonical JSON of a task spec (sorted keys); the spec must be plain JSON data."""
    if not isinstance(spec, Mapping):
        raise SpecError(f"task spec must be a dict, got {type(spec).__name__}")
    try:
        return json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except TypeError as err:
        raise SpecError(
            f"task spec must hold only JSON data (str, numbers, bools, lists, dicts): {err}"
        ) from err


def check_key(key: str) -> str:
    """A task key becomes a file name: letters, digits, '-', '_', '.'; no leading '.'."""
    ok = isinstance(key, str) and key and not key.startswith(".")
    ok = ok and all(ch.isalnum() or ch in "-_." for ch in key)
    if not ok:
        raise SpecError(
            f"task key {key!r} is not a valid file name (use letters, digits, '-', '_', '.')"
        )
    return key


def as_result_arrays(result: Any, key: str) -> dict[str, np.ndarray]:
    """Convert a task's return value to ``{name: numpy array}`` or raise naming the bad entry.

    A task must return a dict of arrays or scalars (JAX arrays are converted); object arrays
    (ragged lists, arbitrary Python objects) are refused because they would need pickle.
    """
    if not isinstance(result, Mapping):
        raise TypeError(
            f"task {key}: must return a dict of arrays/scalars, got {type(result).__name__}"
        )
    arrays = {}
    for name, value in result.items():
        if not isinstance(name, str) or not name or name in META_NAMES:
            raise TypeError(f"task {key}: result name {name!r} is not a usable string")
        array = np.asarray(value)
        if array.dtype.kind not in ALLOWED_KINDS:
            raise TypeError(
                f"task {key}: result {name!r} has dtype {array.dtype} (object/ragged data "
                "cannot be stored without pickle; return numeric, bool or str arrays)"
            )
        arrays[name] = array
    return arrays


def result_path(out_dir: Path, key: str) -> Path:
    return Path(out_dir) / f"{check_key(key)}{RESULT_SUFFIX}"


def write_result_atomic(
    out_dir: Path, key: str, seed: int, spec: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
) -> Path:
    """Write one task's result (arrays + key/seed/spec metadata) via temp file + os.replace."""
    path = result_path(out_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = dict(arrays)
    payload[META_KEY] = np.asarray(key)
    payload[META_SEED] = np.asarray(seed, dtype=np.int64)
    payload[META_SPEC] = np.asarray(spec_json(spec))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{key}-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # like every other results file (mkstemp creates 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_result(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read one result file: ``(arrays, {"key", "seed", "spec"})`` (no pickle)."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files if name not in META_NAMES}
        missing = [name for name in META_NAMES if name not in npz.files]
        if missing:
            raise SpecError(f"{path}: not a retrench task result (missing {missing})")
        meta = {
            "key": str(npz[META_KEY]),
            "seed": int(npz[META_SEED]),
            "spec": json.loads(str(npz[META_SPEC])),
        }
    return arrays, meta


def existing_result_matches(path: Path, seed: int, spec: Mapping[str, Any]) -> bool:
    """True if ``path`` exists and was computed from the same seed and spec.

    Raises :class:`SpecError` if it exists with a different seed or spec: reusing it would mix
    two studies in one folder, so the caller must choose a new folder or delete the file.
    """
    if not path.exists():
        return False
    _, meta = read_result(path)
    if meta["seed"] != int(seed) or spec_json(meta["spec"]) != spec_json(spec):
        raise SpecError(
            f"{path} holds task {meta['key']!r} computed with seed {meta['seed']} and spec "
            f"{spec_json(meta['spec'])}, but this run asks for seed {seed} and spec "
            f"{spec_json(spec)}; use another output folder or delete the file"
        )
    return True


def load_results(out_dir: str | os.PathLike[str]) -> dict[str, dict[str, np.ndarray]]:
    """All finished task results in ``out_dir``: ``{key: {name: array}}`` sorted by key."""
    out = {}
    for path in sorted(Path(out_dir).glob(f"*{RESULT_SUFFIX}")):
        if path.name.startswith("."):
            continue
        arrays, meta = read_result(path)
        out[meta["key"]] = arrays
    return out
