r"""Hierarchical Bayesian conjoint model in the common model contract (DESIGN.md section 2).

Random-utility logit for paired forced choice (the multinomial logit of conjoint analysis with
respondent-level part-worths, e.g. Allenby & Rossi 1998):

    b_i = B + Γ' z_i + τ ⊙ η_i,   η_i ~ N(0, I)            (non-centred; "pooled": τ η_i = 0)
    P(profile 1 of task t chosen) = logistic((x_t1 − x_t2)' b_{i(t)})

| code | symbol | meaning |
|---|---|---|
| ``part_worth_mean`` | B (K) | part-worths of the average respondent (z centred), utility scale |
| ``moderation`` | Γ (M × K) | shift of each part-worth per unit of each moderator |
| ``heterogeneity_sd`` | τ (K) | sd of respondent part-worths around B + Γ'z |
| ``respondent_z`` | η (N × K) | standardised respondent deviations |
| ``choice`` | y_t | observed: 1 when profile 1 of task t was chosen |

x are the indicators of the non-reference levels (:func:`.encoding.attribute_dummies`), z the
centred moderators (:func:`.encoding.moderator_matrix`). What is identified from what: B and Γ
from the choices of all respondents (the design is randomised, so attribute effects are
unconfounded); τ from the variation of choices *within* respondents across tasks, weakly with
few tasks per respondent (its prior matters then). AMCEs and marginal means are posterior
quantities over the observed design (:mod:`.posterior`), on the probability scale of the OLS
estimates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
from numpyro.infer import MCMC, NUTS

from retrench.bayes.base import StructuralModel
from retrench.bayes.priors import prior_distribution
from retrench.designs.conjoint.attributes import effect_names
from retrench.designs.conjoint.encoding import (
    attribute_dummies,
    moderator_matrix,
    respondent_index,
)
from retrench.designs.conjoint.spec import CONJOINT_SCHEMA
from retrench.designs.conjoint.survey import validate_survey
from retrench.errors import DataError

STANDARD_COLUMNS = ("respondent", "task", "profile", "chosen")


class ConjointModel(StructuralModel):
    """Hierarchical logit on a long-format paired conjoint survey (see the module docstring).

    Args:
        data: the survey (:mod:`.survey` format; column names mapped by ``[data]``).
        spec: None (``models/conjoint.toml``), a TOML path, or a dict merged over the default.
    """

    schema = CONJOINT_SCHEMA
    observed_sites = ("choice",)
    summary_sites = ("part_worth_mean", "moderation", "heterogeneity_sd")

    def prepare_panel(self, data: pd.DataFrame) -> pd.DataFrame:
        names = self.spec["data"]
        renamed = data.rename(columns={names[k]: k for k in STANDARD_COLUMNS if names[k] != k})
        source = str(data.attrs.get("source", "<DataFrame>"))
        panel = validate_survey(renamed, source=source, respondent_columns=names["moderators"])
        if "chosen" not in panel.columns:
            raise DataError(f"{source}: the Bayesian model needs the forced-choice column 'chosen'")
        return panel.sort_values(["respondent", "task", "profile"], kind="stable").reset_index(
            drop=True
        )

    def model_inputs(self, panel: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        x = attribute_dummies(panel)
        codes, ids = respondent_index(panel)
        z, self.moderator_names = moderator_matrix(panel, self.spec["data"]["moderators"])
        self.respondent_ids = ids
        inputs = {
            "x_first": jnp.asarray(x[0::2]),
            "x_second": jnp.asarray(x[1::2]),
            "respondent": jnp.asarray(codes[0::2]),
            "z": jnp.asarray(z),
        }
        observed = {"choice": jnp.asarray(panel["chosen"].to_numpy()[0::2], dtype=float)}
        return inputs, observed

    def coords_and_dims(self) -> tuple[dict[str, Sequence[Any]], dict[str, list[str]]]:
        effects = [f"{a}: {level}" for a, level in effect_names()]
        coords = {
            "effect": effects,
            "moderator": list(self.moderator_names),
            "respondent": [str(r) for r in self.respondent_ids],
            "task_pair": list(range(len(self.observed["choice"]))),
        }
        dims = {
            "part_worth_mean": ["effect"],
            "moderation": ["moderator", "effect"],
            "heterogeneity_sd": ["effect"],
            "respondent_z": ["respondent", "effect"],
            "choice": ["task_pair"],
        }
        return coords, dims

    def model(self, inputs: Mapping[str, Any], observed: Mapping[str, Any] | None) -> None:
        priors = self.spec["priors"]
        n_effects = inputs["x_first"].shape[1]
        n_resp = int(inputs["z"].shape[0])
        n_mod = int(inputs["z"].shape[1])
        mean = numpyro.sample(
            "part_worth_mean",
            prior_distribution(priors["part_worth_mean"]).expand([n_effects]).to_event(1),
        )
        b = jnp.broadcast_to(mean, (n_resp, n_effects))
        if n_mod:
            gamma = numpyro.sample(
                "moderation",
                prior_distribution(priors["moderation"]).expand([n_mod, n_effects]).to_event(2),
            )
            b = b + inputs["z"] @ gamma
        if self.spec["structure"]["heterogeneity"] == "hierarchical":
            tau = numpyro.sample(
                "heterogeneity_sd",
                prior_distribution(priors["heterogeneity_sd"]).expand([n_effects]).to_event(1),
            )
            eta = numpyro.sample(
                "respondent_z", dist.Normal(0.0, 1.0).expand([n_resp, n_effects]).to_event(2)
            )
            b = b + tau * eta
        diff = inputs["x_first"] - inputs["x_second"]
        logits = jnp.sum(diff * b[inputs["respondent"]], axis=-1)
        numpyro.sample(
            "choice",
            dist.Bernoulli(logits=logits).to_event(1),
            obs=None if observed is None else observed["choice"],
        )

    def respondent_part_worths(self, samples: Mapping[str, Any]) -> jax.Array:
        """b_i for every draw: (draws, N, K), from flat posterior ``samples``."""
        mean = jnp.asarray(samples["part_worth_mean"])
        n_resp = self.inputs["z"].shape[0]
        b = jnp.broadcast_to(mean[:, None, :], (mean.shape[0], n_resp, mean.shape[1]))
        if "moderation" in samples:
            b = b + jnp.einsum("nm,dmk->dnk", self.inputs["z"], jnp.asarray(samples["moderation"]))
        if "respondent_z" in samples:
            tau = jnp.asarray(samples["heterogeneity_sd"])
            b = b + tau[:, None, :] * jnp.asarray(samples["respondent_z"])
        return b

    def sample_posterior(
        self,
        draws: int | None = None,
        warmup: int | None = None,
        chains: int | None = None,
        seed: int | None = None,
    ) -> dict[str, np.ndarray]:
        """NUTS draws of the latent sites, flattened over chains, without building
        InferenceData (for simulation studies: coverage, power). :meth:`fit` is the full run."""
        settings = self._sampler_settings(draws, chains, seed)
        mcmc = MCMC(
            NUTS(
                self.model,
                target_accept_prob=settings["target_accept"],
                max_tree_depth=settings["max_tree_depth"],
            ),
            num_warmup=settings["warmup"] if warmup is None else warmup,
            num_samples=settings["draws"],
            num_chains=settings["chains"],
            chain_method=settings["chain_method"],
            progress_bar=False,
        )
        mcmc.run(jax.random.PRNGKey(settings["seed"]), self.inputs, self.observed)
        return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}
