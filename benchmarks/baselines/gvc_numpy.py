"""Independent NumPy implementation of the GVC model of Qu & Yang (2023), written from the paper.

This module does not import :mod:`retrench`. It builds an explicit multi-region input-output
(MRIO) table from the Cobb-Douglas shares of eq. (1) and (4), inverts I - A with
``numpy.linalg.inv``, and measures participation the way Koopman, Wang and Wei (2014) and
Hummels, Ishii and Yi (2001) do from a value-added-share (VAS) matrix:

* B = (I - A)^{-1}, v_s = 1 - Σ_r A[r, s] (value-added coefficients);
* VAS[s, j] = v_s·B[s, j]·E_j: value added of s embodied in j's gross exports E_j;
* FVA_j = Σ_{s≠j} VAS[s, j] (foreign value added in j's exports, "VS");
* DVX_i = Σ_{j≠i} VAS[i, j] (i's value added in other countries' exports, "VS1");
* participation_i = (DVX_i + FVA_i) / E_i.

Gross exports come from the MRIO flows: E_i = Σ_{j≠i} (Z[i, j] + Yf[i, j]) with intermediate
flows Z[s, b] = A[s, b]·X_b and final flows Yf[s, d] = share[s, d]·G_d. One parameter point per
call, plain loops where a reader would write them.
"""

from __future__ import annotations

import numpy as np


def cobb_douglas_input_coefficients(n: int, mu: float, upsilon: float) -> np.ndarray:
    """A[s, b]: intermediate-input cost share of supplier s in buyer b's gross output (eq. 1)."""
    a = np.empty((n, n))
    for buyer in range(n):
        for supplier in range(n):
            share = mu if supplier == buyer else (1.0 - mu) / (n - 1)
            a[supplier, buyer] = (1.0 - upsilon) * share
    return a


def cobb_douglas_final_shares(n: int, omega: float) -> np.ndarray:
    """share[s, d]: fraction of destination d's final demand spent on goods of s (eq. 4)."""
    share = np.empty((n, n))
    for dest in range(n):
        for source in range(n):
            share[source, dest] = omega if source == dest else (1.0 - omega) / (n - 1)
    return share


def leontief(a: np.ndarray) -> np.ndarray:
    return np.linalg.inv(np.eye(a.shape[0]) - a)


def value_added_share_matrix(a: np.ndarray, exports: np.ndarray) -> np.ndarray:
    """VAS[s, j] = v_s B[s, j] E_j (Koopman-Wang-Wei 2014, section I)."""
    v = 1.0 - a.sum(axis=0)
    return np.diag(v) @ leontief(a) @ np.diag(exports)


def kww_participation(a: np.ndarray, exports: np.ndarray) -> np.ndarray:
    """(DVX_i + FVA_i) / E_i from the VAS matrix."""
    vas = value_added_share_matrix(a, exports)
    n = len(exports)
    out = np.empty(n)
    for i in range(n):
        fva = sum(vas[s, i] for s in range(n) if s != i)
        dvx = sum(vas[i, j] for j in range(n) if j != i)
        out[i] = (dvx + fva) / exports[i]
    return out


def mrio_exports(a: np.ndarray, share: np.ndarray, x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Gross exports from the flow tables: intermediate plus final sales to other countries."""
    z = a * x[None, :]
    yf = share * g[None, :]
    n = len(x)
    return np.array([sum(z[i, j] + yf[i, j] for j in range(n) if j != i) for i in range(n)])


def closure_given_final_demand(g, mu, upsilon, omega):
    """Gross output X solving X = A X + share G (eq. 6, 9); returns (participation, E, X)."""
    g = np.asarray(g, dtype=float)
    n = len(g)
    a = cobb_douglas_input_coefficients(n, mu, upsilon)
    share = cobb_douglas_final_shares(n, omega)
    x = np.linalg.solve(np.eye(n) - a, share @ g)
    e = mrio_exports(a, share, x, g)
    return kww_participation(a, e), e, x


def closure_given_gross_output(x, mu, upsilon, omega):
    """Final demand G solving share G = (I - A) X; returns (participation, E, G)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    a = cobb_douglas_input_coefficients(n, mu, upsilon)
    share = cobb_douglas_final_shares(n, omega)
    g = np.linalg.solve(share, (np.eye(n) - a) @ x)
    e = mrio_exports(a, share, x, g)
    return kww_participation(a, e), e, g


def participation_from_exports(exports, mu, upsilon):
    """KWW participation for given gross exports (the input of eq. 13)."""
    exports = np.asarray(exports, dtype=float)
    a = cobb_douglas_input_coefficients(len(exports), mu, upsilon)
    return kww_participation(a, exports)
