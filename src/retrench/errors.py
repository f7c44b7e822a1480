"""Exceptions shared by every layer of retrench.

Kept in a module with no imports from the rest of the package so that any layer can raise them.
"""

from __future__ import annotations


class RetrenchError(Exception):
    """Base class of every error retrench raises on purpose."""


class DomainError(RetrenchError, ValueError):
    """A structural parameter lies outside the model's domain.

    The message names the parameter and the condition it violates, e.g.
    ``alpha_R must satisfy alpha_R > 1 - lam (got alpha_R=0.4, lam=0.5)``.
    """


class ConvergenceError(RetrenchError, RuntimeError):
    """A root find or fixed-point iteration did not converge (raised only in eager calls)."""


class DataError(RetrenchError, ValueError):
    """Input data are missing, malformed or out of range; the message names file, column, rows."""


class SpecError(RetrenchError, ValueError):
    """A model specification is invalid; the message names the offending key."""
