"""Reference solutions the engine is measured against.

:func:`dense_solve` is the textbook answer: every pair scored, each mentor's column repeated once
per seat, one dense assignment. It is exact but needs memory for the whole matrix.
:func:`greedy` is the naive answer: best pairs first, while both sides are free.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from .encoding import Encoded
from .scoring import block_scores, pair_scores

BLOCK = 512


@dataclass(frozen=True, eq=False)
class Baseline:
    mentor_of: NDArray[np.int64]
    total_score: float
    matched: int
    build_seconds: float
    solve_seconds: float


def _fixed_part(enc: Encoded) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.int64]]:
    mentor_of = np.full(enc.n_mentees, -1, dtype=np.int64)
    mentor_of[enc.fixed_mentees] = enc.fixed_mentors
    active = np.ones(enc.n_mentees, dtype=bool)
    active[enc.fixed_mentees] = False
    return mentor_of, active, enc.remaining_capacity()


def _total(enc: Encoded, mentor_of: np.ndarray) -> float:
    rows = np.flatnonzero(mentor_of >= 0)
    score, _ = pair_scores(enc, rows, mentor_of[rows])
    return math.fsum(score.tolist())


def dense_solve(enc: Encoded) -> Baseline:
    """Lexicographic optimum (most mentees matched, then highest total) by one dense solve.

    A feasible pair costs ``-(C + score)`` with ``C`` above any achievable total score, so one
    more matched mentee always outweighs score; an infeasible pair costs 0, which is the same
    as leaving the mentee out.
    """
    tick = time.perf_counter()
    mentor_of, active, cap = _fixed_part(enc)
    rows = np.flatnonzero(active)
    seat_mentor = np.repeat(np.arange(enc.n_mentors), np.maximum(cap, 0))
    big = float(min(rows.size, seat_mentor.size) + 1)
    cost = np.zeros((rows.size, seat_mentor.size))
    for start in range(0, rows.size, BLOCK):
        blk = rows[start : start + BLOCK]
        score, ok = block_scores(enc, blk)
        value = np.where(ok, -(big + score), 0.0)
        cost[start : start + blk.size] = value[:, seat_mentor]
        del score, ok, value
    build = time.perf_counter() - tick
    tick = time.perf_counter()
    got_r, got_c = linear_sum_assignment(cost) if cost.size else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    solve_seconds = time.perf_counter() - tick
    real = cost[got_r, got_c] < 0
    del cost
    mentor_of[rows[got_r[real]]] = seat_mentor[got_c[real]]
    return Baseline(
        mentor_of=mentor_of,
        total_score=_total(enc, mentor_of),
        matched=int((mentor_of >= 0).sum()),
        build_seconds=build,
        solve_seconds=solve_seconds,
    )


def greedy(enc: Encoded, per_row: int = 32) -> Baseline:
    """Pairs in order of descending score (ties: mentee, then mentor order), each taken when the
    mentee is still free and the mentor still has a seat."""
    tick = time.perf_counter()
    mentor_of, active, cap = _fixed_part(enc)
    seats = cap.copy()
    lists: dict[int, list[tuple[float, int]]] = {}
    heap: list[tuple[float, int, int]] = []

    def refill(i: int, after: tuple[float, int] | None) -> None:
        score, ok = block_scores(enc, np.array([i]))
        s, c = score[0], np.flatnonzero(ok[0] & (seats > 0))
        order = c[np.lexsort((c, -s[c]))]
        items = [(float(s[j]), int(j)) for j in order]
        if after is not None:
            items = [x for x in items if (-x[0], x[1]) > (-after[0], after[1])]
        lists[i] = items[:per_row][::-1]

    rows = np.flatnonzero(active)
    for start in range(0, rows.size, BLOCK):
        blk = rows[start : start + BLOCK]
        score, ok = block_scores(enc, blk)
        ok &= (cap > 0)[None, :]
        for pos, i in enumerate(blk.tolist()):
            c = np.flatnonzero(ok[pos])
            order = c[np.lexsort((c, -score[pos, c]))][:per_row]
            lists[i] = [(float(score[pos, j]), int(j)) for j in order][::-1]
            if lists[i]:
                s, j = lists[i][-1]
                heapq.heappush(heap, (-s, i, j))
    while heap:
        neg, i, j = heapq.heappop(heap)
        lists[i].pop()
        if seats[j] > 0:
            seats[j] -= 1
            mentor_of[i] = j
            continue
        if not lists[i]:
            refill(i, (-neg, j))
        if lists[i]:
            s, nj = lists[i][-1]
            heapq.heappush(heap, (-s, i, nj))
    return Baseline(
        mentor_of=mentor_of,
        total_score=_total(enc, mentor_of),
        matched=int((mentor_of >= 0).sum()),
        build_seconds=time.perf_counter() - tick,
        solve_seconds=0.0,
    )
