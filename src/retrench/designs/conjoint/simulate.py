"""Simulated conjoint surveys from known part-worths (respondent heterogeneity, moderators).

Generative process (utility scale; the same random-utility logit the Bayesian model assumes):

    b_i = B + Γ' z_i + τ ⊙ η_i,  η_i ~ N(0, I)              (respondent part-worths, K effects)
    u_ij = x_ij' b_i                                         (profile j of a task)
    P(profile 1 chosen) = logistic(u_i1 − u_i2)              (forced choice)
    rating_ij = round(4 + u_ij + N(0, 1)) limited to 1..7    (optional 7-point rating)

z_i: ``ideology`` ~ N(0, 1) (negative liberal, positive conservative) and ``party`` drawn from
ideology (Democrat / Independent / Republican); Γ (``moderation``) maps (ideology, Republican,
Independent) to part-worth shifts. :data:`DEFAULT_TRUTH` is the truth of the embedded synthetic
file (``data/conjoint_synthetic.csv``): opposition rises with comparative-advantage loss, most of
all when systemic, and with adversary/autocracy cues (the memo's hypotheses hold).

:func:`true_amce` and :func:`true_marginal_means` give the estimands on the probability scale
(the scale of the OLS AMCE) by Monte Carlo over the population and the design distribution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retrench.designs.conjoint.attributes import ATTRIBUTES, effect_names, level_names
from retrench.designs.conjoint.design import draw_profiles, generate_design
from retrench.designs.conjoint.encoding import attribute_dummies

MODERATOR_NAMES = ("ideology", "party=Independent", "party=Republican")


def _default_part_worths() -> dict[tuple[str, str], float]:
    shock = ATTRIBUTES["shock_type"]
    return {
        ("shock_type", shock[1]): 0.1,
        ("shock_type", shock[2]): 0.5,
        ("shock_type", shock[3]): 0.9,
        ("ally", "Adversary"): 0.6,
        ("regime", "Autocracy"): 0.4,
        ("sociotropic", "Net harm to U.S. economy"): 0.5,
        ("differentiation", "Product differentiation"): -0.2,
        ("firm_type", "Own multinational"): -0.3,
        ("firm_type", "Localized production"): -0.5,
    }


@dataclass(frozen=True)
class ConjointTruth:
    """Known part-worths: mean ``part_worths`` B, moderation Γ and heterogeneity sd τ.

    ``moderation`` maps (moderator, (attribute, level)) to a shift of that part-worth per unit of
    the moderator (ideology in sd units; party indicators).
    """

    part_worths: Mapping[tuple[str, str], float] = field(default_factory=_default_part_worths)
    moderation: Mapping[tuple[str, tuple[str, str]], float] = field(
        default_factory=lambda: {
            ("ideology", ("ally", "Adversary")): 0.2,
            ("party=Republican", ("regime", "Autocracy")): 0.2,
            ("party=Republican", ("firm_type", "Localized production")): -0.2,
        }
    )
    heterogeneity_sd: float = 0.3

    def mean_vector(self) -> np.ndarray:
        return np.array([self.part_worths.get(e, 0.0) for e in effect_names()])

    def moderation_matrix(self) -> np.ndarray:
        """Γ: moderators (:data:`MODERATOR_NAMES`) × effects."""
        effects = effect_names()
        gamma = np.zeros((len(MODERATOR_NAMES), len(effects)))
        for (moderator, effect), value in self.moderation.items():
            gamma[MODERATOR_NAMES.index(moderator), effects.index(effect)] = value
        return gamma


DEFAULT_TRUTH = ConjointTruth()


def draw_respondents(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Ideology N(0, 1) and party (Democrat / Independent / Republican by ideology)."""
    ideology = rng.normal(size=n)
    r = ideology + rng.normal(scale=0.7, size=n)
    party = np.where(r > 0.5, "Republican", np.where(r < -0.5, "Democrat", "Independent"))
    return pd.DataFrame({"ideology": ideology, "party": party})


def raw_moderators(respondents: pd.DataFrame) -> np.ndarray:
    """(ideology, Independent, Republican) per respondent, uncentred (the truth's scale)."""
    return np.column_stack(
        [
            respondents["ideology"].to_numpy(float),
            (respondents["party"] == "Independent").to_numpy(float),
            (respondents["party"] == "Republican").to_numpy(float),
        ]
    )


def respondent_part_worths(
    truth: ConjointTruth, respondents: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """b_i = B + Γ' z_i + τ η_i (N × K)."""
    z = raw_moderators(respondents)
    eta = rng.normal(size=(len(respondents), len(effect_names())))
    return truth.mean_vector() + z @ truth.moderation_matrix() + truth.heterogeneity_sd * eta


def simulate_survey(
    respondents: int,
    tasks: int,
    seed: int,
    truth: ConjointTruth = DEFAULT_TRUTH,
    *,
    rating: bool = False,
    restrictions: Sequence[Mapping[str, str]] = (),
) -> pd.DataFrame:
    """A survey in the long format of :mod:`.survey`, drawn from ``truth``."""
    design = generate_design(respondents, tasks, seed, restrictions=restrictions)
    rng = np.random.default_rng([seed, 1])
    people = draw_respondents(respondents, rng)
    b = respondent_part_worths(truth, people, rng)
    who = design["respondent"].to_numpy() - 1
    utility = np.einsum("nk,nk->n", attribute_dummies(design), b[who])
    u1, u2 = utility[0::2], utility[1::2]
    first = rng.random(len(u1)) < 1.0 / (1.0 + np.exp(-(u1 - u2)))
    chosen = np.empty(len(design), dtype=np.int64)
    chosen[0::2], chosen[1::2] = first, ~first
    out = design.assign(chosen=chosen)
    if rating:
        noisy = np.rint(4.0 + utility + rng.normal(size=len(utility)))
        out["rating"] = np.minimum(np.maximum(noisy, 1), 7).astype(np.int64)
    return out.assign(
        ideology=np.round(people["ideology"].to_numpy()[who], 4),
        party=people["party"].to_numpy()[who],
    )


def _population_choice_probabilities(
    truth: ConjointTruth, n: int, seed: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    b = respondent_part_worths(truth, draw_respondents(n, rng), rng)
    first, second = draw_profiles(n, rng), draw_profiles(n, rng)
    u_second = np.einsum("nk,nk->n", attribute_dummies(second), b)
    return first, b, u_second, attribute_dummies(first)


def true_marginal_means(
    truth: ConjointTruth = DEFAULT_TRUTH, n: int = 200_000, seed: int = 0
) -> pd.Series:
    """MM of every level: P(a profile is chosen | its attribute at that level), population
    average over respondents and both profiles' other attributes (uniform design)."""
    first, b, u_second, _ = _population_choice_probabilities(truth, n, seed)
    out = {}
    for attribute, level in level_names():
        fixed = first.copy()
        fixed[attribute] = level
        u = np.einsum("nk,nk->n", attribute_dummies(fixed), b)
        out[(attribute, level)] = float(np.mean(1.0 / (1.0 + np.exp(-(u - u_second)))))
    return pd.Series(out)


def true_amce(truth: ConjointTruth = DEFAULT_TRUTH, n: int = 200_000, seed: int = 0) -> pd.Series:
    """AMCE of every non-reference level on the probability scale (MM(level) − MM(reference),
    computed on common random numbers)."""
    mm = true_marginal_means(truth, n, seed)
    return pd.Series(
        {(a, level): mm[(a, level)] - mm[(a, ATTRIBUTES[a][0])] for a, level in effect_names()}
    )
