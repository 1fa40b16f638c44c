"""Optimality certificates.

The engine maximises, lexicographically, first the number of matched mentees and then the
total score. Think of each feasible pair as worth ``C + score`` with ``C`` larger than any
total score; the linear-programming dual then gives every mentee a price ``alpha_i * C + u_i``
and every mentor ``beta_j * C + v_j``. Keeping the ``C`` part as separate 0/1 integers
(``alpha``, ``beta``) keeps the score part at the size of a score, so float64 stays exact to
~1e-15 instead of losing digits to a huge ``C``.

The duals certify an assignment when, for every feasible pair (i, j):

* ``alpha_i + beta_j >= 2``: nothing to check;
* ``alpha_i + beta_j == 1``: ``u_i + v_j >= score_ij``;
* ``alpha_i + beta_j == 0``: impossible (the pair could match one more mentee);

prices are non-negative (``u_i >= 0`` when ``alpha_i == 0``, ``v_j >= 0`` when ``beta_j == 0``),
and the dual objective equals the assignment's: ``sum(alpha) + sum(cap * beta)`` matched
mentees and ``sum(u) + sum(cap * v)`` total score. Weak duality then says no assignment
matches more mentees, and none matching as many scores more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .candidates import screen
from .encoding import Encoded, sorted_contains
from .scoring import FastScorer, block_scores, pair_scores
from .types import SolverOptions

VERIFY_BLOCK = 512


@dataclass(frozen=True, eq=False)
class Certificate:
    """Dual prices over the mentees and mentors taking part in the optimisation.

    Mentees kept by a fixed pair get ``alpha = 1, u = inf`` and mentors without remaining
    capacity ``beta = 1, v = inf``: they impose nothing and cost nothing.
    """

    alpha: NDArray[np.int8]
    beta: NDArray[np.int8]
    u: NDArray[np.float64]
    v: NDArray[np.float64]


@dataclass(frozen=True)
class CertificateReport:
    ok: bool
    matched: int
    dual_matched: int
    score: float
    dual_score: float
    # Proven upper bound on (best possible total score) - (this assignment's total score).
    gap_bound: float
    violations: int
    problems: list[str] = field(default_factory=list)


def excess(
    cert: Certificate, rows: np.ndarray, cols: np.ndarray, score: np.ndarray, feasible: np.ndarray
) -> NDArray[np.float64]:
    """How much each pair breaks dual feasibility: ``inf`` for a cardinality break, else
    ``score - u - v`` (<= 0 when fine); ``-inf`` for pairs that impose nothing."""
    cover = cert.alpha[rows].astype(np.int64) + cert.beta[cols]
    with np.errstate(invalid="ignore"):
        out = np.where(cover == 1, score - (cert.u[rows] + cert.v[cols]), -np.inf)
    out = np.where(cover == 0, np.inf, out)
    out = np.where(np.isnan(out), -np.inf, out)
    return np.where(feasible, out, -np.inf)


def find_violations(
    enc: Encoded,
    cert: Certificate,
    scorer: FastScorer,
    *,
    codes: np.ndarray | None,
    edge_keys: np.ndarray,
    active: np.ndarray,
    options: SolverOptions,
    slack: float = 0.0,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
    pending: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], int]:
    """Pairs outside ``edge_keys`` that break the certificate, or come within ``slack`` of it.

    Looks at the pairs of ``rows`` (default: all) with every mentor, of every mentee with
    ``cols`` (default: none unless ``rows`` is None too), and the ``pending`` pairs. Fast
    scores (or their 16-bit codes) screen with a safety margin; flagged pairs are scored
    exactly. Returns rows, cols, exact scores, excess (see :func:`excess`) and how many pairs
    were scored exactly.
    """
    m = enc.n_mentors
    u = np.where(active, cert.u, np.inf)
    groups = []
    for alpha in (1, 0):
        # Mentees covered by the cardinality dual only need checking against uncovered mentors
        # and the other way round; a pair covered on neither side could match one more mentee.
        in_group = active & (cert.alpha == alpha)
        if alpha:
            col_limit = np.where(cert.beta == 1, np.inf, cert.v - slack)
        else:
            col_limit = np.where(cert.beta == 1, cert.v - slack, -np.inf)
        groups.append((in_group, u, col_limit))
    found_r, found_c = [], []
    for in_group, row_limit, col_limit in groups:
        if rows is None and cols is None:
            targets = [(np.flatnonzero(in_group), None)]
        else:
            targets = []
            if rows is not None:
                targets.append((np.asarray(rows)[in_group[rows]], None))
            if cols is not None and np.size(cols):
                targets.append((np.flatnonzero(in_group), np.asarray(cols)))
        for want, col_subset in targets:
            r, c = screen(scorer, codes, row_limit, col_limit, rows_wanted=want, options=options, cols=col_subset)
            found_r.append(r)
            found_c.append(c)
    if pending is not None:
        found_r.append(pending[0])
        found_c.append(pending[1])
    empty = np.zeros(0, dtype=np.int64)
    if not found_r:
        return empty, empty, np.zeros(0), np.zeros(0), 0
    keys = np.unique(np.concatenate(found_r) * m + np.concatenate(found_c))
    keys = keys[~sorted_contains(edge_keys, keys)]
    r, c = keys // m, keys % m
    score, feasible = pair_scores(enc, r, c)
    ex = excess(cert, r, c, score, feasible)
    near = ex > (-slack if slack > 0 else options.tolerance)
    return r[near], c[near], score[near], ex[near], int(r.size)


def verify_certificate(enc: Encoded, mentor_of: np.ndarray, cert: Certificate, tol: float = 1e-9) -> CertificateReport:
    """Check an assignment and its certificate from scratch, scoring every pair exactly.

    ``mentor_of[i]`` is mentee i's mentor index or -1. Independent of how the engine found
    either; slow on large problems (it scores all pairs in float64).
    """
    n, m = enc.n_mentees, enc.n_mentors
    problems: list[str] = []
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    fixed = np.zeros(n, dtype=bool)
    fixed[enc.fixed_mentees] = True
    if (mentor_of[enc.fixed_mentees] != enc.fixed_mentors).any():
        problems.append("a fixed pair was changed")
    active = ~fixed
    cap = enc.remaining_capacity()
    taken = mentor_of[active & (mentor_of >= 0)]
    used = np.bincount(taken, minlength=m)
    if (used > cap).any():
        problems.append("a mentor is over capacity")
    rows = np.flatnonzero(active & (mentor_of >= 0))
    score, feasible = pair_scores(enc, rows, mentor_of[rows])
    if not feasible.all():
        problems.append("an assigned pair breaks a hard criterion or an exclusion")
    primal = math.fsum(score.tolist())
    alpha, beta = cert.alpha.astype(np.int64), cert.beta.astype(np.int64)
    if ((alpha[active] == 0) & (cert.u[active] < -tol)).any() or ((beta == 0) & (cap > 0) & (cert.v < -tol)).any():
        problems.append("a price is negative")
    open_cols = cap > 0
    dual_matched = int(alpha[active].sum() + (cap[open_cols] * beta[open_cols]).sum())
    with np.errstate(invalid="ignore"):
        dual_score = math.fsum(cert.u[active].tolist()) + math.fsum((cap[open_cols] * cert.v[open_cols]).tolist())
    if dual_matched != rows.size:
        problems.append(f"matched {rows.size} but the cardinality dual allows {dual_matched}")
    worst = 0.0
    count = 0
    act_rows = np.flatnonzero(active)
    cols = np.flatnonzero(open_cols)
    for start in range(0, act_rows.size, VERIFY_BLOCK):
        blk = act_rows[start : start + VERIFY_BLOCK]
        s, ok = block_scores(enc, blk, cols)
        rr = np.repeat(blk, cols.size)
        cc = np.tile(cols, blk.size)
        ex = excess(cert, rr, cc, s.ravel(), ok.ravel())
        bad = ex > tol
        count += int(bad.sum())
        if ex.size:
            worst = max(worst, float(ex.max()))
    if count:
        problems.append(f"{count} pairs break dual feasibility (worst by {worst:.3g})")
    slack = max(0.0, worst)
    gap = max(0.0, dual_score - primal) + rows.size * slack
    if not math.isfinite(gap) or abs(dual_score - primal) > tol * max(1.0, abs(primal)) + rows.size * tol:
        problems.append(f"dual score {dual_score!r} does not match the assignment's {primal!r}")
    return CertificateReport(
        ok=not problems,
        matched=int(rows.size),
        dual_matched=dual_matched,
        score=primal,
        dual_score=dual_score,
        gap_bound=gap if math.isfinite(gap) else math.inf,
        violations=count,
        problems=problems,
    )
