"""``retrench demo``: the theory layer on the papers' parameter values, as readable tables.

Prints, for each formal model, the equilibrium at the parameter values the papers use (or state
which values are ours), the thresholds, and comparative statics computed by automatic
differentiation through the equilibrium (implicit differentiation of the root finds). When the
estimation workflow is installed it then fits the embedded synthetic data (see ``run_demo``).
"""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from rich.console import Console
from rich.table import Table

from retrench.errors import SpecError
from retrench.theory import electoral, electoral_paper, gvc, pcbr, tariffs
from retrench.workflow import theory_figures


def _fmt(value: object, digits: int = 4) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{float(value):.{digits}f}"


def electoral_table() -> Table:
    """Seed 001: proposals, Φ_d, thresholds γ_L ≤ γ_H, exit decisions and vote gaps."""
    names = list(electoral_paper.PAPER_PARAMETERS)
    table = Table(title="Electoral exit model (Melnick 2025, seed 001)", title_justify="left")
    table.add_column("quantity")
    for name in names:
        table.add_column(name, justify="right")
    eqs = {n: electoral.equilibrium(p) for n, p in electoral_paper.PAPER_PARAMETERS.items()}
    params = electoral_paper.PAPER_PARAMETERS
    for field in ("gamma", "lam", "alpha_R", "alpha_E", "b", "psi", "x_H"):
        table.add_row(f"[dim]{field}[/dim]", *[_fmt(getattr(params[n], field), 3) for n in names])
    for label, field in (
        ("θ*_LR (Prop. 1)", "theta_LR"),
        ("θ*_LE", "theta_LE"),
        ("θ*_HR", "theta_HR"),
        ("θ*_HE", "theta_HE"),
        ("Φ_L(γ) (Prop. 2)", "phi_L"),
        ("Φ_H(γ)", "phi_H"),
    ):
        table.add_row(label, *[_fmt(getattr(eqs[n], field)) for n in names])
    table.add_row("γ_L (exit threshold)", *[_fmt(jnp.exp(eqs[n].log_gamma_L)) for n in names])
    table.add_row("γ_H (exit threshold)", *[_fmt(jnp.exp(eqs[n].log_gamma_H)) for n in names])
    table.add_row("L exits", *[_fmt(bool(eqs[n].exit_L)) for n in names])
    table.add_row("H exits", *[_fmt(bool(eqs[n].exit_H)) for n in names])
    for label, field in (("D_w", "D_w"), ("D_ℓ", "D_l"), ("π_L (Lemma 1)", "pi_L")):
        table.add_row(label, *[_fmt(getattr(eqs[n], field)) for n in names])

    def gamma_h(alpha_R, p):
        return electoral.exit_threshold(p._replace(alpha_R=alpha_R), "H")

    slopes = [jax.grad(gamma_h)(jnp.asarray(float(params[n].alpha_R)), params[n]) for n in names]
    table.add_row("∂γ_H/∂α_R (Cor. 3, > 0)", *[_fmt(s) for s in slopes])
    table.caption = (
        "The appendix example's printed numbers are not reproduced by the printed equations; "
        "see docs/replication.md (seed 001)."
    )
    return table


def tariff_table() -> Table:
    """Seed 002: Nash, reciprocal efficient (eq. 6 vs eq. 7), public-preferred, power shift."""
    ex = tariffs.PAPER_PARAMETERS
    w, public, market = ex.government, ex.public, ex.market
    table = Table(
        title="Tariff negotiation model (DeRemer 2023 after Bagwell–Staiger, seed 002)",
        title_justify="left",
    )
    for col in ("quantity", "τ_x (Home)", "τ*_y (Foreign)", "ad valorem t_x", "ad valorem t*_y"):
        table.add_column(col, justify="right" if col != "quantity" else "left")
    rows = [
        ("Nash (non-cooperative)", tariffs.nash_tariffs(w, market)),
        ("reciprocal efficient, eq. 6 (numeric)", tariffs.reciprocal_efficient_tariffs(w, market)),
        ("public-preferred reciprocal", tariffs.public_preferred_tariffs(public, market)),
    ]
    for label, sol in rows:
        table.add_row(
            label,
            _fmt(sol.tau_x),
            _fmt(sol.tau_y_star),
            _fmt(tariffs.to_ad_valorem(sol.tau_x, market)),
            _fmt(tariffs.to_ad_valorem(sol.tau_y_star, market)),
        )
    closed = tariffs.efficient_tariff_closed_form(w.gamma_E, w.gamma_M)
    table.add_row("efficient, eq. 7 (closed form)", _fmt(closed), _fmt(closed), "", "")
    shift = tariffs.power_shift(w, market)
    table.add_row(
        "power shift dτ/dλ (section 4)", _fmt(shift.dtau_x), _fmt(shift.dtau_y_star), "", ""
    )
    table.caption = (
        f"Government weights γ_E={float(w.gamma_E)}, γ_M={float(w.gamma_M)} (both countries); "
        f"public weights γ_E={float(public.gamma_E)}, γ_M={float(public.gamma_M)} (illustrative)."
    )
    return table


def gvc_table() -> Table:
    """Seed 003: R, T, thresholds of Propositions 2–4 at the paper's local shares."""
    table = Table(title="GVC participation model (Qu & Yang 2023, seed 003)", title_justify="left")
    columns = (
        "economy",
        "N",
        "μ",
        "ω",
        "R (eq. 11)",
        "T",
        "1/N",
        "max(μ,1/N)",
        "ω > 1/N",
        "ω > max(μ,1/N)",
    )
    for col in columns:
        table.add_column(col, justify="left" if col == "economy" else "right")
    for key in ("china_2004", "china_2015"):
        p = gvc.PAPER_PARAMETERS[key]
        n, mu, up, om = p["n"], p["mu"], p["upsilon"], p["omega"]
        th = gvc.thresholds(n, mu)
        table.add_row(
            key,
            str(n),
            _fmt(mu, 3),
            _fmt(om, 3),
            _fmt(gvc.R(n, mu, up)),
            _fmt(gvc.T(n, mu, up)),
            _fmt(th.proposition_2, 3),
            _fmt(th.proposition_4, 3),
            _fmt(bool(om > th.proposition_2)),
            _fmt(bool(om > th.proposition_4)),
        )
    table.caption = "υ = 0.33 as in the paper's Figure 3; R + (N−1)T = 1."
    return table


def pcbr_table() -> Table:
    """Seed 004: redistribution per unit of efficiency gain for cuts to free trade."""
    table = Table(title="Political cost–benefit ratio (Rodrik, seed 004)", title_justify="left")
    for col in ("cut τ0 → τ1", "efficiency gain", "redistribution", "PCBR"):
        table.add_column(col, justify="right")
    top = float(pcbr.prohibitive_barrier())
    for share0, share1 in ((0.8, 0.0), (0.4, 0.0), (0.2, 0.0), (0.8, 0.4)):
        tau0, tau1 = share0 * top, share1 * top
        table.add_row(
            f"{tau0:.2f} → {tau1:.2f}",
            _fmt(pcbr.efficiency_gain(tau0, tau1), 5),
            _fmt(pcbr.redistribution(tau0, tau1), 5),
            _fmt(pcbr.political_cost_benefit_ratio(tau0, tau1), 2),
        )
    table.caption = (
        f"Specific barriers in a linear import market (prohibitive barrier {top:.4f}); "
        "halving the barrier about doubles the PCBR: gains are quadratic, transfers linear."
    )
    return table


def theory_tables() -> list[Table]:
    """All theory tables, in the order the demo prints them."""
    return [electoral_table(), tariff_table(), gvc_table(), pcbr_table()]


def plot_exit_thresholds(path: Path) -> Path:
    """Seed 001 Figure 2: γ_L and γ_H against α_R/(1 − α_R) at the footnote-9 parameters."""
    alpha_R = jnp.linspace(0.45, 0.95, 200)
    ratio, gamma_L, gamma_H = electoral_paper.figure2_threshold_curves(alpha_R)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ratio, gamma_H, label="γ_H (high-bias leader)")
    ax.plot(ratio, gamma_L, label="γ_L (low-bias leader)")
    ax.fill_between(ratio, gamma_L, gamma_H, alpha=0.15, label="H exits, L remains")
    ax.set_xlabel("winners' relative gains α_R / (1 − α_R)")
    ax.set_ylabel("exit threshold on the gains from trade γ")
    ax.set_title("Exit thresholds (Melnick, Figure 2 parameters)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def run_demo(console: Console | None = None, out_dir: Path | str = "retrench-output/demo") -> None:
    """Print the theory tables, save them as text and the exit-threshold figure as PNG."""
    console = console or Console(width=max(Console().width, 110), record=True)
    out_dir = Path(out_dir)
    console.rule("[bold]retrench demo: the theory layer at the papers' parameter values")
    for table in theory_tables():
        console.print(table)
        console.print()
    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_exit_thresholds(out_dir / "exit_thresholds.png")
    figure1 = theory_figures.plot_deremer_figure1(out_dir / "deremer_figure1.png")
    figure3 = theory_figures.plot_melnick_figure3(out_dir / "melnick_figure3.png")
    if console.record:
        (out_dir / "theory_tables.txt").write_text(console.export_text())
    console.print(f"Saved: {out_dir / 'theory_tables.txt'}, {figure}, {figure1}, {figure3}")


def run_design_demo(
    name: str, out: Path | str | None = None, console: Console | None = None
) -> dict:
    """Run design ``name``'s demo hook (a fit of its embedded data), then write its results
    folder (``fit.nc``, ``spec.toml``) and report into ``out`` (default
    ``retrench-output/demo/<name>``), so ``retrench check | simulate | report OUT`` work on it."""
    from retrench.designs import registry
    from retrench.workflow.jax_cache import enable_compilation_cache
    from retrench.workflow.results import save_results

    entry = registry.get(name)
    demo = entry.hook("demo")
    if demo is None:
        raise SpecError(f"model {name!r} has no demo")
    console = console or Console()
    enable_compilation_cache()
    outcome = demo(console=console)
    out = Path(out) if out is not None else Path("retrench-output/demo") / name
    save_results(outcome["model"], out, outcome["source"])
    write_report = entry.hook("report")
    if write_report is not None:
        console.print(f"plots and report: {write_report(outcome['model'], out)}")
    return outcome


def run_design_demos(console: Console | None = None) -> list[dict]:
    """The demo of every registered design that has one."""
    from retrench.designs import registry

    return [run_design_demo(e.name, console=console) for e in registry.entries() if e.demo]
