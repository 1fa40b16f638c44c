"""Exact capacitated assignment on a sparse candidate graph, grown until a certificate holds."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._blas import single_threaded_blas
from .candidates import FirstPass, first_pass
from .certificate import Certificate, find_violations
from .encoding import Encoded, encode
from .graph import Edges, Split, assign_part, certify, dm_split, max_matching
from .scoring import MARGIN, FastScorer, block_scores, pair_scores, pair_shares
from .types import CAPACITY, NO_FEASIBLE_MENTOR, PairResult, Problem, Result, SolverOptions

ALTERNATIVES = 3


@dataclass(frozen=True, eq=False)
class Assignment:
    """Array form of a solution; indices are positions in the :class:`Encoded` problem."""

    mentor_of: NDArray[np.int64]
    score: NDArray[np.float64]
    fixed: NDArray[np.bool_]
    alternatives: NDArray[np.int64]
    alternative_scores: NDArray[np.float64]
    has_feasible: NDArray[np.bool_]
    certificate: Certificate
    total_score: float
    matched: int
    stats: dict[str, object]


def _pick(rows: np.ndarray, cols: np.ndarray, ex: np.ndarray, per: int) -> NDArray[np.bool_]:
    """The ``per`` worst violations of each mentee and of each mentor."""
    keep = np.zeros(rows.size, dtype=bool)
    for major in (rows, cols):
        order = np.lexsort((cols, rows, -ex, major))
        grp = major[order]
        first = np.concatenate([[True], grp[1:] != grp[:-1]])
        starts = np.maximum.accumulate(np.where(first, np.arange(grp.size), 0))
        keep[order[(np.arange(grp.size) - starts) < per]] = True
    return keep


def _alternatives(
    enc: Encoded, edges: Edges, mentor_of: np.ndarray, row_bound: np.ndarray
) -> tuple[NDArray[np.int64], NDArray[np.float64], int]:
    edge_r, edge_c, edge_s = edges.r, edges.c, edges.s
    n = enc.n_mentees
    alt = np.full((n, ALTERNATIVES), -1, dtype=np.int64)
    alt_s = np.full((n, ALTERNATIVES), np.nan)
    ok = (enc.capacity[edge_c] > 0) & (edge_c != mentor_of[edge_r])
    r, c, s = edge_r[ok], edge_c[ok], edge_s[ok]
    order = np.lexsort((c, -s, r))
    r, c, s = r[order], c[order], s[order]
    first = np.concatenate([[True], r[1:] != r[:-1]]) if r.size else np.zeros(0, bool)
    starts = np.maximum.accumulate(np.where(first, np.arange(r.size), 0)) if r.size else np.zeros(0, np.int64)
    rank = np.arange(r.size) - starts
    top = rank < ALTERNATIVES
    alt[r[top], rank[top]] = c[top]
    alt_s[r[top], rank[top]] = s[top]
    got = (alt >= 0).sum(axis=1)
    last = np.where(got > 0, alt_s[np.arange(n), np.maximum(got - 1, 0)], -np.inf)
    # The list is exact when every dropped pair scores below its last entry, or when it is
    # short because nothing feasible was dropped; other mentees are scored again in full.
    exact = np.where(got >= ALTERNATIVES, last > row_bound + MARGIN, row_bound == -np.inf)
    redo = np.flatnonzero(~exact)
    open_cols = np.flatnonzero(enc.capacity > 0)
    for start in range(0, redo.size, 256):
        blk = redo[start : start + 256]
        score, feasible = block_scores(enc, blk, open_cols)
        feasible &= open_cols[None, :] != mentor_of[blk][:, None]
        for pos, i in enumerate(blk):
            cand = np.flatnonzero(feasible[pos])
            pick = cand[np.lexsort((open_cols[cand], -score[pos, cand]))][:ALTERNATIVES]
            alt[i] = -1
            alt_s[i] = np.nan
            alt[i, : pick.size] = open_cols[pick]
            alt_s[i, : pick.size] = score[pos, pick]
    return alt, alt_s, int(redo.size)


def solve_encoded(enc: Encoded, options: SolverOptions | None = None) -> Assignment:
    """Solve an :class:`Encoded` problem; see the package docstring for what "solve" means."""
    with single_threaded_blas():
        return _solve_encoded(enc, options or SolverOptions())


@dataclass(eq=False)
class _Run:
    """What one solve carries between its stages."""

    enc: Encoded
    opts: SolverOptions
    scorer: FastScorer
    fp: FirstPass
    edges: Edges
    active: NDArray[np.bool_]
    cap: NDArray[np.int64]
    timings: dict[str, float]
    rounds: list[dict[str, object]]

    def violations(
        self, cert: Certificate, **kwargs: object
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        tick = time.perf_counter()
        found = find_violations(
            self.enc,
            cert,
            self.scorer,
            codes=self.fp.codes,
            edge_keys=self.edges.keys,
            active=self.active,
            options=self.opts,
            **kwargs,  # type: ignore[arg-type]
        )
        self.timings["screen"] += time.perf_counter() - tick
        return found

    def add(self, r: np.ndarray, c: np.ndarray, s: np.ndarray, ex: np.ndarray) -> NDArray[np.bool_]:
        chosen = _pick(r, c, ex, max(1, self.opts.add_per_round))
        self.edges.add(r[chosen], c[chosen], s[chosen])
        return chosen


def _settle_cardinality(run: _Run) -> Split:
    """Grow the graph until no dropped pair could match one more mentee; return its split."""
    n, m = run.enc.n_mentees, run.enc.n_mentors
    while True:
        tick = time.perf_counter()
        usable = run.active[run.edges.r] & (run.cap[run.edges.c] > 0)
        r, c = run.edges.r[usable], run.edges.c[usable]
        first = max_matching(n, r, c, run.cap)
        even, odd = dm_split(n, m, r, c, mentor_of=first, active=run.active)
        split = Split(even=even, odd=odd, active=run.active, cap=run.cap)
        run.timings["solve"] += time.perf_counter() - tick
        # Only the cardinality part of the certificate matters here.
        probe = Certificate(
            alpha=(~even | ~run.active).astype(np.int8),
            beta=(odd | (run.cap <= 0)).astype(np.int8),
            u=np.zeros(n),
            v=np.full(m, np.inf),
        )
        rows = np.flatnonzero(even & run.active)
        vr, vc, vs, vex, checked = run.violations(probe, rows=rows)
        bad = np.isinf(vex)
        run.rounds.append(
            {
                "stage": "cardinality",
                "edges": int(run.edges.r.size),
                "matched": int((first >= 0).sum()),
                "checked": checked,
                "violations": int(bad.sum()),
            }
        )
        if not bad.any():
            return split
        run.add(vr[bad], vc[bad], vs[bad], vs[bad])


def _dirty(
    row_shift: np.ndarray, col_shift: np.ndarray, active: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Mentees and mentors whose pairs must be screened again after the potentials moved.

    A pair's dual sum is its mentee's potential minus its mentor's, so for any threshold t the
    sum cannot drop when the mentee's potential moved by at least t and the mentor's by at most
    t. Potentials often all move together; the threshold that leaves the least to screen wins,
    and when that is still most pairs, everything is screened (``None, None``) in one sweep.
    """
    if not row_shift.size or not col_shift.size:
        return np.flatnonzero(row_shift < 0), np.flatnonzero(col_shift > 0)
    live = row_shift[active]
    options = {0.0, float(np.median(live)) if live.size else 0.0, float(np.median(col_shift))}
    best = None
    for t in sorted(options):
        rows = np.flatnonzero((row_shift < t) & active)
        cols = np.flatnonzero(col_shift > t)
        # Screening a few mentors' columns reads scattered memory: count it double.
        cost = rows.size * col_shift.size + 2 * cols.size * row_shift.size
        if best is None or cost < best[0]:
            best = (cost, rows, cols)
    assert best is not None
    if best[0] >= 0.6 * row_shift.size * col_shift.size:
        return None, None
    return best[1], best[2]


def _optimise_score(run: _Run, split: Split) -> tuple[NDArray[np.int64], Certificate]:
    """Best score at the settled cardinality: solve, certify, screen, grow, until nothing breaks."""
    n, opts, edges, timings, active = run.enc.n_mentees, run.opts, run.edges, run.timings, run.active
    mentor_of = np.full(n, -1, dtype=np.int64)
    prices: np.ndarray | None = None
    dist: np.ndarray | None = None
    redo = (True, True)
    screen_rows: np.ndarray | None = None
    screen_cols: np.ndarray | None = None
    pending: tuple[np.ndarray, np.ndarray] | None = None
    row_pot = col_pot = None
    while True:
        tick = time.perf_counter()
        in_a, in_b = split.parts(edges.r, edges.c)
        for part, fill, again in ((in_a, True, redo[0]), (in_b, False, redo[1])):
            if again:
                mentor_of[np.unique(edges.r[part])] = -1
                assign_part(
                    edges.r[part],
                    edges.c[part],
                    edges.s[part],
                    run.cap,
                    prices=prices,
                    mentor_of=mentor_of,
                    fill_seats=fill,
                )
        cert, dist, new_row_pot, new_col_pot = certify(split, edges, mentor_of, dist)
        timings["solve"] += time.perf_counter() - tick
        if row_pot is not None:
            screen_rows, screen_cols = _dirty(new_row_pot - row_pot, new_col_pot - col_pot, active)
        row_pot, col_pot = new_row_pot, new_col_pot
        vr, vc, vs, vex, checked = run.violations(
            cert, slack=opts.near_slack, rows=screen_rows, cols=screen_cols, pending=pending
        )
        bad = vex > opts.tolerance
        run.rounds.append(
            {
                "stage": "score",
                "edges": int(edges.r.size),
                "checked": checked,
                "violations": int(bad.sum()),
                "near": int((~bad).sum()),
                "screened_rows": None if screen_rows is None else int(screen_rows.size),
                "screened_cols": None if screen_cols is None else int(screen_cols.size),
            }
        )
        if not bad.any():
            break
        if len(run.rounds) >= opts.max_rounds:
            raise RuntimeError(f"no certificate after {len(run.rounds)} rounds")
        if np.isinf(vex).any():
            # Cannot happen once the cardinality is settled, but if it did, settle it again.
            run.add(vr, vc, vs, vex)
            split = _settle_cardinality(run)
            mentor_of[:] = -1
            prices = dist = row_pot = col_pot = screen_rows = screen_cols = pending = None
            redo = (True, True)
            continue
        chosen = run.add(vr, vc, vs, vex)
        # Flagged pairs left out are looked at again next round whatever their prices do.
        pending = (vr[~chosen], vc[~chosen])
        new_a, new_b = split.parts(vr[chosen], vc[chosen])
        redo = (bool(new_a.any()), bool(new_b.any()))
        # The previous prices are a good start only while most mentees keep their options;
        # after a large change a cold start is faster than repairing them.
        touched = np.unique(vr[chosen]).size
        prices = cert.v if touched <= opts.warm_limit * max(1, int(active.sum())) else None
    return mentor_of, cert


def _solve_encoded(enc: Encoded, opts: SolverOptions) -> Assignment:
    n, m = enc.n_mentees, enc.n_mentors
    clock = time.perf_counter()
    timings = {"first_pass": 0.0, "solve": 0.0, "screen": 0.0, "finish": 0.0}
    active = np.ones(n, dtype=bool)
    active[enc.fixed_mentees] = False
    scorer = FastScorer(enc)
    fp = first_pass(enc, scorer, opts)
    s, ok = pair_scores(enc, fp.rows, fp.cols)
    edges = Edges(r=fp.rows[ok], c=fp.cols[ok], s=s[ok], m=m)
    initial_edges = int(edges.r.size)
    timings["first_pass"] = time.perf_counter() - clock
    run = _Run(enc, opts, scorer, fp, edges, active, enc.remaining_capacity(), timings, [])
    split = _settle_cardinality(run)

    mentor_of, cert = _optimise_score(run, split)
    return _finish(run, mentor_of, cert, initial_edges, clock)


def _finish(run: _Run, mentor_of: np.ndarray, cert: Certificate, initial_edges: int, clock: float) -> Assignment:
    enc, opts, fp, active, cap, timings = run.enc, run.opts, run.fp, run.active, run.cap, run.timings
    rounds = run.rounds
    edges = (run.edges.r, run.edges.c, run.edges.s)
    tick = time.perf_counter()
    edge_r, edge_c, edge_s = edges
    n, m = enc.n_mentees, enc.n_mentors
    mentor_of = mentor_of.copy()
    mentor_of[enc.fixed_mentees] = enc.fixed_mentors
    score = np.full(n, np.nan)
    matched = np.flatnonzero(mentor_of >= 0)
    solved = matched[active[matched]]
    pos = np.searchsorted(edge_r * m + edge_c, solved * m + mentor_of[solved])
    score[solved] = edge_s[pos]
    if enc.fixed_mentees.size:
        score[enc.fixed_mentees] = pair_scores(enc, enc.fixed_mentees, enc.fixed_mentors)[0]
    total = math.fsum(score[matched].tolist())
    alt, alt_s, redone = _alternatives(enc, run.edges, mentor_of, fp.row_bound)
    open_cols = cap > 0
    dual = math.fsum(cert.u[active].tolist()) + math.fsum((cap[open_cols] * cert.v[open_cols]).tolist())
    primal = math.fsum(score[solved].tolist())
    timings["finish"] = time.perf_counter() - tick
    stats: dict[str, object] = {
        "mentees": n,
        "mentors": m,
        "matched": int(matched.size),
        "candidate_edges_initial": initial_edges,
        "candidate_edges": int(edge_r.size),
        "certificate_rounds": len(rounds),
        "rounds": rounds,
        "score_cache": fp.codes is not None,
        "alternatives_rescored": redone,
        "dual_gap": dual - primal,
        # Pairs within the tolerance of breaking the certificate are accepted; each matched
        # mentee can lose at most that much.
        "gap_bound": max(0.0, dual - primal) + int(solved.size) * opts.tolerance,
        "seconds": {
            **{k: round(v, 4) for k, v in timings.items()},
            "total": round(time.perf_counter() - clock, 4),
        },
    }
    return Assignment(
        mentor_of=mentor_of,
        score=score,
        fixed=~active,
        alternatives=alt,
        alternative_scores=alt_s,
        has_feasible=fp.has_feasible,
        certificate=cert,
        total_score=total,
        matched=int(matched.size),
        stats=stats,
    )


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
