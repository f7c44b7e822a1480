"""The documented real-data fit of the electoral model (docs/electoral_real_fit.md), one command::

    python -m benchmarks.electoral_real_fit --out DIR [--alt-draws 300 --alt-chains 2]

Fits the real panels twice with :func:`retrench.workflow.fitting.fit_to_folder`, both with the
spec's sampler settings (``--alt-*`` shorten the second): Democrats = H
(``structure.republican_leader = "L"``) and the seed's reading Republicans = H, into
``DIR/dem_H`` and ``DIR/rep_H``; then writes ``DIR/summary.md`` and ``DIR/summary.json``:
wall time, max R-hat, min bulk/tail ESS over the summary sites, divergences, PSIS-LOO of the
roll calls and of the districts for both readings with the SE of the pointwise difference, the
posterior predictive checks (party yea shares inside the 90 % band; exposure–vote OLS slope),
and the prior-to-posterior contraction of the scalar parameters. ``--analyse-only`` redoes the
summary from existing fits.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from retrench.bayes import electoral_checks as ck
from retrench.bayes import inference_data as idio

READINGS = {"dem_H": "L", "rep_H": "H"}  # folder -> structure.republican_leader


def fit_reading(out: Path, leader: str, **sampler) -> dict:
    """Fit the real panels with ``republican_leader = leader`` into ``out``."""
    from retrench.workflow.fitting import fit_to_folder

    start = time.perf_counter()
    outcome = fit_to_folder(
        "electoral", out, spec={"structure": {"republican_leader": leader}}, **sampler
    )
    res = {"seconds": outcome.seconds, "verdict": outcome.verdict, "reasons": outcome.reasons}
    res["total_s"] = time.perf_counter() - start
    (Path(out) / "fit_result.json").write_text(json.dumps(res, indent=1))
    return res


def _loo(idata, site: str) -> tuple[float, float, np.ndarray, float]:
    res = idio.loo(idata, site)
    return (float(res.elpd_loo), float(res.se), np.asarray(res.loo_i).ravel(),
            float(np.max(res.pareto_k)))  # fmt: skip


def reading_numbers(folder: Path) -> dict:
    """Convergence, LOO and predictive-check numbers of one fitted folder."""
    from retrench.workflow.results import load_results

    model = load_results(folder)
    idata = model.idata
    diag = pd.read_csv(folder / "diagnostics.csv")
    fit = json.loads((folder / "fit_result.json").read_text())
    shares = ck.party_share_table(model, ck._flat(idata.posterior_predictive, "yea_obs"))
    inside = (shares["observed"] >= shares["lo"]) & (shares["observed"] <= shares["hi"])
    out = {
        "republican_leader": model.spec["structure"]["republican_leader"],
        "chains": int(idata.posterior.sizes["chain"]),
        "draws": int(idata.posterior.sizes["draw"]),
        "wall_s": fit["seconds"],
        "verdict": fit["verdict"],
        "reasons": fit["reasons"],
        "max_r_hat": float(diag["r_hat"].max()),
        "min_ess_bulk": float(diag["ess_bulk"].min()),
        "min_ess_tail": float(diag["ess_tail"].min()),
        "divergences": int(np.asarray(idata.sample_stats["diverging"].values).sum()),
        "party_cells_inside_90": f"{int(inside.sum())} of {len(shares)}",
        "exposure_slope": ck.exposure_slope_check(model),
    }
    for site in ("yea_obs", "district_obs"):
        elpd, se, pointwise, kmax = _loo(idata, site)
        out[f"loo_{site}"] = {"elpd": elpd, "se": se, "max_pareto_k": kmax}
        out[f"_pointwise_{site}"] = pointwise
    con = ck.contraction(idata)
    out["contraction"] = con.loc[[i for i in con.index if "[" not in i], "contraction"].to_dict()
    return out


def compare(main: dict, alt: dict) -> dict:
    """elpd difference main − alt per observed site and its SE, sqrt(n var(pointwise diff))."""
    out = {}
    for site in ("yea_obs", "district_obs"):
        d = main[f"_pointwise_{site}"] - alt[f"_pointwise_{site}"]
        out[site] = {"elpd_diff": float(d.sum()), "se_diff": float(np.sqrt(d.size * d.var()))}
    return out


def summary_lines(numbers: dict[str, dict], diff: dict) -> list[str]:
    lines = ["| | " + " | ".join(numbers) + " |", "|---|" + "---|" * len(numbers)]
    keys = ("republican_leader", "chains", "draws", "wall_s", "verdict", "max_r_hat",
            "min_ess_bulk", "min_ess_tail", "divergences", "party_cells_inside_90")  # fmt: skip
    for key in keys:
        vals = [numbers[r][key] for r in numbers]
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in vals]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    for site in ("yea_obs", "district_obs"):
        cells = [f"{n[f'loo_{site}']['elpd']:.1f} (se {n[f'loo_{site}']['se']:.1f}, max k "
                 f"{n[f'loo_{site}']['max_pareto_k']:.2f})" for n in numbers.values()]  # fmt: skip
        lines.append(f"| elpd_loo {site} | " + " | ".join(cells) + " |")
    for r, n in numbers.items():
        s = n["exposure_slope"]
        lines.append(f"| exposure slope ({r}) | observed {s['observed']:.2f}, replicated "
                     f"{s['replicated_median']:.2f} [{s['replicated_lo']:.2f}, "
                     f"{s['replicated_hi']:.2f}], p {s['p_value']:.2f} |")  # fmt: skip
    lines += [""] + [f"elpd difference dem_H − rep_H, {site}: {d['elpd_diff']:.2f} "
                     f"(se {d['se_diff']:.2f})" for site, d in diff.items()]  # fmt: skip
    con = pd.DataFrame({r: n["contraction"] for r, n in numbers.items()})
    return lines + ["", "Contraction (1 − var_post/var_prior):", "", con.round(3).to_string()]


def analyse(out: Path) -> Path:
    numbers = {r: reading_numbers(out / r) for r in READINGS if (out / r / "fit.nc").is_file()}
    diff = compare(numbers["dem_H"], numbers["rep_H"]) if len(numbers) == 2 else {}
    lines = summary_lines(numbers, diff)
    clean = {r: {k: v for k, v in n.items() if not k.startswith("_")} for r, n in numbers.items()}
    (out / "summary.json").write_text(json.dumps({"readings": clean, "difference": diff},
                                                 indent=1, default=float))  # fmt: skip
    path = out / "summary.md"
    path.write_text("\n".join(["# Electoral model, real panels", "", *lines, ""]))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.electoral_real_fit")
    parser.add_argument("--out", type=Path, required=True)
    # the seed's reading gets the spec's sampler settings too unless these shorten it
    parser.add_argument("--alt-draws", type=int, default=None)
    parser.add_argument("--alt-warmup", type=int, default=None)
    parser.add_argument("--alt-chains", type=int, default=None)
    parser.add_argument("--analyse-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.analyse_only:
        fit_reading(args.out / "dem_H", READINGS["dem_H"])
        alt = {"draws": args.alt_draws, "warmup": args.alt_warmup, "chains": args.alt_chains}
        alt = {k: v for k, v in alt.items() if v is not None}
        fit_reading(args.out / "rep_H", READINGS["rep_H"], **alt)
    print(analyse(args.out).read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
