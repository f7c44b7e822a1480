"""Randomised paired-profile conjoint designs (Hainmueller, Hopkins & Yamamoto 2014).

:func:`generate_design` draws, for each respondent and task, two profiles whose attribute levels
are drawn independently and uniformly (a fully randomised design), optionally subject to
restrictions: combinations of levels that may not appear in one profile (e.g. an *Ally* that is
an *Autocracy*), drawn by rejection so that the allowed profiles stay equally likely. With
restrictions the attributes are no longer independent, and an AMCE must average over the allowed
combinations only; the OLS estimator in :mod:`.ols` is then valid only for attributes not
involved in a restriction (HHY 2014, section 4.2), which :func:`restricted_attributes` lists.

The output is the long format of :mod:`.survey`: one row per profile shown, with ``respondent``,
``task``, ``profile`` (1, 2) and one column per attribute; the outcome columns (``chosen`` and
optionally ``rating``) are left for the survey to fill (:mod:`.simulate` fills them from known
part-worths).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retrench.designs.conjoint.attributes import ATTRIBUTES
from retrench.errors import SpecError

Restriction = Mapping[str, str]
MAX_REJECTION_ROUNDS = 1000


def _check_restrictions(
    restrictions: Sequence[Restriction], attributes: Mapping[str, Sequence[str]]
) -> None:
    for i, rule in enumerate(restrictions):
        if len(rule) < 2:
            raise SpecError(f"restrictions[{i}]: a restriction names at least two attributes")
        for attribute, level in rule.items():
            if attribute not in attributes:
                raise SpecError(
                    f"restrictions[{i}]: unknown attribute {attribute!r} "
                    f"(known: {', '.join(attributes)})"
                )
            if level not in attributes[attribute]:
                raise SpecError(
                    f"restrictions[{i}].{attribute}: unknown level {level!r} "
                    f"(levels: {', '.join(attributes[attribute])})"
                )


def restricted_attributes(restrictions: Sequence[Restriction]) -> list[str]:
    """Attributes named in any restriction (their AMCEs need the restricted-design estimator)."""
    return sorted({attribute for rule in restrictions for attribute in rule})


def allowed(profiles: pd.DataFrame, restrictions: Sequence[Restriction]) -> np.ndarray:
    """Boolean mask of the profiles that break no restriction."""
    ok = np.ones(len(profiles), dtype=bool)
    for rule in restrictions:
        hit = np.ones(len(profiles), dtype=bool)
        for attribute, level in rule.items():
            hit &= profiles[attribute].to_numpy() == level
        ok &= ~hit
    return ok


def draw_profiles(
    n: int,
    rng: np.random.Generator,
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
    restrictions: Sequence[Restriction] = (),
) -> pd.DataFrame:
    """``n`` profiles, levels uniform and independent, redrawn until no restriction is broken."""
    _check_restrictions(restrictions, attributes)
    out = pd.DataFrame(
        {
            a: np.asarray(levels, dtype=object)[rng.integers(len(levels), size=n)]
            for a, levels in attributes.items()
        }
    )
    for _ in range(MAX_REJECTION_ROUNDS):
        bad = ~allowed(out, restrictions)
        if not bad.any():
            return out
        redraw = draw_profiles(int(bad.sum()), rng, attributes)
        out.loc[bad, list(attributes)] = redraw.to_numpy()
    raise SpecError("restrictions: no allowed profile found (do the restrictions exclude all?)")


def generate_design(
    respondents: int,
    tasks: int,
    seed: int,
    *,
    attributes: Mapping[str, Sequence[str]] = ATTRIBUTES,
    restrictions: Sequence[Restriction] = (),
    distinct_pairs: bool = True,
) -> pd.DataFrame:
    """A fully randomised paired-profile design in long format.

    Args:
        respondents, tasks: numbers of respondents and of choice tasks per respondent (>= 1).
        seed: seed of the NumPy generator (the same seed gives the same design).
        attributes: attribute -> levels (default: Table 2, :data:`.attributes.ATTRIBUTES`).
        restrictions: level combinations forbidden within a profile, e.g.
            ``[{"ally": "Ally", "regime": "Autocracy"}]``.
        distinct_pairs: redraw the second profile of a task while it equals the first.

    Returns:
        Columns ``respondent`` (1..N), ``task`` (1..K), ``profile`` (1, 2) and one per attribute;
        2·N·K rows ordered by respondent, task, profile.
    """
    for name, value in (("respondents", respondents), ("tasks", tasks)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise SpecError(f"{name}: expected an integer >= 1 (got {value!r})")
    rng = np.random.default_rng(seed)
    n_pairs = respondents * tasks
    first = draw_profiles(n_pairs, rng, attributes, restrictions)
    second = draw_profiles(n_pairs, rng, attributes, restrictions)
    if distinct_pairs:
        for _ in range(MAX_REJECTION_ROUNDS):
            same = (first.to_numpy() == second.to_numpy()).all(axis=1)
            if not same.any():
                break
            second.loc[same] = draw_profiles(
                int(same.sum()), rng, attributes, restrictions
            ).to_numpy()
    index = pd.DataFrame(
        {
            "respondent": np.repeat(np.arange(1, respondents + 1), tasks),
            "task": np.tile(np.arange(1, tasks + 1), respondents),
        }
    )
    long = pd.concat(
        [
            pd.concat([index, first], axis=1).assign(profile=1),
            pd.concat([index, second], axis=1).assign(profile=2),
        ]
    ).sort_values(["respondent", "task", "profile"], kind="stable")
    return long[["respondent", "task", "profile", *attributes]].reset_index(drop=True)
