"""Simulator schema, embedded synthetic panels, panel preparation and error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retrench.bayes.electoral import ElectoralModel
from retrench.bayes.electoral_data import classify_rollcalls, synthetic_panels
from retrench.data.panels_electoral import ROLLCALL_PANEL_COLUMNS
from retrench.data.simulate_electoral import (
    DISTRICT_COLUMNS,
    ElectoralTruth,
    simulate_electoral,
)
from retrench.errors import DataError, DomainError, SpecError

SEED = 20250305  # data/make_electoral_synthetic.py


@pytest.fixture(scope="module")
def panels():
    return simulate_electoral(ElectoralTruth(), 3, n_districts=60)


def test_simulated_panels_have_the_real_schema(panels):
    rollcalls, districts = panels
    assert tuple(rollcalls.columns) == ROLLCALL_PANEL_COLUMNS
    assert tuple(districts.columns) == DISTRICT_COLUMNS
    assert (rollcalls["yea"] + rollcalls["nay"] == rollcalls["n_voting"]).all()
    assert rollcalls["vote_id"].str.fullmatch(r"[hs]\d+-\d{3}\.\d{4}").all()
    flagged = districts["uncontested_weight"] > 0
    assert (districts["uncontested"] == flagged).all()
    assert (districts.loc[districts["fully_uncontested_swing"], "d_rep_share"].abs() == 100).all()


def test_simulated_schema_matches_the_real_panels_when_available(panels, require_data):
    from retrench import data

    try:
        real_r, real_d = data.electoral_rollcall_panel(), data.electoral_district_panel()
    except DataError as exc:  # real data not present on this machine
        require_data(f"real data unavailable: {exc}")
    rollcalls, districts = panels
    assert list(real_r.columns) == list(rollcalls.columns)
    assert list(real_d.columns) == list(districts.columns)
    for col in ("yea", "n_voting", "congress", "district_number"):
        frame, real = (rollcalls, real_r) if col in rollcalls else (districts, real_d)
        assert frame[col].dtype == real[col].dtype, col


def test_embedded_synthetic_csvs_are_reproducible():
    rollcalls, districts = synthetic_panels()
    sim_r, sim_d = simulate_electoral(ElectoralTruth(), SEED, n_districts=200)
    pd.testing.assert_frame_equal(
        rollcalls.drop(columns="date"), sim_r.drop(columns="date"), check_dtype=False
    )
    # up to the theory layer's root-find tolerance (its solver is being changed; 1e-11 seen)
    np.testing.assert_allclose(districts["d_rep_share"], sim_d["d_rep_share"], rtol=1e-9)


def test_truth_validates_its_shapes():
    with pytest.raises(DomainError, match="alpha_R"):
        ElectoralTruth(alpha_R=(0.7, 0.71))


def test_real_roll_calls_are_classified_as_documented():
    text = pd.Series(
        [
            "TAA 2015 (H.R.1314 title II) | concur in TAA portion (failed)",
            "GSP/TAA extension 2011 (H.R.2832) | Senate passage",
            "TPA 2015 (H.R.1314 vehicle) | concur in TPA portion",
            "China PNTR | motion to recommit",
            "US-Colombia TPA (2008 rule change H.Res.1092) | resolution removing fast-track clock",
            "Trade Act of 2002 (TPA/TAA, H.R.3009) | conference report",
        ]
    )
    kinds = classify_rollcalls(text, "^(?:TAA|GSP/TAA)|TAA portion", "recommit|removing fast-track")
    assert kinds.tolist() == [
        "compensation", "compensation", "liberalizing", "reversed", "reversed", "liberalizing",
    ]  # fmt: skip


def test_exclusions_are_listed_not_silent(panels):
    rollcalls, districts = panels
    model = ElectoralModel(rollcalls, None, districts)
    n_independent = int((rollcalls["party"] == "I").sum())
    assert len(model.excluded) == n_independent
    assert set(model.excluded["reason"]) == {"party has no leader in the model (independents)"}
    assert len(model.panel) + n_independent == len(rollcalls)
    assert len(model.district_excluded) == int(districts["uncontested"].sum())
    assert len(model.districts) + len(model.district_excluded) == len(districts)
    mixture = ElectoralModel(rollcalls, {"districts": {"uncontested": "mixture"}}, districts)
    assert len(mixture.districts) == len(districts) and len(mixture.district_excluded) == 0


def test_party_mapping_is_a_spec_option(panels):
    rollcalls, _ = panels
    swapped = ElectoralModel(rollcalls, {"structure": {"republican_leader": "L"}})
    rep = swapped.panel["party"] == "R"
    assert (swapped.panel.loc[rep, "leader"] == "L").all()
    assert (swapped.panel.loc[~rep, "leader"] == "H").all()


def test_bad_inputs_name_what_is_wrong(panels):
    rollcalls, districts = panels
    bad = districts.copy()
    bad.loc[4, "d_rep_share"] = np.nan
    with pytest.raises(DataError, match=r"districts\.d_rep_share.*" + bad.loc[4, "district"]):
        ElectoralModel(rollcalls, None, bad)
    bad_r = rollcalls.copy()
    bad_r.loc[2, "yea"] = bad_r.loc[2, "n_voting"] + 1
    with pytest.raises(DataError, match="data.yea"):
        ElectoralModel(bad_r)
    with pytest.raises(SpecError, match="structure.republican_leader"):
        ElectoralModel(rollcalls, {"structure": {"republican_leader": "X"}})
    with pytest.raises(SpecError, match="data.vote_role"):
        ElectoralModel(rollcalls.drop(columns="vote_role"))
    with pytest.raises(DataError, match="data.congress"):
        ElectoralModel(rollcalls, {"structure": {"first_congress": 105}})


def test_uncontested_mixture_uses_the_data_weight(panels):
    """Under "mixture" a flagged district's density is (1 − w)N(μ, σ) + wN(μ, σ_u) with w its
    uncontested weight (hand computation with scipy); contested districts keep N(μ, σ)."""
    from scipy import stats

    from retrench.bayes.electoral import district_distribution

    _, districts = panels
    model = ElectoralModel(panels[0], {"districts": {"uncontested": "mixture"}}, districts)
    w = np.asarray(model.inputs["uncontested_weight"])
    np.testing.assert_array_equal(
        w, np.where(districts["uncontested"], districts["uncontested_weight"], 0.0)
    )
    y = districts["d_rep_share"].to_numpy()
    mean = np.linspace(-5, 5, y.size)
    got = district_distribution(mean, 7.0, w, 50.0, True).log_prob(y)
    expected = np.log((1 - w) * stats.norm.pdf(y, mean, 7.0) + w * stats.norm.pdf(y, mean, 50.0))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-9)
    plain = district_distribution(mean, 7.0, w, 50.0, False).log_prob(y)
    np.testing.assert_allclose(np.asarray(plain), stats.norm.logpdf(y, mean, 7.0), rtol=1e-9)
