"""Coverage of the φ intervals (Bayes vs Hansen): one fast case, and the full study as slow."""

from __future__ import annotations

import pytest

from retrench.workflow.hansen_coverage import run_coverage_study


def test_coverage_study_fast_case(sampler_one):
    study = run_coverage_study(n_panels=3, seed=500, sampler=sampler_one)
    runs = study.runs
    assert len(runs) == 3
    assert set(study.summary.method) == {"bayes", "hansen"}
    # strong default effect: both intervals are narrow and both cover the truth
    assert runs.bayes_covers.all() and runs.hansen_covers.all()
    assert (runs.bayes_lower <= runs.bayes_estimate).all()
    assert (runs.bayes_estimate < runs.bayes_upper).all()
    assert (runs.bayes_width < 0.03).all()
    assert (runs.bayes_seconds > 0).all()


@pytest.mark.slow
def test_coverage_study_full():
    """≥ 200 paper-sized panels: neither 90 % interval under-covers.

    Both are unions of whole grid cells, so with a sharp threshold they over-cover (measured:
    Bayes 0.985, Hansen 0.975 at δ = −0.6); the check is against under-coverage.
    """
    study = run_coverage_study(n_panels=200, draws=300, warmup=300, chains=2, seed=1000)
    summary = study.summary.set_index("method")
    assert summary.loc["bayes", "coverage"] >= 0.85
    assert summary.loc["hansen", "coverage"] >= 0.85
    assert summary.loc["bayes", "mean_abs_error"] < 0.01
