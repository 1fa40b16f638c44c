"""The sparse strategy: a small candidate network, grown until its potentials prove the flow
optimal on every pair (see the package docstring).

The first pass scores every class pair once, in fast float32 row blocks run on the engine's own
threads, and keeps each mentee class's best mentor classes, each mentor class's best mentee
classes and a few random feasible pairs; every score is also kept as a 16-bit upper bound while
that fits in ``score_cache_bytes``. Each round solves the flow on the network, computes the
potentials, and screens every pair against them; the pairs that break the proof (or come within
``near_slack`` of it) are scored exactly and join the network.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

from .encoding import Encoded, unique_keys
from .flow import SCALE, Arcs, ClassSolution, solve_network, timed, to_units
from .scoring import FEASIBLE_CUT, MARGIN, FastScorer, pair_scores
from .types import SolverOptions

T = TypeVar("T")

# Best mentor classes remembered per mentee class for the alternatives.
ALT_KEEP = 16

# Fast scores as 16-bit upper bounds: code = floor((fast + MARGIN) * CODE_SCALE + 1), so a
# feasible pair's exact score is at most code / CODE_SCALE; code 0 means infeasible.
CODE_SCALE = 65000.0
# Screened excess above this is a violation whatever the rounding: no exact check needed to know
# that the round is not the last.
SURE = 10 * MARGIN


# Below this many class pairs the row blocks run one after another on the calling thread: the
# whole pass takes a few milliseconds, less than handing blocks to a pool costs on a busy machine.
SERIAL_PAIRS = 4_000_000


def worker_count(options: SolverOptions, pairs: int = SERIAL_PAIRS) -> int:
    if options.threads > 0:
        return options.threads
    if pairs < SERIAL_PAIRS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores))


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
    """Fast scores to 16-bit upper-bound codes (in place; returns the block)."""
    block *= np.float32(CODE_SCALE)
    block += np.float32(MARGIN * CODE_SCALE + 1.0)
    np.clip(block, 0.0, 65535.0, out=block)
    return block


@dataclass(eq=False)
class FirstPass:
    # Candidate pairs for the first network.
    a: NDArray[np.int64]
    b: NDArray[np.int64]
    # Each mentee class's best ``ALT_KEEP`` mentor classes, for the alternatives; every pair of
    # class a left out of them has a fast score <= row_bound[a] (-inf: none feasible).
    top_a: NDArray[np.int64]
    top_b: NDArray[np.int64]
    row_bound: NDArray[np.float64]
    has_feasible: NDArray[np.bool_]
    codes: NDArray[np.uint16] | None


def _top_rows(fast: np.ndarray, keep: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's ``keep`` best columns and, among them, its ``k`` best (feasible only), and a
    bound on the scores of the rest.

    The ``keep``-th largest of the rows' chunk maxima leaves at least ``keep`` scores at or above
    it, and usually not many more: a cheap stand-in for a partial sort of every row.
    """
    n_rows, m = fast.shape
    if keep >= m:
        top = np.argsort(-fast, axis=1, kind="stable")
        bound = np.full(n_rows, -np.inf)
    else:
        width = max(1, m // (2 * keep))
        chunks = m // width
        maxima = fast[:, : chunks * width].reshape(n_rows, chunks, width).max(axis=2)
        if chunks * width < m:
            maxima = np.hstack([maxima, fast[:, chunks * width :].max(axis=1, keepdims=True)])
        cut = np.partition(maxima, maxima.shape[1] - keep, axis=1)[:, maxima.shape[1] - keep]
        rr, cc = np.nonzero(fast >= cut[:, None])
        vals = fast[rr, cc]
        order = np.lexsort((cc, -vals, rr))
        rr, cc, vals = rr[order], cc[order], vals[order]
        counts = np.bincount(rr, minlength=n_rows)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.arange(rr.size) - starts[rr]
        # Everything outside the candidates is below the cut; the next candidate bounds the rest.
        nxt = np.where(counts > keep, vals[np.minimum(starts + keep, max(rr.size - 1, 0))], cut)
        bound = np.where(nxt > FEASIBLE_CUT, nxt, -np.inf).astype(np.float64)
        sel = rank < keep
        top = np.full((n_rows, keep), -1, dtype=np.int64)
        top[rr[sel], rank[sel]] = cc[sel]
    valid = top >= 0
    ok = valid & (np.take_along_axis(fast, np.maximum(top, 0), axis=1) > FEASIBLE_CUT)
    rows = np.broadcast_to(np.arange(n_rows)[:, None], top.shape)
    best = ok & (np.arange(top.shape[1]) < k)[None, :]
    return rows[ok], top[ok], bound, best[ok]


def first_pass(p: Encoded, scorer: FastScorer, seats: np.ndarray, opts: SolverOptions) -> FirstPass:
    n, m = p.n_mentees, p.n_mentors
    k = max(1, opts.top_k)
    per_col = int(min(n, max(0, opts.top_k_per_seat) * max(1, int(seats.max(initial=1)))))
    keep_codes = n * m * 2 <= opts.score_cache_bytes
    codes = np.zeros((n, m), dtype=np.uint16) if keep_codes else None
    rng = np.random.default_rng(opts.seed)
    extra = rng.integers(0, m, size=(n, max(0, opts.random_extra)))
    local = threading.local()

    def work(r0: int, r1: int) -> tuple[np.ndarray, ...]:
        buf = getattr(local, "buf", None)
        if buf is None:
            buf = local.buf = np.empty((opts.block_rows, m), dtype=np.float32)
        fast = scorer.block(r0, r1, out=buf[: r1 - r0])
        rr, cc, bound, best = _top_rows(fast, max(k, ALT_KEEP), k)
        has = fast.max(axis=1) > FEASIBLE_CUT
        ex = extra[r0:r1]
        ex_ok = np.take_along_axis(fast, ex, axis=1) > FEASIBLE_CUT
        er = np.broadcast_to(np.arange(r1 - r0)[:, None], ex.shape)[ex_ok]
        # Each mentor class's best mentee class of this block (all of them in a single block).
        if per_col == 0:
            top = np.zeros((0, m), dtype=np.int64)
        elif r1 - r0 <= per_col or n <= opts.block_rows:
            top = np.argsort(-fast, axis=0, kind="stable")[:per_col]
        else:
            top = fast.argmax(axis=0)[None, :]
        col_vals = np.take_along_axis(fast, top, axis=0)
        if codes is not None:
            codes[r0:r1] = to_codes(fast)
        return rr + r0, cc, bound, has, top + r0, col_vals, best, er + r0, ex[ex_ok]

    parts = list(run_blocks(work, n, opts.block_rows, worker_count(opts, n * m)))
    col_rows = np.vstack([x[4] for x in parts])
    col_vals = np.vstack([x[5] for x in parts])
    kk = min(per_col, col_rows.shape[0])
    best = np.argsort(-col_vals, axis=0, kind="stable")[:kk] if kk else np.zeros((0, m), dtype=np.int64)
    pick_rows = np.take_along_axis(col_rows, best, axis=0)
    # Each mentor class keeps top_k_per_seat mentee classes per free seat.
    wanted = np.maximum(1, opts.top_k_per_seat * seats)
    pick_ok = (np.take_along_axis(col_vals, best, axis=0) > FEASIBLE_CUT) & (np.arange(kk)[:, None] < wanted[None, :])
    pick_cols = np.broadcast_to(np.arange(m), pick_rows.shape)
    top_a = np.concatenate([x[0] for x in parts])
    top_b = np.concatenate([x[1] for x in parts])
    chosen = np.concatenate([x[6] for x in parts])
    rows = np.concatenate([top_a[chosen], pick_rows[pick_ok]] + [x[7] for x in parts])
    cols = np.concatenate([top_b[chosen], pick_cols[pick_ok]] + [x[8] for x in parts])
    keys = unique_keys(rows * m + cols)
    return FirstPass(
        a=keys // m,
        b=keys % m,
        top_a=top_a,
        top_b=top_b,
        row_bound=np.concatenate([x[2] for x in parts]),
        has_feasible=np.concatenate([x[3] for x in parts]),
        codes=codes,
    )


def _pick(a: np.ndarray, b: np.ndarray, value: np.ndarray, per: int) -> NDArray[np.bool_]:
    """The ``per`` largest values of each row and of each column."""
    keep = np.zeros(a.size, dtype=bool)
    for major in (a, b):
        order = np.lexsort((-value, major))
        grp = major[order]
        first = np.concatenate([[True], grp[1:] != grp[:-1]])
        starts = np.maximum.accumulate(np.where(first, np.arange(grp.size), 0))
        keep[order[(np.arange(grp.size) - starts) < per]] = True
    return keep


@dataclass(frozen=True, eq=False)
class Limits:
    """The potentials in the form screening needs: a pair (a, b) keeps the proof when its score
    is at most ``(row_k[a] + col_k[b] - 1) * big_score + row_r[a] + col_r[b]``, ``big_score``
    being the cardinality constant in score units. Splitting off the whole multiples of it keeps
    every number that screening compares small, so float32 stays exact enough."""

    row_k: NDArray[np.int64]
    row_r: NDArray[np.float64]
    col_k: NDArray[np.int64]
    col_r: NDArray[np.float64]
    big_score: float
    row_on: NDArray[np.bool_]
    col_on: NDArray[np.bool_]

    @classmethod
    def from_potentials(cls, dist: np.ndarray, n_rows: int, big: int, row_on: np.ndarray, col_on: np.ndarray) -> Limits:
        res = int(dist[-1])
        u = dist[:n_rows] - res
        v = res - dist[n_rows:-1]
        row_k = np.floor_divide(u + big // 2, big)
        col_k = np.floor_divide(v + big // 2, big)
        return cls(
            row_k=row_k,
            row_r=(u - row_k * big) / SCALE,
            col_k=col_k,
            col_r=(v - col_k * big) / SCALE,
            big_score=big / SCALE,
            row_on=row_on,
            col_on=col_on,
        )


# Screening terms beyond these (in code units) decide a pair on their own.
_CLIP = 1e7
_NEVER = 3e7


def screen(
    p: Encoded, scorer: FastScorer, fp: FirstPass, lim: Limits, opts: SolverOptions, near: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], bool]:
    """Pairs whose score may come within ``near`` of breaking the proof (see :class:`Limits`).

    Returns candidate rows and columns, and whether they are all of them: a block where some
    pair certainly breaks the proof only sends its worst pairs per row and column.

    A pair is flagged when ``code + col_term[group of a][b] > row_term[a]``: one table of column
    terms per distinct ``row_k``, so that each comparison is one addition of small numbers.
    """
    groups, row_group = np.unique(lim.row_k, return_inverse=True)
    row_group = row_group.reshape(-1)
    col_term = np.empty((groups.size, p.n_mentors), dtype=np.float32)
    for g, k in enumerate(groups.tolist()):
        value = -((k + lim.col_k - 1) * lim.big_score + lim.col_r) * CODE_SCALE
        col_term[g] = np.where(lim.col_on, np.clip(value, -_CLIP, _CLIP), -_NEVER)
    # Float32 rounding of these terms stays far below the one code of slack.
    slack = 1.0
    row_term = np.where(lim.row_on, np.clip((lim.row_r - near) * CODE_SCALE - slack, -_CLIP, _CLIP), _NEVER)
    row_term = row_term.astype(np.float32)
    sure = np.float32((SURE + near) * CODE_SCALE)
    per = max(1, opts.add_per_round)

    def work(r0: int, r1: int) -> tuple[np.ndarray, np.ndarray, bool]:
        if not lim.row_on[r0:r1].any():
            return np.zeros(0, np.int64), np.zeros(0, np.int64), True
        block = fp.codes[r0:r1] if fp.codes is not None else to_codes(scorer.block(r0, r1))
        total = col_term[row_group[r0:r1]]
        total += block
        rr, cc = np.nonzero(total > row_term[r0:r1, None])
        feasible = block[rr, cc] > 0
        rr, cc = rr[feasible], cc[feasible]
        if rr.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), True
        val = total[rr, cc] - row_term[r0 + rr]
        if val.max() > sure and rr.size > per:
            keep = _pick(rr, cc, val, per)
            return rr[keep].astype(np.int64) + r0, cc[keep].astype(np.int64), False
        return rr.astype(np.int64) + r0, cc.astype(np.int64), True

    parts = list(run_blocks(work, p.n_mentees, opts.block_rows, worker_count(opts, p.n_mentees * p.n_mentors)))
    rows = np.concatenate([x[0] for x in parts]) if parts else np.zeros(0, np.int64)
    cols = np.concatenate([x[1] for x in parts]) if parts else np.zeros(0, np.int64)
    return rows, cols, all(x[2] for x in parts)


_controller: ThreadpoolController | None = None


def single_threaded_blas() -> AbstractContextManager:
    """The fast scores are small matrix products run on the engine's own threads, one row block
    each: a multi-threaded BLAS would mostly wait on itself, and on a busy machine much more."""
    global _controller  # noqa: PLW0603 - the loaded libraries are looked up once per process
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def solve_sparse(
    p: Encoded, supply: np.ndarray, seats: np.ndarray, big: int, opts: SolverOptions, seconds: dict
) -> ClassSolution:
    n_a, n_b = p.n_mentees, p.n_mentors
    rounds: list[dict[str, object]] = []
    scorer = FastScorer(p)
    fp = timed(seconds, "first_pass", first_pass, p, scorer, seats, opts)
    score, ok = pair_scores(p, fp.a, fp.b)
    arcs = Arcs(fp.a[ok], fp.b[ok], score[ok], n_b)
    dist = None
    near = opts.near_slack
    while True:
        flow, dist = timed(seconds, "flow", solve_network, arcs, supply, seats, big, dist)
        # A pair (a, b) keeps the proof when score * SCALE <= d[a] - d[b] - big; pairs within
        # ``near`` of breaking it are looked at too, since the next prices may break them.
        lim = Limits.from_potentials(dist, n_a, big, supply > 0, seats > 0)
        rr, cc, complete = timed(seconds, "screen", screen, p, scorer, fp, lim, opts, near)
        s, ok = pair_scores(p, rr, cc)
        excess = to_units(s) - (dist[rr] - dist[n_a + cc] - big)
        live = ok & (supply[rr] > 0) & (seats[cc] > 0)
        bad = live & (excess > 0)
        rounds.append(
            {"arcs": int(arcs.a.size), "flow": int(flow.sum()), "checked": int(rr.size), "violations": int(bad.sum())}
        )
        if not bad.any():
            if complete:
                break
            raise RuntimeError("screening sent only pairs that keep the proof")  # pragma: no cover
        if len(rounds) >= opts.max_rounds:
            raise RuntimeError(f"no optimality proof after {len(rounds)} rounds")
        add = live & (excess > -near * SCALE)
        rr, cc, s, excess = rr[add], cc[add], s[add], excess[add]
        keep = _pick(rr, cc, excess.astype(np.float64), max(1, opts.add_per_round))
        arcs = arcs.merged(rr[keep], cc[keep], s[keep])
    top_s, top_ok = pair_scores(p, fp.top_a, fp.top_b)
    known = arcs.merged(fp.top_a[top_ok], fp.top_b[top_ok], top_s[top_ok])
    return ClassSolution(arcs, flow, dist, big, known, fp.row_bound, fp.has_feasible, rounds, seconds)
