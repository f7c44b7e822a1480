"""Mutation check: plant plausible bugs one at a time and see whether the fast tests catch them.

Each mutant replaces one exact piece of source text (found by *searching* the package and the
benchmark baselines, not by a fixed path, so that it survives files moving between modules) in a
temporary copy of the repository, then runs the fast tests that cover that code, serially. A
mutant is *caught* when those tests fail; *missed* when they pass; *not applied* when its search
string is not found exactly once (the code changed: update the list).

Not run in CI (it takes tens of minutes on two cores). Usage::

    python -m benchmarks.mutation                # every mutant, table on stdout
    python -m benchmarks.mutation --only beta-swapped gamma-rate-as-scale
    python -m benchmarks.mutation --list         # the mutants and their tests
    python -m benchmarks.mutation --markdown docs/testing_mutants.md

The score and the list are recorded in ``docs/testing.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: what the copy needs to import the package and run the tests
COPIED = ("src", "tests", "benchmarks", "models", "data", "pyproject.toml")
#: where the search strings are looked for (relative to the copy)
SEARCHED = ("src/retrench", "benchmarks/baselines")

GVC = ("tests/gvc/test_oracles.py", "tests/gvc/test_hansen_oracles.py")
HANSEN = ("tests/gvc/test_hansen_oracles.py", "tests/gvc/test_hansen.py")
PRIORS = ("tests/bayes/test_priors_scipy.py",)
ELECTORAL = ("tests/electoral/test_oracles.py", "tests/electoral/test_electoral_structure.py")
TARIFFS = ("tests/bayes/test_tariff_oracles.py", "tests/bayes/test_censored.py")


@dataclass(frozen=True)
class Mutant:
    name: str
    kind: str
    description: str
    find: str
    replace: str
    tests: tuple[str, ...]


MUTANTS: tuple[Mutant, ...] = (
    # --- GVC threshold design -----------------------------------------------------------------
    Mutant(
        "gvc-pointwise-normaliser", "normalising term",
        "GVC pointwise log likelihood: log(2π) instead of ½ log(2π)",
        "return -0.5 * z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)",
        "return -0.5 * z**2 - np.log(sigma) - np.log(2 * np.pi)", GVC,
    ),
    Mutant(
        "gvc-pointwise-sigma", "normalising term",
        "GVC pointwise log likelihood: log σ² instead of log σ",
        "return -0.5 * z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)",
        "return -0.5 * z**2 - 2 * np.log(sigma) - 0.5 * np.log(2 * np.pi)", GVC,
    ),
    Mutant(
        "gvc-mean-no-regime", "dropped regression term",
        "GVC posterior mean (predictive draws, LOO) without the threshold regime term",
        "mean = mean + threshold_mean_shift(design, posterior.samples, posterior.phi_index_draws)",
        "mean = mean + 0.0 * threshold_mean_shift(design, posterior.samples, "
        "posterior.phi_index_draws)",
        GVC,
    ),
    Mutant(
        "gvc-integrated-dof", "normalising term",
        "GVC integrated likelihood: σ^−n instead of σ^−(n − rank D)",
        "const = -data.dof * jnp.log(sigma)",
        "const = -data.y.shape[0] * jnp.log(sigma)", GVC,
    ),
    Mutant(
        "gvc-ssr-cross-sign", "sign flip",
        "GVC one-threshold SSR: + 2δ W̃ᵀ(ỹ − Z̃β) instead of −",
        "ssr = base - 2 * delta[0] * cross + delta[0] ** 2 * data.w_norm2",
        "ssr = base + 2 * delta[0] * cross + delta[0] ** 2 * data.w_norm2", GVC,
    ),
    Mutant(
        "gvc-ssr-two-gram", "dropped regression term",
        "GVC two-threshold SSR without the cross term 2δ1δ2 W̃1ᵀW̃2",
        "+ 2 * d1 * d2 * data.gram", "+ 0 * d1 * d2 * data.gram", GVC,
    ),
    Mutant(
        "gvc-predictive-sigma-squared", "squared term",
        "GVC predictive draws with noise σ² instead of σ",
        'y_rep = mean + post.samples["sigma"][:, None] * rng.standard_normal(mean.shape)',
        'y_rep = mean + post.samples["sigma"][:, None] ** 2 * rng.standard_normal(mean.shape)',
        GVC,
    ),
    Mutant(
        "gvc-counterfactual-no-regime-switch", "dropped regression term",
        "GVC counterfactual: a shift of ω does not move ω across φ",
        "q[mask] += amount", "q[mask] += 0.0 * amount", GVC,
    ),
    Mutant(
        "gvc-counterfactual-scale", "misread parameter",
        "GVC counterfactual: raw shift multiplied by the sd instead of divided",
        "covariates[mask, design.covariate_names.index(name)] += amount / sd",
        "covariates[mask, design.covariate_names.index(name)] += amount * sd", GVC,
    ),
    # --- prior families ---------------------------------------------------------------------
    Mutant(
        "beta-swapped", "swapped parameters",
        "Beta prior family with its two parameters swapped",
        "lambda a, b: dist.Beta(a, b)", "lambda a, b: dist.Beta(b, a)", PRIORS,
    ),
    Mutant(
        "gamma-rate-as-scale", "misread parameter",
        "Gamma prior family reading `rate` as a scale",
        '("concentration", "rate"), ("concentration", "rate"), dist.Gamma)',
        '("concentration", "rate"), ("concentration", "rate"), '
        "lambda concentration, rate: dist.Gamma(concentration, 1.0 / rate))",
        PRIORS,
    ),
    Mutant(
        "exponential-rate-as-scale", "misread parameter",
        "Exponential prior family reading `rate` as a scale",
        '"exponential": PriorFamily(("rate",), ("rate",), dist.Exponential)',
        '"exponential": PriorFamily(("rate",), ("rate",), lambda rate: dist.Exponential(1 / rate))',
        PRIORS,
    ),
    Mutant(
        "lognormal-scale-as-variance", "misread parameter",
        "LogNormal prior family reading `scale` as a variance",
        '"lognormal": PriorFamily(("loc", "scale"), ("scale",), dist.LogNormal)',
        '"lognormal": PriorFamily(("loc", "scale"), ("scale",), '
        "lambda loc, scale: dist.LogNormal(loc, scale**0.5))",
        PRIORS,
    ),
    Mutant(
        "student-t-swapped", "swapped parameters",
        "Student-t prior family with df and scale swapped",
        "lambda df, loc, scale: dist.StudentT(df, loc, scale)",
        "lambda df, loc, scale: dist.StudentT(scale, loc, df)", PRIORS,
    ),
    Mutant(
        "half-t-unfolded", "normalising term",
        "half Student-t prior without the folding (density off by a factor 2)",
        "lambda df, scale: dist.FoldedDistribution(dist.StudentT(df, 0.0, scale))",
        "lambda df, scale: dist.StudentT(df, 0.0, scale)", PRIORS,
    ),
    # --- Hansen (1999) ----------------------------------------------------------------------
    Mutant(
        "hansen-critical-value-no-sqrt", "wrong critical value",
        "Hansen's c(α) = −2 ln(1 − (1 − α)) (square root dropped)",
        "return float(-2.0 * np.log(1.0 - np.sqrt(1.0 - alpha)))",
        "return float(-2.0 * np.log(1.0 - (1.0 - alpha)))", HANSEN,
    ),
    Mutant(
        "hansen-interval-chi2", "wrong critical value",
        "Hansen interval inverted with the χ²(1) quantile instead of c(α)",
        "inside = np.flatnonzero(lr <= hansen_critical_value(alpha))",
        "inside = np.flatnonzero(lr <= __import__('scipy.stats').stats.chi2.ppf(1 - alpha, 1))",
        HANSEN,
    ),
    Mutant(
        "hansen-ssr-squared-norm", "squared term",
        "Hansen's concentrated SSR dividing by ‖W̃‖⁴ instead of ‖W̃‖²",
        "return total[None, :] - cross**2 / safe[:, None]",
        "return total[None, :] - cross**2 / safe[:, None] ** 2", HANSEN,
    ),
    Mutant(
        "hansen-ssr-total", "wrong sum of squares",
        "Hansen's concentrated SSR with Σ|ỹ| instead of Σỹ²",
        "total = np.sum(y_tilde**2, axis=0)  # (B,)",
        "total = np.sum(np.abs(y_tilde), axis=0)  # (B,)", HANSEN,
    ),
    Mutant(
        "hansen-sigma2-n", "normalising term",
        "Hansen's σ̂² = S1/n instead of S1/(n − rank D)",
        "sigma2 = ssr[best] / problem.dof", "sigma2 = ssr[best] / ssr.size", HANSEN,
    ),
    # --- electoral design -------------------------------------------------------------------
    Mutant(
        "electoral-foc-sign", "sign flip in a first-order condition",
        "Proposition 1 solver: sign of the (x + α − θ) term flipped",
        "value = b_psi * (lam - one_minus) - (x + alpha - theta) * theta * one_minus",
        "value = b_psi * (lam - one_minus) + (x + alpha - theta) * theta * one_minus", ELECTORAL,
    ),
    Mutant(
        "electoral-foc-no-bias", "dropped term",
        "Proposition 1 solver ignores the leader's bias x",
        "value = b_psi * (lam - one_minus) - (x + alpha - theta) * theta * one_minus",
        "value = b_psi * (lam - one_minus) - (alpha - theta) * theta * one_minus", ELECTORAL,
    ),
    Mutant(
        "electoral-quantal-sign", "sign flip",
        "quantal response: P(exit) = σ(+Φ/τ)",
        "p_L, p_H = jax.nn.sigmoid(-phi_L / tau), jax.nn.sigmoid(-phi_H / tau)",
        "p_L, p_H = jax.nn.sigmoid(phi_L / tau), jax.nn.sigmoid(-phi_H / tau)", ELECTORAL,
    ),
    Mutant(
        "electoral-betabinomial-swapped", "swapped parameters",
        "beta-binomial roll-call likelihood with its two shape parameters swapped",
        "dist.BetaBinomial(yea_prob * kappa, (1.0 - yea_prob) * kappa, total)",
        "dist.BetaBinomial((1.0 - yea_prob) * kappa, yea_prob * kappa, total)", ELECTORAL,
    ),
    Mutant(
        "electoral-district-sign", "sign flip",
        "district block: Republicans = H read with the sign of Republicans = L",
        'sign = -1.0 if self.leaders["R"] == "H" else 1.0',
        'sign = 1.0 if self.leaders["R"] == "H" else -1.0', ELECTORAL,
    ),
    Mutant(
        "electoral-transfer-dropped", "dropped term",
        "compensation votes: the exit branch of the expected transfer dropped",
        "return (1.0 - p_exit) * (alpha_R - jax.nn.sigmoid(u_R)) + p_exit * (",
        "return (1.0 - p_exit) * (alpha_R - jax.nn.sigmoid(u_R)) + 0.0 * p_exit * (", ELECTORAL,
    ),
    Mutant(
        "electoral-baseline-foc", "sign flip in a first-order condition (baseline)",
        "the SciPy baseline's Proposition 1 residual with the (x + α − θ) sign flipped",
        "return bp * lam / (1.0 - theta) - bp * (1.0 - lam) / theta - (x + alpha - theta)",
        "return bp * lam / (1.0 - theta) - bp * (1.0 - lam) / theta + (x + alpha - theta)",
        ELECTORAL,
    ),
    # --- tariff design ----------------------------------------------------------------------
    Mutant(
        "censored-cdf-inverted", "sign flip",
        "left-censored likelihood: P(y* ≥ c) instead of P(y* ≤ c)",
        "z = (threshold - loc) / scale", "z = (loc - threshold) / scale", TARIFFS,
    ),
    Mutant(
        "tariff-trend-sign", "sign flip",
        "tariff mean with the trend's sign flipped",
        "lambda c, years: (1.0 + t_policy[c]) * jnp.exp(trend * years) - 1.0",
        "lambda c, years: (1.0 + t_policy[c]) * jnp.exp(-trend * years) - 1.0", TARIFFS,
    ),
    Mutant(
        "tariff-sigma-floor-percent", "misread parameter",
        "country error floor read in percent instead of as a fraction",
        'sigma_c = lik["sigma_floor_pct"] / 100.0 + jnp.exp(log_sigma_excess)',
        'sigma_c = lik["sigma_floor_pct"] + jnp.exp(log_sigma_excess)', TARIFFS,
    ),
    Mutant(
        "tariff-gamma-M-inverse", "sign flip",
        "γ_M solved from (t, γ_E) with 1 − t in the denominator",
        "return (8.0 * t - 1.0 + 3.0 * gamma_E) / (2.0 * (1.0 + t))",
        "return (8.0 * t - 1.0 + 3.0 * gamma_E) / (2.0 * (1.0 - t))", TARIFFS,
    ),
    Mutant(
        "tariff-eq7-constant", "wrong constant",
        "eq. 7: 58 instead of 59 in the denominator",
        "denominator = 59.0 - 9.0 * gamma_E - 8.0 * gamma_M",
        "denominator = 58.0 - 9.0 * gamma_E - 8.0 * gamma_M", TARIFFS,
    ),
    Mutant(
        "tariff-student-t-df", "misread parameter",
        "Student-t errors built with df and scale swapped",
        "return dist.StudentT(self.df, self.loc, self.scale)",
        "return dist.StudentT(self.scale, self.loc, self.df)", TARIFFS,
    ),
)  # fmt: skip


def _copy_repository(target: Path) -> None:
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.is_file():
            shutil.copy2(source, target / name)


def _locate(root: Path, text: str) -> tuple[Path | None, int]:
    """The one file under ``SEARCHED`` containing ``text`` once, and the number of matches."""
    hits: list[Path] = []
    count = 0
    for folder in SEARCHED:
        for path in sorted((root / folder).rglob("*.py")):
            n = path.read_text(encoding="utf-8").count(text)
            if n:
                hits.append(path)
                count += n
    return (hits[0] if count == 1 else None), count


def _run_tests(root: Path, tests: tuple[str, ...], python: str, timeout: float) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=f"{root / 'src'}{os.pathsep}{root}")
    env.pop("RETRENCH_REQUIRE_DATA", None)
    command = [python, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider", *tests]
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
    first = next((ln.split(" - ")[0] for ln in lines if ln.startswith(("FAILED", "ERROR"))), "")
    tail = lines[-1] if lines else done.stderr.strip()[-200:]
    return done.returncode, f"{tail}; {first}" if first else tail


def run(mutants, python: str, timeout: float, baseline: bool = True) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="retrench-mutation-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        _copy_repository(root)
        if baseline:
            suites = sorted({t for m in mutants for t in m.tests})
            rc, tail = _run_tests(root, tuple(suites), python, timeout * 3)
            print(f"baseline (no mutant): rc={rc} {tail}", flush=True)
            if rc != 0:
                raise SystemExit("the selected tests fail without any mutant: fix them first")
        for m in mutants:
            path, count = _locate(root, m.find)
            row = {"name": m.name, "kind": m.kind, "description": m.description}
            if path is None:
                row.update(status="not applied", detail=f"search string found {count} times")
            else:
                original = path.read_text(encoding="utf-8")
                path.write_text(original.replace(m.find, m.replace), encoding="utf-8")
                start = time.perf_counter()
                try:
                    rc, tail = _run_tests(root, m.tests, python, timeout)
                finally:
                    path.write_text(original, encoding="utf-8")
                status = "caught" if rc != 0 else "MISSED"
                row.update(
                    status=status,
                    detail=tail,
                    file=str(path.relative_to(root)),
                    seconds=round(time.perf_counter() - start),
                )
            results.append(row)
            print(f"{row['status']:>11}  {m.name:<38} {row.get('seconds', '-')!s:>4} s  "
                  f"{row['detail']}", flush=True)  # fmt: skip
    return results


def markdown(results: list[dict], mutants) -> str:
    by_name = {m.name: m for m in mutants}
    applied = [r for r in results if r["status"] != "not applied"]
    caught = sum(r["status"] == "caught" for r in applied)
    lines = [
        f"Score: {caught} of {len(applied)} planted bugs caught "
        f"({len(results) - len(applied)} not applied).",
        "",
        "| mutant | kind | planted bug | where | tests run | result |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        tests = ", ".join(Path(t).name for t in by_name[r["name"]].tests)
        lines.append(
            f"| `{r['name']}` | {r['kind']} | {r['description']} | `{r.get('file', '-')}` "
            f"| {tests} | {r['status']} ({r.get('seconds', '-')} s) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="names of the mutants to run")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--python", default=sys.executable, help="interpreter running pytest")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    parser.add_argument("--markdown", type=Path, help="also write the result table here")
    args = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.name:<38} {m.kind:<28} {' '.join(m.tests)}")
        return 0
    results = run(mutants, args.python, args.timeout, baseline=not args.no_baseline)
    text = markdown(results, mutants)
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    return 0 if all(r["status"] == "caught" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
