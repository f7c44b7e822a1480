"""The issue's targets, judged from the result files, with the reasons behind each verdict.

``target_lines(results)`` returns the Markdown of the RESULTS.md "Targets" section: one row per
target with the measured figure and met / missed / not measured, followed by the notes in
:data:`NOTES` (why a target is missed and what would close it; written from the measurements
and kept next to the code that judges them).
"""

from __future__ import annotations

THEORY_TARGET = 300.0
WARM_OVER_COLD_TARGET = 0.5
LINEAR_TOLERANCE = 1.25  # per-row gradient cost may grow by 25 % from one size to the next


def _theory(results: dict) -> tuple[str, str]:
    payload = results.get("theory")
    if not payload:
        return "not measured", ""
    largest = {}
    for r in payload["records"]:
        if r["points"] >= largest.get(r["function"], {"points": 0})["points"]:
            largest[r["function"]] = r
    worst = min(largest.values(), key=lambda r: r["speedup_jax_over_scipy"])
    verdict = "met" if worst["speedup_jax_over_scipy"] >= THEORY_TARGET else "missed"
    return verdict, (
        f"lowest speed-up at each function's largest size: {worst['speedup_jax_over_scipy']:,.0f}× "
        f"(`{worst['function']}`, {worst['points']:,} points)"
    )


def _sampling(results: dict) -> tuple[str, str]:
    payload = results.get("sampling")
    if not payload:
        return "not measured", ""
    ok = [r for r in payload["records"] if "error" not in r]
    base = next((r for r in ok if r["sampler"] == "pymc_default"), None)
    ours = [r for r in ok if r["sampler"] == "retrench_numpyro"]
    if base is None or not ours:
        return "not measured", "a sampler run failed (see the section below)"
    best = max(ours, key=lambda r: min(r["bulk_ratio_vs_pymc"], r["tail_ratio_vs_pymc"]))
    ratio = min(best["bulk_ratio_vs_pymc"], best["tail_ratio_vs_pymc"])
    return ("met" if ratio >= 1.0 else "missed"), (
        f"best retrench configuration ({best['label']}): bulk {best['bulk_ratio_vs_pymc']:.2f}×, "
        f"tail {best['tail_ratio_vs_pymc']:.2f}× PyMC default ESS/s"
    )


def _startup(results: dict) -> tuple[str, str]:
    payload = results.get("startup")
    if not payload:
        return "not measured", ""
    ok = [r for r in payload["records"] if "error" not in r]
    if not ok:
        return "not measured", "the start-up probes failed (see the section below)"
    parts = [f"{r['workload']}: warm/cold {r['warm_over_cold']:.2f}" for r in ok]
    met = all(r["warm_over_cold"] <= WARM_OVER_COLD_TARGET for r in ok)
    some = any(r["warm_over_cold"] <= WARM_OVER_COLD_TARGET for r in ok)
    return ("met" if met else "partly met" if some else "missed"), "; ".join(parts)


def _scaling(results: dict) -> tuple[str, str]:
    payload = results.get("scaling")
    if not payload:
        return "not measured", ""
    ok = sorted((r for r in payload["records"] if "error" not in r), key=lambda r: r["rows"])
    if len(ok) < 2:
        return "not measured", "fewer than two sizes ran"
    # judge each step between consecutive sizes: (gradient time / rows) must not grow
    steps = [
        (b["gradient_ms"] / b["rows"]) / (a["gradient_ms"] / a["rows"])
        for a, b in zip(ok[:-1], ok[1:], strict=True)
    ]
    worst = max(range(len(steps)), key=lambda k: steps[k])
    verdict = "met" if steps[worst] <= LINEAR_TOLERANCE else "missed"
    detail = ", ".join(
        f"{a['rows']:,}→{b['rows']:,}: {s:.2f}×"
        for a, b, s in zip(ok[:-1], ok[1:], steps, strict=True)
    )
    return verdict, f"per-row gradient cost, each step relative to the previous size: {detail}"


TARGETS = (
    ("Theory throughput ≥ 300× the SciPy loop (CPU)", "theory", _theory),
    (
        "NUTS ESS/s on the tariff design ≥ hand-written PyMC (default sampler)",
        "sampling",
        _sampling,
    ),
    ("Warm start-up ≤ ½ cold", "startup", _startup),
    ("Fit time no worse than linear in observations", "scaling", _scaling),
)

#: Per target key: why it is met or missed and what would close it (from the measurements).
NOTES: dict[str, str] = {
    "sampling": (
        "On the same simulated panel, 4 chains × (500 + 500), retrench's model with parallel "
        "chains (4 host devices on 2 cores) reached 1.02× PyMC's bulk ESS/s and 0.94× its tail "
        "ESS/s: a tie within the noise of this shared machine (load average ≈ 10 on 2 cores "
        "during the run), so the tail half of the target is formally missed. NumPyro samples "
        "faster per iteration (32 s vs 44 s) but its minimum ESS per draw is lower (471 vs 633 "
        "bulk): the slowest parameter mixes worse after NumPyro's windowed adaptation than "
        "after PyMC's. What would close it: a dense mass matrix for the 6 hyper-parameters "
        "(`dense_mass=[(...)]`), longer warm-up, or the non-centred/centred choice per block "
        "tuned on this panel; on a machine with ≥ 4 free cores parallel chains would also stop "
        "competing with each other. Vectorized chains are 2.4× slower here (every chain waits "
        'for the longest tree). PyMC\'s `nuts_sampler="numpyro"` could not run this '
        "likelihood: PyTensor's JAX backend has no `erfcx` (used by `pm.Censored`'s normal "
        "log-CDF) without tfp-nightly, and the `erfc` rewrite did not reproduce the log density "
        "(NaN), so that row is missing."
    ),
    "startup": (
        "The persistent cache stores XLA executables only. For the tariff fit (NUTS kernel, "
        "compilation-bound) the warm process skips most of the work. For a small theory batch "
        "the time goes to Python-side tracing and lowering of the optimistix solve (Newton + "
        "implicit adjoint under vmap, jacfwd for the first-order conditions), which every new "
        "process redoes; the cache cannot skip it. To close: serialise the traced theory "
        "functions with `jax.export` (StableHLO; loading skips tracing) or keep one long-lived "
        "process (the executor's workers), and trim trace size (nested jacfwd in "
        "`tariffs_equilibria`)."
    ),
    "scaling": (
        "Profile of one gradient: the hot spot is `retrench.bayes.censored.LeftCensored."
        "log_prob`, which evaluates log Φ (`log_ndtr`, a three-branch series) for every row "
        "and selects afterwards. Split by the data into uncensored rows (normal density) and "
        "censored rows (log Φ), the same value (difference 0 to 1e-16) costs 3-6× less "
        "from 1e4 rows on (columns *LeftCensored* vs *split*). The step 1e5 → 1e6 is "
        "superlinear for both forms, so the target is missed at the top size; not yet "
        "explained (likely memory traffic: each 1e6-row temporary is 8 MB, and the gradient "
        "scatters by country index). What closes it for "
        "product-level data: the tariff likelihood depends on a row only through its "
        "(country, year) cell, so rows reduce exactly to per-cell sufficient statistics (count, "
        "Σy, Σy² of uncensored rows; count of censored rows), making the gradient cost "
        "independent of the number of rows. Neither change is in a file this benchmark owns "
        "(`retrench.bayes.censored`, `TariffModel.model_inputs`); both are reported to the "
        "design's owner. Also measured: NUTS wall time at 1e3 rows is dominated by compilation "
        "and by trees at the maximum depth (1023 leapfrog steps per iteration with 100 warm-up "
        "iterations on this replicated panel), not by the per-row cost; and `fit()` keeps "
        "posterior-predictive and pointwise log-likelihood arrays of chains × draws × rows "
        "(16 GB at 1e6 rows and 2 × 1000 draws), which must be thinned or made optional at "
        "product-level sizes."
    ),
}


def target_lines(results: dict) -> list[str]:
    lines = ["| target | verdict | measured |", "|---|---|---|"]
    notes = []
    for title, key, judge in TARGETS:
        try:
            verdict, detail = judge(results)
        except (KeyError, TypeError, ValueError) as err:
            verdict, detail = "not measured", f"result file incomplete ({err})"
        lines.append(f"| {title} | **{verdict}** | {detail} |")
        if key in NOTES:
            notes += ["", f"**{title}.** {NOTES[key]}"]
    return lines + notes
