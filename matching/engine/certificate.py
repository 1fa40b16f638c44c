"""An independent check of an assignment and its optimality certificate, pair by pair.

It scores every pair exactly and checks the potentials on the residual graph of the people
themselves (not of the classes the solver worked on): see :mod:`.flow` for why potentials that
hold on every residual arc prove the assignment optimal. Slow on large problems.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .encoding import Encoded
from .flow import to_units
from .scoring import block_scores, pair_scores
from .solver import Certificate

VERIFY_BLOCK = 512


@dataclass(frozen=True)
class CertificateReport:
    ok: bool
    matched: int
    score: float
    # Pairs whose arc breaks the potentials.
    violations: int
    # Proven bound on (best possible total score) - (this assignment's total score).
    gap_bound: float
    problems: list[str] = field(default_factory=list)


def verify_certificate(enc: Encoded, mentor_of: np.ndarray, cert: Certificate) -> CertificateReport:
    """``mentor_of[i]`` is mentee i's mentor index or -1."""
    n, m = enc.n_mentees, enc.n_mentors
    problems: list[str] = []
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    active[enc.fixed_mentees] = False
    if (mentor_of[enc.fixed_mentees] != enc.fixed_mentors).any():
        problems.append("a fixed pair was changed")
    seats = enc.remaining_capacity()
    rows = np.flatnonzero(active & (mentor_of >= 0))
    taken = np.bincount(mentor_of[rows], minlength=m)
    if (taken > seats).any():
        problems.append("a mentor is over capacity")
    score, feasible = pair_scores(enc, rows, mentor_of[rows])
    if not feasible.all():
        problems.append("an assigned pair breaks a hard criterion or an exclusion")
    d_e, d_m, res, big = cert.mentee, cert.mentor, cert.reservoir, cert.big
    # The reservoir arcs: a matched mentee may leave, an unmatched one join; a mentor with a free
    # seat may take one more, a mentor with a mentee may give one back.
    matched = active & (mentor_of >= 0)
    left_out = active & (mentor_of < 0)
    open_cols = seats > 0
    bad_nodes = int(
        (matched & (d_e < res)).sum()
        + (left_out & (d_e > res)).sum()
        + (open_cols & (taken < seats) & (d_m < res)).sum()
        + (open_cols & (taken > 0) & (d_m > res)).sum()
    )
    count = bad_nodes
    # Every feasible pair to an open mentor: the arc mentee -> mentor, and back when it is used.
    cols = np.flatnonzero(open_cols)
    act = np.flatnonzero(active)
    for r0 in range(0, act.size, VERIFY_BLOCK):
        blk = act[r0 : r0 + VERIFY_BLOCK]
        s, ok = block_scores(enc, blk, cols)
        cost = big + to_units(s)
        used = mentor_of[blk][:, None] == cols[None, :]
        forward = ~used & (d_m[cols][None, :] > d_e[blk][:, None] - cost)
        backward = used & (d_e[blk][:, None] > d_m[cols][None, :] + cost)
        count += int((ok & (forward | backward)).sum())
    if count:
        problems.append(f"{count} arcs break the potentials")
    return CertificateReport(
        ok=not problems,
        matched=int(rows.size + enc.fixed_mentees.size),
        score=math.fsum(score.tolist()),
        violations=count,
        gap_bound=rows.size / cert.scale,
        problems=problems,
    )
