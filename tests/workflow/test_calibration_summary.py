"""Calibration summaries: coverage and uniformity from hand-built ranks, the binomial range
against SciPy's binomial CDF, the simultaneous ECDF band by Monte Carlo, and the written files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from retrench.errors import SpecError
from retrench.workflow import calibration_summary as cs
from retrench.workflow.executor import RunSummary, TaskFailure
from retrench.workflow.executor_calibration import CalibrationResult


def _result(ranks, n_draws, out_dir=Path("."), failures=()):
    ranks = {k: np.asarray(v) for k, v in ranks.items()}
    summary = RunSummary(Path(out_dir), "local", 2, ["sim-00000"], [], list(failures), 12.0)
    truths = {k: np.zeros(v.shape) for k, v in ranks.items()}
    return CalibrationResult(ranks, truths, n_draws, summary)


# 19 draws: the central 90 % interval holds ranks 1..18 (0.95 <= r <= 18.05), the 50 % one
# ranks 5..14 (4.75 <= r <= 14.25).
SCALAR = [0, 10, 19, 5]  # 90 %: no yes no yes; 50 %: no yes no yes
VECTOR = [[1, 18], [4, 5], [15, 14], [9, 0]]  # 90 %: 7 of 8 (not the 0); 50 %: 5, 14, 9


def test_interval_hits_of_every_rank_value_are_the_nominal_share():
    every_rank = np.arange(20)
    hits90 = cs.central_interval_hits(every_rank, 19, 0.9)
    hits50 = cs.central_interval_hits(every_rank, 19, 0.5)
    assert list(np.flatnonzero(hits90)) == list(range(1, 19))
    assert list(np.flatnonzero(hits50)) == list(range(5, 15))
    assert hits90.mean() == 0.9 and hits50.mean() == 0.5


def test_parameter_table_pools_elements_and_matches_hand_counts():
    result = _result({"a": SCALAR, "v": VECTOR}, 19)
    table = cs.parameter_table(result)
    assert table.loc["a", "coverage_90"] == pytest.approx(2 / 4)
    assert table.loc["a", "coverage_50"] == pytest.approx(2 / 4)
    assert table.loc["v", "coverage_90"] == pytest.approx(7 / 8)
    assert table.loc["v", "coverage_50"] == pytest.approx(3 / 8)
    assert table.loc["v", ["simulations", "elements", "n_ranks"]].tolist() == [4, 2, 8]
    # the runner's own definition agrees on the pooled coverage
    assert table["coverage_90"].to_dict() == pytest.approx(result.coverage(0.9))
    # 4 data sets: 2, 3 or 4 hits hold 95 % of Binomial(4, 0.9)
    assert table.loc["a", ["range_low", "range_high"]].tolist() == [0.5, 1.0]
    assert table["in_range"].tolist() == [True, True]


def test_element_table_reports_each_element_with_its_index():
    result = _result({"a": SCALAR, "v": VECTOR, "w": np.full((4, 2, 2), 10)}, 19)
    elements = cs.element_table(result)
    assert list(elements.index[:2]) == ["v[0]", "v[1]"]
    assert "w[1,0]" in elements.index and "a" not in elements.index
    assert elements.loc["v[0]", "coverage_90"] == 1.0  # ranks 1, 4, 15, 9
    assert elements.loc["v[0]", "coverage_50"] == pytest.approx(1 / 4)  # 9
    assert elements.loc["v[1]", "coverage_90"] == pytest.approx(3 / 4)  # 18, 5, 14 (not 0)
    assert elements.loc["v[1]", "coverage_50"] == pytest.approx(2 / 4)  # 5, 14
    assert (elements["n_ranks"] == 4).all() and (elements["elements"] == 1).all()
    assert cs.element_table(_result({"a": SCALAR}, 19)).empty


def test_coverage_far_outside_the_binomial_range_is_flagged():
    ranks = {"good": np.arange(20) % 20, "bad": np.zeros(20, dtype=int)}  # every rank; all 0
    table = cs.parameter_table(_result(ranks, 19))
    assert table.loc["good", "coverage_90"] == 0.9 and table.loc["good", "in_range"]
    assert table.loc["bad", "coverage_90"] == 0.0 and not table.loc["bad", "in_range"]


def test_other_level_names_its_column():
    table = cs.parameter_table(_result({"a": SCALAR}, 19), level=0.5)
    assert "coverage_50" in table and "coverage_90" not in table
    assert (
        list(cs.parameter_table(_result({"a": SCALAR}, 19), level=0.8).columns).count("coverage_80")
        == 1
    )


def _hand_chisquare_pvalue(ranks, group_sizes):
    edges = np.cumsum([0, *group_sizes])
    observed = [
        sum(1 for r in ranks if lo <= r < hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)
    ]
    expected = [len(ranks) * g / edges[-1] for g in group_sizes]
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    return stats.chi2.sf(statistic, len(group_sizes) - 1)


def test_uniformity_pvalue_uses_exact_expected_counts():
    rng = np.random.default_rng(3)
    ranks = rng.integers(0, 101, size=300)
    # 101 rank values in 10 groups: one of 11 values, nine of 10
    expected = _hand_chisquare_pvalue(ranks.tolist(), [11] + [10] * 9)
    assert cs.rank_uniformity_pvalue(ranks, 100) == pytest.approx(expected, rel=1e-10)
    # every rank value exactly once is perfectly uniform: chi-square 0, p = 1
    assert cs.rank_uniformity_pvalue(np.arange(101), 100) == pytest.approx(1.0)
    assert cs.rank_uniformity_pvalue(np.zeros(50, dtype=int), 100) < 1e-10


@pytest.mark.parametrize("n", [4, 20, 32, 50, 200])
@pytest.mark.parametrize("level", [0.5, 0.9])
def test_binomial_range_is_the_central_95_percent_of_the_hits(n, level):
    low, high = cs.binomial_coverage_range(n, level)
    cdf = stats.binom.cdf(np.arange(n + 1), n, level)
    first_above = lambda q: int(np.argmax(cdf >= q - 1e-12))  # noqa: E731  smallest k, F(k) >= q
    assert (low * n, high * n) == pytest.approx((first_above(0.025), first_above(0.975)))
    k_low, k_high = round(low * n), round(high * n)
    assert stats.binom.cdf(k_high, n, level) - stats.binom.cdf(k_low - 1, n, level) >= 0.95


def test_binomial_range_of_the_documented_studies():
    assert cs.binomial_coverage_range(50) == pytest.approx((0.82, 0.98))
    assert cs.binomial_coverage_range(32) == pytest.approx((25 / 32, 1.0))


def test_simultaneous_band_holds_95_percent_of_uniform_rank_ecdfs():
    n_draws, n_ranks = 99, 50
    grid = np.linspace(0, 1, cs.ECDF_GRID_POINTS)
    null = cs.uniform_rank_cdf(grid, n_draws)
    assert null[0] == 0 and null[-1] == 1 and np.all(np.abs(null - grid) <= 0.5 / (n_draws + 1))
    low, high = cs.simultaneous_ecdf_band(n_ranks, null)
    rng = np.random.default_rng(12345)  # independent of the band's own simulations
    inside = []
    for _ in range(2000):
        u = cs.fractional_ranks(rng.integers(0, n_draws + 1, n_ranks), n_draws)
        diff = np.searchsorted(np.sort(u), grid, side="right") / n_ranks - null
        inside.append(bool(np.all((diff >= low - 1e-12) & (diff <= high + 1e-12))))
    assert 0.93 <= np.mean(inside) <= 0.975
    # wider than the pointwise 95 % band inside (0, 1)
    pointwise = 1.96 * np.sqrt(null * (1 - null) / n_ranks)
    middle = (null > 0.1) & (null < 0.9)
    assert np.all(high[middle] > pointwise[middle]) and np.all(low[middle] < -pointwise[middle])


def test_write_summary_writes_tables_figures_and_markdown(tmp_path):
    failure = TaskFailure("sim-00003", 7, 2, "boom")
    result = _result({"a": SCALAR, "v": VECTOR}, 19, tmp_path / "tasks", [failure])
    path = cs.write_summary(
        result, tmp_path, title="Toy SBC", settings={"draws": 19}, notes="Hand-built ranks."
    )
    assert path == tmp_path / "summary.md"
    names = {"summary.md", "coverage.csv", "coverage_elements.csv", "sbc_ranks.png", "sbc_ecdf.png"}
    assert {p.name for p in tmp_path.iterdir() if p.is_file()} == names  # no temporary files
    for png in ("sbc_ranks.png", "sbc_ecdf.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(tmp_path / "coverage.csv", index_col=0)
    pd.testing.assert_frame_equal(table, cs.parameter_table(result), check_dtype=False)
    elements = pd.read_csv(tmp_path / "coverage_elements.csv").set_index("parameter")
    assert elements.loc["v[1]", "coverage_90"] == pytest.approx(3 / 4)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Toy SBC\n") and "Hand-built ranks." in text
    assert "4 simulated data sets (1 failed, listed in tasks/failures.json), draws = 19" in text
    assert "| a | 4 | 4 | 0.500 | 0.500 |" in text
    assert "| v | 4 | 8 | 0.875 | 0.375 |" in text
    assert "[0.50, 1.00] | yes |" in text
    assert "Elements outside their range: none." in text
    assert "(sbc_ranks.png)" in text and "(sbc_ecdf.png)" in text


def test_write_summary_with_other_file_names_and_level(tmp_path):
    files = cs.SummaryFiles("calibration.md", "calibration.csv", "el.csv", "r.png", "e.png")
    result = _result({"a": np.zeros(20, dtype=int)}, 19)
    path = cs.write_summary(
        result, tmp_path / "new", title="t", settings={}, level=0.5, files=files
    )
    assert path.name == "calibration.md"
    assert {p.name for p in path.parent.iterdir()} == {
        "calibration.md", "calibration.csv", "el.csv", "r.png", "e.png"
    }  # fmt: skip
    assert "| a | 20 | 20 | 0.000 |" in path.read_text() and "**no**" in path.read_text()
    assert pd.read_csv(path.parent / "el.csv").empty


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        cs.write_atomic(target, broken)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["summary.md"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cs.parameter_table(_result({"a": SCALAR}, 19), level=1.5), "level must be in"),
        (lambda: cs.parameter_table(_result({}, 19)), "no parameters"),
        (lambda: cs.rank_uniformity_pvalue(np.array([0, 25]), 19), r"ranks must lie in 0\.\.19"),
        (lambda: cs.binomial_coverage_range(0), "n_datasets must be >= 1"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(SpecError, match=message):
        call()
