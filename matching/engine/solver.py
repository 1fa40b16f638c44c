"""The solve: a strategy picked from the instance, the dense and complete strategies, pairs handed
back from classes to people, alternatives and statistics. The sparse strategy is in :mod:`.sparse`."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from .classes import Classes, class_problem, mentee_classes, mentor_classes
from .encoding import Encoded, encode
from .flow import SCALE, Arcs, ClassSolution, big_units, solve_network, timed
from .scoring import MARGIN, block_scores, pair_scores, pair_shares
from .sparse import single_threaded_blas, solve_sparse
from .types import CAPACITY, NO_FEASIBLE_MENTOR, PairResult, Problem, Result, SolverOptions

ALTERNATIVES = 3
COMPLETE, SPARSE, DENSE = "complete", "sparse", "dense"
STRATEGIES = ("auto", COMPLETE, SPARSE, DENSE)
EXACT_BLOCK = 512
# Free seats per mentee to place from which the sparse strategy keeps top_k_abundant candidates.
ABUNDANT = 1.5


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
# The class flow


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
        arcs, has = timed(seconds, "scores", _all_pairs, p)
        flow, dist = timed(seconds, "flow", solve_network, arcs, supply, seats, big, None)
        return ClassSolution(arcs, flow, dist, big, arcs, np.full(n_a, -np.inf), has, rounds, seconds)
    with single_threaded_blas():
        return solve_sparse(p, supply, seats, big, opts, seconds)


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


def dense(
    enc: Encoded,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """The dense strategy: every pair scored exactly, each mentor's column repeated per seat, one
    ``linear_sum_assignment`` (see :func:`.baseline.dense_solve`). Returns the assignment, each
    mentee's score (read from the exact score matrix, NaN when unmatched), the alternatives and
    which mentees have a feasible mentor."""
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
    matched = np.flatnonzero(mentor_of >= 0)
    mine = np.full(n, np.nan)
    mine[matched] = score[matched, mentor_of[matched]]
    # Alternatives: the best feasible mentors other than one's own, ties in mentor order.
    value = np.where(ok, score, -np.inf)
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
    return mentor_of, mine, alt, alt_s, ok.any(axis=1)


def _solve(enc: Encoded, opts: SolverOptions) -> Assignment:
    clock = time.perf_counter()
    n = enc.n_mentees
    timings: dict[str, float] = {}
    certificate = None
    rounds: list[dict[str, object]] = []
    strategy = choose_strategy(enc, opts)
    score = None
    if strategy == DENSE:
        mentor_of, score, alt, alt_s, has_feasible = dense(enc)
        arcs_count = int(n * enc.n_mentors)
        classes = (n, int((enc.capacity > 0).sum()))
        timings["solve"] = time.perf_counter() - clock
    else:
        strategy, mentor_of, alt, alt_s, has_feasible, certificate, classes, arcs_count = _by_classes(
            enc, strategy, opts, timings, rounds
        )
    tick = time.perf_counter()
    matched = np.flatnonzero(mentor_of >= 0)
    if score is None:
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
        if strategy == SPARSE and rows.size.sum() * ABUNDANT <= cols.size.sum() and opts.top_k_abundant > opts.top_k:
            opts = replace(opts, top_k=opts.top_k_abundant)
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
