"""The one error convention of every ``retrench`` command (README, "Exit codes").

* exit 0: success (``check``: verdict pass or warn);
* exit 1: the command ran and its verdict is a failure (``check``: verdict fail;
  ``calibrate``: some simulation tasks failed);
* exit 2: a user error (bad option, spec, data file or results folder): its whole message,
  every line, on stderr, never a traceback;
* exit 3: an internal error (a bug): one line naming the exception and asking for a bug
  report; the traceback only with ``retrench --debug`` or ``RETRENCH_DEBUG=1``.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import typer

from retrench.errors import RetrenchError

USER_ERROR = 2
INTERNAL_ERROR = 3
VERDICT_FAIL = 1
BUG_REPORT = (
    "this is a bug in retrench: please report it with the command you ran "
    "(rerun with --debug or RETRENCH_DEBUG=1 for the traceback)"
)
#: OS errors a user causes (a path that does not exist, is a folder, or is not writable)
USER_OS_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


def debug_enabled() -> bool:
    """True when ``--debug`` was given or ``RETRENCH_DEBUG`` is set to a true value."""
    return os.environ.get("RETRENCH_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def user_error_message(exc: BaseException) -> str:
    """The whole message of a user error: every line, the first prefixed ``error: Kind:``."""
    text = str(exc).strip()
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}"
    return f"error: {type(exc).__name__}: {text or type(exc).__name__}"


def report_user_error(exc: BaseException) -> None:
    """Print a user error's whole message in red on stderr."""
    typer.secho(user_error_message(exc), fg="red", err=True)


def report_internal_error(exc: BaseException) -> None:
    """Print an internal error: one line (plus the traceback under --debug), then the request
    for a bug report."""
    if debug_enabled():
        traceback.print_exception(exc, file=sys.stderr)
    first = (str(exc).splitlines() or [""])[0]
    typer.secho(f"internal error: {type(exc).__name__}: {first}", fg="red", err=True)
    typer.secho(BUG_REPORT, err=True)


def cli_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator of every command: a RetrenchError or a user's OS error -> its whole message
    and exit 2; any other exception -> an internal-error line and exit 3 (never a traceback
    unless debugging). ``typer.Exit`` and ``typer.Abort`` pass through."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except (RetrenchError, *USER_OS_ERRORS) as exc:
            report_user_error(exc)
            raise typer.Exit(code=USER_ERROR) from None
        except KeyboardInterrupt:
            typer.secho("interrupted", fg="red", err=True)
            raise typer.Exit(code=130) from None
        except Exception as exc:  # noqa: BLE001 - the whole point: no traceback for a bug
            report_internal_error(exc)
            raise typer.Exit(code=INTERNAL_ERROR) from None

    return wrapper
