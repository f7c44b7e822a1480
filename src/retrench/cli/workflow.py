"""CLI of the estimation workflow: ``fit``, ``check``, ``simulate``, ``report``, ``compare``.

Every estimation design registered in :mod:`retrench.designs.registry` gets the same commands:
``fit MODEL`` writes a results folder; ``check``, ``simulate`` and ``report`` read the model's
name from that folder and call that design's hooks; a design's own ``fit`` options come from its
registry entry. Each command is a thin wrapper over library functions. Any error a user can
cause (bad spec, missing data, a results folder of another model, an option of another design)
ends the command with its whole message on stderr (every place looked, every row named) and exit
code 2, never a traceback; ``check`` exits 1 when the verdict is "fail".
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from retrench.cli.errors import cli_errors
from retrench.errors import SpecError

app = typer.Typer(help="Fit, check and use the structural models.", no_args_is_help=True)
console = Console()
RESULTS_HELP = "results folder of `retrench fit`"
MODEL_HELP = "model to fit (a registered design; see the list below)"


#: the decorator of every command (:mod:`retrench.cli.errors`: exit 2 / 3, never a traceback)
user_errors = cli_errors


def parse_assignments(assignments: Sequence[str]) -> dict[str, Any]:
    """``["sampler.warmup=1500", "priors.trend.scale=0.02"]`` -> a nested spec override dict.

    Values are read as TOML scalars (numbers, booleans, quoted strings); anything else is a
    string, so ``likelihood.errors=student_t`` works without quotes.
    """
    overrides: dict[str, Any] = {}
    for item in assignments:
        key, sep, text = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+", key.strip()):
            raise SpecError(f"--set {item!r}: expected SECTION.KEY=VALUE, e.g. sampler.warmup=1500")
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        *path, last = key.strip().split(".")
        table = overrides
        for part in path:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise SpecError(f"--set {item!r}: {part} is set both as a value and a table")
        table[last] = value
    return overrides


def spec_argument(spec: Path | None, overrides: dict[str, Any], schema: Any = None) -> Any:
    """What the model constructor takes: the file, the file merged with ``--set``, or the
    ``--set`` overrides merged over the model's default file (None when nothing was given).

    A spec file stands alone with or without ``--set``: one that lacks sections of ``schema``
    is refused (never silently completed from the model's default file)."""
    from retrench.bayes.spec import deep_merge, read_spec_file

    if spec is None:
        return overrides or None
    if not overrides:
        return spec
    raw = read_spec_file(spec)
    required = {"model", "data", "priors", "likelihood", "sampler"}
    if schema is not None:
        required |= set(schema.sections)
    missing = sorted(required - set(raw))
    if missing:
        raise SpecError(
            f"--spec {spec}: missing section(s) {', '.join(missing)} (a spec file must be "
            "complete; --set changes keys of it, it does not fill in sections)"
        )
    return deep_merge(raw, overrides)


def design_options_help() -> str:
    """The ``fit`` options each design declares (its ModelEntry), for ``retrench fit --help``."""
    from retrench.designs import registry

    lines = []
    for entry in registry.entries():
        options = [
            f"--{o.replace('_', '-')} ({entry.option_help.get(o, '')})" for o in entry.options()
        ]
        lines.append(
            f"{entry.name}: {entry.description}" + (f"; {', '.join(options)}" if options else "")
        )
    return (
        "Designs and their own options (--NAME VALUE after the common options):\n\n"
        + "\n\n".join(lines)
    )


def parse_design_options(args: Sequence[str]) -> dict[str, Any]:
    """``["--thresholds", "1", "--rollcalls=r.csv"]`` -> ``{"thresholds": 1, "rollcalls": "r.csv"}``
    (values read as TOML scalars, else strings, as ``--set`` does)."""
    options: dict[str, Any] = {}
    items = list(args)
    while items:
        flag = items.pop(0)
        if not flag.startswith("--") or len(flag) < 3:
            raise SpecError(f"unexpected argument {flag!r}: expected --OPTION VALUE")
        name, sep, text = flag[2:].partition("=")
        if not sep:
            if not items or items[0].startswith("--"):
                raise SpecError(f"{flag}: expected a value after it")
            text = items.pop(0)
        try:
            value = tomllib.loads(f"v = {text.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        options[name.replace("-", "_")] = value
    return options


def _observations(model: Any) -> str:
    panel = getattr(model, "panel", None)
    if panel is not None:
        return f"{len(panel)} observations used, {len(getattr(model, 'excluded', []))} left out"
    design = getattr(model, "design", None)
    return f"{getattr(design, 'n_obs', '?')} observations used"


@app.command(
    "fit",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog=design_options_help(),
)
@user_errors
def fit(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help=MODEL_HELP)],
    out: Annotated[Path, typer.Option("--out", help="results folder to write")],
    data: Annotated[
        Path | None,
        typer.Option("--data", help="data root (folder of the dataset folders) or a panel CSV"),
    ] = None,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="the embedded synthetic data in data/")
    ] = False,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="TOML spec (default models/<model>.toml)")
    ] = None,
    assignments: Annotated[
        list[str] | None,
        typer.Option("--set", help="spec override SECTION.KEY=VALUE (repeatable)"),
    ] = None,
    draws: Annotated[int | None, typer.Option("--draws", min=1, help="draws per chain")] = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1, help="chains")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="random seed")] = None,
    warmup: Annotated[int | None, typer.Option("--warmup", min=1, help="warm-up")] = None,
    pointwise: Annotated[
        bool | None,
        typer.Option(
            "--pointwise/--no-pointwise",
            help="keep the pointwise log likelihood and predictive draws (LOO, checks); "
            "default: unless chains x draws x observations > 2.5e8",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace the results already in OUT")
    ] = False,
    backend: Annotated[
        str, typer.Option("--backend", help="numpyro (default) or pymc (needs retrench[pymc])")
    ] = "numpyro",
    sampler: Annotated[
        str, typer.Option("--sampler", help="with --backend pymc: nutpie (default) or pymc")
    ] = "nutpie",
) -> None:
    """Fit a model with NUTS and write fit.nc, spec.toml and diagnostics.csv to OUT."""
    from retrench.designs import registry
    from retrench.workflow.fitting import fit_to_folder
    from retrench.workflow.jax_cache import enable_compilation_cache
    from retrench.workflow.results_folder import check_destination, clean_leftovers

    entry = registry.get(model)
    clean_leftovers(out)
    check_destination(out, overwrite)  # before anything is loaded or fitted
    overrides = parse_assignments(assignments or [])
    options = parse_design_options(ctx.args)
    extra = {k: str(v) for k, v in options.items() if k in entry.source_options}
    registry.apply_fit_options(
        entry, overrides, {k: v for k, v in options.items() if k not in entry.source_options}
    )
    enable_compilation_cache()
    with console.status("[bold]loading data and validating the spec...") as status:
        source = entry.make_source(data, synthetic, **extra)

        def announce(fitted: Any) -> None:
            n_draws = draws or fitted.spec["sampler"]["draws"]
            n_chains = chains or fitted.spec["sampler"]["chains"]
            status.update(
                f"[bold]compiling and sampling {n_chains} chain(s) x {n_draws} draws "
                f"({_observations(fitted)})..."
            )

        outcome = fit_to_folder(
            model,
            out,
            source,
            spec_argument(spec, overrides, entry.model_class().schema),
            draws=draws,
            chains=chains,
            warmup=warmup,
            seed=seed,
            pointwise=pointwise,
            on_model=announce,
            overwrite=overwrite,
            backend=backend,
            sampler=sampler,
        )
    console.print(
        f"fitted [bold]{model}[/] in {outcome.seconds:.0f} s: "
        f"{_observations(outcome.model)}; verdict [bold]{outcome.verdict}[/]; results in {out}"
    )
    for line in [*outcome.reasons, *outcome.lines]:
        console.print(f"  - {line}")


@app.command("check")
@user_errors
def check(out: Annotated[Path, typer.Argument(help=RESULTS_HELP)]) -> None:
    """Print the diagnostics table and verdict; exit 0 on pass or warn, 1 on fail."""
    import json

    from retrench.bayes.diagnostics import FAIL, diagnose
    from retrench.bayes.render import diagnostics_table
    from retrench.workflow.fitting import summary_sites
    from retrench.workflow.results import model_class, read_attrs

    idata, attrs = read_attrs(out)
    cls = model_class(attrs["retrench_model"])
    spec = json.loads(attrs["retrench_spec"])
    diag = diagnose(
        idata,
        summary_sites(cls, idata.posterior),
        max_tree_depth=spec["sampler"]["max_tree_depth"],
    )
    console.print(diagnostics_table(diag))
    colour = {"pass": "green", "warn": "yellow", "fail": "red"}[diag.verdict]
    console.print(f"verdict: [bold {colour}]{diag.verdict}[/]")
    for reason in diag.reasons:
        console.print(f"  - {reason}")
    if diag.verdict == FAIL:
        raise typer.Exit(code=1)


def _slug(text: str) -> str:
    """A file-name part of a table title: signs, points and exponents kept (``1e+09`` stays
    ``1e+09``, ``-1.5`` stays ``-1.5``); other runs of characters become ``_``."""
    return re.sub(r"[^a-z0-9.+-]+", "_", text.lower()).strip("_.")[:80]


def counterfactual_file(out: Path, policy: str, amount: float | None, suffix: str) -> Path:
    """``OUT/counterfactual_POLICY[_amount=A][_I-TITLE].csv``, with the amount written exactly
    (``repr`` of the float: ``1000000000.0``, ``-1.5``, ``1e-09``)."""
    amount_part = "" if amount is None else f"_amount={float(amount)!r}"
    return Path(out) / f"counterfactual_{policy}{amount_part}{suffix}.csv"


@app.command("simulate")
@user_errors
def simulate(
    out: Annotated[Path, typer.Argument(help=RESULTS_HELP)],
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="counterfactual policy (omit to list the model's policies)"),
    ] = None,
    amount: Annotated[
        float | None, typer.Option("--amount", help="size of the policy, where it has one")
    ] = None,
) -> None:
    """Run a counterfactual policy over the posterior; print and save its tables (CSV in OUT)."""
    from retrench.atomic import write_atomic
    from retrench.bayes.render import frame_table
    from retrench.designs import registry
    from retrench.workflow.results import load_results, read_attrs

    if amount is not None and not math.isfinite(amount):
        raise SpecError(f"--amount: expected a finite number (got {amount})")
    _, attrs = read_attrs(out)
    module = registry.get(attrs["retrench_model"]).counterfactual_module()
    if policy is None or policy not in module.POLICIES:
        known = "; ".join(f"{name}: {text}" for name, text in module.POLICIES.items())
        if policy is None:
            console.print(f"policies of {attrs['retrench_model']}: {known}")
            return
        raise SpecError(f"--policy: unknown policy {policy!r} (known: {known})")
    with console.status("[bold]reloading data and the fit..."):
        model = load_results(out)
    with console.status(f"[bold]running {policy} over the posterior..."):
        tables = module.counterfactual_tables(model, policy, amount)
    for i, (title, table) in enumerate(tables):
        console.print(frame_table(table, title))
        suffix = "" if len(tables) == 1 else f"_{i + 1}-{_slug(title)}"
        path = counterfactual_file(out, policy, amount, suffix)
        write_atomic(path, lambda tmp, t=table: t.to_csv(tmp))
        console.print(f"written to {path}")


@app.command("report")
@user_errors
def report(out: Annotated[Path, typer.Argument(help=RESULTS_HELP)]) -> None:
    """Write plots and report.md (diagnostics, checks, LOO, counterfactuals) into OUT."""
    from retrench.bayes.pointwise import restore_pointwise
    from retrench.designs import registry
    from retrench.workflow.identification import write_identification
    from retrench.workflow.results import load_results, read_attrs

    _, attrs = read_attrs(out)
    write_report = registry.get(attrs["retrench_model"]).hook("report")
    if write_report is None:
        raise SpecError(f"model {attrs['retrench_model']!r} has no report")
    with console.status("[bold]reloading the fit and writing plots..."):
        model = load_results(out)
        restored = restore_pointwise(model)
        path = write_report(model, out)
        identification = write_identification(model, out)
    if restored:
        console.print(
            f"the fit was saved without {' and '.join(restored)}: recomputed from the posterior "
            "draws for this report (not saved)"
        )
    console.print(f"report written to {path}; identification table {identification}")


#: short column names of the compare tables (the CSV keeps ArviZ's names)
COMPARE_COLUMNS = {"elpd_loo": "elpd", "elpd_diff": "diff", "max_pareto_k": "max k"}


@app.command("compare")
@user_errors
def compare(
    outs: Annotated[list[Path], typer.Argument(help="two or more results folders of one model")],
    site: Annotated[
        list[str] | None, typer.Option("--site", help="observed site to compare (repeatable)")
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="also write the tables here")] = None,
) -> None:
    """Compare fits of the same data by PSIS-LOO (elpd, difference and its SE, Pareto k)."""
    from retrench.bayes.render import frame_table
    from retrench.workflow.compare import PARETO_K_LIMIT, compare_fits

    result = compare_fits(outs, site or None)
    for name, table in result.tables.items():
        shown = table.drop(columns=["rank", "warning"]).rename(columns=COMPARE_COLUMNS)
        console.print(frame_table(shown, f"{result.model}: PSIS-LOO of {name} (best first)"))
        unreliable = table.index[table["max_pareto_k"] > PARETO_K_LIMIT].tolist()
        if unreliable:
            console.print(f"  Pareto k > {PARETO_K_LIMIT} in {', '.join(unreliable)}: "
                          "that elpd is unreliable")  # fmt: skip
    for name, reason in result.skipped.items():
        console.print(f"  not compared: {name} ({reason})")
    console.print("diff: elpd below the best fit; dse: SE of that difference (pointwise); "
                  "a difference of several dse is clear")  # fmt: skip
    if csv is not None:
        console.print(f"tables written to {result.write_csv(csv)}")


def register(target: typer.Typer) -> None:
    """Register this module's commands on ``target`` (the ``retrench`` app)."""
    for command in app.registered_commands:
        target.registered_commands.append(command)
