"""OLS AMCEs against hand-built least squares, clustered SEs against a hand sandwich, marginal
means against group means, the omnibus test against a hand Wald statistic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from retrench.designs.conjoint import ols
from retrench.designs.conjoint.attributes import ATTRIBUTES, effect_names
from retrench.designs.conjoint.simulate import simulate_survey, true_amce
from retrench.errors import DataError


@pytest.fixture(scope="module")
def survey():
    return simulate_survey(150, 4, seed=11, rating=True)


def hand_design(frame):
    cols = [np.ones(len(frame))]
    for attribute, level in effect_names():
        cols.append(np.array([1.0 if v == level else 0.0 for v in frame[attribute]]))
    return np.column_stack(cols)


def hand_cluster_se(x, y, groups):
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    meat = np.zeros((x.shape[1], x.shape[1]))
    labels = np.unique(groups)
    for g in labels:
        s = x[groups == g].T @ resid[groups == g]
        meat += np.outer(s, s)
    n, k, g = len(y), x.shape[1], len(labels)
    v = (g / (g - 1)) * ((n - 1) / (n - k)) * bread @ meat @ bread
    return beta, np.sqrt(np.diag(v)), v


@pytest.mark.parametrize("outcome", ["chosen", "rating"])
def test_amce_equals_lstsq_and_hand_sandwich(survey, outcome):
    x, y = hand_design(survey), survey[outcome].to_numpy(float)
    beta, se, _ = hand_cluster_se(x, y, survey["respondent"].to_numpy())
    table = ols.amce_ols(survey, outcome)
    np.testing.assert_allclose(table["estimate"], beta[1:], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(table["std_error"], se[1:], rtol=1e-8)
    np.testing.assert_allclose(table["upper"] - table["lower"], 2 * 1.6448536269514722 * se[1:])
    assert list(zip(table.attribute, table.level, strict=True)) == effect_names()


def test_marginal_means_are_group_means_with_clustered_se(survey):
    table = ols.marginal_means_ols(survey).set_index(["attribute", "level"])
    for attribute, levels in ATTRIBUTES.items():
        for level in levels:
            shown = survey[attribute] == level
            assert table.loc[(attribute, level), "estimate"] == pytest.approx(
                survey.loc[shown, "chosen"].mean(), rel=1e-12
            )
        x = np.column_stack([(survey[attribute] == lv).to_numpy(float) for lv in levels])
        _, se, _ = hand_cluster_se(
            x, survey["chosen"].to_numpy(float), survey.respondent.to_numpy()
        )
        np.testing.assert_allclose(table.loc[attribute, "std_error"].to_numpy(), se, rtol=1e-8)
    # forced choice: each attribute's marginal means average to about one half
    assert table["estimate"].groupby(level=0).mean().sub(0.5).abs().max() < 0.05


def test_subgroup_mm_differences_and_omnibus_by_hand(survey):
    table = ols.subgroup_marginal_means(survey, "party")
    diff = table[(table.group == "Republican - Democrat") & (table.attribute == "ally")]
    rep, dem = survey[survey.party == "Republican"], survey[survey.party == "Democrat"]
    for _, row in diff.iterrows():
        expected = (
            rep[rep.ally == row.level].chosen.mean() - dem[dem.ally == row.level].chosen.mean()
        )
        assert row.estimate == pytest.approx(expected, rel=1e-10)
    result = ols.omnibus_subgroup_test(survey, "party")
    x = hand_design(survey)[:, 1:]
    groups = sorted(survey.party.unique())
    g = np.column_stack([(survey.party == lv).to_numpy(float) for lv in groups[1:]])
    inter = np.column_stack([x * g[:, [j]] for j in range(g.shape[1])])
    design = np.column_stack([np.ones(len(survey)), x, g, inter])
    beta, _, v = hand_cluster_se(
        design, survey.chosen.to_numpy(float), survey.respondent.to_numpy()
    )
    q = inter.shape[1]
    wald = beta[-q:] @ np.linalg.solve(v[-q:, -q:], beta[-q:])
    assert result["statistic"] == pytest.approx(wald, rel=1e-8)
    assert result["df"] == q and result["p_value"] == pytest.approx(stats.chi2.sf(wald, q))


def test_ols_recovers_true_amce_on_a_large_survey():
    survey = simulate_survey(1500, 5, seed=21)
    table = ols.amce_ols(survey)
    truth = true_amce(n=200_000, seed=1).to_numpy()
    z = (table["estimate"].to_numpy() - truth) / table["std_error"].to_numpy()
    assert np.all(np.abs(z) < 3.5), z


def test_subgroup_needs_two_groups(survey):
    with pytest.raises(DataError, match="at least two groups"):
        ols.omnibus_subgroup_test(survey.assign(one="a"), "one")
    assert isinstance(ols.amce_ols(survey), pd.DataFrame)
