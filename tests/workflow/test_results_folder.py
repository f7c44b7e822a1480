"""Results folders are written as a whole (issue 13): a fit killed while it saves leaves the
complete old fit; the next run removes what the killed one left; the stored spec says the
sampler settings actually used; `--out` checks run before the fit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrench.bayes import inference_data as idio
from retrench.cli import app
from retrench.designs import registry
from retrench.workflow import results_folder
from retrench.workflow.results import load_results

ROOT = Path(__file__).resolve().parents[2]
FIT = ["--draws", "50", "--warmup", "60", "--chains", "1", "--seed", "3"]
SCRIPT = (
    "import sys; from retrench.designs import registry; "
    "registry.register_package('toy', 'tests.designs_fixture.toy'); "
    "from retrench.cli import main; main(sys.argv[1:])"
)
runner = CliRunner()


@pytest.fixture
def toy():
    registry.register_package("toy", "tests.designs_fixture.toy")
    yield "toy"
    registry.unregister("toy")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    return env | extra


def _fit_process(out: Path, *extra: str, **env: str) -> subprocess.Popen:
    args = [sys.executable, "-c", SCRIPT, "fit", "toy", "--synthetic", "--out", str(out), *FIT]
    return subprocess.Popen(
        [*args, *extra], cwd=ROOT, env=_env(**env), stderr=subprocess.PIPE, text=True
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_stored_spec_says_the_settings_used_and_a_fit_killed_while_saving_leaves_the_old(
    toy, tmp_path
) -> None:
    out = tmp_path / "fit"
    first = runner.invoke(app, ["fit", toy, "--synthetic", "--out", str(out), *FIT])
    assert first.exit_code == 0, first.output
    idata = idio.read_netcdf(str(out / "fit.nc"))
    attrs = idio.attrs_of(idata)
    sampler = json.loads(attrs["retrench_spec"])["sampler"]
    assert (sampler["draws"], sampler["warmup"], sampler["chains"], sampler["seed"]) == (
        50, 60, 1, 3
    )  # fmt: skip
    assert "draws = 50\nwarmup = 60\nchains = 1" in (out / "spec.toml").read_text()
    assert "seed = 3" in (out / "spec.toml").read_text()
    assert (attrs["retrench_draws"], attrs["retrench_warmup"], attrs["retrench_chains"]) == (
        "50", "60", "1"
    )  # fmt: skip
    assert attrs["retrench_thinning"] == "1"
    assert {oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == {"0o644"}
    before = _snapshot(out)

    # a second fit (other seed) killed while it saves into the folder of the first
    proc = _fit_process(out, "--overwrite", "--seed", "4", RETRENCH_SAVE_PAUSE="120")
    deadline = time.monotonic() + 240
    seen = ""
    while "pausing before the swap" not in seen:
        line = proc.stderr.readline()
        assert line or proc.poll() is None, f"fit ended before saving: {seen}"
        seen += line
        assert time.monotonic() < deadline, "the fit did not reach its save in time"
    leftovers = list(tmp_path.glob(".fit.retrench-tmp-*"))
    assert leftovers, "the new fit is assembled in a temporary sibling folder"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before  # the complete old fit, every file unchanged
    reloaded = load_results(out)
    assert reloaded.seed == 3
    assert (
        json.loads(idio.attrs_of(reloaded.require_fit())["retrench_spec"])["sampler"]["seed"] == 3
    )

    # the next run removes what the killed one left
    again = runner.invoke(app, ["fit", toy, "--synthetic", "--out", str(out), *FIT, "--overwrite"])
    assert again.exit_code == 0, again.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_out_checks_run_before_the_fit(toy, tmp_path) -> None:
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    result = runner.invoke(app, ["fit", toy, "--synthetic", "--out", str(afile), *FIT])
    assert result.exit_code == 2 and "is a file" in result.output
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["fit", toy, "--synthetic", "--out", str(full), *FIT])
    assert result.exit_code == 2 and "--overwrite" in result.output and "notes.txt" in result.output
    assert (full / "notes.txt").read_text() == "mine"


def test_a_leftover_of_a_dead_process_is_removed_and_a_cut_swap_restored(tmp_path) -> None:
    out = tmp_path / "fit"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    (tmp_path / f".fit.retrench-old-{dead}").mkdir()
    (tmp_path / f".fit.retrench-old-{dead}" / "fit.nc").write_text("old")
    (tmp_path / f".fit.retrench-tmp-{dead}").mkdir()
    results_folder.clean_leftovers(out)
    assert (out / "fit.nc").read_text() == "old"  # put back where the swap was cut
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit"]
