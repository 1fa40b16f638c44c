"""The solve: classes, a strategy, the flow, the individual pairs, alternatives and statistics."""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from threadpoolctl import ThreadpoolController

from .classes import Classes, class_problem, mentee_classes, mentor_classes
from .encoding import Encoded, encode
from .flow import SCALE, Arcs, big_units, max_flow_min_cost, potentials, residual_arcs, spread, to_units
from .scoring import FEASIBLE_CUT, MARGIN, FastScorer, block_scores, pair_scores, pair_shares
from .types import CAPACITY, NO_FEASIBLE_MENTOR, PairResult, Problem, Result, SolverOptions

ALTERNATIVES = 3
COMPLETE, SPARSE, DENSE = "complete", "sparse", "dense"
STRATEGIES = ("auto", COMPLETE, SPARSE, DENSE)
EXACT_BLOCK = 512
# Best mentor classes remembered per mentee class for the alternatives.
ALT_KEEP = 16

# Fast scores as 16-bit upper bounds: code = floor((fast + MARGIN) * CODE_SCALE + 1), so a
# feasible pair's exact score is at most code / CODE_SCALE; code 0 means infeasible.
CODE_SCALE = 65000.0
# Screened excess above this is a violation whatever the rounding: no exact check needed to know
# that the round is not the last.
SURE = 10 * MARGIN

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Certificate:
    """Node potentials proving the assignment optimal (see :mod:`.flow`), per person: every
    pair, kept or not, must satisfy them. ``scale`` and ``big`` are in effect for the check."""

    mentee: NDArray[np.int64]
    mentor: NDArray[np.int64]
    reservoir: int
    big: int
    scale: float = SCALE


@dataclass(frozen=True, eq=False)
class Assignment:
    """Array form of a solution; indices are positions in the :class:`Encoded` problem."""

    mentor_of: NDArray[np.int64]
    score: NDArray[np.float64]
    fixed: NDArray[np.bool_]
    alternatives: NDArray[np.int64]
    alternative_scores: NDArray[np.float64]
    has_feasible: NDArray[np.bool_]
    # None when the dense strategy ran (the dense solve is its own proof).
    certificate: Certificate | None
    total_score: float
    matched: int
    stats: dict[str, object]


def worker_count(options: SolverOptions) -> int:
    if options.threads > 0:
        return options.threads
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


# ---------------------------------------------------------------------------------------------
# Strategy


def choose_strategy(enc: Encoded, options: SolverOptions) -> str:
    """DENSE for small instances; otherwise "auto" (complete or sparse, decided on the classes)."""
    if options.strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {options.strategy!r}, expected one of {STRATEGIES}")
    if options.strategy != "auto":
        return options.strategy
    active = enc.n_mentees - enc.fixed_mentees.size
    if active * max(0, int(enc.remaining_capacity().sum())) <= options.dense_cells:
        return DENSE
    return "auto"


# ---------------------------------------------------------------------------------------------
# Candidate pairs (sparse strategy)


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

    parts = list(run_blocks(work, n, opts.block_rows, worker_count(opts)))
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
    keys = np.unique(rows * m + cols)
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

    parts = list(run_blocks(work, p.n_mentees, opts.block_rows, worker_count(opts)))
    rows = np.concatenate([x[0] for x in parts]) if parts else np.zeros(0, np.int64)
    cols = np.concatenate([x[1] for x in parts]) if parts else np.zeros(0, np.int64)
    return rows, cols, all(x[2] for x in parts)


# ---------------------------------------------------------------------------------------------
# The class flow


@dataclass(eq=False)
class ClassSolution:
    arcs: Arcs
    flow: NDArray[np.int64]
    dist: NDArray[np.int64]
    big: int
    # Pairs with exact scores that the alternatives are read from, and the bound on the rest.
    known: Arcs
    row_bound: NDArray[np.float64]
    has_feasible: NDArray[np.bool_]
    rounds: list[dict[str, object]]
    seconds: dict[str, float]


def _all_pairs(p: Encoded) -> tuple[Arcs, NDArray[np.bool_]]:
    a_parts, b_parts, s_parts = [], [], []
    has = np.zeros(p.n_mentees, dtype=bool)
    for r0 in range(0, p.n_mentees, EXACT_BLOCK):
        rows = np.arange(r0, min(p.n_mentees, r0 + EXACT_BLOCK))
        score, ok = block_scores(p, rows)
        rr, cc = np.nonzero(ok)
        a_parts.append(rows[rr])
        b_parts.append(cc)
        s_parts.append(score[rr, cc])
        has[rows] = ok.any(axis=1)
    empty = np.zeros(0, dtype=np.int64)
    arcs = Arcs(
        np.concatenate(a_parts) if a_parts else empty,
        np.concatenate(b_parts) if b_parts else empty,
        np.concatenate(s_parts) if s_parts else np.zeros(0),
        p.n_mentors,
    )
    return arcs, has


def _flow_and_potentials(
    arcs: Arcs, supply: np.ndarray, seats: np.ndarray, big: int, start: np.ndarray | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    flow = max_flow_min_cost(arcs, supply, seats)
    graph = residual_arcs(arcs, flow, supply, seats, big)
    dist = potentials(supply.size + seats.size + 1, *graph, start)
    return flow, spread(dist, *graph, supply.size)


def _timed(seconds: dict[str, float], key: str, fn: Callable[..., T], *args: object) -> T:
    tick = time.perf_counter()
    out = fn(*args)
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - tick
    return out


def solve_classes(
    p: Encoded, supply: np.ndarray, seats: np.ndarray, strategy: str, opts: SolverOptions
) -> ClassSolution:
    """Optimal flow between classes; ``complete`` uses every pair, ``sparse`` grows a candidate
    graph until the potentials hold on every pair."""
    n_a, n_b = p.n_mentees, p.n_mentors
    big = big_units(supply, seats)
    rounds: list[dict[str, object]] = []
    seconds: dict[str, float] = {}
    if strategy == COMPLETE or n_a == 0 or n_b == 0:
        arcs, has = _timed(seconds, "scores", _all_pairs, p)
        flow, dist = _timed(seconds, "flow", _flow_and_potentials, arcs, supply, seats, big, None)
        return ClassSolution(arcs, flow, dist, big, arcs, np.full(n_a, -np.inf), has, rounds, seconds)
    with single_threaded_blas():
        return _sparse(p, supply, seats, big, opts, seconds)


_controller: ThreadpoolController | None = None


def single_threaded_blas() -> object:
    """The fast scores are small matrix products run on the engine's own threads, one row block
    each: a multi-threaded BLAS would mostly wait on itself, and on a busy machine much more."""
    global _controller  # noqa: PLW0603 - the loaded libraries are looked up once per process
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def _sparse(
    p: Encoded, supply: np.ndarray, seats: np.ndarray, big: int, opts: SolverOptions, seconds: dict
) -> ClassSolution:
    n_a, n_b = p.n_mentees, p.n_mentors
    rounds: list[dict[str, object]] = []
    scorer = FastScorer(p)
    fp = _timed(seconds, "first_pass", first_pass, p, scorer, seats, opts)
    score, ok = pair_scores(p, fp.a, fp.b)
    arcs = Arcs(fp.a[ok], fp.b[ok], score[ok], n_b)
    dist = None
    near = opts.near_slack
    while True:
        flow, dist = _timed(seconds, "flow", _flow_and_potentials, arcs, supply, seats, big, dist)
        # A pair (a, b) keeps the proof when score * SCALE <= d[a] - d[b] - big; pairs within
        # ``near`` of breaking it are looked at too, since the next prices may break them.
        lim = Limits.from_potentials(dist, n_a, big, supply > 0, seats > 0)
        rr, cc, complete = _timed(seconds, "screen", screen, p, scorer, fp, lim, opts, near)
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


# ---------------------------------------------------------------------------------------------
# From classes back to people


def _rank_in_group(group: np.ndarray) -> NDArray[np.int64]:
    """Position of each element within its group, for an array sorted by group."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.concatenate([[True], group[1:] != group[:-1]])
    starts = np.maximum.accumulate(np.where(first, np.arange(group.size), 0))
    return np.arange(group.size) - starts


def expand(enc: Encoded, rows: Classes, cols: Classes, arcs: Arcs, flow: np.ndarray) -> NDArray[np.int64]:
    """Mentee -> mentor from pairs per class arc: members in input order take seats in input order."""
    mentor_of = np.full(enc.n_mentees, -1, dtype=np.int64)
    mentor_of[enc.fixed_mentees] = enc.fixed_mentors
    used = flow > 0
    a, b, f = arcs.a[used], arcs.b[used], flow[used]
    # Active mentees by (class, input order); the first out[a] of each class are matched, to the
    # arcs' mentor classes in arc order.
    active = np.ones(enc.n_mentees, dtype=bool)
    active[enc.fixed_mentees] = False
    people = rows.order[active[rows.order]]
    group = rows.of[people]
    out = np.bincount(a, weights=f, minlength=rows.count).astype(np.int64)
    takers = people[_rank_in_group(group) < out[group]]
    target = np.repeat(b, f)  # aligned with takers: both sorted by class, then arc/input order
    # Seats by (mentor class, input order), one per remaining place.
    remaining = enc.remaining_capacity()
    seat_people = np.repeat(cols.order, remaining[cols.order])
    seat_group = cols.of[seat_people]
    start = np.concatenate([[0], np.cumsum(np.bincount(seat_group, minlength=cols.count))])
    order = np.lexsort((takers, target))
    takers, target = takers[order], target[order]
    mentor_of[takers] = seat_people[start[target] + _rank_in_group(target)]
    return mentor_of


def class_alternatives(
    p: Encoded, cols: Classes, arcs: Arcs, row_bound: np.ndarray
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Per mentee class: the best ALTERNATIVES + 1 mentors by score (ties in mentor input order)."""
    per = ALTERNATIVES + 1
    n_a = p.n_mentees
    member_rank = _rank_in_group(cols.of[cols.order])
    first = cols.order[member_rank < per]
    first_group = cols.of[first]
    f_start = np.concatenate([[0], np.cumsum(np.bincount(first_group, minlength=cols.count))])
    f_count = np.diff(f_start)

    def table(a: np.ndarray, b: np.ndarray, s: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
        reps = f_count[b]
        ea = np.repeat(a, reps)
        es = np.repeat(s, reps)
        offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        ej = first[np.repeat(f_start[b], reps) + offset]
        order = np.lexsort((ej, -es, ea))
        ea, ej, es = ea[order], ej[order], es[order]
        rank = _rank_in_group(ea)
        top = rank < per
        alt = np.full((n_rows, per), -1, dtype=np.int64)
        alt_s = np.full((n_rows, per), np.nan)
        alt[ea[top], rank[top]] = ej[top]
        alt_s[ea[top], rank[top]] = es[top]
        return alt, alt_s

    alt, alt_s = table(arcs.a, arcs.b, arcs.score, n_a)
    got = (alt >= 0).sum(axis=1)
    last = alt_s[np.arange(n_a), np.maximum(got - 1, 0)]
    # Exact when every pair left out scores below the last entry, or when the list is short
    # because nothing feasible was left out; other classes are scored again in full.
    exact = np.where(got >= per, last > row_bound + MARGIN, row_bound == -np.inf)
    redo = np.flatnonzero(~exact)
    for r0 in range(0, redo.size, EXACT_BLOCK):
        blk = redo[r0 : r0 + EXACT_BLOCK]
        score, ok = block_scores(p, blk)
        rr, cc = np.nonzero(ok)
        sub, sub_s = table(rr, cc, score[rr, cc], blk.size)
        alt[blk], alt_s[blk] = sub, sub_s
    return alt, alt_s


def person_alternatives(
    rows: Classes, alt: np.ndarray, alt_s: np.ndarray, mentor_of: np.ndarray
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    n = rows.of.size
    mine = alt[rows.of]
    mine_s = alt_s[rows.of]
    usable = (mine >= 0) & (mine != mentor_of[:, None])
    order = np.argsort(~usable, axis=1, kind="stable")[:, :ALTERNATIVES]
    out = np.take_along_axis(mine, order, axis=1)
    out_s = np.take_along_axis(mine_s, order, axis=1)
    ok = np.take_along_axis(usable, order, axis=1)
    out[~ok] = -1
    out_s[~ok] = np.nan
    if n == 0:
        return np.zeros((0, ALTERNATIVES), np.int64), np.zeros((0, ALTERNATIVES))
    return out, out_s


# ---------------------------------------------------------------------------------------------
# Entry points


def solve_encoded(enc: Encoded, options: SolverOptions | None = None) -> Assignment:
    """Solve an :class:`Encoded` problem; see the package docstring for what "solve" means."""
    return _solve(enc, options or SolverOptions())


def dense(enc: Encoded) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """The dense strategy: every pair scored exactly, each mentor's column repeated per seat, one
    ``linear_sum_assignment`` (see :func:`.baseline.dense_solve`). Returns the assignment, the
    alternatives and which mentees have a feasible mentor."""
    n = enc.n_mentees
    mentor_of = np.full(n, -1, dtype=np.int64)
    mentor_of[enc.fixed_mentees] = enc.fixed_mentors
    active = np.ones(n, dtype=bool)
    active[enc.fixed_mentees] = False
    score, ok = block_scores(enc, np.arange(n))
    ok &= (enc.capacity > 0)[None, :]
    rows = np.flatnonzero(active)
    seat_mentor = np.repeat(np.arange(enc.n_mentors), enc.remaining_capacity())
    if rows.size and seat_mentor.size:
        big = float(min(rows.size, seat_mentor.size) + 1)
        cost = np.where(ok[rows][:, seat_mentor], -(big + score[rows][:, seat_mentor]), 0.0)
        got_r, got_c = linear_sum_assignment(cost)
        real = cost[got_r, got_c] < 0
        mentor_of[rows[got_r[real]]] = seat_mentor[got_c[real]]
    # Alternatives: the best feasible mentors other than one's own, ties in mentor order.
    value = np.where(ok, score, -np.inf)
    matched = np.flatnonzero(mentor_of >= 0)
    value[matched, mentor_of[matched]] = -np.inf
    alt = np.full((n, ALTERNATIVES), -1, dtype=np.int64)
    alt_s = np.full((n, ALTERNATIVES), np.nan)
    if enc.n_mentors:
        order = np.argsort(-value, axis=1, kind="stable")[:, :ALTERNATIVES]
        best = np.take_along_axis(value, order, axis=1)
        fine = best > -np.inf
        width = order.shape[1]
        alt[:, :width] = np.where(fine, order, -1)
        alt_s[:, :width] = np.where(fine, best, np.nan)
    return mentor_of, alt, alt_s, ok.any(axis=1)


def _solve(enc: Encoded, opts: SolverOptions) -> Assignment:
    clock = time.perf_counter()
    n = enc.n_mentees
    timings: dict[str, float] = {}
    certificate = None
    rounds: list[dict[str, object]] = []
    strategy = choose_strategy(enc, opts)
    if strategy == DENSE:
        mentor_of, alt, alt_s, has_feasible = dense(enc)
        arcs_count = int(n * enc.n_mentors)
        classes = (n, int((enc.capacity > 0).sum()))
        timings["solve"] = time.perf_counter() - clock
    else:
        strategy, mentor_of, alt, alt_s, has_feasible, certificate, classes, arcs_count = _by_classes(
            enc, strategy, opts, timings, rounds
        )
    tick = time.perf_counter()
    matched = np.flatnonzero(mentor_of >= 0)
    score = np.full(n, np.nan)
    score[matched] = pair_scores(enc, matched, mentor_of[matched])[0]
    total = math.fsum(score[matched].tolist())
    fixed = np.zeros(n, dtype=bool)
    fixed[enc.fixed_mentees] = True
    timings["finish"] = timings.get("finish", 0.0) + time.perf_counter() - tick
    stats: dict[str, object] = {
        "strategy": strategy,
        "mentees": n,
        "mentors": enc.n_mentors,
        "mentee_classes": classes[0],
        "mentor_classes": classes[1],
        "matched": int(matched.size),
        "arcs": arcs_count,
        "rounds": rounds,
        # The flow is exact for scores rounded to 1/SCALE: the true optimum is at most this
        # much higher (the dense solve's float64 rounding is of the same order).
        "gap_bound": int((~fixed[matched]).sum()) / SCALE,
        "seconds": {**{k: round(v, 4) for k, v in timings.items()}, "total": round(time.perf_counter() - clock, 4)},
    }
    return Assignment(
        mentor_of=mentor_of,
        score=score,
        fixed=fixed,
        alternatives=alt,
        alternative_scores=alt_s,
        has_feasible=has_feasible,
        certificate=certificate,
        total_score=total,
        matched=int(matched.size),
        stats=stats,
    )


def _by_classes(enc: Encoded, strategy: str, opts: SolverOptions, timings: dict[str, float], rounds: list) -> tuple:
    """The complete and sparse strategies: solve between classes, then hand out the pairs."""
    clock = time.perf_counter()
    n = enc.n_mentees
    rows, cols = mentee_classes(enc), mentor_classes(enc)
    p = class_problem(enc, rows, cols)
    if strategy == "auto":
        strategy = COMPLETE if rows.count * cols.count <= opts.complete_pairs else SPARSE
    timings["classes"] = time.perf_counter() - clock
    tick = time.perf_counter()
    sol = solve_classes(p, rows.size, cols.size, strategy, opts)
    mentor_of = expand(enc, rows, cols, sol.arcs, sol.flow)
    timings.update(sol.seconds)
    mentor_pot = np.zeros(enc.n_mentors, dtype=np.int64)
    seated = cols.of >= 0
    mentor_pot[seated] = sol.dist[rows.count + cols.of[seated]]
    certificate = Certificate(
        mentee=sol.dist[rows.of] if n else np.zeros(0, np.int64),
        mentor=mentor_pot,
        reservoir=int(sol.dist[-1]),
        big=sol.big,
    )
    timings["solve"] = time.perf_counter() - tick
    tick = time.perf_counter()
    alt_c, alt_cs = class_alternatives(p, cols, sol.known, sol.row_bound)
    alt, alt_s = person_alternatives(rows, alt_c, alt_cs, mentor_of)
    has_feasible = sol.has_feasible[rows.of] if n else np.zeros(0, bool)
    timings["finish"] = time.perf_counter() - tick
    rounds.extend(sol.rounds)
    return strategy, mentor_of, alt, alt_s, has_feasible, certificate, (rows.count, cols.count), int(sol.arcs.a.size)


def unmatched_reasons(assignment: Assignment) -> dict[int, str]:
    """Mentee index -> reason, for every mentee left without a mentor."""
    out: dict[int, str] = {}
    for i in np.flatnonzero(assignment.mentor_of < 0).tolist():
        out[i] = CAPACITY if assignment.has_feasible[i] else NO_FEASIBLE_MENTOR
    return out


def solve(problem: Problem, options: SolverOptions | None = None) -> Result:
    """Validate, encode and solve a :class:`Problem`."""
    enc = encode(problem)
    got = solve_encoded(enc, options)
    keys = [c.key for c in enc.criteria]
    e_ids = enc.mentee_ids.tolist()
    m_ids = enc.mentor_ids.tolist()
    rows = np.flatnonzero(got.mentor_of >= 0)
    shares, _ = pair_shares(enc, rows, got.mentor_of[rows])
    pairs = [
        PairResult(
            mentee_id=e_ids[i],
            mentor_id=m_ids[int(got.mentor_of[i])],
            score=float(got.score[i]),
            breakdown=dict(zip(keys, shares[pos].tolist(), strict=True)),
            fixed=bool(got.fixed[i]),
        )
        for pos, i in enumerate(rows.tolist())
    ]
    alternatives = {
        e_ids[i]: [
            (m_ids[int(j)], float(sc))
            for j, sc in zip(got.alternatives[i], got.alternative_scores[i], strict=True)
            if j >= 0
        ]
        for i in range(enc.n_mentees)
    }
    unmatched = {e_ids[i]: reason for i, reason in unmatched_reasons(got).items()}
    return Result(
        pairs=pairs,
        alternatives=alternatives,
        unmatched=unmatched,
        total_score=got.total_score,
        stats=got.stats,
    )
