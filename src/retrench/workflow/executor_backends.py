"""Where the tasks of :mod:`retrench.workflow.executor` run: in-process, local processes, Ray.

Every backend runs the same worker function, :func:`execute_task`, which resolves the task from
its import reference (``"package.module:function"``), calls ``task(spec, seed)``, converts the
result to NumPy arrays and returns ``("ok", arrays)`` or ``("error", traceback text)``: a task's
exception never escapes a worker, so one failing fit cannot stop the run.

Threads: each worker process is limited to ``threads_per_worker`` threads (XLA's Eigen pool off,
OpenMP/BLAS pools at 1 by default) so that N workers on N cores do not fight over the cores. The
variables are set in the worker before its XLA backend starts; they are read when the first JAX
computation runs, so a worker whose main module already ran JAX code warns instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from retrench.errors import SpecError
from retrench.workflow.executor_store import as_result_arrays

Outcome = tuple[str, Any]  # ("ok", {name: array}) or ("error", message)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker_environment(threads_per_worker: int = 1) -> dict[str, str]:
    """Environment variables that limit one worker's JAX/XLA, OpenMP and BLAS threads."""
    if int(threads_per_worker) < 1:
        raise SpecError(f"threads_per_worker must be >= 1, got {threads_per_worker}")
    env = {name: str(int(threads_per_worker)) for name in THREAD_VARIABLES}
    flags = os.environ.get("XLA_FLAGS", "")
    if threads_per_worker == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        flags = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
    if flags:
        env["XLA_FLAGS"] = flags
    return env


def apply_worker_environment(env: Mapping[str, str], sys_path: Iterable[str] = ()) -> None:
    """Worker initializer: set the thread limits and make the driver's import path visible."""
    for entry in reversed(list(sys_path)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    if all(os.environ.get(name) == value for name, value in env.items()):
        return
    os.environ.update(env)
    _limit_loaded_thread_pools(int(env.get("OMP_NUM_THREADS", "1")))
    if jax_backends_started():
        warnings.warn(
            "JAX already started in this worker (its main module ran JAX code on import); "
            "the per-worker thread limits may not apply",
            RuntimeWarning,
            stacklevel=2,
        )


def jax_backends_started() -> bool:
    """Whether JAX has created its backends in this process (XLA flags no longer apply then).

    PRIVATE API, isolated here: JAX has no public query for it; its backends are cached in
    ``jax._src.xla_bridge._backends``. Answers False when JAX is not imported (never imports
    it). tests/workflow/test_private_api.py fails if JAX stops keeping them there.
    """
    if "jax" not in sys.modules:
        return False
    bridge = sys.modules.get("jax._src.xla_bridge")
    return bool(getattr(bridge, "_backends", None))


def _limit_loaded_thread_pools(threads: int) -> None:
    """BLAS/OpenMP pools already loaded (NumPy reads its variables on import) are capped too."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it, only libraries loaded later are limited
        return
    threadpool_limits(limits=threads)


def task_reference(task: Callable[..., Any] | str) -> str:
    """``"module:qualname"`` for a module-level function (workers import it by this name)."""
    if isinstance(task, str):
        if ":" not in task:
            raise SpecError(f"task reference {task!r} must look like 'package.module:function'")
        return task
    module = getattr(task, "__module__", None)
    qualname = getattr(task, "__qualname__", "")
    if module is None or module == "__main__" or "<" in qualname:
        raise SpecError(
            f"task {task!r} must be a function defined at module level in an importable module "
            "(not a lambda, closure or a function of __main__), or a 'module:function' string"
        )
    return f"{module}:{qualname}"


def resolve_task(reference: str) -> Callable[..., Any]:
    """Import the function named by ``"module:qualname"``."""
    module_name, _, qualname = reference.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def execute_task(
    reference: str,
    key: str,
    spec: Mapping[str, Any],
    seed: int,
    env: Mapping[str, str] | None = None,
    sys_path: Iterable[str] = (),
) -> Outcome:
    """Run one task in a worker; never raises for a failure of the task itself."""
    if env is not None:
        apply_worker_environment(env, sys_path)
    try:
        task = resolve_task(reference)
        return "ok", as_result_arrays(task(dict(spec), int(seed)), key)
    except Exception:  # noqa: BLE001 - any task failure is reported, not raised
        return "error", traceback.format_exc(limit=20)


class SerialBackend:
    """Runs tasks one at a time in this process, when waited for (no thread limits applied)."""

    name = "serial"
    capacity = 1

    def submit(self, reference: str, key: str, spec: Mapping, seed: int) -> Any:
        return _Deferred((reference, key, spec, seed))

    def wait_any(self, handles: list[Any]) -> list[tuple[Any, Outcome]]:
        return [(handles[0], execute_task(*handles[0].arguments))]

    def close(self, cancel: bool = False) -> None:
        return None


class _Deferred:
    def __init__(self, arguments: tuple):
        self.arguments = arguments


#: Added to the failure of a task whose worker died (Python prints the worker's reason).
DIED_HINT = (
    "if every task fails like this at once, the script that calls the executor probably lacks "
    '`if __name__ == "__main__":`; the worker\'s own error is printed above'
)


class ProcessBackend:
    """A ``concurrent.futures`` process pool with the 'spawn' start method.

    A pool broken by a crashed worker (segfault, out of memory) fails its in-flight tasks (each
    counts as an attempt) and is rebuilt on the next submission.
    """

    name = "local"

    def __init__(self, workers: int, env: Mapping[str, str]):
        self.capacity = int(workers)
        self.env = dict(env)
        self._pool: cf.ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.capacity,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=apply_worker_environment,
                initargs=(self.env, list(sys.path)),
            )
        return self._pool

    def submit(self, reference: str, key: str, spec: Mapping, seed: int) -> cf.Future:
        try:
            return self._ensure_pool().submit(execute_task, reference, key, spec, seed)
        except cf.BrokenExecutor:
            self._pool = None
            return self._ensure_pool().submit(execute_task, reference, key, spec, seed)

    def wait_any(self, handles: list[cf.Future]) -> list[tuple[cf.Future, Outcome]]:
        done, _ = cf.wait(handles, return_when=cf.FIRST_COMPLETED)
        out = []
        for future in done:
            try:
                out.append((future, future.result()))
            except cf.BrokenExecutor as err:
                self._pool = None
                out.append((future, ("error", f"worker process died: {err!r} ({DIED_HINT})")))
        return out

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None


class RayBackend:
    """Ray tasks: ``address=None`` starts a local Ray with ``workers`` CPUs, else connects.

    A Ray session that was already initialised by the caller is used as it is and left running;
    one started here is shut down by :meth:`close`. Ray's own retries are off (``max_retries=0``)
    so that the executor's retry-once rule is the same for every backend.
    """

    name = "ray"

    def __init__(self, workers: int, env: Mapping[str, str], address: str | None = None):
        try:
            import ray
        except ImportError as err:  # pragma: no cover - depends on the installation
            raise SpecError("executor='ray' needs Ray: pip install 'retrench[ray]'") from err
        self._ray = ray
        self._started_here = False
        if not ray.is_initialized():
            init_kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address is None:
                init_kwargs["num_cpus"] = int(workers)
            try:
                ray.init(address=address, **init_kwargs)
            except (ConnectionError, RuntimeError, ValueError) as err:
                first = (str(err).strip().splitlines() or [type(err).__name__])[0]
                where = f"the Ray cluster at --address {address}" if address else "a local Ray"
                raise SpecError(
                    f"executor='ray': cannot start or reach {where} ({first}); start a cluster "
                    "with `ray start --head`, fix --address, or use --executor local"
                ) from None
            self._started_here = True
        cluster_cpus = int(ray.cluster_resources().get("CPU", workers))
        self.capacity = int(workers) if address is None else max(cluster_cpus, 1)
        self._remote = ray.remote(num_cpus=1, max_retries=0)(execute_task)
        self.env = dict(env)
        self._sys_path = list(sys.path)

    def submit(self, reference: str, key: str, spec: Mapping, seed: int) -> Any:
        return self._remote.remote(reference, key, dict(spec), seed, self.env, self._sys_path)

    def wait_any(self, handles: list[Any]) -> list[tuple[Any, Outcome]]:
        ready, _ = self._ray.wait(handles, num_returns=1)
        more, _ = self._ray.wait(handles, num_returns=len(handles), timeout=0)
        out = []
        for ref in {*ready, *more}:
            try:
                out.append((ref, self._ray.get(ref)))
            except Exception as err:  # noqa: BLE001 - worker crash, lost node, ...
                out.append((ref, ("error", f"Ray task failed: {err!r}")))
        return out

    def close(self, cancel: bool = False) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
