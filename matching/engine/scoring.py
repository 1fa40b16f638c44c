"""Pair scores.

Two implementations share one definition:

* the *exact* one (float64, elementwise, the same operations in the same order whether it
  scores a list of pairs or a whole block) gives every score the engine reports and every
  number the solver optimises;
* the *fast* one (float32, mostly matrix products) only ranks and screens pairs. Its error is
  far below :data:`MARGIN`, and every decision taken on it is either re-checked exactly or
  padded by the margin.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

from .encoding import Encoded, sorted_contains
from .types import DIFFERENT, DISTANCE, ORDINAL, ORDINAL_EQUAL_SCORE, OVERLAP, SAME, Criterion

# A failed hard criterion pushes the fast score this far down; feasible fast scores stay within
# [-MARGIN, 1 + MARGIN], so anything below FEASIBLE_CUT is infeasible.
PENALTY = 4.0
FEASIBLE_CUT = -1.0
# Bound on |fast score - exact score|; float32 sums of a few dozen terms in 0..1 are ~1e-6 off.
MARGIN = 1e-4
# A criterion whose answers take at most this many distinct values on one side becomes a
# lookup table folded into one matrix product.
TABLE_LIMIT = 128
PAIR_CHUNK = 1 << 17


def kind_score(
    crit: Criterion, a: np.ndarray, b: np.ndarray, pa: np.ndarray, pb: np.ndarray
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Per-criterion score in 0..1 and hard failure, for broadcastable answers (not ``overlap``).

    A missing answer on either side scores 0 and never fails a hard criterion: nobody is
    excluded for skipping a question.
    """
    present = pa & pb
    if crit.kind in (SAME, DIFFERENT):
        equal = a == b
        hit = equal if crit.kind == SAME else ~equal
        score = np.where(present & hit, 1.0, 0.0)
        fail = present & ~hit
    elif crit.kind == DISTANCE:
        with np.errstate(invalid="ignore"):
            gap = np.abs(a - b)
            if crit.wraparound:
                gap = np.mod(gap, crit.period)
                gap = np.minimum(gap, crit.period - gap)
            raw = np.maximum(0.0, 1.0 - gap / crit.scale)
        score = np.where(present, raw, 0.0)
        fail = present & ~(score > 0.0)
    elif crit.kind == ORDINAL:
        with np.errstate(invalid="ignore"):
            senior = b > a
            raw = np.where(senior, 1.0, np.where(b == a, ORDINAL_EQUAL_SCORE, 0.0))
        score = np.where(present, raw, 0.0)
        fail = present & ~senior
    else:  # pragma: no cover - overlap goes through overlap_score
        raise ValueError(f"kind_score does not handle {crit.kind!r}")
    if not crit.hard:
        fail = np.zeros(np.shape(score), dtype=bool)
    return score, fail


def overlap_score(
    crit: Criterion, inter: np.ndarray, sa: np.ndarray, sb: np.ndarray, *, pa: np.ndarray, pb: np.ndarray
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Jaccard index of two answer sets from their shared count and sizes; 0 when both are empty."""
    present = pa & pb
    union = sa + sb - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = np.where(union > 0, inter / np.maximum(union, 1.0), 0.0)
    score = np.where(present, jac, 0.0)
    fail = present & (inter == 0) if crit.hard else np.zeros(np.shape(score), dtype=bool)
    return score, fail


def _share(score: np.ndarray, weight: float, total: float) -> np.ndarray:
    if total <= 0.0:
        return np.zeros(np.shape(score))
    return (score * weight) / total


def pair_shares(enc: Encoded, rows: np.ndarray, cols: np.ndarray) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Exact per-criterion contributions (pairs x criteria) and hard-criteria feasibility.

    Exclusions are not applied here.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    shares = np.zeros((rows.size, len(enc.criteria)))
    ok = np.ones(rows.size, dtype=bool)
    total = enc.weight_total
    for start in range(0, rows.size, PAIR_CHUNK):
        r = rows[start : start + PAIR_CHUNK]
        c = cols[start : start + PAIR_CHUNK]
        for k, crit in enumerate(enc.criteria):
            pa = enc.mentee_present[k][r]
            pb = enc.mentor_present[k][c]
            if crit.kind == OVERLAP:
                ea = enc.mentee_answers[k]
                mb = enc.mentor_answers[k]
                inter = (ea[r] & mb[c]).sum(axis=1).astype(np.float64)
                sa = ea[r].sum(axis=1).astype(np.float64)
                sb = mb[c].sum(axis=1).astype(np.float64)
                score, fail = overlap_score(crit, inter, sa, sb, pa=pa, pb=pb)
            else:
                score, fail = kind_score(crit, enc.mentee_answers[k][r], enc.mentor_answers[k][c], pa, pb)
            shares[start : start + r.size, k] = _share(score, float(crit.weight), total)
            ok[start : start + r.size] &= ~fail
    return shares, ok


def add_shares(shares: np.ndarray) -> NDArray[np.float64]:
    """Score as the left-to-right sum of the shares, so the shares add up to it exactly."""
    score = np.zeros(shares.shape[:-1])
    for k in range(shares.shape[-1]):
        score = score + shares[..., k]
    return score


def pair_scores(enc: Encoded, rows: np.ndarray, cols: np.ndarray) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Exact score of each pair and whether it may be proposed (hard criteria and exclusions)."""
    shares, ok = pair_shares(enc, rows, cols)
    ok &= ~enc.is_excluded(rows, cols)
    return add_shares(shares), ok


def block_scores(
    enc: Encoded, rows: np.ndarray, cols: np.ndarray | None = None
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Exact scores of every (row, col) combination; bit-identical to :func:`pair_scores`."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.arange(enc.n_mentors) if cols is None else np.asarray(cols, dtype=np.int64)
    total = enc.weight_total
    score = np.zeros((rows.size, cols.size))
    ok = np.ones((rows.size, cols.size), dtype=bool)
    for k, crit in enumerate(enc.criteria):
        pa = enc.mentee_present[k][rows][:, None]
        pb = enc.mentor_present[k][cols][None, :]
        if crit.kind == OVERLAP:
            ea = enc.mentee_answers[k][rows].astype(np.float64)
            mb = enc.mentor_answers[k][cols].astype(np.float64)
            inter = ea @ mb.T
            s, fail = overlap_score(crit, inter, ea.sum(axis=1)[:, None], mb.sum(axis=1)[None, :], pa=pa, pb=pb)
        else:
            a = enc.mentee_answers[k][rows][:, None]
            b = enc.mentor_answers[k][cols][None, :]
            s, fail = kind_score(crit, a, b, pa, pb)
        score = score + _share(s, float(crit.weight), total)
        ok &= ~fail
    if enc.excluded.size:
        keys = rows[:, None] * enc.n_mentors + cols[None, :]
        ok &= ~sorted_contains(enc.excluded, keys)
    return score, ok


# ---------------------------------------------------------------------------------------------
# Fast float32 scoring


def _codes_and_values(values: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct values of one side (missing as its own value), and each person's position."""
    keyed = np.where(present, values, -1) if values.dtype.kind in "iu" else np.where(present, values, np.nan)
    uniq, inverse = np.unique(keyed, return_inverse=True)
    uniq_present = uniq >= 0 if values.dtype.kind in "iu" else ~np.isnan(uniq)
    return uniq, uniq_present, inverse.reshape(-1)


def _onehot(index: np.ndarray, width: int) -> NDArray[np.float32]:
    out = np.zeros((index.size, width), dtype=np.float32)
    out[np.arange(index.size), index] = 1.0
    return out


class _OverlapPart:
    def __init__(self, enc: Encoded, k: int, coef: float) -> None:
        crit = enc.criteria[k]
        pa, pb = enc.mentee_present[k], enc.mentor_present[k]
        # A skipped question becomes an empty set, which the Jaccard index scores 0 as well.
        a = np.asarray(enc.mentee_answers[k] & pa[:, None], dtype=np.float32)
        b = np.asarray(enc.mentor_answers[k] & pb[:, None], dtype=np.float32)
        sa, sb = a.sum(axis=1), b.sum(axis=1)
        # Shared count (scaled by the weight) and union size both come out of matrix products:
        # union = |A| + |B| - shared. An empty set counts as size 1 here: its shared count is 0
        # anyway, and the union never reaches 0, so no division needs guarding.
        self.shared_left = np.ascontiguousarray(a * np.float32(coef))
        self.shared_right = np.ascontiguousarray(b.T)
        self.union_left = np.ascontiguousarray(
            np.hstack([-a, np.maximum(sa, 1)[:, None], np.ones((a.shape[0], 1))]), dtype=np.float32
        )
        self.union_right = np.ascontiguousarray(
            np.hstack([b, np.ones((b.shape[0], 1)), np.maximum(sb, 1)[:, None]]).T, dtype=np.float32
        )
        self.pa, self.pb = pa, pb
        self.coef = coef
        self.hard = crit.hard

    def add_to(self, out: np.ndarray, r0: int, r1: int, work: tuple[np.ndarray, np.ndarray]) -> None:
        shared = np.matmul(self.shared_left[r0:r1], self.shared_right, out=work[0][: r1 - r0])
        if self.hard:
            fail = (shared == 0) & self.pa[r0:r1, None] & self.pb[None, :]
            if self.coef == 0:
                # With no weight the scaled count is always 0; count again unscaled.
                fail = ((self.union_left[r0:r1, :-2] @ self.union_right[:-2]) == 0) & fail
            np.subtract(out, np.float32(PENALTY), out=out, where=fail)
        if self.coef != 0:
            union = np.matmul(self.union_left[r0:r1], self.union_right, out=work[1][: r1 - r0])
            np.divide(shared, union, out=shared)
            out += shared


class FastScorer:
    """Float32 scores of row blocks against every mentor.

    Criteria whose answers have few distinct values (career track, department, level, time
    zone) become lookup tables: person i's row of the table times a one-hot of mentor j's
    answer, all concatenated into one matrix product. Set overlaps are another product
    (shared counts) plus a few elementwise operations. Anything else is scored elementwise.
    """

    def __init__(self, enc: Encoded) -> None:
        self.enc = enc
        self.n, self.m = enc.n_mentees, enc.n_mentors
        total = enc.weight_total
        left: list[np.ndarray] = []
        right: list[np.ndarray] = []
        self.overlaps: list[_OverlapPart] = []
        self.elementwise: list[int] = []
        for k, crit in enumerate(enc.criteria):
            coef = float(crit.weight) / total if total > 0 else 0.0
            if coef == 0.0 and not crit.hard:
                continue
            if crit.kind == OVERLAP:
                self.overlaps.append(_OverlapPart(enc, k, coef))
                continue
            ua, pa, ia = _codes_and_values(enc.mentee_answers[k], enc.mentee_present[k])
            ub, pb, ib = _codes_and_values(enc.mentor_answers[k], enc.mentor_present[k])
            if min(ua.size, ub.size) > TABLE_LIMIT:
                self.elementwise.append(k)
                continue
            s, fail = kind_score(crit, ua[:, None], ub[None, :], pa[:, None], pb[None, :])
            table = _share(s, float(crit.weight), total) - PENALTY * fail
            if ub.size <= ua.size:
                left.append(table[ia].astype(np.float32))
                right.append(_onehot(ib, ub.size))
            else:
                left.append(_onehot(ia, ua.size))
                right.append(np.ascontiguousarray(table[:, ib].T, dtype=np.float32))
        width = sum(x.shape[1] for x in left)
        self.left = np.ascontiguousarray(np.hstack(left)) if left else np.zeros((self.n, 0), np.float32)
        self.right_t = np.ascontiguousarray(np.hstack(right).T) if right else np.zeros((0, self.m), np.float32)
        self.width = width
        self.total = total
        self._local = threading.local()

    def _workspace(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        # One pair of scratch blocks per worker thread: fresh 10 MB arrays on every block
        # would mostly cost page faults.
        work = getattr(self._local, "work", None)
        if work is None or work[0].shape[0] < rows:
            work = (np.empty((rows, self.m), np.float32), np.empty((rows, self.m), np.float32))
            self._local.work = work
        return work

    def block(self, r0: int, r1: int, out: np.ndarray | None = None) -> NDArray[np.float32]:
        """Fast scores of mentees ``r0:r1`` against all mentors; excluded pairs are ``-inf``."""
        if out is None:
            out = np.empty((r1 - r0, self.m), dtype=np.float32)
        if self.width:
            np.matmul(self.left[r0:r1], self.right_t, out=out)
        else:
            out[:] = 0.0
        if self.overlaps:
            work = self._workspace(r1 - r0)
            for part in self.overlaps:
                part.add_to(out, r0, r1, work)
        enc = self.enc
        for k in self.elementwise:
            crit = enc.criteria[k]
            s, fail = kind_score(
                crit,
                enc.mentee_answers[k][r0:r1, None],
                enc.mentor_answers[k][None, :],
                enc.mentee_present[k][r0:r1, None],
                enc.mentor_present[k][None, :],
            )
            out += (_share(s, float(crit.weight), self.total) - PENALTY * fail).astype(np.float32)
        if enc.excluded.size:
            lo, hi = np.searchsorted(enc.excluded, [r0 * self.m, r1 * self.m])
            keys = enc.excluded[lo:hi]
            out[keys // self.m - r0, keys % self.m] = -np.inf
        return out
