"""Weight-shift variant of the accession design (issue 16): how much γ_E rests on the
identifying assumption that accession leaves the weights unchanged.

Variant: the government's u_M = logit((γ_M − 5/8)/(9/8)) moves at entry by δ_c,
δ_c ~ Normal(0, ``shift_sd``) (a tight prior), so γ_M inside = γ_M(u_M + δ_c) while the Nash
tariff outside keeps γ_M(u_M). The tariffs observed inside identify the reciprocal tariff t^R_c,
outside the Nash tariff t^N_c; neither involves δ_c, so in the variant's joint posterior δ_c keeps
its prior, independent of everything else, and the posterior of γ_E inside,
γ_E = (2γ_M,in + 1 − 2t^R(4 − γ_M,in))/3, is obtained *exactly* by drawing δ_c from its prior
beside each posterior draw of the base fit (no refit; a spec option would only make NUTS sample
δ_c from its prior). :func:`weight_shift_table` reports, per economy, the posterior sd and the
contraction of γ_E inside under the variant beside the base fit's.

| code | symbol |
|---|---|
| ``shift_sd`` | sd of δ_c (logit scale of γ_M) |
| ``gamma_M_member``, ``gamma_E_member`` | γ_M,c and γ_E,c after entry |
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from retrench.bayes import inference_data as idio
from retrench.designs.accession.structure import GAMMA_M_LOWER, GAMMA_M_UPPER


def _logit_gamma_M(gamma_M: np.ndarray) -> np.ndarray:
    share = (gamma_M - GAMMA_M_LOWER) / (GAMMA_M_UPPER - GAMMA_M_LOWER)
    return np.log(share / (1.0 - share))


def _gamma_M(u_M: np.ndarray) -> np.ndarray:
    return GAMMA_M_LOWER + (GAMMA_M_UPPER - GAMMA_M_LOWER) / (1.0 + np.exp(-u_M))


def shifted_weights(
    gamma_M: np.ndarray, tariff_reciprocal: np.ndarray, shift: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(γ_E, γ_M) inside when u_M moves by ``shift`` and t^R stays (NumPy, elementwise)."""
    gamma_M_in = _gamma_M(_logit_gamma_M(gamma_M) + shift)
    gamma_E_in = (2.0 * gamma_M_in + 1.0 - 2.0 * tariff_reciprocal * (4.0 - gamma_M_in)) / 3.0
    return gamma_E_in, gamma_M_in


def weight_shift_table(
    model, economies: Sequence[str], shift_sd: float = 0.2, seed: int = 0
) -> pd.DataFrame:
    """Per economy: γ_E mean and sd of the base fit and under the weight-shift variant, and
    their contraction against the prior sd of γ_E (the fit's prior draws)."""
    idata = model.require_fit()
    post = idio.posterior_draws(idata, ["gamma_E", "gamma_M", "tariff_reciprocal"])
    prior_sd = idio.posterior_draws(idata, ["gamma_E"], "prior")["gamma_E"].std(0, ddof=1)
    index = [int(np.flatnonzero(model.countries == c)[0]) for c in economies]
    rng = np.random.default_rng(seed)
    shift = rng.normal(0.0, shift_sd, size=post["gamma_M"].shape)
    gamma_E_in, _ = shifted_weights(post["gamma_M"], post["tariff_reciprocal"], shift)
    rows = []
    for code, i in zip(economies, index, strict=True):
        base, variant = post["gamma_E"][:, i], gamma_E_in[:, i]
        rows.append(
            {
                "country": code,
                "gamma_E_mean": base.mean(),
                "gamma_E_sd": base.std(ddof=1),
                "contraction": 1 - base.var(ddof=1) / prior_sd[i] ** 2,
                "gamma_E_member_mean": variant.mean(),
                "gamma_E_member_sd": variant.std(ddof=1),
                "contraction_member": 1 - variant.var(ddof=1) / prior_sd[i] ** 2,
            }
        )
    return pd.DataFrame(rows).set_index("country")
