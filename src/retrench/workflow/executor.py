"""Run many independent tasks (calibration fits, counterfactual sweeps) locally or on Ray.

A *task* is a module-level function ``task(spec: dict, seed: int) -> dict`` returning arrays or
scalars. :func:`run_tasks` runs one task per ``(spec, seed)`` pair and guarantees:

* **the same results whichever executor runs them**: a task sees only its spec and its seed,
  and every worker runs with the same thread limits, so ``"serial"``, ``"local"`` (a process
  pool, 'spawn' start method, default) and ``"ray"`` produce identical files;
* **failures do not stop the run**: a task that raises is retried once (``retries=1``), then
  recorded with its key, seed and traceback in the :class:`RunSummary` and in
  ``<out_dir>/failures.json``; nothing is raised mid-run;
* **nothing computed is lost**: each finished task is written at once, atomically, to
  ``<out_dir>/<key>.npz`` (see :mod:`retrench.workflow.executor_store`), and a rerun with the
  same specs and seeds skips every task whose file exists (a file with another seed or spec is
  an error, never silently reused).

Example::

    from retrench.workflow.executor import run_tasks, load_results
    summary = run_tasks("mypkg.sweeps:fit_one", [{"n": 50}] * 64, out_dir="runs/sbc",
                        executor="local", workers=2)
    summary.raise_if_failed()
    results = load_results("runs/sbc")          # {key: {name: array}}

``executor="ray"`` with ``address=None`` starts a local Ray instance with ``workers`` CPUs;
``address="ray://head:10001"`` (or ``"auto"``) connects to an existing cluster, whose workers
must have retrench and the task's module installed. Results are sent back to this process and
written here, so the output folder need not be shared with the cluster.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrench.atomic import write_atomic
from retrench.errors import SpecError
from retrench.workflow.executor_backends import (
    ProcessBackend,
    RayBackend,
    SerialBackend,
    task_reference,
    worker_environment,
)
from retrench.workflow.executor_store import (
    check_key,
    existing_result_matches,
    load_results,
    result_path,
    spec_json,
    write_result_atomic,
)

EXECUTORS = ("local", "ray", "serial")
FAILURES_FILE = "failures.json"

__all__ = [
    "EXECUTORS",
    "RunSummary",
    "TaskFailure",
    "TaskSpec",
    "load_results",
    "run_tasks",
    "task_seeds",
]


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """One unit of work: file name ``key``, JSON-able ``spec`` dict and integer ``seed``."""

    key: str
    spec: Mapping[str, Any]
    seed: int


@dataclasses.dataclass(frozen=True)
class TaskFailure:
    """A task that failed on every attempt: its key, seed, attempts and last error text."""

    key: str
    seed: int
    attempts: int
    error: str


@dataclasses.dataclass
class RunSummary:
    """What a run did: tasks computed now, tasks skipped (already on disk), failures."""

    out_dir: Path
    executor: str
    workers: int
    computed: list[str]
    skipped: list[str]
    failures: list[TaskFailure]
    wall_s: float

    @property
    def ok(self) -> bool:
        return not self.failures

    def raise_if_failed(self) -> None:
        """Raise RuntimeError listing the failed tasks and their seeds (if any)."""
        if self.failures:
            lines = [f"  {f.key} (seed {f.seed}): {_last_line(f.error)}" for f in self.failures]
            raise RuntimeError(
                f"{len(self.failures)} task(s) failed after retrying (details in "
                f"{self.out_dir / FAILURES_FILE}):\n" + "\n".join(lines)
            )

    def describe(self) -> str:
        return (
            f"{len(self.computed)} computed, {len(self.skipped)} already done, "
            f"{len(self.failures)} failed, {self.wall_s:.1f} s on {self.executor} "
            f"({self.workers} worker(s)); results in {self.out_dir}"
        )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else text


def task_seeds(base_seed: int, n: int) -> list[int]:
    """``n`` independent 32-bit seeds derived from ``base_seed`` (NumPy SeedSequence.spawn)."""
    children = np.random.SeedSequence(int(base_seed)).spawn(int(n))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def make_tasks(
    specs: Sequence[Mapping[str, Any]],
    seeds: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
    base_seed: int = 0,
) -> list[TaskSpec]:
    """Pair specs with seeds (default :func:`task_seeds`) and keys (default ``task-00000``...)."""
    n = len(specs)
    seeds = task_seeds(base_seed, n) if seeds is None else [int(s) for s in seeds]
    keys = [f"task-{i:05d}" for i in range(n)] if keys is None else list(keys)
    if len(seeds) != n or len(keys) != n:
        raise SpecError(f"got {n} specs but {len(seeds)} seeds and {len(keys)} keys")
    if len(set(keys)) != n:
        raise SpecError("task keys must be unique (each names one result file)")
    tasks = []
    for key, spec, seed in zip(keys, specs, seeds, strict=True):
        spec_json(spec)  # fail now, not in a worker, on a spec that cannot be stored
        tasks.append(TaskSpec(check_key(key), dict(spec), seed))
    return tasks


def _make_backend(executor: str, workers: int, address: str | None, threads_per_worker: int):
    env = worker_environment(threads_per_worker)
    if executor == "local":
        return ProcessBackend(workers, env)
    if executor == "ray":
        return RayBackend(workers, env, address=address)
    return SerialBackend()


def _progress(enabled: bool, total: int, description: str):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        disable=not enabled,
    )
    task_id = progress.add_task(description, total=total, failed=0)
    return progress, task_id


def _write_failures(out_dir: Path, failures: list[TaskFailure]) -> None:
    path = out_dir / FAILURES_FILE
    if not failures:
        path.unlink(missing_ok=True)
        return
    text = json.dumps([dataclasses.asdict(f) for f in failures], indent=2) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text))


def run_tasks(
    task: Callable[[dict, int], Mapping[str, Any]] | str,
    specs: Sequence[Mapping[str, Any]] | Sequence[TaskSpec],
    out_dir: str | os.PathLike[str],
    *,
    seeds: Sequence[int] | None = None,
    keys: Sequence[str] | None = None,
    base_seed: int = 0,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    retries: int = 1,
    threads_per_worker: int = 1,
    progress: bool = True,
    description: str = "tasks",
) -> RunSummary:
    """Run ``task(spec, seed)`` for every spec; write each result to ``out_dir/<key>.npz``.

    Args:
        task: a module-level function or ``"package.module:function"``; it must return a dict
            of arrays/scalars (numeric, bool or str) and may raise on failure.
        specs: JSON-able dicts (or :class:`TaskSpec` objects carrying key and seed).
        out_dir: results folder; existing results with the same key, seed and spec are kept.
        seeds, keys, base_seed: see :func:`make_tasks` (ignored for TaskSpec input).
        executor: ``"local"`` (process pool), ``"ray"`` or ``"serial"`` (this process).
        workers: processes / Ray CPUs (default: ``os.cpu_count()``; ``1`` for serial).
        address: Ray cluster address; ``None`` starts a local Ray.
        retries: extra attempts for a failed task (default 1: "retry once").
        threads_per_worker: JAX/BLAS threads per worker process.
        progress: show a rich progress bar.

    Returns:
        A :class:`RunSummary`; call ``raise_if_failed()`` to turn failures into an error.
    """
    if executor not in EXECUTORS:
        raise SpecError(f"executor must be one of {EXECUTORS}, got {executor!r}")
    if int(retries) < 0:
        raise SpecError(f"retries must be >= 0, got {retries}")
    reference = task_reference(task)
    if specs and all(isinstance(s, TaskSpec) for s in specs):
        tasks = list(specs)
        if len({t.key for t in tasks}) != len(tasks):
            raise SpecError("task keys must be unique (each names one result file)")
    else:
        tasks = make_tasks(specs, seeds=seeds, keys=keys, base_seed=base_seed)  # type: ignore[arg-type]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    workers = 1 if executor == "serial" else int(workers or os.cpu_count() or 1)
    if workers < 1:
        raise SpecError(f"workers must be >= 1, got {workers}")

    start = time.perf_counter()
    skipped = [
        t.key for t in tasks if existing_result_matches(result_path(out, t.key), t.seed, t.spec)
    ]
    done = set(skipped)
    todo = [t for t in tasks if t.key not in done]
    computed: list[str] = []
    failures: list[TaskFailure] = []
    if todo:
        backend = _make_backend(executor, workers, address, threads_per_worker)
        bar_display, bar = _progress(progress, len(todo), description)
        try:
            with bar_display:
                _drive(
                    backend,
                    reference,
                    todo,
                    out,
                    1 + int(retries),
                    computed,
                    failures,
                    lambda n_failed: bar_display.update(bar, advance=1, failed=n_failed),
                )
        except BaseException:
            backend.close(cancel=True)
            raise
        backend.close()
    _write_failures(out, failures)
    summary = RunSummary(
        out, executor, workers, computed, skipped, failures, time.perf_counter() - start
    )
    if progress:
        _print_summary(summary)
    return summary


def _print_summary(summary: RunSummary) -> None:
    from rich.console import Console

    console = Console(stderr=True)
    console.print(summary.describe())
    for f in summary.failures:
        console.print(
            f"[red]failed[/red] {f.key} (seed {f.seed}, {f.attempts} attempts): "
            f"{_last_line(f.error)}"
        )


def _drive(backend, reference, todo, out, max_attempts, computed, failures, advance) -> None:
    """Keep ``backend.capacity`` tasks in flight, retry failures, write results as they land.

    Only as many tasks as there are workers are handed over at a time, so a worker that dies
    (segfault, out of memory) fails the attempt of the tasks running beside it, not of a queue.
    """
    queue = collections.deque((t, 1) for t in todo)
    in_flight: dict[Any, tuple[TaskSpec, int]] = {}
    while queue or in_flight:
        while queue and len(in_flight) < backend.capacity:
            t, attempt = queue.popleft()
            in_flight[backend.submit(reference, t.key, t.spec, t.seed)] = (t, attempt)
        for handle, (status, value) in backend.wait_any(list(in_flight)):
            t, attempt = in_flight.pop(handle)
            if status == "ok":
                write_result_atomic(out, t.key, t.seed, t.spec, value)
                computed.append(t.key)
            elif attempt < max_attempts:
                queue.append((t, attempt + 1))
                continue
            else:
                failures.append(TaskFailure(t.key, t.seed, attempt, str(value)))
            advance(len(failures))
