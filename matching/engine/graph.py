"""Exact capacitated assignment on a sparse candidate graph, and the duals that certify it.

The lexicographic objective (most mentees first, then score) is handled without any big
constant: a maximum-cardinality matching and its Dulmage-Mendelsohn split leave two ordinary
min-cost problems with costs of the size of a score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import (
    breadth_first_order,
    maximum_bipartite_matching,
    min_weight_full_bipartite_matching,
)

from .certificate import Certificate

# Relaxations smaller than this are float noise, not a better path (scores live in 0..1).
RELAX_TOL = 1e-13
# Most dummy edges added to square up a part before it is solved rectangular instead.
DUMMY_BUDGET = 4_000_000


@dataclass(eq=False)
class Edges:
    """Candidate pairs, sorted by ``row * n_mentors + col``, with their exact scores."""

    r: NDArray[np.int64]
    c: NDArray[np.int64]
    s: NDArray[np.float64]
    m: int

    @property
    def keys(self) -> NDArray[np.int64]:
        return self.r * self.m + self.c

    def add(self, r: np.ndarray, c: np.ndarray, s: np.ndarray) -> None:
        keys = np.concatenate([self.keys, r * self.m + c])
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        keep = np.concatenate([[True], keys[1:] != keys[:-1]]) if keys.size else np.zeros(0, bool)
        self.r = np.concatenate([self.r, r])[order][keep]
        self.c = np.concatenate([self.c, c])[order][keep]
        self.s = np.concatenate([self.s, s])[order][keep]


def seats(cols: np.ndarray, cap: np.ndarray) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Copy each edge once per seat of its mentor: (edge index, seat index), and each seat's mentor."""
    start = np.concatenate([[0], np.cumsum(cap)]).astype(np.int64)
    reps = cap[cols]
    edge = np.repeat(np.arange(cols.size, dtype=np.int64), reps)
    first = np.repeat(np.cumsum(reps) - reps, reps)
    seat = start[cols[edge]] + (np.arange(edge.size, dtype=np.int64) - first)
    seat_mentor = np.repeat(np.arange(cap.size, dtype=np.int64), cap)
    return edge, seat, seat_mentor


def max_matching(n: int, r: np.ndarray, c: np.ndarray, cap: np.ndarray) -> NDArray[np.int64]:
    """A maximum-cardinality assignment (mentee -> mentor or -1), by Hopcroft-Karp on seats."""
    edge, seat, seat_mentor = seats(c, cap)
    if edge.size == 0:
        return np.full(n, -1, dtype=np.int64)
    graph = sp.csr_matrix((np.ones(edge.size, dtype=np.int8), (r[edge], seat)), shape=(n, int(seat_mentor.size)))
    got = maximum_bipartite_matching(graph, perm_type="column")
    return np.where(got >= 0, seat_mentor[np.maximum(got, 0)], -1)


def dm_split(
    n: int, m: int, r: np.ndarray, c: np.ndarray, *, mentor_of: np.ndarray, active: np.ndarray
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Mentees and mentors reachable by alternating paths from unmatched mentees.

    For a maximum matching these sets do not depend on which one: the mentees are those some
    maximum matching leaves out, the mentors those every maximum matching fills, and the
    mentees outside the set are matched by every maximum matching.
    """
    matched = mentor_of >= 0
    free = np.flatnonzero(active & ~matched)
    src = np.concatenate([r, n + mentor_of[matched], np.full(free.size, n + m)])
    dst = np.concatenate([n + c, np.flatnonzero(matched), free])
    graph = sp.csr_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n + m + 1, n + m + 1))
    seen = np.zeros(n + m + 1, dtype=bool)
    seen[breadth_first_order(graph, n + m, directed=True, return_predecessors=False)] = True
    return seen[:n], seen[n : n + m]


def assign_part(
    r: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    cap: np.ndarray,
    *,
    prices: np.ndarray | None,
    mentor_of: np.ndarray,
    fill_seats: bool,
) -> None:
    """Best-scoring full matching of one part, written into ``mentor_of``: every seat filled
    (``fill_seats``) or every mentee matched. LAPJVsp solves it on seat copies of the mentors.

    The other side is made fully matched too with dummy nodes (a dummy seat is a mentee left
    out, a dummy mentee a seat left free), so the problem is square: LAPJVsp then starts by
    greedily taking each seat's cheapest mentee, which is far faster than its rectangular
    mode. Given dual ``prices`` (the previous round's), costs are reduced to
    ``1 + u_i + v_j - s_ij``; once both sides are fully matched this changes every solution's
    cost by the same amount, and with near-optimal prices almost every seat is taken at
    reduced cost zero straight away.
    """
    if r.size == 0:
        return
    rows, ri = np.unique(r, return_inverse=True)
    cols, ci = np.unique(c, return_inverse=True)
    edge, seat, seat_mentor = seats(ci, cap[cols])
    n_rows, n_seats = rows.size, int(seat_mentor.size)
    if prices is None:
        u = np.zeros(n_rows)
        v = np.zeros(cols.size)
        cost = 2.0 - s[edge]
        dummy_cost = 3.0
    else:
        v = np.where(np.isfinite(prices[cols]), prices[cols], 0.0)
        # Row prices consistent with the column prices: each row's best reduced value.
        u = np.full(n_rows, 0.0 if fill_seats else -np.inf)
        np.maximum.at(u, ri, s - v[ci])
        cost = 1.0 + u[ri[edge]] + v[seat_mentor[seat]] - s[edge]
        dummy_cost = 1.0
    er, es = ri[edge], seat
    extra = n_rows - n_seats if fill_seats else n_seats - n_rows
    other = n_rows if fill_seats else n_seats
    if extra > 0 and extra * other <= max(4 * edge.size, DUMMY_BUDGET):
        if fill_seats:
            er = np.concatenate([er, np.repeat(np.arange(n_rows), extra)])
            es = np.concatenate([es, n_seats + np.tile(np.arange(extra), n_rows)])
            cost = np.concatenate([cost, np.repeat(dummy_cost + u, extra)])
            n_seats += extra
        else:
            er = np.concatenate([er, n_rows + np.repeat(np.arange(extra), n_seats)])
            es = np.concatenate([es, np.tile(np.arange(n_seats), extra)])
            cost = np.concatenate([cost, np.tile(dummy_cost + v[seat_mentor], extra)])
            n_rows += extra
    elif extra > 0 and prices is not None:
        # Rectangular: only the side that ends up fully matched may be shifted.
        cost = 1.0 - s[edge] + (v[seat_mentor[seat]] if fill_seats else u[ri[edge]])
    # LAPJVsp drops zero entries, so every cost is kept at least 1.
    cost = cost - cost.min() + 1.0
    graph = sp.csr_matrix((cost, (er, es)), shape=(n_rows, n_seats))
    got_r, got_c = min_weight_full_bipartite_matching(graph)
    real = (got_r < rows.size) & (got_c < seat_mentor.size)
    mentor_of[rows[got_r[real]]] = cols[seat_mentor[got_c[real]]]


def potentials(
    nodes: int, src: np.ndarray, dst: np.ndarray, length: np.ndarray, start: np.ndarray | None = None
) -> NDArray[np.float64]:
    """Node potentials with ``d[dst] <= d[src] + length`` on every arc.

    Bellman-Ford from ``start`` (zeros: distances from a virtual root joined to every node),
    relaxing only the arcs that leave nodes whose value just dropped. Starting from the
    previous round's potentials, only the neighbourhood of what changed moves.
    """
    order = np.argsort(src, kind="stable")
    src, dst, length = src[order], dst[order], length[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=nodes))])
    dist = np.zeros(nodes) if start is None else start.copy()
    frontier = np.arange(nodes)
    for _ in range(nodes + 2):
        begin = indptr[frontier]
        count = indptr[frontier + 1] - begin
        total = int(count.sum())
        if total == 0:
            return dist
        idx = np.repeat(begin - (np.cumsum(count) - count), count) + np.arange(total)
        best = dist.copy()
        np.minimum.at(best, dst[idx], dist[src[idx]] + length[idx])
        changed = best < dist - RELAX_TOL
        if not changed.any():
            return dist
        dist = np.where(changed, best, dist)
        frontier = np.flatnonzero(changed)
    raise RuntimeError("assignment is not optimal on its candidate graph (negative cycle)")


@dataclass(frozen=True, eq=False)
class Split:
    """The Dulmage-Mendelsohn split of the current graph, fixed once the cardinality is settled."""

    even: NDArray[np.bool_]
    odd: NDArray[np.bool_]
    active: NDArray[np.bool_]
    cap: NDArray[np.int64]

    def parts(self, r: np.ndarray, c: np.ndarray) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        usable = self.active[r] & (self.cap[c] > 0)
        return usable & self.even[r] & self.odd[c], usable & ~self.even[r] & ~self.odd[c]


def certify(
    split: Split, edges: Edges, mentor_of: np.ndarray, start: np.ndarray | None
) -> tuple[Certificate, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Duals of the current assignment from potentials of its residual graph.

    Nodes: mentees, mentors, and a reservoir through which a mentee of the first part may
    leave or join the matching and a mentor of the second part may take or free a seat.
    Returns the certificate, the potentials (to restart from next round) and each mentee's and
    mentor's effective potential, whose changes tell which pairs need screening again.
    """
    n, m = split.even.size, split.odd.size
    reservoir = n + m
    cap = split.cap
    in_a, in_b = split.parts(edges.r, edges.c)
    part = in_a | in_b
    r, c, s = edges.r[part], edges.c[part], edges.s[part]
    on = mentor_of[r] == c
    flow = np.bincount(mentor_of[(mentor_of >= 0) & split.active], minlength=m)
    even, odd, active = split.even, split.odd, split.active
    a_in = np.flatnonzero(even & active & (mentor_of >= 0))
    a_out = np.flatnonzero(even & active & (mentor_of < 0))
    spare = n + np.flatnonzero(~odd & (cap > 0) & (flow < cap))
    busy = n + np.flatnonzero(~odd & (flow > 0))
    src = np.concatenate([r, n + c[on], a_in, np.full(a_out.size, reservoir), spare, np.full(busy.size, reservoir)])
    dst = np.concatenate([n + c, r[on], np.full(a_in.size, reservoir), a_out, np.full(spare.size, reservoir), busy])
    length = np.concatenate([-s, s[on], np.zeros(a_in.size + a_out.size + spare.size + busy.size)])
    dist = potentials(n + m + 1, src, dst, length, start)
    row_pot = dist[:n].copy()
    col_pot = dist[n : n + m].copy()
    # A mentee some maximum matching leaves out pays nothing when left out; a mentor with an
    # empty seat charges nothing. Their prices are pinned to the reservoir's level.
    row_pot[even & (mentor_of < 0)] = dist[reservoir]
    col_pot[~odd & (flow == 0)] = dist[reservoir]
    u = row_pot - dist[reservoir]
    v = dist[reservoir] - col_pot
    alpha = (~even).astype(np.int8)
    beta = odd.astype(np.int8)
    u[~active] = np.inf
    alpha[~active] = 1
    v[cap <= 0] = np.inf
    beta[cap <= 0] = 1
    return Certificate(alpha=alpha, beta=beta, u=u, v=v), dist, row_pot, col_pot
