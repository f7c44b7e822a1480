# ruff: noqa: E501  (tables of cases: one case per line reads better than wrapped)
"""Bad inputs the way users produce them (issue 13), table-driven: every case asserts the exit
code (CLI) or the exception (Python API) and that the message names the file / column / line /
parameter and what was expected. No traceback, no silent acceptance.

CLI cases run in-process through Typer's CliRunner. One tiny toy fit is shared by the cases that
need a results folder (module-scoped fixture).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from typer.testing import CliRunner

from retrench.cli import app
from retrench.designs import registry
from retrench.errors import DataError, DomainError, SpecError
from retrench.resources import embedded_file

runner = CliRunner()
FAST = ["--draws", "30", "--warmup", "30", "--chains", "1"]
jax.config.update("jax_enable_x64", True)


# --- shared fixtures -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def toy_fit(tmp_path_factory) -> Path:
    """One tiny fit of the toy design (tests/designs_fixture/toy), shared by the module."""
    registry.register_package("toy", "tests.designs_fixture.toy")
    out = tmp_path_factory.mktemp("toyfit") / "fit"
    result = runner.invoke(app, ["fit", "toy", "--synthetic", "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    yield out
    registry.unregister("toy")


def _copy_fit(toy_fit: Path, tmp_path: Path, damage: Callable[[Path], None] | None) -> Path:
    folder = tmp_path / "damaged"
    shutil.copytree(toy_fit, folder)
    if damage is not None:
        damage(folder / "fit.nc")
    return folder


# --- panel CSVs: corrupted copies of the embedded synthetic panels ----------------------------
def _lines(layout: str) -> list[str]:
    name = {"tariffs": "tariffs_synthetic.csv", "gvc": "gvc_synthetic.csv"}[layout]
    return embedded_file(name).read_text(encoding="utf-8").splitlines()


def _set_cell(layout: str, line: int, column: str, value: str) -> str:
    lines = _lines(layout)
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _drop_column(layout: str, column: str) -> str:
    lines = _lines(layout)
    i = lines[0].split(",").index(column)
    return (
        "\n".join(",".join(c for j, c in enumerate(r.split(",")) if j != i) for r in lines) + "\n"
    )


def _duplicate_line(layout: str, line: int) -> str:
    lines = _lines(layout)
    return "\n".join([*lines[:line], lines[line - 1], *lines[line:]]) + "\n"


def _truncated(layout: str) -> str:
    text = "\n".join(_lines(layout)) + "\n"
    return text[: len(text) // 2].rstrip("\n")[:-2]  # cut inside a number


@dataclass(frozen=True)
class CsvCase:
    id: str
    layout: str
    content: Callable[[], str | bytes]
    expected: tuple[str, ...]


CSV_CASES = [
    CsvCase("tariffs-empty", "tariffs", lambda: b"", ("is empty", "expected a header")),
    CsvCase("tariffs-blank", "tariffs", lambda: "\n\n", ("is empty",)),
    CsvCase("tariffs-header-only", "tariffs", lambda: _lines("tariffs")[0] + "\n",
            ("only a header line", "no data rows")),
    CsvCase("tariffs-latin1", "tariffs", lambda: _set_cell("tariffs", 3, "country_name", "Cura\xe7ao").encode("latin-1"),
            ("line 3", "not UTF-8", "0xe7")),
    CsvCase("tariffs-truncated", "tariffs", lambda: _truncated("tariffs"), ("truncated", "line ")),
    CsvCase("tariffs-duplicate-row", "tariffs", lambda: _duplicate_line("tariffs", 5),
            ("country_code", "year", "line ")),
    CsvCase("tariffs-5000pct", "tariffs", lambda: _set_cell("tariffs", 4, "tariff_applied_pct", "5000"),
            ("tariff_applied_pct", "line 4", "5000", "1000")),
    CsvCase("tariffs-negative", "tariffs", lambda: _set_cell("tariffs", 6, "tariff_applied_pct", "-3.5"),
            ("tariff_applied_pct", "line 6", "-3.5", "in [0, 1000]")),
    CsvCase("tariffs-fractional-year", "tariffs", lambda: _set_cell("tariffs", 7, "year", "2003.5"),
            ("year", "line 7", "2003.5", "int")),
    CsvCase("tariffs-year-1800", "tariffs", lambda: _set_cell("tariffs", 8, "year", "1800"),
            ("year", "line 8", "1800", "1960")),
    CsvCase("tariffs-text-in-number", "tariffs", lambda: _set_cell("tariffs", 9, "tariff_applied_pct", "abc"),
            ("tariff_applied_pct", "line 9", "abc", "float")),
    CsvCase("tariffs-inf", "tariffs", lambda: _set_cell("tariffs", 10, "tariff_mfn_pct", "inf"),
            ("tariff_mfn_pct", "line 10", "inf")),
    CsvCase("tariffs-missing-column", "tariffs", lambda: _drop_column("tariffs", "tariff_applied_pct"),
            ("tariff_applied_pct", "column missing")),
    CsvCase("tariffs-missing-year", "tariffs", lambda: _drop_column("tariffs", "year"),
            ("year", "column missing")),
    CsvCase("tariffs-bad-code", "tariffs", lambda: _set_cell("tariffs", 11, "country_code", "usa!"),
            ("country_code", "line 11", "usa!", "[A-Z0-9]{3}")),
    CsvCase("tariffs-empty-code", "tariffs", lambda: _set_cell("tariffs", 12, "country_code", ""),
            ("country_code", "line 12", "not empty")),
    CsvCase("tariffs-bad-region", "tariffs", lambda: _set_cell("tariffs", 13, "region", "Atlantis"),
            ("region", "line 13", "Atlantis", "one of")),
    CsvCase("tariffs-bad-income", "tariffs", lambda: _set_cell("tariffs", 14, "income_group", "Rich"),
            ("income_group", "line 14", "Rich")),
    CsvCase("tariffs-bad-bool", "tariffs", lambda: _set_cell("tariffs", 15, "suspect", "maybe"),
            ("suspect", "line 15", "maybe")),
    CsvCase("tariffs-bad-aggregate", "tariffs", lambda: _set_cell("tariffs", 16, "is_aggregate", "yes"),
            ("is_aggregate", "line 16", "yes")),
    CsvCase("tariffs-empty-year", "tariffs", lambda: _set_cell("tariffs", 17, "year", ""),
            ("year", "line 17", "not empty")),
    CsvCase("tariffs-nan-year", "tariffs", lambda: _set_cell("tariffs", 18, "year", "nan"),
            ("year", "line 18", "nan")),
    CsvCase("gvc-empty", "gvc", lambda: b"", ("is empty",)),
    CsvCase("gvc-header-only", "gvc", lambda: _lines("gvc")[0] + "\n", ("no data rows",)),
    CsvCase("gvc-truncated", "gvc", lambda: _truncated("gvc"), ("truncated",)),
    CsvCase("gvc-share-1.7", "gvc", lambda: _set_cell("gvc", 4, "mu", "1.7"),
            ("mu", "line 4", "1.7", "in [0, 1]")),
    CsvCase("gvc-omega-negative", "gvc", lambda: _set_cell("gvc", 5, "omega", "-0.2"),
            ("omega", "line 5", "-0.2")),
    CsvCase("gvc-upsilon-text", "gvc", lambda: _set_cell("gvc", 6, "upsilon", "high"),
            ("upsilon", "line 6", "high")),
    CsvCase("gvc-participation-3", "gvc", lambda: _set_cell("gvc", 7, "gvc_participation", "3"),
            ("gvc_participation", "line 7", "3")),
    CsvCase("gvc-duplicate", "gvc", lambda: _duplicate_line("gvc", 9), ("country", "year", "line ")),
    CsvCase("gvc-missing-omega", "gvc", lambda: _drop_column("gvc", "omega"), ("omega", "column missing")),
    CsvCase("gvc-fractional-year", "gvc", lambda: _set_cell("gvc", 10, "year", "2001.25"),
            ("year", "line 10", "2001.25")),
    CsvCase("gvc-growth-5", "gvc", lambda: _set_cell("gvc", 11, "gr", "5"), ("gr", "line 11", "5")),
    CsvCase("gvc-empty-country", "gvc", lambda: _set_cell("gvc", 12, "country", ""),
            ("country", "line 12", "not empty")),
    CsvCase("gvc-nonutf8", "gvc", lambda: b"\xff\xfe" + "\n".join(_lines("gvc")).encode() + b"\n",
            ("line 1", "not UTF-8")),
]  # fmt: skip


def _write(tmp_path: Path, case: CsvCase) -> Path:
    path = tmp_path / f"{case.id}.csv"
    content = case.content()
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _assert_user_error(result, expected: tuple[str, ...], code: int = 2) -> None:
    text = " ".join(result.output.split())
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    for part in expected:
        assert " ".join(part.split()) in text, f"{part!r} not in: {result.output}"


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.id for c in CSV_CASES])
def test_panel_csv_on_the_command_line(case: CsvCase, tmp_path) -> None:
    path = _write(tmp_path, case)
    result = runner.invoke(app, ["fit", case.layout, "--data", str(path),
                                 "--out", str(tmp_path / "out"), *FAST])  # fmt: skip
    _assert_user_error(result, (path.name, *case.expected))
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.parametrize("case", CSV_CASES[::3], ids=[c.id for c in CSV_CASES[::3]])
def test_panel_csv_in_python(case: CsvCase, tmp_path) -> None:
    from retrench.data.sources import read_panel_csv

    path = _write(tmp_path, case)
    with pytest.raises(DataError) as info:
        read_panel_csv(path, case.layout)
    text = " ".join(str(info.value).split())
    assert path.name in text and all(" ".join(p.split()) in text for p in case.expected)


# --- command-line options and spec files ------------------------------------------------------
def _partial_spec(tmp_path: Path) -> Path:
    path = tmp_path / "partial.toml"
    path.write_text('[model]\nname = "gvc"\ndescription = "x"\n', encoding="utf-8")
    return path


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a_file.txt"
    path.write_text("x")
    return path


def _full_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep")
    return folder


OPTION_CASES: list[tuple[str, Callable[[Path], list[str]], int, tuple[str, ...]]] = [
    ("unknown-model", lambda t: ["fit", "nope", "--out", str(t / "o")], 2, ("unknown model 'nope'",)),
    ("data-missing", lambda t: ["fit", "gvc", "--data", str(t / "no.csv"), "--out", str(t / "o")], 2,
     ("no.csv", "neither a CSV file nor a folder")),
    ("data-not-csv", lambda t: ["fit", "gvc", "--data", str(_a_file(t)), "--out", str(t / "o")], 2,
     ("a_file.txt", "expected a GVC panel .csv")),
    ("synthetic-and-data", lambda t: ["fit", "gvc", "--synthetic", "--data", str(t), "--out", str(t / "o")],
     2, ("--synthetic and --data",)),
    ("set-no-equals", lambda t: ["fit", "gvc", "--synthetic", "--set", "sampler.draws", "--out", str(t / "o")],
     2, ("sampler.draws", "SECTION.KEY=VALUE")),
    ("set-no-section", lambda t: ["fit", "gvc", "--synthetic", "--set", "draws=5", "--out", str(t / "o")],
     2, ("draws=5", "SECTION.KEY=VALUE")),
    ("set-unknown-key", lambda t: ["fit", "gvc", "--synthetic", "--set", "sampler.speed=5", "--out", str(t / "o")],
     2, ("sampler.speed", "unknown key")),
    ("set-unknown-section", lambda t: ["fit", "gvc", "--synthetic", "--set", "turbo.x=1", "--out", str(t / "o")],
     2, ("turbo", "unknown section")),
    ("set-draws-zero", lambda t: ["fit", "gvc", "--synthetic", "--set", "sampler.draws=0", "--out", str(t / "o")],
     2, ("sampler.draws",)),
    ("set-chain-method", lambda t: ["fit", "gvc", "--synthetic", "--set", "sampler.chain_method=warp",
                                    "--out", str(t / "o")], 2, ("sampler.chain_method", "warp")),
    ("set-target-accept", lambda t: ["fit", "gvc", "--synthetic", "--set", "sampler.target_accept=1.5",
                                     "--out", str(t / "o")], 2, ("sampler.target_accept",)),
    ("set-reference-year-1800", lambda t: ["fit", "tariffs", "--synthetic", "--set", "data.reference_year=1800",
                                           "--out", str(t / "o")], 2, ("data.reference_year", "1800", "1960")),
    ("set-reference-year-text", lambda t: ["fit", "tariffs", "--synthetic", "--set", "data.reference_year=soon",
                                           "--out", str(t / "o")], 2, ("data.reference_year", "integer year")),
    ("set-likelihood-family", lambda t: ["fit", "tariffs", "--synthetic", "--set", "likelihood.family=cauchy",
                                         "--out", str(t / "o")], 2, ("likelihood.family", "cauchy")),
    ("set-table-and-value", lambda t: ["fit", "gvc", "--synthetic", "--set", "a.b=1", "--set", "a.b.c=2",
                                       "--out", str(t / "o")], 2, ("a.b.c=2", "both as a value and a table")),
    ("spec-missing-file", lambda t: ["fit", "gvc", "--synthetic", "--spec", str(t / "none.toml"),
                                     "--out", str(t / "o")], 2, ("none.toml",)),
    ("spec-partial", lambda t: ["fit", "gvc", "--synthetic", "--spec", str(_partial_spec(t)),
                                "--out", str(t / "o")], 2, ("missing section",)),
    ("spec-partial-with-set", lambda t: ["fit", "gvc", "--synthetic", "--spec", str(_partial_spec(t)),
                                         "--set", "sampler.draws=10", "--out", str(t / "o")], 2,
     ("partial.toml", "missing section", "priors", "sampler")),
    ("spec-not-toml", lambda t: ["fit", "gvc", "--synthetic", "--spec", str(_a_file(t)),
                                 "--out", str(t / "o")], 2, ("a_file.txt",)),
    ("out-is-file", lambda t: ["fit", "gvc", "--synthetic", "--out", str(_a_file(t))], 2,
     ("a_file.txt", "is a file")),
    ("out-not-empty", lambda t: ["fit", "gvc", "--synthetic", "--out", str(_full_folder(t))], 2,
     ("mine.txt", "--overwrite")),
    ("out-parent-missing", lambda t: ["fit", "gvc", "--synthetic", "--out", str(t / "a" / "b" / "c")], 2,
     ("parent folder", "does not exist")),
    ("draws-zero", lambda t: ["fit", "gvc", "--synthetic", "--draws", "0", "--out", str(t / "o")], 2,
     ("--draws",)),
    ("chains-zero", lambda t: ["fit", "gvc", "--synthetic", "--chains", "0", "--out", str(t / "o")], 2,
     ("--chains",)),
    ("seed-negative", lambda t: ["fit", "gvc", "--synthetic", "--seed", "-1", "--out", str(t / "o")], 2,
     ("--seed",)),
    ("warmup-text", lambda t: ["fit", "gvc", "--synthetic", "--warmup", "many", "--out", str(t / "o")], 2,
     ("--warmup", "valid integer")),
    ("design-option-unknown", lambda t: ["fit", "gvc", "--synthetic", "--out", str(t / "o"), "--nope", "1"],
     2, ("--nope",)),
    ("design-option-no-value", lambda t: ["fit", "gvc", "--synthetic", "--out", str(t / "o"), "--thresholds"],
     2, ("--thresholds", "expected a value")),
    ("design-option-stray", lambda t: ["fit", "gvc", "--synthetic", "--out", str(t / "o"), "stray"],
     2, ("stray", "--OPTION VALUE")),
    ("design-option-other-design", lambda t: ["fit", "tariffs", "--synthetic", "--out", str(t / "o"),
                                              "--thresholds", "1"], 2, ("--thresholds",)),
    ("out-missing", lambda t: ["fit", "gvc", "--synthetic"], 2, ("--out",)),
    ("calibrate-unknown", lambda t: ["calibrate", "nope", "--out", str(t / "o")], 2, ("unknown model",)),
    ("calibrate-level", lambda t: ["calibrate", "tariffs", "--level", "1.5", "--out", str(t / "o")], 2,
     ("--level", "(0, 1)")),
    ("calibrate-address-local", lambda t: ["calibrate", "tariffs", "--address", "auto", "--out", str(t / "o")],
     2, ("--address needs --executor ray",)),
    ("calibrate-ray-no-cluster", lambda t: ["calibrate", "tariffs", "--executor", "ray", "--address", "auto",
                                            "--simulations", "1", "--out", str(t / "o")], 2,
     ("executor='ray'", "--address auto", "ray start --head")),
    ("calibrate-collect-empty", lambda t: ["calibrate", "tariffs", "--collect-only", "--out", str(t)], 2,
     ("no finished calibration tasks",)),
    ("calibrate-simulations-zero", lambda t: ["calibrate", "tariffs", "--simulations", "0", "--out", str(t)],
     2, ("--simulations",)),
    ("data-check-unknown", lambda t: ["data", "check", "nope"], 2, ("unknown dataset 'nope'",)),
    ("data-load-unknown", lambda t: ["data", "load", "nope", "--out", str(t / "x.csv")], 2,
     ("unknown dataset 'nope'",)),
    ("data-check-empty-root", lambda t: ["data", "check", "wdi_tariff_rates", "--data", str(t)], 2,
     ("wdi_tariff_rates",)),
    ("data-fetch-unknown", lambda t: ["data", "fetch", "nope", "--to", str(t)], 2, ("nope",)),
    ("check-missing-folder", lambda t: ["check", str(t / "none")], 2, ("no fit.nc here",)),
    ("check-empty-folder", lambda t: ["check", str(t)], 2, ("no fit.nc here",)),
    ("simulate-missing-folder", lambda t: ["simulate", str(t / "none")], 2, ("no fit.nc here",)),
    ("report-missing-folder", lambda t: ["report", str(t / "none")], 2, ("no fit.nc here",)),
    ("compare-one", lambda t: ["compare", str(t)], 2, ("two or more results folders",)),
    ("compare-missing", lambda t: ["compare", str(t / "a"), str(t / "b")], 2, ("no fit.nc here",)),
    ("simulate-amount-inf", lambda t: ["simulate", str(t), "--policy", "x", "--amount", "inf"], 2,
     ("--amount", "finite")),
    ("simulate-amount-nan", lambda t: ["simulate", str(t), "--policy", "x", "--amount", "nan"], 2,
     ("--amount", "finite")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [c[1:] for c in OPTION_CASES],
    ids=[c[0] for c in OPTION_CASES],
)
def test_command_line_options(args, code, expected, tmp_path) -> None:
    result = runner.invoke(app, args(tmp_path))
    _assert_user_error(result, expected, code)


# --- damaged results folders ------------------------------------------------------------------
def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a netcdf file\n" * 20)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _no_attrs(path: Path) -> None:
    import xarray as xr

    path.unlink()
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(path)


def _folder_instead(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE = {"truncated": _truncate, "garbage": _garbage, "empty": _empty}
DAMAGE_EXPECTED = {"truncated": "damaged", "garbage": "damaged", "empty": "is empty"}
COMMANDS = {
    "check": lambda f: ["check", str(f)],
    "simulate": lambda f: ["simulate", str(f), "--policy", "shift", "--amount", "1"],
    "report": lambda f: ["report", str(f)],
    "compare": lambda f: ["compare", str(f), str(f.parent / "other")],
}
RESULT_CASES = [(d, c) for d in DAMAGE for c in COMMANDS]


@pytest.mark.parametrize(("damage", "command"), RESULT_CASES,
                         ids=[f"{d}-{c}" for d, c in RESULT_CASES])  # fmt: skip
def test_damaged_results_file(toy_fit, tmp_path, damage, command) -> None:
    folder = _copy_fit(toy_fit, tmp_path, DAMAGE[damage])
    shutil.copytree(toy_fit, tmp_path / "other")
    result = runner.invoke(app, COMMANDS[command](folder))
    _assert_user_error(result, ("fit.nc", DAMAGE_EXPECTED[damage]))


@pytest.mark.parametrize("command", ["check", "simulate", "report"])
def test_results_file_of_no_retrench_fit(toy_fit, tmp_path, command) -> None:
    folder = _copy_fit(toy_fit, tmp_path, _no_attrs)
    result = runner.invoke(app, COMMANDS[command](folder))
    _assert_user_error(result, ("fit.nc", "not a retrench results file"))


def test_results_file_that_is_a_folder(toy_fit, tmp_path) -> None:
    folder = _copy_fit(toy_fit, tmp_path, _folder_instead)
    _assert_user_error(runner.invoke(app, ["check", str(folder)]), ("no fit.nc here",))


def test_compare_a_folder_with_itself(toy_fit) -> None:
    result = runner.invoke(app, ["compare", str(toy_fit), str(toy_fit)])
    _assert_user_error(result, ("given twice", "two or more different results folders"))


def test_compare_the_same_folder_by_two_paths(toy_fit) -> None:
    other = toy_fit.parent / ".." / toy_fit.parent.name / toy_fit.name
    result = runner.invoke(app, ["compare", str(toy_fit), str(other)])
    _assert_user_error(result, ("given twice",))


def test_simulate_unknown_policy(toy_fit) -> None:
    result = runner.invoke(app, ["simulate", str(toy_fit), "--policy", "teleport"])
    _assert_user_error(result, ("--policy", "teleport", "known: shift"))


def test_compare_unknown_site(toy_fit, tmp_path) -> None:
    shutil.copytree(toy_fit, tmp_path / "twin")
    result = runner.invoke(app, ["compare", str(toy_fit), str(tmp_path / "twin"), "--site", "nope"])
    _assert_user_error(result, ("nope", "observed site"))


def test_counterfactual_file_name_keeps_the_amount_exactly(toy_fit, tmp_path) -> None:
    folder = _copy_fit(toy_fit, tmp_path, None)
    for amount in ("1e9", "-1e9", "1e-9"):
        result = runner.invoke(
            app, ["simulate", str(folder), "--policy", "shift", "--amount", amount]
        )
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.glob("counterfactual_shift*.csv"))
    assert names == [
        "counterfactual_shift_amount=-1000000000.0.csv",
        "counterfactual_shift_amount=1000000000.0.csv",
        "counterfactual_shift_amount=1e-09.csv",
    ]


def test_fit_into_a_folder_of_another_fit_is_refused_before_fitting(toy_fit) -> None:
    before = sorted(p.name for p in toy_fit.iterdir())
    result = runner.invoke(app, ["fit", "gvc", "--synthetic", "--out", str(toy_fit), *FAST])
    _assert_user_error(result, ("--overwrite", "fit.nc"))
    assert sorted(p.name for p in toy_fit.iterdir()) == before


def test_internal_error_exit_3_without_traceback_unless_debug(monkeypatch, tmp_path) -> None:
    import retrench.workflow.compare as compare

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(compare, "compare_fits", broken)
    monkeypatch.delenv("RETRENCH_DEBUG", raising=False)
    result = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 3
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert "report" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("RETRENCH_DEBUG", "1")
    debug = runner.invoke(app, ["compare", str(tmp_path / "a"), str(tmp_path / "b")])
    assert debug.exit_code == 3 and "Traceback" in debug.output


# --- Python API: specs and theory functions ---------------------------------------------------
def _toy_model(spec):
    from tests.workflow.conftest import TOY_SPEC
    from tests.workflow.toy_model import ToyModel, toy_panel

    from retrench.bayes.spec import deep_merge, read_spec_file

    full = deep_merge(read_spec_file(TOY_SPEC), spec or {})
    return ToyModel(toy_panel(n=20), full)


SPEC_CASES = [
    ("unknown-section", {"turbo": {"x": 1}}, ("turbo", "unknown section")),
    ("unknown-sampler-key", {"sampler": {"speed": 2}}, ("sampler.speed", "unknown key")),
    ("draws-zero", {"sampler": {"draws": 0}}, ("sampler.draws",)),
    ("draws-float", {"sampler": {"draws": 2.5}}, ("sampler.draws",)),
    ("seed-negative", {"sampler": {"seed": -4}}, ("sampler.seed",)),
    ("target-accept-one", {"sampler": {"target_accept": 1.0}}, ("sampler.target_accept",)),
    ("chain-method", {"sampler": {"chain_method": "warp"}}, ("sampler.chain_method", "warp")),
    ("wrong-model-name", {"model": {"name": "tariffs"}}, ("model.name", "tariffs")),
    ("data-column-missing", {"data": {"x": "nope"}}, ("data.x", "nope", "not in the panel")),
]


@pytest.mark.parametrize(("spec", "expected"), [c[1:] for c in SPEC_CASES],
                         ids=[c[0] for c in SPEC_CASES])  # fmt: skip
def test_bad_spec_in_python(spec, expected) -> None:
    with pytest.raises(SpecError) as info:
        _toy_model(spec)
    assert all(part in str(info.value) for part in expected), str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"draws": 0}, "sampler.draws"),
        ({"chains": -1}, "sampler.chains"),
        ({"seed": -1}, "sampler.seed"),
        ({"warmup": 0}, "sampler.warmup"),
        ({"draws": True}, "sampler.draws"),
    ],  # fmt: skip
    ids=["draws-0", "chains-neg", "seed-neg", "warmup-0", "draws-bool"],
)
def test_bad_fit_arguments_in_python(kwargs, expected) -> None:
    model = _toy_model(None)
    with pytest.raises(SpecError, match=expected):
        model.fit(**kwargs)


def _electoral_params(**changes):
    from retrench.theory import electoral

    base = dict(gamma=1.0, lam=0.5, alpha_R=0.7, alpha_E=0.3, b=1.0, psi=1.0, x_H=0.5)
    return electoral.ElectoralParams(**(base | changes))


def _pcbr(tau0, tau1):
    from retrench.theory import pcbr

    return pcbr.political_cost_benefit_ratio(tau0, tau1)


def _closed(gamma_E, gamma_M):
    from retrench.theory.tariffs_closed_forms import efficient_tariff_closed_form

    return efficient_tariff_closed_form(gamma_E, gamma_M)


def _thresholds(n, mu):
    from retrench.theory import gvc

    return gvc.thresholds(n, mu)


def _exit(alpha_R):
    from retrench.theory import electoral

    return electoral.exit_threshold(_electoral_params(alpha_R=alpha_R), "H")


THEORY_EAGER = [
    ("pcbr-reversed", lambda: _pcbr(0.01, 0.05), "tau0 must be > tau1"),
    ("pcbr-subsidy", lambda: _pcbr(0.05, -0.01), "tau1 must be >= 0"),
    ("closed-form-prohibitive", lambda: _closed(0.2, 1.5), "nonprohibitive"),
    ("closed-form-pole", lambda: _closed(3.0, 4.0), "59 - 9*gamma_E - 8*gamma_M > 0"),
    ("gvc-mu-above-1", lambda: _thresholds(3.0, 1.5), "mu"),
    ("exit-alpha_R", lambda: _exit(0.4), "alpha_R"),
    ("exit-grad-eager", lambda: jax.grad(_exit)(0.4), "alpha_R"),
    ("exit-lam", lambda: __import__("retrench.theory.electoral", fromlist=["x"]).exit_threshold(
        _electoral_params(lam=1.5), "H"), "lam"),
    ("exit-leader", lambda: __import__("retrench.theory.electoral", fromlist=["x"]).exit_threshold(
        _electoral_params(), "M"), "leader"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in THEORY_EAGER],
                         ids=[c[0] for c in THEORY_EAGER])  # fmt: skip
def test_theory_eager_calls_raise_domain_error(call, expected) -> None:
    with pytest.raises((DomainError, ValueError)) as info:
        call()
    assert isinstance(info.value, DomainError) or "leader" in expected
    assert expected in str(info.value)


THEORY_TRACED = [
    ("pcbr-reversed-jit", lambda: jax.jit(_pcbr)(0.01, 0.05)),
    ("pcbr-reversed-grad", lambda: jax.jit(jax.grad(_pcbr))(0.01, 0.05)),
    ("closed-form-jit", lambda: jax.jit(_closed)(0.2, 1.5)),
    ("closed-form-vmap", lambda: jax.vmap(_closed)(jnp.array([0.2, 0.1]), jnp.array([1.5, 1.5]))),
    ("gvc-thresholds-jit", lambda: jax.jit(_thresholds)(3.0, 1.5).proposition_4),
    ("exit-jit", lambda: jax.jit(_exit)(0.4)),
    ("exit-grad-jit", lambda: jax.jit(jax.grad(_exit))(0.4)),
    ("exit-vmap", lambda: jax.vmap(_exit)(jnp.array([0.4, 0.45]))),
]


@pytest.mark.parametrize("call", [c[1] for c in THEORY_TRACED], ids=[c[0] for c in THEORY_TRACED])
def test_theory_traced_calls_are_nan_outside_the_domain(call) -> None:
    value = np.asarray(call())
    assert np.all(np.isnan(value)), value  # never a finite wrong number or a zero gradient


def test_theory_traced_calls_stay_finite_inside_the_domain() -> None:
    assert np.isfinite(jax.jit(_pcbr)(0.05, 0.01))
    assert np.isfinite(jax.jit(jax.grad(_exit))(0.7))
    assert np.isfinite(jax.jit(_closed)(1.2, 1.0))


# --- datasets: a truncated copy is detected, not silently shortened ---------------------------
def _real_root() -> Path | None:
    from retrench.data.locate import candidate_roots

    for root in candidate_roots(None):
        if (root / "wdi_tariff_rates" / "wdi_tariff_rates_long.csv").is_file():
            return root
    return None


@pytest.mark.parametrize("command", ["check", "load"])
def test_truncated_dataset_file_is_a_user_error(tmp_path, command) -> None:
    root = _real_root()
    if root is None:
        pytest.skip("real data folder not available")
    folder = tmp_path / "wdi_tariff_rates"
    folder.mkdir()
    text = (root / "wdi_tariff_rates" / "wdi_tariff_rates_long.csv").read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    cut = cut[: max(i for i, ch in enumerate(cut) if ch.isdigit())]  # ends inside a number
    (folder / "wdi_tariff_rates_long.csv").write_text(cut, encoding="utf-8")
    args = ["data", command, "wdi_tariff_rates", "--data", str(tmp_path)]
    if command == "load":
        args += ["--out", str(tmp_path / "x.csv")]
    result = runner.invoke(app, args)
    _assert_user_error(result, ("wdi_tariff_rates_long.csv", "truncated"))
