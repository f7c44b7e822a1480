r"""Electoral realignment (Melnick 2025, seed 001) estimated from trade roll calls and districts.

Structure (DESIGN.md section 3; theory in :mod:`retrench.theory.electoral`):

* Leaders: Republicans are H (bias x_H > 0) and Democrats L (x_L = 0) by default; the spec's
  ``structure.republican_leader = "L"`` swaps them.
* Winners' share α_R,c moves over Congresses c = first..last as a random walk on a logit scale
  inside its domain: α_R,c = lo + (1 − lo)σ(z_c), z_c = z_c−1 + s ε_c (non-centred), with lo the
  smooth upper bound w·log(e^{(1−λ)/w} + e^{α_E/w}) ≥ max(1 − λ, α_E) of the domain's edge
  (w = ``structure.alpha_R_floor_smoothing``, 0.01; 0 gives the hard max, whose kink where
  1 − λ = α_E sits in the middle of the real-data posterior and slowed NUTS ~2×).
  γ, λ, α_E, x_H, b are constant; Ψ is fixed by the spec (only bΨ enters the proposals).
* Platforms: leader d proposes exit with the quantal-response probability
  P(exit_dc) = σ(−Φ_d(γ; α_R,c)/τ) (Proposition 2 smoothed; Φ from Proposition 1's proposals).
* Roll calls (party yea counts, beta-binomial with concentration κ): on a liberalizing bill a
  member follows the platform with probability f, q = f(1 − P(exit)) + (1 − f)P(exit); on a
  reversed vote (recommit) q → 1 − q; on a compensation (TAA) vote q = σ(c_0 + c_1 T_dc), where
  T_dc = E[α_a − θ*_da] is the transfer to losers the platform implies (larger for L, Corollary 1).
* Districts: Lemma 1 with a district loser share λ_i = σ(logit λ + ℓ z_i) (z_i standardized
  China-shock exposure): the Republican share change between the Congresses elected in 2002 and
  2016 is sign·100·m[(1 − λ_i)ΔE[D_w] + λ_iΔE[D_ℓ]] + δ + ε_i (sign = −1 when R = H; δ absorbs
  the common shock β). Uncontested races are excluded and counted, or modelled as a mixture.
* Realignment (Proposition 3): the exposure–vote slope of Congress c is
  sign·100·m(E[D_ℓ] − E[D_w])ℓλ(1 − λ); ``realigned`` marks Congresses whose slope has the
  opposite sign of the first Congress's; the data decide whether (and when) it flips.

Policy nodes (``counterfactual``): ``inequality_hold`` (weight w_c ∈ [0, 1] per Congress:
α_R,c → (1 − w_c)α_R,c + w_c α_R,first, i.e. w = 1 holds inequality at its early-1990s level) and
``compensation`` (κ_c: the losers' share under globalization raised by κ_c, α_R,c → α_R,c − κ_c).

Identification (what the data say, what only the priors carry):

* The party yea shares identify, per Congress with roll calls, the two probabilities
  P(exit_L), P(exit_H) through f, i.e. Φ_d/τ; the Congresses without roll calls are
  interpolated by the random walk. Φ_d depends on (γ, α_R,c, α_E, λ, x_H, bΨ) only through one
  number per leader and Congress, so γ, α_E and b are carried by their priors (expect little
  contraction), and the *level* of α_R is tied to γ along iso-Φ curves: what the votes identify
  is the *movement* of α_R relative to the thresholds, i.e. log γ − log γ_d,c in units of τ.
* x_H is identified by the gap between the parties: the gap in P(exit) (γ_L < γ_H) and the gap
  in TAA support (c_1 (T_L − T_H)), the latter only up to the prior on c_1.
* The districts identify m(ΔD_w, ΔD_ℓ) times ℓ: the sign of the exposure slope of the change, and
  hence whether a realignment happened between 2002 and 2016, is identified; m and ℓ separately
  rest on their priors.
* :func:`retrench.designs.electoral.checks.contraction` reports 1 − var_post/var_prior for every
  parameter. On the real panels (Democrats = H; docs/electoral_real_fit.md): P(exit_d,c),
  κ, the TAA slope and the district intercept and σ contract > 0.85; γ 0.79, f 0.63, the
  random-walk sd 0.60, τ 0.43, x_H 0.40; λ, α_E, b, m, ℓ and the level of α_R < 0.4 (priors).
* The roll calls reject the seed's reading R = H (P(exit_L) ≤ P(exit_H) always, but Democrats
  vote less for liberalization): PSIS-LOO favours D = H by 30.4 elpd (se 8.9).

| code | symbol | meaning |
|---|---|---|
| ``lam`` | λ | national share of globalization losers |
| ``exposure_loading`` | ℓ | slope of a district's logit loser share in standardized exposure |
| ``alpha_E``, ``alpha_R`` | α_E, α_R,c | winners' share after exit / under globalization |
| ``x_H`` | x_H | H's bias against redistribution |
| ``gamma`` | γ | size of the globalized economy |
| ``b``, ``m`` | b, m | salience of the common and the individual valence shocks |
| ``qr_scale`` | τ | quantal-response noise |
| ``discipline`` | f | probability that a member votes the party platform |
| ``gamma_L``, ``gamma_H`` | γ_L,c, γ_H,c | exit thresholds per Congress |
| ``p_exit_L``, ``p_exit_H``, ``p_exit_R``, ``p_exit_D`` | | P(exit) per leader / party |
| ``D_w``, ``D_l`` | E[D*_w], E[D*_ℓ] | expected log-income gaps |
| ``exposure_slope`` | | pp of Republican share per sd of exposure, per Congress |
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from retrench.bayes import persistence
from retrench.bayes.base import StructuralModel, policy_node, record_solver_failures
from retrench.bayes.priors import prior_distribution
from retrench.bayes.spec import (
    SpecSchema,
    boolean,
    non_negative_number,
    one_of,
    positive_int,
    positive_number,
    string,
)
from retrench.data.validation import ColumnSpec as Column
from retrench.designs.electoral import structure as es
from retrench.designs.electoral.panel import (
    KINDS,
    leader_of_party,
    prepare_districts,
    prepare_rollcalls,
)
from retrench.errors import SpecError

ELECTORAL_SCHEMA = SpecSchema(
    model_name="electoral",
    parameters=(
        "lam_logit", "exposure_loading", "alpha_E_logit", "x_H", "log_gamma_excess", "b",
        "qr_scale", "alpha_R_start", "alpha_R_rw_sd", "discipline_logit", "concentration",
        "taa_intercept", "taa_slope", "m", "district_intercept", "district_sigma",
    ),
    data_columns=("vote_id", "congress", "party", "yea", "n_voting", "agreement", "vote_role"),
    column_checks={
        "vote_id": Column("", "str", description="roll-call identifier"),
        "congress": Column("", "int", ge=1, le=200, description="Congress number"),
        "party": Column("", "str", description="party code"),
        "yea": Column("", "int", ge=0, unit="votes"),
        "n_voting": Column("", "int", ge=0, unit="votes"),
        "agreement": Column("", "str", nullable=True),
        "vote_role": Column("", "str", nullable=True),
    },
    key_columns=("vote_id", "party"),
    data_options={"compensation_regex": string, "reversed_regex": string},
    likelihood={"rollcall": one_of("beta_binomial", "binomial")},
    sections={
        "structure": {
            "republican_leader": one_of("H", "L"),
            "psi": positive_number,
            "first_congress": positive_int,
            "last_congress": positive_int,
            "alpha_R_floor_smoothing": non_negative_number,
        },
        "districts": {
            "use": boolean,
            "start_congress": positive_int,
            "end_congress": positive_int,
            "uncontested": one_of("exclude", "mixture"),
            "uncontested_sd_pp": positive_number,
        },
        "nuts": {"dense_mass": boolean},
    },
)  # fmt: skip

PER_CONGRESS = (
    "alpha_R", "alpha_R_used", "p_exit_L", "p_exit_H", "p_exit_R", "p_exit_D", "phi_L", "phi_H",
    "gamma_L", "gamma_H", "theta_LR", "theta_HR", "D_w", "D_l", "exposure_slope", "realigned",
    "inequality_hold", "compensation",
)  # fmt: skip


class ElectoralModel(StructuralModel):
    """Melnick's redistribution-bias model on roll calls and district votes; see module docstring.

    Args:
        data: roll calls by party (schema of :func:`retrench.data.electoral_rollcall_panel`).
        spec: None (``models/electoral.toml``), a TOML path, or a dict merged over the default.
        districts: optional :func:`retrench.data.electoral_district_panel` frame (used when
            ``districts.use``).
    """

    schema = ELECTORAL_SCHEMA
    observed_sites = ("yea_obs", "district_obs")
    summary_sites = (
        "lam", "alpha_E", "x_H", "gamma", "b", "qr_scale", "alpha_R_rw_sd", "discipline",
        "concentration", "taa_intercept", "taa_slope", "alpha_R",
    )  # fmt: skip
    district_summary_sites = ("m", "exposure_loading", "district_intercept", "district_sigma")

    def __init__(
        self,
        data: pd.DataFrame,
        spec: str | os.PathLike[str] | Mapping | None = None,
        districts: pd.DataFrame | None = None,
    ):
        self._districts_raw = districts
        self._data_raw = data
        super().__init__(data, spec)
        if self.districts is not None:
            self.summary_sites = self.summary_sites + self.district_summary_sites

    def nuts_options(self) -> dict[str, Any]:
        """A dense mass matrix (spec ``nuts.dense_mass``): the votes pin Φ_d/τ per Congress while
        (γ, α_R level, α_E, λ, b) trade off along iso-Φ ridges; with the default diagonal mass
        matrix chains saturated the tree depth and disagreed (R-hat ≈ 2 for λ)."""
        return {"dense_mass": bool(self.spec["nuts"]["dense_mass"])}

    # --- data -------------------------------------------------------------------------------
    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        st, ds = self.spec["structure"], self.spec["districts"]
        if st["last_congress"] <= st["first_congress"]:
            raise SpecError("structure.last_congress: must exceed structure.first_congress")
        self.congresses = np.arange(st["first_congress"], st["last_congress"] + 1)
        self.leaders = leader_of_party(st["republican_leader"])
        panel, self.excluded = prepare_rollcalls(data, self.spec)
        self.districts, self.district_excluded = None, None
        if self._districts_raw is not None and ds["use"]:
            for key in ("start_congress", "end_congress"):
                if ds[key] not in set(self.congresses):
                    raise SpecError(f"districts.{key}: {ds[key]} is outside the Congress range")
            self.districts, self.district_excluded = prepare_districts(self._districts_raw, ds)
        return panel

    def compute_data_hash(self) -> str:
        """sha256 over the roll-call panel and, when used, the district panel."""
        digest = persistence.panel_hash(self.panel)
        if self.districts is not None:
            parts = [digest, persistence.panel_hash(self.districts)]
            digest = persistence.panel_hash(pd.DataFrame({"part": parts}))
        return digest

    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        inputs: dict[str, Any] = {
            "congress_index": jnp.asarray(panel["congress_index"].to_numpy()),
            "is_H": jnp.asarray((panel["leader"] == "H").to_numpy()),
            "kind": jnp.asarray(panel["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy()),
            "n_voting": jnp.asarray(panel["n_voting"].to_numpy()),
        }
        observed: dict[str, Any] = {"yea": jnp.asarray(panel["yea"].to_numpy())}
        if self.districts is not None:
            d = self.districts
            inputs["z_exposure"] = jnp.asarray(d["z_exposure"].to_numpy(float))
            inputs["uncontested_weight"] = jnp.asarray(
                np.where(d["uncontested"], d["uncontested_weight"], 0.0)
            )
            observed["d_rep_share"] = jnp.asarray(d["d_rep_share"].to_numpy(float))
        return inputs, observed

    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        coords: dict[str, Sequence[Any]] = {
            "congress": [int(c) for c in self.congresses],
            "step": [int(c) for c in self.congresses[1:]],
            "rollcall_row": list(range(len(self.panel))),
        }
        dims = {name: ["congress"] for name in PER_CONGRESS}
        dims |= {
            "alpha_R_steps": ["step"],
            "yea_obs": ["rollcall_row"],
            "yea_prob": ["rollcall_row"],
        }
        if self.districts is not None:
            coords["district"] = list(self.districts["district"])
            dims |= {"district_obs": ["district"], "district_mean": ["district"]}
        return coords, dims

    # --- model ------------------------------------------------------------------------------
    def _sample(self, name: str) -> jax.Array:
        return numpyro.sample(name, prior_distribution(self.spec["priors"][name]))

    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        n_c = len(self.congresses)
        lam_logit = self._sample("lam_logit")
        lam = numpyro.deterministic("lam", jax.nn.sigmoid(lam_logit))
        alpha_E = numpyro.deterministic("alpha_E", jax.nn.sigmoid(self._sample("alpha_E_logit")))
        x_H = self._sample("x_H")
        log_gamma_excess = self._sample("log_gamma_excess")
        numpyro.deterministic("gamma", 1.0 + jnp.exp(log_gamma_excess))
        log_gamma = jax.nn.softplus(log_gamma_excess)  # log(1 + e^g) = log γ
        b = self._sample("b")
        tau = self._sample("qr_scale")
        start = self._sample("alpha_R_start")
        rw_sd = self._sample("alpha_R_rw_sd")
        with numpyro.plate("steps", n_c - 1):
            steps = numpyro.sample("alpha_R_steps", dist.Normal(0.0, 1.0))
        z = start + jnp.concatenate([jnp.zeros(1), jnp.cumsum(rw_sd * steps)])
        width = self.spec["structure"]["alpha_R_floor_smoothing"]
        alpha_R = numpyro.deterministic("alpha_R", es.alpha_R_from_logit(z, lam, alpha_E, width))

        hold = policy_node("inequality_hold", jnp.zeros(n_c))
        comp = policy_node("compensation", jnp.zeros(n_c))
        alpha_used = (1.0 - hold) * alpha_R + hold * alpha_R[0] - comp
        lower = es.alpha_R_lower_bound(lam, alpha_E)
        in_domain = (alpha_used > lower) & (alpha_used <= 1.0)
        alpha_used = numpyro.deterministic(
            "alpha_R_used", jnp.where(in_domain, alpha_used, alpha_R)
        )
        psi = self.spec["structure"]["psi"]
        eq = es.congress_equilibrium(log_gamma, lam, alpha_used, alpha_E, x_H, b, psi, tau)
        record_solver_failures(eq.converged & in_domain)
        self._record_congress_outputs(eq, lam)

        discipline = numpyro.deterministic(
            "discipline", 0.5 + 0.5 * jax.nn.sigmoid(self._sample("discipline_logit"))
        )
        yea_prob = self._yea_probability(inputs, eq, alpha_used, alpha_E, discipline)
        numpyro.deterministic("yea_prob", yea_prob)
        total = inputs["n_voting"]
        if self.spec["likelihood"]["rollcall"] == "beta_binomial":
            kappa = self._sample("concentration")
            rc_dist = dist.BetaBinomial(yea_prob * kappa, (1.0 - yea_prob) * kappa, total)
        else:
            rc_dist = dist.Binomial(total, probs=yea_prob)
        with numpyro.plate("rollcall_rows", yea_prob.shape[0]):
            numpyro.sample("yea_obs", rc_dist, obs=None if observed is None else observed["yea"])
        if self.districts is not None:
            self._district_block(inputs, observed, eq, lam_logit, lam)

    def _record_congress_outputs(self, eq: es.CongressEquilibrium, lam: jax.Array) -> None:
        det = numpyro.deterministic
        det("p_exit_L", eq.p_exit_L)
        det("p_exit_H", eq.p_exit_H)
        by_leader = {"L": eq.p_exit_L, "H": eq.p_exit_H}
        det("p_exit_R", by_leader[self.leaders["R"]])
        det("p_exit_D", by_leader[self.leaders["D"]])
        det("phi_L", eq.phi_L)
        det("phi_H", eq.phi_H)
        det("gamma_L", jnp.exp(eq.log_gamma_L))
        det("gamma_H", jnp.exp(eq.log_gamma_H))
        det("theta_LR", jax.nn.sigmoid(eq.u_LR))
        det("theta_HR", jax.nn.sigmoid(eq.u_HR))
        det("D_w", eq.D_w)
        det("D_l", eq.D_l)

    def _yea_probability(self, inputs, eq, alpha_used, alpha_E, discipline) -> jax.Array:
        c, is_H = inputs["congress_index"], inputs["is_H"]
        p_exit = jnp.where(is_H, eq.p_exit_H[c], eq.p_exit_L[c])
        platform = es.platform_yea_probability(p_exit, discipline)
        u_R = jnp.where(is_H, eq.u_HR[c], eq.u_LR[c])
        u_E = jnp.where(is_H, eq.u_HE[c], eq.u_LE[c])
        transfer = es.expected_transfer(alpha_used[c], alpha_E, u_R, u_E, p_exit)
        c0, c1 = self._sample("taa_intercept"), self._sample("taa_slope")
        compensation = jax.nn.sigmoid(c0 + c1 * transfer)
        kind = inputs["kind"]
        prob = jnp.where(
            kind == KINDS.index("compensation"),
            compensation,
            jnp.where(kind == KINDS.index("reversed"), 1.0 - platform, platform),
        )
        return jnp.clip(prob, 1e-9, 1.0 - 1e-9)

    def _district_block(self, inputs, observed, eq, lam_logit, lam) -> None:
        ds = self.spec["districts"]
        first = int(self.congresses[0])
        i0, i1 = ds["start_congress"] - first, ds["end_congress"] - first
        sign = -1.0 if self.leaders["R"] == "H" else 1.0
        m = self._sample("m")
        loading = self._sample("exposure_loading")
        intercept = self._sample("district_intercept")
        sigma = self._sample("district_sigma")
        numpyro.deterministic(
            "exposure_slope", es.exposure_slope(m, lam, loading, eq.D_w, eq.D_l, sign)
        )
        gap = eq.D_l - eq.D_w
        numpyro.deterministic("realigned", (jnp.sign(gap) != jnp.sign(gap[0])).astype(float))
        lam_i = es.district_loser_share(lam_logit, loading, inputs["z_exposure"])
        d_dw, d_dl = eq.D_w[i1] - eq.D_w[i0], eq.D_l[i1] - eq.D_l[i0]
        mean = sign * 100.0 * m * ((1.0 - lam_i) * d_dw + lam_i * d_dl) + intercept
        numpyro.deterministic("district_mean", mean)
        obs = None if observed is None else observed["d_rep_share"]
        mixture = ds["uncontested"] == "mixture"
        likelihood = district_distribution(
            mean, sigma, inputs["uncontested_weight"], ds["uncontested_sd_pp"], mixture
        )
        with numpyro.plate("districts", mean.shape[0]):
            numpyro.sample("district_obs", likelihood, obs=obs)


def district_distribution(
    mean: jax.Array, sigma: jax.Array, weight: jax.Array, wide_sd: float, mixture: bool
) -> dist.Distribution:
    """Normal(mean, σ_d), or for ``mixture`` the two-component mixture
    (1 − w_i)N(mean_i, σ_d) + w_i N(mean_i, σ_u) with w_i a district's uncontested weight (0 for
    contested races, so they keep the plain normal)."""
    if not mixture:
        return dist.Normal(mean, sigma)
    scales = jnp.stack([jnp.full_like(mean, sigma), jnp.full_like(mean, wide_sd)], -1)
    return dist.MixtureSameFamily(
        dist.Categorical(probs=jnp.stack([1.0 - weight, weight], axis=-1)),
        dist.Normal(jnp.stack([mean, mean], axis=-1), scales),
    )
