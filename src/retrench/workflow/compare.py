"""Compare fits of the same data by PSIS-LOO: ``retrench compare A B [...]``.

Typical use: two readings of one theory (the electoral model with Republicans or Democrats as
the leader biased against redistribution), zero, one or two GVC thresholds, a normal against a
Student-t tariff error. Each results folder's ``fit.nc`` carries the pointwise log likelihood of
every observed site, so the comparison needs no refit and no data reload.

Rules: every folder holds a fit of the same model (:func:`check_same_model`), and a site is
compared only where every fit has its pointwise log likelihood for exactly the same observed
values (:func:`why_not_comparable`; two specs of one model may prepare the same raw data
differently, so the data hash is not the test). A site that some fits lack or observe differently
is listed in the result's ``skipped`` with the reason, never compared on different rows.

The table per site is ArviZ's ``compare`` (PSIS-LOO, Vehtari, Gelman & Gabry 2017): ``elpd_loo``,
its ``se``, ``elpd_diff`` to the best fit (ArviZ 1's sign: this fit's elpd minus the best's, so
0 or negative) and ``dse``, the standard error of the pointwise
difference (read a difference as clear when it is several ``dse``), stacking ``weight``, and
``max_pareto_k`` (above 0.7 the estimate for that fit is unreliable; ``warning`` is True).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from retrench.atomic import write_atomic
from retrench.bayes import inference_data as idio
from retrench.errors import SpecError

#: Pareto k above which a PSIS-LOO estimate is unreliable (Vehtari et al. 2024).
PARETO_K_LIMIT = 0.7


@dataclass
class FitComparison:
    """LOO tables per observed site (``tables``) and the sites left out (``skipped``)."""

    model: str
    labels: list[str]
    tables: dict[str, pd.DataFrame]
    skipped: dict[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """All sites in one long table (columns ``site``, ``fit`` first)."""
        frames = [t.assign(site=site).rename_axis("fit").reset_index()
                  for site, t in self.tables.items()]  # fmt: skip
        frame = pd.concat(frames, ignore_index=True)
        return frame[["site", "fit"] + [c for c in frame.columns if c not in ("site", "fit")]]

    def write_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_frame` to ``path`` atomically (temporary file + ``os.replace``)."""
        frame = self.to_frame()
        return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def folder_labels(folders: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Short unique labels: the folder names, or their paths where names repeat."""
    names = [Path(f).name or str(f) for f in folders]
    if len(set(names)) == len(names):
        return names
    return [str(f) for f in folders]


def _observed_sizes(idata) -> dict[str, int]:
    if not idio.has_group(idata, "log_likelihood"):
        return {}
    loglik = idio.group(idata, "log_likelihood")
    return {name: int(np.prod(loglik[name].shape[2:])) for name in loglik.data_vars}


def check_same_model(attrs: Sequence[dict], labels: Sequence[str]) -> str:
    """The common model name; SpecError naming the folder that holds another model."""
    first = attrs[0].get("retrench_model")
    for label, a in zip(labels[1:], attrs[1:], strict=True):
        if a.get("retrench_model") != first:
            raise SpecError(
                f"{label}: a fit of model {a.get('retrench_model')!r}, but {labels[0]} is "
                f"{first!r}; compare fits of one model"
            )
    return str(first)


def check_distinct(folders: Sequence[str | os.PathLike[str]]) -> None:
    """SpecError naming a results folder given twice (a fit compared with itself)."""
    seen: dict[Path, str] = {}
    for folder in folders:
        key = Path(folder).resolve()
        if key in seen:
            raise SpecError(
                f"compare: {folder} is given twice (also as {seen[key]}); "
                "expected two or more different results folders"
            )
        seen[key] = str(folder)


def _observed(idata, site: str) -> np.ndarray | None:
    if not idio.has_group(idata, "observed_data"):
        return None
    data = idio.group(idata, "observed_data")
    return np.asarray(data[site].values) if site in data else None


def why_not_comparable(idatas: dict, site: str) -> str | None:
    """None if every fit has the pointwise log likelihood of ``site`` for the same observed
    values; else the reason (which fit lacks it, or that the observations differ)."""
    labels = list(idatas)
    missing = [k for k in labels if site not in _observed_sizes(idatas[k])]
    if missing:
        return f"no pointwise log likelihood in {', '.join(missing)}"
    values = [_observed(idatas[k], site) for k in labels]
    if any(v is None for v in values):
        return "no observed data recorded"
    for label, v in zip(labels[1:], values[1:], strict=True):
        if v.shape != values[0].shape or not np.array_equal(v, values[0], equal_nan=True):
            return f"{label} observed other values than {labels[0]}"
    return None


def _site_table(idatas: dict, site: str) -> pd.DataFrame:
    loos = {label: idio.loo(idata, site) for label, idata in idatas.items()}  # once per fit
    table = idio.compare(loos, site)
    table["max_pareto_k"] = [float(np.max(loos[label].pareto_k)) for label in table.index]
    return table[["rank", "elpd_loo", "se", "elpd_diff", "dse", "p_loo", "weight",
                  "max_pareto_k", "warning"]]  # fmt: skip


def compare_fits(
    folders: Sequence[str | os.PathLike[str]], sites: Sequence[str] | None = None
) -> FitComparison:
    """PSIS-LOO comparison of the fits in ``folders`` (results folders of ``retrench fit``).

    Args:
        folders: two or more results folders of the same model on the same data.
        sites: observed sites to compare (default: every site all fits observe alike).

    Raises:
        SpecError: fewer than two folders, different models, an unknown site, or no site that
            every fit observes alike.
        DataError: a folder without ``fit.nc``.
    """
    from retrench.workflow.results import read_attrs

    if len(folders) < 2:
        raise SpecError(f"compare needs two or more results folders, got {len(folders)}")
    check_distinct(folders)
    labels = folder_labels(folders)
    loaded = [read_attrs(f) for f in folders]
    model = check_same_model([a for _, a in loaded], labels)
    idatas = {label: idata for label, (idata, _) in zip(labels, loaded, strict=True)}
    every = sorted(set().union(*(_observed_sizes(i).keys() for i in idatas.values())))
    if sites is not None:
        unknown = [s for s in sites if s not in every]
        if unknown:
            raise SpecError(f"no fit has observed site(s) {unknown}; sites: {every}")
        every = list(sites)
    tables: dict[str, pd.DataFrame] = {}
    skipped: dict[str, str] = {}
    for site in every:
        reason = why_not_comparable(idatas, site)
        if reason is None:
            tables[site] = _site_table(idatas, site)
        else:
            skipped[site] = reason
    if not tables:
        raise SpecError(f"no observed site that every fit has alike: {skipped}")
    return FitComparison(model=model, labels=labels, tables=tables, skipped=skipped)
