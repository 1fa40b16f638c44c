"""The first pass over all pairs, and the later screening passes of the certificate.

The first pass scores every pair once (fast float32, in row blocks) and keeps, per mentee,
the best ``top_k`` mentors plus a few random feasible ones, and per mentor its best mentees
(one per block, from the best blocks). It also remembers, per mentee,
an upper bound on the fast score of every pair it dropped, and (when memory allows) every
pair's score rounded up to 16 bits, so that later passes only compare numbers instead of
scoring again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from .encoding import Encoded
from .scoring import FEASIBLE_CUT, MARGIN, FastScorer
from .types import SolverOptions

# Scores as 16-bit codes: code = floor((fast + MARGIN) * CODE_SCALE + 1), so for every feasible
# pair exact <= (code + 0.01) / CODE_SCALE, and code 0 means infeasible or excluded.
# CODE_SCALE leaves head room below 65535 for fast scores slightly above 1.
CODE_SCALE = 65000.0
CODE_OFFSET = MARGIN * CODE_SCALE + 1.0
# Float32 rounding of thresholds in code units stays well below this.
CODE_SAFETY = 1.0

T = TypeVar("T")


def worker_count(options: SolverOptions) -> int:
    if options.threads > 0:
        return options.threads
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def run_blocks(fn: Callable[[int, int], T], n: int, block: int, workers: int) -> Iterator[T]:
    """Apply ``fn(r0, r1)`` to consecutive row blocks, in order; NumPy releases the GIL inside."""
    bounds = [(r0, min(n, r0 + block)) for r0 in range(0, n, block)]
    if workers <= 1 or len(bounds) <= 1:
        for r0, r1 in bounds:
            yield fn(r0, r1)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(lambda b: fn(*b), bounds)


def to_codes(block: np.ndarray) -> np.ndarray:
    """Turn a fast score block into 16-bit upper-bound codes (in place; returns the block)."""
    block *= np.float32(CODE_SCALE)
    block += np.float32(CODE_OFFSET)
    np.clip(block, 0.0, 65535.0, out=block)
    return block


@dataclass(eq=False)
class FirstPass:
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    # Every dropped pair of mentee i has fast score <= row_bound[i] (-inf: none feasible dropped).
    row_bound: NDArray[np.float32]
    has_feasible: NDArray[np.bool_]
    codes: NDArray[np.uint16] | None


def _select(
    fast: np.ndarray, k: int, cap_k: int, extra_cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_rows, m = fast.shape
    chunks = min(m, 4 * k)
    width = m // chunks
    main = chunks * width
    maxima = fast[:, :main].reshape(n_rows, chunks, width).max(axis=2)
    if main < m:
        maxima = np.hstack([maxima, fast[:, main:].max(axis=1, keepdims=True)])
    n_chunks = maxima.shape[1]
    kk = min(k, n_chunks)
    # The k-th best chunk maximum leaves at least k pairs at or above it, and usually not many
    # more: a cheap stand-in for a per-row partial sort.
    kth = np.partition(maxima, n_chunks - kk, axis=1)[:, n_chunks - kk]
    threshold = np.maximum(kth, np.float32(FEASIBLE_CUT))
    has_feasible = maxima.max(axis=1) > FEASIBLE_CUT
    flat = np.flatnonzero(fast >= threshold[:, None])
    rl, cl = flat // m, flat % m
    bound = np.where(threshold > FEASIBLE_CUT, threshold, -np.inf).astype(np.float32)
    counts = np.bincount(rl, minlength=n_rows)
    heavy = np.flatnonzero(counts > cap_k)
    if heavy.size:
        keep = np.ones(rl.size, dtype=bool)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        for i in heavy:
            seg = slice(starts[i], starts[i] + counts[i])
            vals = fast[i, cl[seg]]
            order = np.argsort(-vals, kind="stable")
            keep[starts[i] + order[cap_k:]] = False
            bound[i] = vals[order[cap_k - 1]]
        rl, cl = rl[keep], cl[keep]
    if extra_cols.size:
        er = np.repeat(np.arange(n_rows), extra_cols.shape[1])
        ec = extra_cols.ravel()
        ok = fast[er, ec] > FEASIBLE_CUT
        rl = np.concatenate([rl, er[ok]])
        cl = np.concatenate([cl, ec[ok]])
    return rl, cl, bound, has_feasible


def first_pass(enc: Encoded, scorer: FastScorer, options: SolverOptions) -> FirstPass:
    n, m = enc.n_mentees, enc.n_mentors
    k = max(1, options.top_k)
    keep_codes = n * m * 2 <= options.score_cache_bytes
    codes = np.zeros((n, m), dtype=np.uint16) if keep_codes else None
    rng = np.random.default_rng(options.seed)
    extra = rng.integers(0, m, size=(n, options.random_extra)) if m and options.random_extra > 0 else None

    local = threading.local()

    def work(r0: int, r1: int) -> tuple[np.ndarray, ...]:
        buf = getattr(local, "buf", None)
        if buf is None:
            buf = local.buf = np.empty((options.block_rows, m), dtype=np.float32)
        fast = scorer.block(r0, r1, out=buf[: r1 - r0])
        ex = extra[r0:r1] if extra is not None else np.zeros((r1 - r0, 0), dtype=np.int64)
        rl, cl, bound, has = _select(fast, k, 4 * k, ex)
        # Each mentor's best mentee of the block: a mentor nobody ranks high still needs
        # candidates when every seat has to be filled.
        best_row = fast.argmax(axis=0)
        best_val = fast[best_row, np.arange(m)]
        if codes is not None:
            codes[r0:r1] = to_codes(fast)
        return rl + r0, cl, bound, has, best_row + r0, best_val

    if m == 0:
        empty = np.zeros(0, dtype=np.int64)
        return FirstPass(empty, empty, np.full(n, -np.inf, np.float32), np.zeros(n, bool), codes)
    parts = list(run_blocks(work, n, options.block_rows, worker_count(options)))
    rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    if parts and options.top_k_mentor > 0:
        block_rows = np.vstack([p[4] for p in parts])
        block_vals = np.vstack([p[5] for p in parts])
        kk = min(options.top_k_mentor, block_vals.shape[0])
        top = np.argpartition(-block_vals, kk - 1, axis=0)[:kk]
        pick_rows = np.take_along_axis(block_rows, top, axis=0)
        pick_vals = np.take_along_axis(block_vals, top, axis=0)
        feasible = pick_vals > FEASIBLE_CUT
        rows = np.concatenate([rows, pick_rows[feasible]])
        cols = np.concatenate([cols, np.broadcast_to(np.arange(m), pick_rows.shape)[feasible]])
    keys = np.unique(rows.astype(np.int64) * m + cols)
    return FirstPass(
        rows=keys // m,
        cols=keys % m,
        row_bound=np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.float32),
        has_feasible=np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, bool),
        codes=codes,
    )


def screen(
    scorer: FastScorer,
    codes: np.ndarray | None,
    row_limit: np.ndarray,
    col_limit: np.ndarray,
    *,
    rows_wanted: np.ndarray,
    options: SolverOptions,
    cols: np.ndarray | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs whose score may exceed ``row_limit[i] + col_limit[j]`` (both in score units).

    ``-inf`` limits flag every feasible pair, ``+inf`` none; only rows in ``rows_wanted`` (and
    columns in ``cols``, default all) are looked at. A pair that really exceeds the sum is
    always flagged; a flagged pair may not.
    """
    n = scorer.n
    col_idx = np.arange(scorer.m) if cols is None else np.asarray(cols, dtype=np.int64)
    if col_idx.size == 0 or np.size(rows_wanted) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a_all = (row_limit * CODE_SCALE - CODE_SAFETY).astype(np.float32)
    b_sel = (col_limit[col_idx] * CODE_SCALE).astype(np.float32)
    wanted = np.zeros(n, dtype=bool)
    wanted[rows_wanted] = True
    subset = cols is not None

    def work(r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        sel = wanted[r0:r1]
        if not sel.any():
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        if codes is not None:
            block = codes[r0:r1, col_idx] if subset else codes[r0:r1]
        else:
            block = to_codes(scorer.block(r0, r1))
            if subset:
                block = block[:, col_idx]
        a = np.where(sel, a_all[r0:r1], np.float32(np.inf))
        with np.errstate(invalid="ignore"):
            limit = np.add.outer(a, b_sel)
        np.maximum(limit, np.float32(0.5), out=limit)
        rl, cl = np.nonzero(block > limit)
        return rl.astype(np.int64) + r0, col_idx[cl]

    parts = list(run_blocks(work, n, options.block_rows, worker_count(options)))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
