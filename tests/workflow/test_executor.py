"""The executor: same results on every backend, retry once, failures reported, resume.

The task functions below are module-level so that spawned processes and Ray workers can import
them (the executor passes this process's ``sys.path`` to its workers).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from retrench.errors import SpecError
from retrench.workflow.executor import (
    FAILURES_FILE,
    load_results,
    make_tasks,
    run_tasks,
    task_seeds,
)
from retrench.workflow.executor_store import read_result

# ----------------------------------------------------------------------------- task functions


def numpy_and_jax_task(spec: dict, seed: int) -> dict:
    """Draws from NumPy and from JAX keyed by the seed, and a small jitted reduction."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(seed)
    x = rng.normal(size=spec["n"])
    z = jax.random.normal(jax.random.PRNGKey(seed), (spec["n"],))
    total = jax.jit(lambda a, b: jnp.sum(a * b) + spec["offset"])(x, z)
    return {"x": x, "z": z, "total": total, "seed_seen": seed, "label": np.asarray("ok")}


def flaky_task(spec: dict, seed: int) -> dict:
    """Fails on its first attempt (marker file absent), succeeds on the second."""
    marker = Path(spec["marker_dir"]) / f"attempted-{spec['i']}"
    if not marker.exists():
        marker.write_text("first attempt failed")
        raise RuntimeError(f"transient failure of task {spec['i']}")
    return {"value": np.asarray(spec["i"] * 10 + seed % 7)}


def sometimes_broken_task(spec: dict, seed: int) -> dict:
    """Task ``bad`` always raises; the others count their calls in ``calls_dir``."""
    calls = Path(spec["calls_dir"]) / f"calls-{spec['i']}"
    with calls.open("a") as fh:
        fh.write("x")
    if spec.get("bad"):
        raise ValueError(f"bad parameter in task {spec['i']}")
    return {"value": np.asarray(float(spec["i"]) + seed)}


def counting_task(spec: dict, seed: int) -> dict:
    """Counts its calls; raises KeyboardInterrupt (like Ctrl-C) at task ``stop_at``."""
    if spec["i"] == spec.get("stop_at"):
        raise KeyboardInterrupt
    with (Path(spec["calls_dir"]) / f"calls-{spec['i']}").open("a") as fh:
        fh.write("x")
    return {"value": np.asarray(np.random.default_rng(seed).uniform())}


def environment_task(spec: dict, seed: int) -> dict:
    return {name: os.environ.get(name, "") for name in ("OMP_NUM_THREADS", "XLA_FLAGS")}


TASKS = {"draws": numpy_and_jax_task, "flaky": flaky_task, "environment": environment_task}


def mixed_task(spec: dict, seed: int) -> dict:
    """Runs the task named by ``spec["kind"]`` (one pool start serves several checks)."""
    return TASKS[spec["kind"]](spec, seed)


def object_result_task(spec: dict, seed: int) -> dict:
    return {"ragged": np.asarray([[1, 2], [3]], dtype=object)}


# ----------------------------------------------------------------------------- helpers


def _specs(n: int) -> list[dict]:
    return [{"n": 5 + i, "offset": float(i)} for i in range(n)]


def _assert_same_results(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        assert sorted(a[key]) == sorted(b[key])
        for name in a[key]:
            np.testing.assert_array_equal(a[key][name], b[key][name], err_msg=f"{key}/{name}")


@pytest.fixture(scope="module")
def serial_results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("serial")
    summary = run_tasks(numpy_and_jax_task, _specs(6), out, executor="serial", progress=False)
    assert summary.ok and len(summary.computed) == 6
    return load_results(out)


# ----------------------------------------------------------------------------- tests


def test_results_are_the_tasks_own_draws(serial_results):
    seeds = task_seeds(0, 6)
    for i, key in enumerate(sorted(serial_results)):
        r = serial_results[key]
        expected_x = np.random.default_rng(seeds[i]).normal(size=5 + i)
        np.testing.assert_array_equal(r["x"], expected_x)
        assert int(r["seed_seen"]) == seeds[i]
        assert str(r["label"]) == "ok"
        assert np.isclose(float(r["total"]), np.sum(r["x"] * r["z"]) + i)


def test_local_pool_with_two_workers(tmp_path, serial_results):
    """One 2-worker pool run: same draws as serial, a failed attempt retried, threads limited."""
    specs = [dict(s, kind="draws") for s in _specs(6)]
    specs += [{"kind": "flaky", "i": i, "marker_dir": str(tmp_path)} for i in range(2)]
    specs += [{"kind": "environment"}]
    keys = [f"task-{i:05d}" for i in range(6)] + ["flaky-0", "flaky-1", "environment"]
    seeds = [*task_seeds(0, 6), 100, 101, 0]
    out = tmp_path / "out"
    summary = run_tasks(
        mixed_task,
        specs,
        out,
        keys=keys,
        seeds=seeds,
        executor="local",
        workers=2,
        progress=False,
    )
    assert summary.ok, summary.failures
    assert summary.workers == 2 and len(summary.computed) == 9
    results = load_results(out)
    _assert_same_results({k: results[k] for k in keys[:6]}, serial_results)
    # flaky tasks failed once (marker written) and succeeded on the retry
    assert int(results["flaky-0"]["value"]) == 0 * 10 + 100 % 7
    assert int(results["flaky-1"]["value"]) == 1 * 10 + 101 % 7
    assert (tmp_path / "attempted-0").exists() and (tmp_path / "attempted-1").exists()
    env = results["environment"]
    assert str(env["OMP_NUM_THREADS"]) == "1"
    assert "--xla_cpu_multi_thread_eigen=false" in str(env["XLA_FLAGS"])


@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")
def test_ray_matches_serial(tmp_path, serial_results):
    ray = pytest.importorskip("ray")
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    except (RuntimeError, OSError, ConnectionError, ray.exceptions.RayError) as err:
        pytest.skip(f"Ray could not start a local instance here: {err!r}")
    try:
        summary = run_tasks(
            numpy_and_jax_task, _specs(6), tmp_path, executor="ray", workers=2, progress=False
        )
        assert summary.ok, summary.failures
        _assert_same_results(load_results(tmp_path), serial_results)
    finally:
        ray.shutdown()


def test_persistent_failure_is_reported_with_its_seed_not_raised(tmp_path):
    specs = [{"i": i, "calls_dir": str(tmp_path), "bad": i == 1} for i in range(4)]
    out = tmp_path / "out"
    summary = run_tasks(
        sometimes_broken_task,
        specs,
        out,
        executor="serial",
        seeds=[10, 11, 12, 13],
        progress=False,
    )
    assert not summary.ok
    assert [(f.key, f.seed, f.attempts) for f in summary.failures] == [("task-00001", 11, 2)]
    assert "ValueError: bad parameter in task 1" in summary.failures[0].error
    assert (tmp_path / "calls-1").read_text() == "xx"  # tried, then retried once
    assert sorted(load_results(out)) == ["task-00000", "task-00002", "task-00003"]
    on_disk = json.loads((out / FAILURES_FILE).read_text())
    assert on_disk[0]["key"] == "task-00001" and on_disk[0]["seed"] == 11
    with pytest.raises(RuntimeError, match=r"task-00001 \(seed 11\).*bad parameter"):
        summary.raise_if_failed()


def test_interrupted_run_resumes_with_only_the_missing_tasks(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    out = tmp_path / "out"
    specs = [{"i": i, "calls_dir": str(calls)} for i in range(6)]
    interrupted = [dict(s, stop_at=3) for s in specs]
    with pytest.raises(KeyboardInterrupt):
        run_tasks(counting_task, interrupted, out, executor="serial", progress=False)
    assert sorted(p.name for p in out.glob("*.npz")) == [f"task-0000{i}.npz" for i in range(3)]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no partial files left
    # The rerun uses the same specs as the first three tasks, so it must reuse their files.
    resumed = [dict(s, stop_at=3) if s["i"] < 3 else s for s in specs]
    summary = run_tasks(counting_task, resumed, out, executor="serial", progress=False)
    assert summary.skipped == ["task-00000", "task-00001", "task-00002"]
    assert sorted(summary.computed) == ["task-00003", "task-00004", "task-00005"]
    assert all((calls / f"calls-{i}").read_text() == "x" for i in range(6))
    seeds = task_seeds(0, 6)
    results = load_results(out)
    for i in range(6):
        expected = np.random.default_rng(seeds[i]).uniform()
        assert float(results[f"task-0000{i}"]["value"]) == expected


def test_rerun_with_other_seed_or_spec_refuses_to_mix(tmp_path):
    run_tasks(numpy_and_jax_task, _specs(2), tmp_path, executor="serial", progress=False)
    with pytest.raises(SpecError, match="task-00000.*another output folder"):
        run_tasks(
            numpy_and_jax_task,
            _specs(2),
            tmp_path,
            executor="serial",
            base_seed=1,
            progress=False,
        )
    changed = [dict(s, offset=99.0) for s in _specs(2)]
    with pytest.raises(SpecError, match="spec"):
        run_tasks(numpy_and_jax_task, changed, tmp_path, executor="serial", progress=False)


def test_result_files_are_plain_npz_with_metadata(tmp_path):
    run_tasks(
        numpy_and_jax_task, _specs(1), tmp_path, executor="serial", seeds=[42], progress=False
    )
    arrays, meta = read_result(tmp_path / "task-00000.npz")
    assert meta == {"key": "task-00000", "seed": 42, "spec": {"n": 5, "offset": 0.0}}
    with np.load(tmp_path / "task-00000.npz", allow_pickle=False) as npz:  # no pickle inside
        assert all(npz[name].dtype.kind != "O" for name in npz.files)


def test_object_results_are_refused_as_a_task_failure(tmp_path):
    summary = run_tasks(object_result_task, [{}], tmp_path, executor="serial", progress=False)
    assert len(summary.failures) == 1
    assert "object/ragged data cannot be stored without pickle" in summary.failures[0].error


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"executor": "dask"}, "executor must be one of"),
        ({"retries": -1}, "retries must be >= 0"),
        ({"keys": ["a", "a"]}, "keys must be unique"),
        ({"keys": ["../escape", "b"]}, "not a valid file name"),
        ({"seeds": [1]}, "got 2 specs but 1 seeds"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, message):
    with pytest.raises(SpecError, match=message):
        run_tasks(numpy_and_jax_task, _specs(2), tmp_path, progress=False, **kwargs)


def test_tasks_must_be_importable_and_specs_json(tmp_path):
    with pytest.raises(SpecError, match="module level"):
        run_tasks(lambda spec, seed: {}, [{}], tmp_path, progress=False)
    with pytest.raises(SpecError, match="JSON data"):
        make_tasks([{"array": np.ones(2)}])


def test_seeds_are_distinct_and_reproducible():
    seeds = task_seeds(123, 1000)
    assert len(set(seeds)) == 1000
    assert seeds == task_seeds(123, 1000)
    assert seeds[:10] != task_seeds(124, 10)


def test_progress_run_prints_a_summary_with_the_failed_seed(tmp_path, capsys):
    specs = [{"i": i, "calls_dir": str(tmp_path), "bad": i == 1} for i in range(2)]
    run_tasks(
        sometimes_broken_task,
        specs,
        tmp_path / "out",
        executor="serial",
        seeds=[5, 6],
        progress=True,
    )
    err = capsys.readouterr().err
    assert "1 computed, 0 already done, 1 failed" in err
    assert "task-00001 (seed 6, 2 attempts)" in err


UNGUARDED_SCRIPT = """
from retrench.workflow.executor import run_tasks
summary = run_tasks("tests.workflow.test_executor:numpy_and_jax_task", [{{"n": 2, "offset": 0}}],
                    {out!r}, executor="local", workers=1, progress=False, retries=0)
print("FAILURES", [f.error for f in summary.failures])
"""


def test_a_script_without_a_main_guard_gets_the_reason_not_a_bare_crash(tmp_path):
    """Spawned workers re-import the main script; unguarded, Python's worker says why it stopped
    and the executor's failure message points to the guard."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT.format(out=str(tmp_path / "out")))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=300, check=False)  # fmt: skip
    text = proc.stdout + proc.stderr
    assert "bootstrapping phase" in text  # Python's own message, from the worker
    assert 'lacks `if __name__ == "__main__":`' in proc.stdout


def test_task_results_are_readable_by_others_like_every_results_file(tmp_path):
    out = tmp_path / "out"
    summary = run_tasks(numpy_and_jax_task, _specs(2), out, executor="serial", progress=False)
    assert summary.ok
    modes = {oct(p.stat().st_mode & 0o777) for p in out.glob("*.npz")}
    assert modes == {"0o644"}, modes
