"""Results folders written as a whole: never a mix of an old fit and a new one.

``retrench fit`` assembles a fit in a temporary sibling folder (``.<name>.retrench-tmp-<pid>``)
and swaps it in at the end: an atomic exchange of the two folders where the system has one
(Linux ``renameat2(RENAME_EXCHANGE)``), else two renames whose interruption the next run repairs.
So a results folder is always either the complete old fit or the complete new one. Temporary
folders and files left by a killed run (whose process is gone) are removed, or put back, by the
next run. ``--out`` naming a file, or a non-empty folder without ``--overwrite``, is refused
before anything is fitted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import time
from pathlib import Path

from retrench.errors import SpecError

TMP_TAG = ".retrench-tmp-"
OLD_TAG = ".retrench-old-"
#: ``RETRENCH_SAVE_PAUSE=SECONDS``: sleep after the new fit is complete in its temporary folder
#: and before it is swapped in (used by the tests that kill a fit while it saves)
SAVE_PAUSE_ENV = "RETRENCH_SAVE_PAUSE"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def temporary_sibling(out: Path, tag: str = TMP_TAG) -> Path:
    """The temporary folder of this process next to ``out``."""
    return out.parent / f".{out.name}{tag}{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(out: Path, tag: str) -> list[tuple[Path, int]]:
    found = []
    if not out.parent.is_dir():
        return found
    for path in out.parent.glob(f".{out.name}{tag}*"):
        suffix = path.name.removeprefix(f".{out.name}{tag}")
        if suffix.isdigit() and int(suffix) != os.getpid() and not _pid_alive(int(suffix)):
            found.append((path, int(suffix)))
    return found


def remove_tree(path: Path) -> None:
    """Remove a file or a folder and everything in it (missing: nothing to do)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_leftovers(out: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary folders a killed run left beside ``out``, and the temporary files
    (``.fit.*.nc``) a killed save left inside it; put back an old fit whose swap was cut between
    its two renames. Returns what was removed or restored."""
    out = Path(out)
    handled = []
    for old, _ in _leftovers(out, OLD_TAG):
        if not out.exists():
            os.replace(old, out)  # the swap was cut after moving the old fit away: restore it
        else:
            remove_tree(old)
        handled.append(old)
    for tmp, _ in _leftovers(out, TMP_TAG):
        remove_tree(tmp)
        handled.append(tmp)
    if out.is_dir():
        for tmp in out.glob(".*.nc"):
            remove_tree(tmp)
            handled.append(tmp)
    return handled


def check_destination(out: str | os.PathLike[str], overwrite: bool) -> Path:
    """Refuse ``out`` before fitting: a file, or a non-empty folder without ``overwrite``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SpecError(f"--out {out}: is a file, expected a results folder (new or empty)")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise SpecError(
            f"--out {out}: the folder is not empty (it holds {_describe(out)}); "
            "pass --overwrite to replace it with the new fit, or choose a new folder"
        )
    if not out.parent.exists():
        raise SpecError(f"--out {out}: its parent folder {out.parent} does not exist")
    return out


def _describe(out: Path) -> str:
    names = sorted(p.name for p in out.iterdir())
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return shown


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def pause_for_tests() -> None:
    """Sleep ``$RETRENCH_SAVE_PAUSE`` seconds (announced on stderr) when it is set."""
    seconds = os.environ.get(SAVE_PAUSE_ENV)
    if seconds:
        os.write(2, b"retrench: pausing before the swap\n")
        time.sleep(float(seconds))


def swap_in(tmp: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """Put the complete folder ``tmp`` at ``out``, replacing what was there as a whole."""
    tmp, out = Path(tmp), Path(out)
    for path in tmp.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o644)
    os.chmod(tmp, 0o755)
    if not out.exists():
        os.replace(tmp, out)
        return out
    if _exchange(tmp, out):
        remove_tree(tmp)  # now the old fit
        return out
    old = temporary_sibling(out, OLD_TAG)
    os.replace(out, old)
    os.replace(tmp, out)
    remove_tree(old)
    return out
