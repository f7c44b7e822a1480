r"""Simulated roll-call and district panels from known parameters of Melnick (2025, seed 001).

The simulator writes two frames in exactly the schema of the real electoral panels,
:func:`retrench.data.panels_electoral.electoral_rollcall_panel` (:data:`ROLLCALL_PANEL_COLUMNS`)
and :func:`retrench.data.panels_electoral.electoral_district_panel` (:data:`DISTRICT_COLUMNS`), so
a fit on simulated data runs the same code path as a fit on the real data and parameter recovery
tests the whole pipeline.

Generative process (NumPy; the theory layer's public API gives the proposals θ*_da,
Proposition 1, and the exit probabilities σ(−Φ_d(γ)/τ), Proposition 2; the income gaps and vote
shares below are recomputed here independently of :mod:`retrench.bayes.electoral_structure`):

1. Congress c has winners' share α_R,c (``alpha_R``); leader d ∈ {L, H} proposes exit with
   probability P_dc = σ(−Φ_d(γ; α_R,c)/τ).
2. Liberalizing roll call r of party p (leader d(p)): yea ~ BetaBinomial(n, qκ, (1 − q)κ) with
   q = f(1 − P_dc) + (1 − f)P_dc (members follow the platform with probability f); on a
   ``motion to recommit`` the yea side opposes the bill, q → 1 − q.
3. Compensation (TAA) roll call: q = σ(c_0 + c_1 T_dc), T_dc = E[α_a − θ*_da] the expected
   transfer from winners to losers of d's platform.
4. District i with standardized exposure z_i has loser share λ_i = σ(logit λ + ℓ z_i); the
   Republican vote-share change (pp) between the Congresses elected in 2002 and 2016 is
   sign·100·m[(1 − λ_i)ΔD_w + λ_iΔD_ℓ] + δ + N(0, σ_d²), sign = −1 when Republicans are H
   (Lemma 1 for the district; E[D_j] averages the four platform pairs). A share of districts is
   uncontested in one of the years: their change is shifted by ±40–90 points (flagged exactly as
   the data layer flags them).

| code | symbol |
|---|---|
| ``gamma``, ``lam``, ``alpha_E``, ``x_H``, ``b``, ``psi`` | γ, λ, α_E, x_H, b, Ψ |
| ``alpha_R`` | α_R,c (one per Congress in ``congresses``) |
| ``qr_scale`` | τ (quantal-response noise) |
| ``discipline``, ``concentration`` | f, κ |
| ``taa_intercept``, ``taa_slope`` | c_0, c_1 |
| ``m``, ``exposure_loading``, ``district_intercept``, ``district_sigma`` | m, ℓ, δ, σ_d |
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from retrench.data.panels_electoral import ROLLCALL_PANEL_COLUMNS
from retrench.errors import DomainError
from retrench.theory.electoral import ElectoralParams, exit_probability, proposal

DISTRICT_COLUMNS = (
    "district",
    "state",
    "district_number",
    "n_cells",
    "exposure",
    "instrument",
    "shnr_pres2000",
    "weight_missing",
    "uncontested_weight",
    "fully_uncontested_swing",
    "d_rep_share",
    "uncontested",
)
STATES = ("AL", "CA", "IL", "MI", "NC", "NY", "OH", "PA", "TX", "WI")
ROLLCALL_CONGRESSES = (103, 105, 106, 107, 108, 109, 110, 112, 114, 116)


@dataclass(frozen=True)
class ElectoralTruth:
    """Known parameters behind a simulated panel (names match the model's sites)."""

    congresses: tuple[int, ...] = tuple(range(103, 117))
    alpha_R: tuple[float, ...] = tuple(np.round(np.linspace(0.66, 0.78, 14), 4))
    gamma: float = 1.06
    lam: float = 0.5
    alpha_E: float = 0.4
    x_H: float = 0.15
    b: float = 1.0
    psi: float = 1.0
    qr_scale: float = 0.004
    discipline: float = 0.85
    concentration: float = 40.0
    taa_intercept: float = 0.0
    taa_slope: float = 15.0
    m: float = 1.0
    exposure_loading: float = 0.5
    district_intercept: float = 3.0
    district_sigma: float = 8.0
    republican_leader: str = "H"
    district_congresses: tuple[int, int] = (108, 115)
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.alpha_R) != len(self.congresses):
            raise DomainError(
                f"alpha_R: expected one value per Congress ({len(self.congresses)}), "
                f"got {len(self.alpha_R)}"
            )
        if self.republican_leader not in ("H", "L"):
            raise DomainError(
                f"republican_leader must be 'H' or 'L' (got {self.republican_leader!r})"
            )
        for c in self.district_congresses:
            if c not in self.congresses:
                raise DomainError(f"district_congresses: {c} is not in congresses")

    def params(self) -> ElectoralParams:
        """Theory parameters with α_R as a vector over Congresses."""
        return ElectoralParams(
            gamma=self.gamma, lam=self.lam, alpha_R=np.asarray(self.alpha_R, float),
            alpha_E=self.alpha_E, b=self.b, psi=self.psi, x_H=self.x_H,
        )  # fmt: skip

    def scalars(self) -> dict[str, float]:
        """Scalar parameters by site name."""
        out = {k: v for k, v in asdict(self).items() if isinstance(v, float)}
        return out


@dataclass(frozen=True)
class CongressOutcomes:
    """Per-Congress quantities implied by a truth (NumPy arrays over ``congresses``)."""

    theta: dict[str, np.ndarray]
    p_exit_L: np.ndarray
    p_exit_H: np.ndarray
    D_w: np.ndarray
    D_l: np.ndarray


def congress_outcomes(truth: ElectoralTruth) -> CongressOutcomes:
    """Proposals, quantal-response exit probabilities and expected D_j in every Congress."""
    p = truth.params()
    a_r = np.asarray(truth.alpha_R, float)
    theta = {
        "LR": np.asarray(proposal(p.lam, a_r, 0.0, p.b, p.psi)),
        "LE": np.full_like(a_r, float(proposal(p.lam, p.alpha_E, 0.0, p.b, p.psi))),
        "HR": np.asarray(proposal(p.lam, a_r, p.x_H, p.b, p.psi)),
        "HE": np.full_like(a_r, float(proposal(p.lam, p.alpha_E, p.x_H, p.b, p.psi))),
    }
    p_L = np.asarray(exit_probability(p, "L", truth.qr_scale))
    p_H = np.asarray(exit_probability(p, "H", truth.qr_scale))
    size = {"R": truth.gamma, "E": 1.0}
    d_w = np.zeros_like(a_r)
    d_l = np.zeros_like(a_r)
    for a_L, w_L in (("R", 1 - p_L), ("E", p_L)):
        for a_H, w_H in (("R", 1 - p_H), ("E", p_H)):
            th_L, th_H = theta["L" + a_L], theta["H" + a_H]
            inc_w = np.log(size[a_L] * th_L) - np.log(size[a_H] * th_H)
            inc_l = np.log(size[a_L] * (1 - th_L)) - np.log(size[a_H] * (1 - th_H))
            d_w += w_L * w_H * inc_w
            d_l += w_L * w_H * inc_l
    return CongressOutcomes(theta=theta, p_exit_L=p_L, p_exit_H=p_H, D_w=d_w, D_l=d_l)


def _party_sizes(rng: np.random.Generator, chamber: str) -> dict[str, int]:
    if chamber == "House":
        d = int(rng.integers(190, 260))
        return {"D": d, "R": 433 - d, "I": int(rng.integers(0, 2))}
    d = int(rng.integers(44, 57))
    return {"D": d, "R": 99 - d, "I": int(rng.integers(0, 3))}


def _yea_probability(truth, out, i, leader, kind) -> float:
    p_exit = out.p_exit_L[i] if leader == "L" else out.p_exit_H[i]
    if kind == "compensation":
        a_r = truth.alpha_R[i]
        transfer = (1 - p_exit) * (a_r - out.theta[leader + "R"][i]) + p_exit * (
            truth.alpha_E - out.theta[leader + "E"][i]
        )
        return float(1 / (1 + np.exp(-(truth.taa_intercept + truth.taa_slope * transfer))))
    q = truth.discipline * (1 - p_exit) + (1 - truth.discipline) * p_exit
    return float(1 - q if kind == "recommit" else q)


def simulate_rollcalls(
    truth: ElectoralTruth,
    seed: int,
    rollcall_congresses: tuple[int, ...] = ROLLCALL_CONGRESSES,
    liberalizing_per_chamber: int = 2,
    compensation_every: int = 2,
) -> pd.DataFrame:
    """Roll-call panel (schema of ``electoral_rollcall_panel``) drawn from ``truth``.

    Each Congress gets ``liberalizing_per_chamber`` final-passage votes per chamber, one motion
    to recommit in the House, and (every ``compensation_every``-th Congress) one TAA vote per
    chamber. Independents vote yea with probability ½ (the model leaves them out).
    """
    rng = np.random.default_rng(seed)
    out = congress_outcomes(truth)
    leader_of = {"R": truth.republican_leader, "D": "L" if truth.republican_leader == "H" else "H"}
    rows = []
    for k, congress in enumerate(rollcall_congresses):
        if congress not in truth.congresses:
            raise DomainError(f"rollcall_congresses: {congress} is not in truth.congresses")
        i = truth.congresses.index(congress)
        year = 1787 + 2 * congress
        votes = [("final passage", "liberalizing", ch) for ch in ("House", "Senate")
                 for _ in range(liberalizing_per_chamber)]  # fmt: skip
        votes.append(("motion to recommit", "recommit", "House"))
        if k % compensation_every == 0:
            votes += [("final passage", "compensation", ch) for ch in ("House", "Senate")]
        for roll, (role, kind, chamber) in enumerate(votes, start=1):
            prefix = "h" if chamber == "House" else "s"
            vote_id = f"{prefix}{100 + roll}-{congress}.{year}"
            agreement = f"TAA sim {congress}" if kind == "compensation" else f"Sim FTA {congress}"
            date = pd.Timestamp(year=year, month=3 + roll, day=10)
            for party, n in sorted(_party_sizes(rng, chamber).items()):
                if n == 0:
                    continue
                q = 0.5 if party == "I" else _yea_probability(truth, out, i, leader_of[party], kind)
                share = rng.beta(q * truth.concentration, (1 - q) * truth.concentration)
                abstain = int(rng.binomial(n, 0.03))
                n_voting = n - abstain
                yea = int(rng.binomial(n_voting, share))
                rows.append(
                    (vote_id, chamber, congress, date, f"hr{1000 + k}", agreement, role, party,
                     yea, n_voting - yea, abstain, n_voting, yea / n_voting if n_voting else np.nan)
                )  # fmt: skip
    panel = pd.DataFrame(rows, columns=list(ROLLCALL_PANEL_COLUMNS))
    panel["date"] = panel["date"].astype("datetime64[us]")
    return panel.sort_values(["date", "vote_id", "party"]).reset_index(drop=True)


def simulate_districts(
    truth: ElectoralTruth, seed: int, n_districts: int = 200, uncontested_share: float = 0.1
) -> pd.DataFrame:
    """District panel (schema of ``electoral_district_panel``) drawn from ``truth``.

    Exposure is log-normal (mean ≈ 0.7, as in ADHM); it is standardized over all districts
    (flagged ones included), as the model does.
    """
    rng = np.random.default_rng(seed)
    out = congress_outcomes(truth)
    start, end = (truth.congresses.index(c) for c in truth.district_congresses)
    exposure = rng.lognormal(np.log(0.6), 0.5, n_districts)
    z = (exposure - exposure.mean()) / exposure.std(ddof=0)
    logit_lam = np.log(truth.lam / (1 - truth.lam))
    lam_i = 1 / (1 + np.exp(-(logit_lam + truth.exposure_loading * z)))
    d_dw, d_dl = out.D_w[end] - out.D_w[start], out.D_l[end] - out.D_l[start]
    sign = -1.0 if truth.republican_leader == "H" else 1.0
    mean = sign * 100 * truth.m * ((1 - lam_i) * d_dw + lam_i * d_dl) + truth.district_intercept
    change = mean + rng.normal(0, truth.district_sigma, n_districts)
    uncontested = rng.random(n_districts) < uncontested_share
    shift = rng.choice([-1.0, 1.0], n_districts) * rng.uniform(40, 90, n_districts)
    change = np.where(uncontested, change + shift, change)
    weight = np.where(uncontested, rng.uniform(0.05, 1.0, n_districts), 0.0)
    full = uncontested & (rng.random(n_districts) < 0.2)
    change = np.where(full, np.sign(shift) * 100.0, change)
    weight = np.where(full, 1.0, weight)
    states = [STATES[i % len(STATES)] for i in range(n_districts)]
    numbers = [i // len(STATES) + 1 for i in range(n_districts)]
    panel = pd.DataFrame(
        {
            "district": [f"{s} {n}" for s, n in zip(states, numbers, strict=True)],
            "state": states,
            "district_number": np.asarray(numbers, dtype="int64"),
            "n_cells": rng.integers(1, 20, n_districts).astype("int64"),
            "exposure": exposure,
            "instrument": exposure * 1.7 + rng.normal(0, 0.2, n_districts),
            "shnr_pres2000": rng.beta(20, 20, n_districts),
            "weight_missing": np.zeros(n_districts),
            "uncontested_weight": weight,
            "fully_uncontested_swing": full,
            "d_rep_share": change,
            "uncontested": weight > 0,
        }
    )
    panel["district"] = panel["district"].astype("str")
    panel.attrs.update(year=2016, source="simulated", units={"d_rep_share": "percentage points"})
    return panel.sort_values("district").reset_index(drop=True).loc[:, list(DISTRICT_COLUMNS)]


def simulate_electoral(
    truth: ElectoralTruth | None = None,
    seed: int = 0,
    *,
    n_districts: int = 200,
    liberalizing_per_chamber: int = 2,
    uncontested_share: float = 0.1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(roll-call panel, district panel) drawn from ``truth`` (default :class:`ElectoralTruth`)."""
    truth = ElectoralTruth() if truth is None else truth
    rollcalls = simulate_rollcalls(truth, seed, liberalizing_per_chamber=liberalizing_per_chamber)
    districts = simulate_districts(
        truth, seed + 1, n_districts=n_districts, uncontested_share=uncontested_share
    )
    return rollcalls, districts
