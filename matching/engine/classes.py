"""Answer profiles: people whose answers are the same on every criterion that counts.

Two mentees with the same profile score the same with every mentor and pass the same hard
criteria, so the optimisation only needs one node per profile with a count (and one per mentor
profile with its seats). A person named in an exclusion keeps a class of their own, so that an
excluded pair is a pair of classes. Classes are numbered in order of first appearance and their
members kept in input order, which keeps every tie-break deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .encoding import Encoded, unique_keys
from .types import OVERLAP


@dataclass(frozen=True, eq=False)
class Classes:
    """One side's classes. ``of[p]`` is person p's class (-1: left out, a mentor with capacity
    0); ``reps[c]`` a member of class c; ``size[c]`` its active mentees or remaining seats;
    ``order`` the people sorted by (class, input position)."""

    of: NDArray[np.int64]
    reps: NDArray[np.int64]
    size: NDArray[np.int64]
    order: NDArray[np.int64]

    @property
    def count(self) -> int:
        return int(self.reps.size)


def _factorize(values: np.ndarray) -> tuple[NDArray[np.int64], int]:
    """Codes 0..k-1 of equal values (rows of a 2-D array count as one value)."""
    if values.ndim == 2:
        packed = np.packbits(values.astype(bool), axis=1)
        values = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    uniq, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(uniq.size)


def _profile_codes(enc: Encoded, side: int, people: np.ndarray, alone: np.ndarray) -> NDArray[np.int64]:
    """One code per person, equal exactly when two people answer alike on every criterion that
    counts (weight or hard); people in ``alone`` get a code of their own."""
    answers = enc.mentee_answers if side == 0 else enc.mentor_answers
    present = enc.mentee_present if side == 0 else enc.mentor_present
    code = np.zeros(people.size, dtype=np.int64)
    for k, crit in enumerate(enc.criteria):
        if crit.weight == 0 and not crit.hard:
            continue
        pres = present[k][people]
        values = answers[k][people]
        if crit.kind == OVERLAP:
            column = np.hstack([(values & pres[:, None]), pres[:, None]])
        elif values.dtype.kind == "f":
            column = np.where(pres, values, np.inf)
        else:
            column = np.where(pres, values, -1)
        sub, width = _factorize(column)
        # Combining two codes and renumbering keeps every code below the number of people.
        code, _ = _factorize(code * width + sub)
    return np.where(alone[people], code.max(initial=-1) + 1 + np.arange(people.size), code)


def _group(enc: Encoded, side: int, people: np.ndarray, alone: np.ndarray, size: np.ndarray, total: int) -> Classes:
    _, first, inverse = np.unique(_profile_codes(enc, side, people, alone), return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Renumber classes by first appearance.
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    cls = rank[inverse]
    of = np.full(total, -1, dtype=np.int64)
    of[people] = cls
    reps = people[np.sort(first)]
    sizes = np.bincount(cls, weights=size[people], minlength=first.size).astype(np.int64)
    order = people[np.lexsort((people, cls))]
    return Classes(of=of, reps=reps, size=sizes, order=order)


def mentee_classes(enc: Encoded) -> Classes:
    n, m = enc.n_mentees, enc.n_mentors
    alone = np.zeros(n, dtype=bool)
    alone[enc.excluded // max(m, 1)] = True
    active = np.ones(n, dtype=np.int64)
    active[enc.fixed_mentees] = 0
    return _group(enc, 0, np.arange(n), alone, active, n)


def mentor_classes(enc: Encoded) -> Classes:
    m = enc.n_mentors
    alone = np.zeros(m, dtype=bool)
    alone[enc.excluded % max(m, 1)] = True
    people = np.flatnonzero(enc.capacity > 0)
    return _group(enc, 1, people, alone, enc.remaining_capacity(), m)


def class_problem(enc: Encoded, rows: Classes, cols: Classes) -> Encoded:
    """The problem between class representatives (no fixed pairs, exclusions between classes)."""
    excluded = np.zeros(0, dtype=np.int64)
    if enc.excluded.size:
        m = enc.n_mentors
        a, b = rows.of[enc.excluded // m], cols.of[enc.excluded % m]
        keep = b >= 0
        excluded = unique_keys(a[keep] * cols.count + b[keep])
    return Encoded(
        criteria=enc.criteria,
        mentee_ids=rows.reps.copy(),
        mentor_ids=cols.reps.copy(),
        capacity=cols.size.copy(),
        mentee_answers=tuple(x[rows.reps] for x in enc.mentee_answers),
        mentor_answers=tuple(x[cols.reps] for x in enc.mentor_answers),
        mentee_present=tuple(x[rows.reps] for x in enc.mentee_present),
        mentor_present=tuple(x[cols.reps] for x in enc.mentor_present),
        excluded=excluded,
        fixed_mentees=np.zeros(0, dtype=np.int64),
        fixed_mentors=np.zeros(0, dtype=np.int64),
    )
