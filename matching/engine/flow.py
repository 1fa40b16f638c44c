"""Min-cost flow between mentee classes and mentor classes, and the prices that prove it optimal.

Scores become integers, ``round(score * SCALE)``: the flow is exact for those integers and so
within ``matched / SCALE`` (~1e-11 per pair) of the best total score on the real ones.

The network: each mentee class supplies its active mentees, each mentor class takes up to its
remaining seats, and an arc between them carries any number of pairs at cost ``-score``.
OR-Tools' ``solve_max_flow_with_min_cost`` returns the largest flow and, among those, the
cheapest: most mentees matched, then highest total score, exactly the engine's objective.

Optimality on pairs the network did not contain is proven with node potentials ``d`` of the
residual graph, where every pair also pays ``-BIG`` (``BIG`` above any total score, so one more
matched mentee outweighs any score). A reservoir node stands for "unmatched": a mentee class
with mentees left over can take one from it, a mentor class with a free seat can give one back.
When ``d[head] <= d[tail] + cost`` holds on every residual arc, the residual graph has no
negative cycle, so no exchange of pairs improves the solution. A pair (a, b) left out of the
network only adds the arc a -> b, so it keeps the proof whenever
``score_ab * SCALE <= d[a] - d[b] - BIG``; the solver checks that for every pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

T = TypeVar("T")

# Scores in units of 2**-36 (~1.5e-11): costs times nodes stay far inside int64 for OR-Tools,
# and BIG (matched count times SCALE) plus path sums stay exact in int64.
SCALE = float(2**36)


def to_units(score: np.ndarray) -> NDArray[np.int64]:
    return np.rint(np.asarray(score, dtype=np.float64) * SCALE).astype(np.int64)


def big_units(supply: np.ndarray, seats: np.ndarray) -> int:
    return (int(min(supply.sum(), seats.sum())) + 1) * int(SCALE)


@dataclass(frozen=True, eq=False)
class Arcs:
    """Pairs of classes (mentee class ``a``, mentor class ``b``) with exact scores, sorted by key."""

    a: NDArray[np.int64]
    b: NDArray[np.int64]
    score: NDArray[np.float64]
    n_cols: int

    @property
    def keys(self) -> NDArray[np.int64]:
        return self.a * self.n_cols + self.b

    def merged(self, a: np.ndarray, b: np.ndarray, score: np.ndarray) -> Arcs:
        keys = np.concatenate([self.keys, a * self.n_cols + b])
        score = np.concatenate([self.score, score])
        keys, first = np.unique(keys, return_index=True)
        return Arcs(keys // self.n_cols, keys % self.n_cols, score[first], self.n_cols)


def max_flow_min_cost(arcs: Arcs, supply: np.ndarray, seats: np.ndarray) -> NDArray[np.int64]:
    """Pairs per arc: as many as possible, and among those the highest total score."""
    n_rows = supply.size
    use = (supply[arcs.a] > 0) & (seats[arcs.b] > 0)
    flow = np.zeros(arcs.a.size, dtype=np.int64)
    if not use.any():
        return flow
    idx = np.flatnonzero(use)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        arcs.a[idx], n_rows + arcs.b[idx], supply[arcs.a[idx]], -to_units(arcs.score[idx])
    )
    rows = np.flatnonzero(supply > 0)
    cols = np.flatnonzero(seats > 0)
    solver.set_nodes_supplies(np.concatenate([rows, n_rows + cols]), np.concatenate([supply[rows], -seats[cols]]))
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flow[idx] = solver.flows(np.arange(idx.size))
    return flow


def residual_arcs(
    arcs: Arcs, flow: np.ndarray, supply: np.ndarray, seats: np.ndarray, big: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(tail, head, cost) of the residual graph; nodes are rows, then columns, then the reservoir."""
    n_rows, n_cols = supply.size, seats.size
    reservoir = n_rows + n_cols
    live = (supply[arcs.a] > 0) & (seats[arcs.b] > 0)
    a, b = arcs.a[live], n_rows + arcs.b[live]
    cost = -(big + to_units(arcs.score[live]))
    used = flow[live] > 0
    out = np.bincount(arcs.a, weights=flow, minlength=n_rows).astype(np.int64)
    into = np.bincount(arcs.b, weights=flow, minlength=n_cols).astype(np.int64)
    take = np.flatnonzero((supply > 0) & (out < supply))
    give = np.flatnonzero(out > 0)
    free = n_rows + np.flatnonzero((seats > 0) & (into < seats))
    full = n_rows + np.flatnonzero(into > 0)
    res = np.full(1, reservoir)
    tails = [a, b[used], np.repeat(res, take.size), give, free, np.repeat(res, full.size)]
    heads = [b, a[used], take, np.repeat(res, give.size), np.repeat(res, free.size), full]
    costs = [cost, -cost[used], np.zeros(take.size + give.size + free.size + full.size, dtype=np.int64)]
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)


def potentials(
    nodes: int, tail: np.ndarray, head: np.ndarray, cost: np.ndarray, start: np.ndarray | None
) -> NDArray[np.int64]:
    """Potentials with ``d[head] <= d[tail] + cost`` on every arc (Bellman-Ford, exact in int64).

    Starts from ``start`` (or zeros, i.e. distances from a root joined to every node) and
    relaxes only the arcs leaving nodes whose potential just dropped.
    """
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=nodes))])
    dist = np.zeros(nodes, dtype=np.int64) if start is None else start.copy()
    frontier = np.arange(nodes)
    for _ in range(nodes + 1):
        begin = indptr[frontier]
        count = indptr[frontier + 1] - begin
        total = int(count.sum())
        if total == 0:
            return dist
        idx = np.repeat(begin - (np.cumsum(count) - count), count) + np.arange(total)
        best = dist.copy()
        np.minimum.at(best, head[idx], dist[tail[idx]] + cost[idx])
        changed = np.flatnonzero(best < dist)
        if changed.size == 0:
            return dist
        dist = best
        frontier = changed
    raise RuntimeError("the flow is not optimal on its own network (negative cycle)")


def spread(dist: np.ndarray, tail: np.ndarray, head: np.ndarray, cost: np.ndarray, n_rows: int) -> NDArray[np.int64]:
    """Lower every mentor class's potential, then raise every mentee class's, as far as the
    arcs allow: still valid potentials, with the most room for pairs left out of the network
    (a pair (a, b) needs d[a] high and d[b] low). Nodes on one side have no arcs between them,
    so one pass per side is exact."""
    dist = dist.copy()
    nodes = dist.size
    is_col = (np.arange(nodes) >= n_rows) & (np.arange(nodes) < nodes - 1)
    # A column's lowest value: the largest d[head] - cost over its outgoing arcs.
    out = is_col[tail]
    low = np.full(nodes, np.iinfo(np.int64).min)
    np.maximum.at(low, tail[out], dist[head[out]] - cost[out])
    cols = is_col & (low > np.iinfo(np.int64).min)
    dist[cols] = low[cols]
    # A row's highest value: the smallest d[tail] + cost over its incoming arcs.
    is_row = np.arange(nodes) < n_rows
    inc = is_row[head]
    high = np.full(nodes, np.iinfo(np.int64).max)
    np.minimum.at(high, head[inc], dist[tail[inc]] + cost[inc])
    rows = is_row & (high < np.iinfo(np.int64).max)
    dist[rows] = high[rows]
    return dist


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


def solve_network(
    arcs: Arcs, supply: np.ndarray, seats: np.ndarray, big: int, start: np.ndarray | None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The optimal flow on ``arcs`` and potentials proving it (started from ``start``)."""
    flow = max_flow_min_cost(arcs, supply, seats)
    graph = residual_arcs(arcs, flow, supply, seats, big)
    dist = potentials(supply.size + seats.size + 1, *graph, start)
    return flow, spread(dist, *graph, supply.size)


def timed(seconds: dict[str, float], key: str, fn: Callable[..., T], *args: object) -> T:
    tick = time.perf_counter()
    out = fn(*args)
    seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - tick
    return out
