"""Model specifications: TOML files in ``models/``, merged with user overrides, validated eagerly.

A spec has the sections ``[model]`` (name), ``[data]`` (panel column names and data options),
``[priors.<parameter>]`` (one table per structural parameter, see :mod:`retrench.bayes.priors`),
``[likelihood]``, ``[sampler]`` and any model-specific sections declared in its
:class:`SpecSchema`. :func:`load_spec` reads the model's file (or a user file), deep-merges a user
dict over it and validates the result; every error is a :class:`~retrench.errors.SpecError` whose
message starts with the dotted key at fault (``priors.sigma.scale: must be > 0 (got -1.0)``).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrench import resources
from retrench.bayes.priors import validate_prior
from retrench.data.validation import ColumnSpec, TableSpec
from retrench.errors import SpecError

Checker = Callable[[Any, str], Any]
Spec = dict[str, Any]


# --- value checkers: (value, dotted key) -> cleaned value, or SpecError naming the key ---------
def number(value: Any, key: str) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(f"{key}: expected a number (got {value!r})")
    if not math.isfinite(float(value)):
        raise SpecError(f"{key}: expected a finite number (got {value!r})")
    return float(value)


def positive_number(value: Any, key: str) -> float:
    """A finite number > 0."""
    out = number(value, key)
    if out <= 0:
        raise SpecError(f"{key}: must be > 0 (got {value!r})")
    return out


def non_negative_number(value: Any, key: str) -> float:
    """A finite number >= 0."""
    out = number(value, key)
    if out < 0:
        raise SpecError(f"{key}: must be >= 0 (got {value!r})")
    return out


def probability(value: Any, key: str) -> float:
    """A number strictly between 0 and 1."""
    out = number(value, key)
    if not 0.0 < out < 1.0:
        raise SpecError(f"{key}: must lie in (0, 1) (got {value!r})")
    return out


def positive_int(value: Any, key: str) -> int:
    """An integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{key}: expected an integer >= 1 (got {value!r})")
    return int(value)


def non_negative_int(value: Any, key: str) -> int:
    """An integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SpecError(f"{key}: expected an integer >= 0 (got {value!r})")
    return int(value)


def boolean(value: Any, key: str) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise SpecError(f"{key}: expected true or false (got {value!r})")
    return value


def string(value: Any, key: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise SpecError(f"{key}: expected a non-empty string (got {value!r})")
    return value


def one_of(*choices: str) -> Checker:
    """A string among ``choices``."""

    def check(value: Any, key: str) -> str:
        if value not in choices:
            raise SpecError(f"{key}: expected one of {', '.join(choices)} (got {value!r})")
        return value

    return check


def int_range(value: Any, key: str) -> list[int]:
    """A pair ``[first, last]`` of integers with first <= last (e.g. a year range)."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or value[0] > value[1]
    ):
        raise SpecError(
            f"{key}: expected [first, last] integers with first <= last (got {value!r})"
        )
    return [int(value[0]), int(value[1])]


SAMPLER_KEYS: dict[str, Checker] = {
    "draws": positive_int,
    "warmup": positive_int,
    "chains": positive_int,
    "target_accept": probability,
    "max_tree_depth": positive_int,
    "chain_method": one_of("sequential", "parallel", "vectorized"),
    "seed": non_negative_int,
}


@dataclass(frozen=True)
class SpecSchema:
    """What a model's spec may contain.

    Attributes:
        model_name: value required in ``model.name`` (a results file of another model is refused).
        parameters: names of the parameters that need a ``[priors.<name>]`` table (all required).
        data_columns: keys of ``[data]`` whose values name columns of the panel.
        data_options: other ``[data]`` keys with their checkers.
        likelihood: ``[likelihood]`` keys with their checkers.
        sections: model-specific sections, ``{section: {key: checker}}``.
        optional_columns: the subset of ``data_columns`` that may be absent from the panel.
        column_checks: for keys of ``data_columns``, the kind and values expected in the column
            the spec maps them to (:class:`~retrench.data.validation.ColumnSpec`; its ``name``
            is replaced by the mapped column's). A DataFrame given to a model is validated
            against them exactly as a panel CSV is (:func:`data_table_spec`).
        key_columns: keys of ``data_columns`` whose mapped columns identify a row (unique).
        legacy_defaults: ``{"section.key": value}`` for keys added after fits were saved: the
            value that reproduces what a fit saved without the key did (not necessarily
            today's default); filled in only when a saved fit is read
            (:func:`with_legacy_defaults`).
    """

    model_name: str
    parameters: tuple[str, ...]
    data_columns: tuple[str, ...]
    data_options: Mapping[str, Checker] = field(default_factory=dict)
    likelihood: Mapping[str, Checker] = field(default_factory=dict)
    sections: Mapping[str, Mapping[str, Checker]] = field(default_factory=dict)
    optional_columns: tuple[str, ...] = ()
    column_checks: Mapping[str, ColumnSpec] = field(default_factory=dict)
    key_columns: tuple[str, ...] = ()
    legacy_defaults: Mapping[str, Any] = field(default_factory=dict)


def models_dir() -> Path:
    """Folder of the shipped spec files (``$RETRENCH_MODELS_DIR`` or the packaged models/)."""
    return resources.models_dir()


def read_spec_file(path: str | os.PathLike[str]) -> Spec:
    """Read a TOML spec file; a missing or malformed file is a SpecError naming it."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"spec file {path} does not exist")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"spec file {path}: not valid TOML ({exc})") from exc


def deep_merge(
    base: Mapping[str, Any], overrides: Mapping[str, Any], *, _in_priors: bool = False
) -> Spec:
    """``base`` with ``overrides`` merged in, table by table (overrides win; inputs untouched).

    A prior table given in ``overrides`` replaces the base prior whole when it names a
    different family (so ``{"family": "half_normal", "scale": 1}`` does not inherit ``loc``).
    """
    out = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        old = out.get(key)
        if isinstance(value, Mapping) and isinstance(old, Mapping):
            new_family = _in_priors and value.get("family", old.get("family")) != old.get("family")
            out[key] = (
                copy.deepcopy(dict(value))
                if new_family
                else deep_merge(old, value, _in_priors=(key == "priors" and not _in_priors))
            )
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_section(table: Any, checkers: Mapping[str, Checker], section: str) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise SpecError(f"{section}: expected a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in checkers:
            known = ", ".join(sorted(checkers)) or "none"
            raise SpecError(f"{section}.{key}: unknown key (known: {known})")
        out[key] = checkers[key](value, f"{section}.{key}")
    missing = [key for key in checkers if key not in out]
    if missing:
        raise SpecError(f"{section}.{missing[0]}: missing")
    return out


def validate_spec(raw: Mapping[str, Any], schema: SpecSchema) -> Spec:
    """Validate a merged spec against ``schema``; return a cleaned copy (numbers as floats)."""
    sections = {"model", "data", "priors", "likelihood", "sampler", *schema.sections}
    for key in raw:
        if key not in sections:
            raise SpecError(f"{key}: unknown section (known: {', '.join(sorted(sections))})")
    for key in sections:
        if key not in raw:
            raise SpecError(f"{key}: missing section")
    spec: Spec = {}
    spec["model"] = _check_section(raw["model"], {"name": string, "description": string}, "model")
    if spec["model"]["name"] != schema.model_name:
        raise SpecError(
            f"model.name: this spec is for {spec['model']['name']!r}, "
            f"expected {schema.model_name!r}"
        )
    data_checkers = {key: string for key in schema.data_columns} | dict(schema.data_options)
    spec["data"] = _check_section(raw["data"], data_checkers, "data")
    priors = raw["priors"]
    if not isinstance(priors, Mapping):
        raise SpecError("priors: expected a table of [priors.<parameter>] tables")
    for name in priors:
        if name not in schema.parameters:
            raise SpecError(
                f"priors.{name}: unknown parameter (known: {', '.join(schema.parameters)})"
            )
    for name in schema.parameters:
        if name not in priors:
            raise SpecError(f"priors.{name}: missing prior")
    spec["priors"] = {name: validate_prior(priors[name], f"priors.{name}") for name in priors}
    spec["likelihood"] = _check_section(raw["likelihood"], schema.likelihood, "likelihood")
    spec["sampler"] = _check_section(raw["sampler"], SAMPLER_KEYS, "sampler")
    for section, checkers in schema.sections.items():
        spec[section] = _check_section(raw[section], checkers, section)
    return spec


def load_spec(
    schema: SpecSchema,
    spec: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> Spec:
    """Read and validate a model's spec.

    Args:
        schema: the model's :class:`SpecSchema`; its default file is
            ``models/<schema.model_name>.toml``.
        spec: None (the default file), a path to a complete TOML spec, a complete dict (every
            section), or a partial dict merged over the default file (e.g.
            ``{"priors": {"sigma": {"scale": 0.5}}}``).

    Raises:
        SpecError: naming the first invalid key.
    """
    required = {"model", "data", "priors", "likelihood", "sampler", *schema.sections}
    if isinstance(spec, Mapping) and required <= set(spec):
        raw = dict(spec)  # a complete spec (e.g. restored from a results file) stands alone
    elif spec is None or isinstance(spec, Mapping):
        base = read_spec_file(models_dir() / f"{schema.model_name}.toml")
        raw = deep_merge(base, spec or {})
    else:
        raw = read_spec_file(spec)
    return validate_spec(raw, schema)


def check_columns(spec: Spec, schema: SpecSchema, columns: Iterable[str]) -> None:
    """Raise SpecError naming ``data.<key>`` if a column the spec maps is absent from the panel."""
    available = list(columns)
    for key in schema.data_columns:
        column = spec["data"][key]
        if column not in available and key not in schema.optional_columns:
            raise SpecError(
                f"data.{key}: column {column!r} is not in the panel "
                f"(columns: {', '.join(map(str, available))})"
            )


def with_legacy_defaults(saved: Mapping[str, Any], schema: SpecSchema) -> dict[str, Any]:
    """The spec stored with a fit, with the keys it predates filled from
    ``schema.legacy_defaults`` (what the fit actually did); present keys are never changed."""
    spec = copy.deepcopy(dict(saved))
    for dotted, value in schema.legacy_defaults.items():
        section, _, key = dotted.partition(".")
        table = spec.get(section)
        if isinstance(table, dict) and key not in table:
            table[key] = value
    return spec


def data_table_spec(spec: Spec, schema: SpecSchema, columns: Iterable[str]) -> TableSpec:
    """The :class:`TableSpec` a model's data must satisfy: ``schema.column_checks`` under the
    column names ``spec["data"]`` maps them to (optional columns only where present)."""
    present = set(columns)
    checked = tuple(
        dataclasses.replace(check, name=spec["data"][key])
        for key, check in schema.column_checks.items()
        if spec["data"][key] in present
    )
    key = tuple(spec["data"][k] for k in schema.key_columns)
    return TableSpec(f"{schema.model_name} data", checked, key=key, strict=False)


def spec_to_json(spec: Mapping[str, Any]) -> str:
    """Canonical JSON of a spec (sorted keys), used for saving and for equality checks."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise SpecError(f"cannot write {value!r} to TOML")


def spec_to_toml(spec: Mapping[str, Any]) -> str:
    """Write a validated spec (tables of scalars, nested at most two levels) as TOML text."""
    lines: list[str] = []

    def emit(prefix: str, table: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        tables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
        if scalars:
            lines.append(f"[{prefix}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
            lines.append("")
        for name, sub in tables.items():
            emit(f"{prefix}.{name}", sub)

    for section, table in spec.items():
        emit(section, table)
    return "\n".join(lines)
