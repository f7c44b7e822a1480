"""The hierarchical Bayesian conjoint model: contract, posterior quantities against a hand
computation, agreement with OLS on a large survey, the results tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.designs.conjoint import ols
from retrench.designs.conjoint import posterior as post
from retrench.designs.conjoint.attributes import ATTRIBUTES, HYPOTHESES, effect_names
from retrench.designs.conjoint.model import ConjointModel
from retrench.designs.conjoint.results import CSV_COLUMNS, estimate_both, write_tables
from retrench.designs.conjoint.simulate import simulate_survey
from retrench.errors import DataError, SpecError

POOLED = {"structure": {"heterogeneity": "pooled"}}


@pytest.fixture(scope="module")
def small():
    return simulate_survey(40, 3, seed=2)


def test_inputs_pair_the_two_profiles_of_each_task(small):
    model = ConjointModel(small)
    first = small[small.profile == 1]
    np.testing.assert_array_equal(np.asarray(model.observed["choice"]), first.chosen.to_numpy())
    assert model.inputs["x_first"].shape == (len(first), len(effect_names()))
    assert model.moderator_names == ["ideology", "party=Independent", "party=Republican"]
    np.testing.assert_allclose(np.asarray(model.inputs["z"]).mean(axis=0), 0.0, atol=1e-12)


def test_spec_and_data_errors(small):
    with pytest.raises(SpecError, match="structure.heterogeneity"):
        ConjointModel(small, {"structure": {"heterogeneity": "mixture"}})
    with pytest.raises(DataError, match="column 'income': missing"):
        ConjointModel(small, {"data": {"moderators": ["income"]}})
    model = ConjointModel(small, {"data": {"moderators": []}})
    assert model.inputs["z"].shape == (40, 0)


def test_level_draws_match_a_hand_computation(small):
    """Marginal means from given part-worth draws, against explicit loops over profiles."""
    model = ConjointModel(small, POOLED)
    rng = np.random.default_rng(0)
    k, m = len(effect_names()), 3
    samples = {"part_worth_mean": rng.normal(size=(3, k)), "moderation": rng.normal(size=(3, m, k))}
    got = post.level_draws(model, samples, max_draws=3)
    z = np.asarray(model.inputs["z"])
    resp = np.asarray(model.inputs["respondent"])
    x1, x2 = np.asarray(model.inputs["x_first"]), np.asarray(model.inputs["x_second"])
    effects = effect_names()
    attribute, level = "firm_type", "Localized production"
    for d in range(3):
        b = samples["part_worth_mean"][d] + z @ samples["moderation"][d]
        probs = []
        for focal, opp in ((x1, x2), (x2, x1)):
            for t in range(len(resp)):
                x = focal[t].copy()
                for j, (a, _) in enumerate(effects):
                    if a == attribute:
                        x[j] = 0.0
                x[effects.index((attribute, level))] = 1.0
                u = x @ b[resp[t]] - opp[t] @ b[resp[t]]
                probs.append(1 / (1 + np.exp(-u)))
        assert got[(attribute, level)].iloc[d] == pytest.approx(np.mean(probs), rel=1e-10)


def test_hypothesis_probabilities_count_draws():
    names = effect_names()
    draws = pd.DataFrame(np.zeros((4, len(names))), columns=pd.MultiIndex.from_tuples(names))
    shock = ATTRIBUTES["shock_type"]
    draws[("shock_type", shock[3])] = [0.3, 0.3, 0.1, 0.3]
    draws[("shock_type", shock[2])] = [0.2, 0.2, 0.2, 0.2]
    draws[("shock_type", shock[1])] = [0.1, 0.25, 0.0, 0.1]
    draws[("ally", "Adversary")] = [0.1, -0.1, 0.1, 0.1]
    probs = post.hypothesis_probabilities(draws)
    assert probs["H1_systemic_strongest"] == 0.5  # draws 0 and 3
    assert probs["H2_comparative_advantage"] == 1.0
    assert probs["H3_adversary"] == 0.75 and probs["H4_autocracy"] == 0.0
    assert set(probs.index) == set(HYPOTHESES)


def test_bayes_and_ols_agree_on_a_large_survey():
    survey = simulate_survey(800, 5, seed=31)
    model = ConjointModel(survey, POOLED)
    samples = model.sample_posterior(draws=150, warmup=150, chains=1, seed=3)
    bayes = post.amce_bayes(model, samples)
    frequentist = ols.amce_ols(survey)
    z = (bayes.estimate.to_numpy() - frequentist.estimate.to_numpy()) / frequentist.std_error
    assert np.all(np.abs(z) < 2), z
    probs = post.hypothesis_probabilities(post.amce_draws(post.level_draws(model, samples)))
    assert probs.min() > 0.9  # the default truth satisfies every hypothesis, strongly


def test_hierarchical_model_samples_and_writes_tables(tmp_path):
    survey = simulate_survey(40, 4, seed=4)
    tables = estimate_both(survey, draws=40, warmup=40, chains=1, seed=1)
    written = write_tables(tables, tmp_path)
    amce = pd.read_csv(tmp_path / "amce.csv")
    mm = pd.read_csv(tmp_path / "marginal_means.csv")
    assert list(amce.columns) == CSV_COLUMNS == list(mm.columns)
    assert len(amce) == 2 * len(effect_names())
    assert len(mm) == 2 * sum(len(v) for v in ATTRIBUTES.values())
    assert set(amce.method) == {"ols", "bayes"}
    assert (amce.lower <= amce.estimate).all() and (amce.estimate <= amce.upper).all()
    assert (tmp_path / "hypotheses.csv") in written


def test_fit_follows_the_common_contract(small):
    """StructuralModel.fit (ArviZ InferenceData); needs the platform's ArviZ 1.x port."""
    model = ConjointModel(small, POOLED)
    model.fit(draws=30, chains=1, seed=1, warmup=30, prior_draws=20)
    samples = model.posterior_samples()
    assert samples["part_worth_mean"].shape == (30, len(effect_names()))


def test_predictive_checks_replicate_marginal_means(small):
    from retrench.designs.conjoint.checks import marginal_mean_check, replicated_choices

    model = ConjointModel(small, POOLED)
    prior = replicated_choices(model, draws=50, seed=1)
    assert prior.shape == (50, len(small) // 2) and set(np.unique(prior)) <= {0.0, 1.0}
    table = marginal_mean_check(model, prior)
    # the observed marginal mean of a level, by hand
    shown = small.ally == "Adversary"
    row = table[(table.attribute == "ally") & (table.level == "Adversary")].iloc[0]
    assert row.observed == pytest.approx(small.loc[shown, "chosen"].mean())
    assert 0 <= row.p_value <= 1 and row.replicated_q05 <= row.replicated_q95
    # a replicate equal to the data reproduces the observed marginal means exactly
    same = marginal_mean_check(model, np.asarray(model.observed["choice"])[None, :])
    np.testing.assert_allclose(same.observed, same.replicated_median)


def test_after_fit_and_report_hooks_write_the_results_folder(small, tmp_path):
    from retrench.designs.conjoint.hooks import after_fit, write_report

    model = ConjointModel(small, POOLED)
    model.fit(draws=30, chains=1, seed=2, warmup=30, prior_draws=10)
    lines = after_fit(model, tmp_path)
    assert any(line.startswith("P(H1_systemic_strongest)") for line in lines)
    amce = pd.read_csv(tmp_path / "amce.csv")
    assert list(amce.columns) == CSV_COLUMNS and len(amce) == 2 * len(effect_names())
    report = write_report(model, tmp_path)
    assert report.name == "report.md" and (tmp_path / "marginal_means.png").is_file()
