"""Turning a :class:`Problem` (or plain arrays) into the numeric form the solver works on."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .types import (
    DIFFERENT,
    DISTANCE,
    ORDINAL,
    OVERLAP,
    SAME,
    Criterion,
    Problem,
)

CATEGORICAL_KINDS = (SAME, DIFFERENT)
NUMERIC_KINDS = (DISTANCE, ORDINAL)


@dataclass(frozen=True, eq=False)
class Encoded:
    """A problem as arrays, indexed by position (mentee index, mentor index), not by id.

    Answers per criterion, in the order of ``criteria``:

    * ``same`` / ``different``: int64 codes, ``-1`` for a missing answer;
    * ``distance`` / ``ordinal``: float64, ``nan`` for a missing answer;
    * ``overlap``: a bool matrix (people x options), with ``*_present`` telling a skipped
      question (False) from an answer that picked nothing.

    ``excluded`` holds sorted unique keys ``mentee_index * n_mentors + mentor_index``.
    """

    criteria: tuple[Criterion, ...]
    mentee_ids: NDArray[np.int64]
    mentor_ids: NDArray[np.int64]
    capacity: NDArray[np.int64]
    mentee_answers: tuple[np.ndarray, ...]
    mentor_answers: tuple[np.ndarray, ...]
    mentee_present: tuple[NDArray[np.bool_], ...]
    mentor_present: tuple[NDArray[np.bool_], ...]
    excluded: NDArray[np.int64]
    fixed_mentees: NDArray[np.int64]
    fixed_mentors: NDArray[np.int64]

    @property
    def n_mentees(self) -> int:
        return int(self.mentee_ids.shape[0])

    @property
    def n_mentors(self) -> int:
        return int(self.mentor_ids.shape[0])

    @property
    def weight_total(self) -> float:
        return float(sum(float(c.weight) for c in self.criteria))

    def is_excluded(self, rows: np.ndarray, cols: np.ndarray) -> NDArray[np.bool_]:
        keys = np.asarray(rows, dtype=np.int64) * self.n_mentors + np.asarray(cols, dtype=np.int64)
        return sorted_contains(self.excluded, keys)

    def remaining_capacity(self) -> NDArray[np.int64]:
        used = np.bincount(self.fixed_mentors, minlength=self.n_mentors).astype(np.int64)
        return self.capacity - used


def unique_keys(keys: np.ndarray) -> NDArray[np.int64]:
    """Sorted distinct integer keys. A sort, not ``np.unique``'s hash table, which slows to a
    crawl on keys of the form ``row * width + column``."""
    keys = np.sort(np.asarray(keys, dtype=np.int64), kind="stable")
    if keys.size < 2:
        return keys
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])]


def sorted_contains(sorted_keys: np.ndarray, keys: np.ndarray) -> NDArray[np.bool_]:
    """Membership of ``keys`` in an ascending unique array, without hashing."""
    if sorted_keys.size == 0:
        return np.zeros(np.shape(keys), dtype=bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, sorted_keys.size - 1)
    return sorted_keys[pos] == keys


def _ids(values: ArrayLike, side: str) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{side} ids must be one-dimensional")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{side} ids must be integers")
    arr = arr.astype(np.int64)
    if unique_keys(arr).size != arr.size:
        uniq, counts = np.unique(arr, return_counts=True)
        raise ValueError(f"duplicate {side} id {int(uniq[counts > 1][0])}")
    return arr


def _validate_criteria(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    seen: set[str] = set()
    for crit in criteria:
        if not isinstance(crit, Criterion):
            raise ValueError(f"criteria must be Criterion objects, got {type(crit).__name__}")
        crit.validate()
        if crit.key in seen:
            raise ValueError(f"duplicate criterion key {crit.key!r}")
        seen.add(crit.key)
    return tuple(criteria)


def _answer_column(
    crit: Criterion, raw: ArrayLike | None, present: ArrayLike | None, count: int, side: str
) -> tuple[np.ndarray, NDArray[np.bool_]]:
    if crit.kind in CATEGORICAL_KINDS:
        codes = np.full(count, -1, dtype=np.int64) if raw is None else np.asarray(raw)
        if codes.shape != (count,) or (codes.size and not np.issubdtype(codes.dtype, np.integer)):
            raise ValueError(f"{side} answers for {crit.key!r} must be {count} integer codes")
        codes = codes.astype(np.int64)
        return codes, codes >= 0
    if crit.kind in NUMERIC_KINDS:
        vals = np.full(count, np.nan) if raw is None else np.asarray(raw, dtype=np.float64)
        if vals.shape != (count,):
            raise ValueError(f"{side} answers for {crit.key!r} must be {count} numbers")
        if np.isinf(vals).any():
            raise ValueError(f"{side} answers for {crit.key!r} must be finite")
        return vals, ~np.isnan(vals)
    onehot = np.zeros((count, 0), dtype=bool) if raw is None else np.asarray(raw)
    if onehot.ndim != 2 or onehot.shape[0] != count:
        raise ValueError(f"{side} answers for {crit.key!r} must be a ({count}, options) bool matrix")
    onehot = onehot.astype(bool)
    if present is None:
        mask = np.full(count, raw is not None, dtype=bool)
    else:
        mask = np.asarray(present, dtype=bool)
        if mask.shape != (count,):
            raise ValueError(f"{side} presence for {crit.key!r} must have {count} entries")
    return onehot, mask


def encode_arrays(
    criteria: Sequence[Criterion],
    mentee_ids: ArrayLike,
    mentor_ids: ArrayLike,
    capacity: ArrayLike,
    mentee_answers: Mapping[str, ArrayLike],
    mentor_answers: Mapping[str, ArrayLike],
    *,
    mentee_present: Mapping[str, ArrayLike] | None = None,
    mentor_present: Mapping[str, ArrayLike] | None = None,
    excluded: ArrayLike | None = None,
    fixed: ArrayLike | None = None,
) -> Encoded:
    """Build an :class:`Encoded` problem straight from arrays (see its docstring for the layout).

    ``excluded`` and ``fixed`` are ``(k, 2)`` arrays of (mentee index, mentor index). A
    criterion missing from an answers mapping counts as skipped by everybody on that side.
    """
    crits = _validate_criteria(criteria)
    e_ids = _ids(mentee_ids, "mentee")
    m_ids = _ids(mentor_ids, "mentor")
    n, m = e_ids.size, m_ids.size
    cap = np.asarray(capacity)
    if cap.shape != (m,) or (cap.size and not np.issubdtype(cap.dtype, np.integer)):
        raise ValueError(f"capacity must be {m} integers")
    cap = cap.astype(np.int64)
    if (cap < 0).any():
        bad = int(np.flatnonzero(cap < 0)[0])
        raise ValueError(f"mentor {int(m_ids[bad])} has negative capacity {int(cap[bad])}")
    e_present = mentee_present or {}
    m_present = mentor_present or {}
    e_cols, m_cols, e_pres, m_pres = [], [], [], []
    for crit in crits:
        a, pa = _answer_column(crit, mentee_answers.get(crit.key), e_present.get(crit.key), n, "mentee")
        b, pb = _answer_column(crit, mentor_answers.get(crit.key), m_present.get(crit.key), m, "mentor")
        if crit.kind == OVERLAP and a.shape[1] != b.shape[1]:
            width = max(a.shape[1], b.shape[1])
            a = np.pad(a, ((0, 0), (0, width - a.shape[1])))
            b = np.pad(b, ((0, 0), (0, width - b.shape[1])))
        e_cols.append(a)
        m_cols.append(b)
        e_pres.append(pa)
        m_pres.append(pb)
    excl = _pair_array(excluded, n, m, "excluded")
    keys = unique_keys(excl[:, 0] * m + excl[:, 1])
    fix = _pair_array(fixed, n, m, "fixed")
    _validate_fixed(fix, keys, cap, e_ids, m_ids)
    return Encoded(
        criteria=crits,
        mentee_ids=e_ids,
        mentor_ids=m_ids,
        capacity=cap,
        mentee_answers=tuple(e_cols),
        mentor_answers=tuple(m_cols),
        mentee_present=tuple(e_pres),
        mentor_present=tuple(m_pres),
        excluded=keys.astype(np.int64),
        fixed_mentees=fix[:, 0].copy(),
        fixed_mentors=fix[:, 1].copy(),
    )


def _pair_array(pairs: ArrayLike | None, n: int, m: int, what: str) -> NDArray[np.int64]:
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    arr = np.asarray(pairs)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{what} pairs must be a (k, 2) integer array of indices")
    arr = arr.astype(np.int64)
    if (arr[:, 0] < 0).any() or (arr[:, 0] >= n).any() or (arr[:, 1] < 0).any() or (arr[:, 1] >= m).any():
        raise ValueError(f"{what} pair index out of range")
    return arr


def _validate_fixed(
    fix: np.ndarray, excluded_keys: np.ndarray, cap: np.ndarray, e_ids: np.ndarray, m_ids: np.ndarray
) -> None:
    if fix.size == 0:
        return
    uniq, counts = np.unique(fix[:, 0], return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"mentee {int(e_ids[uniq[counts > 1][0]])} is fixed more than once")
    used = np.bincount(fix[:, 1], minlength=cap.size)
    over = np.flatnonzero(used > cap)
    if over.size:
        j = int(over[0])
        raise ValueError(f"fixed pairs give mentor {int(m_ids[j])} {int(used[j])} mentees, capacity {int(cap[j])}")
    clash = sorted_contains(excluded_keys, fix[:, 0] * cap.size + fix[:, 1])
    if clash.any():
        i, j = fix[int(np.flatnonzero(clash)[0])]
        raise ValueError(f"pair ({int(e_ids[i])}, {int(m_ids[j])}) is both fixed and excluded")


# ---------------------------------------------------------------------------------------------
# Python objects -> arrays


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _categorical(crit: Criterion, values: list[object], table: dict[Hashable, int], who: list[int]) -> np.ndarray:
    codes = np.full(len(values), -1, dtype=np.int64)
    for pos, value in enumerate(values):
        if value is None:
            continue
        if not isinstance(value, Hashable) or isinstance(value, (set, frozenset, list, tuple)):
            raise ValueError(f"{crit.key!r} answer of {who[pos]} must be a single value, got {value!r}")
        codes[pos] = table.setdefault(value, len(table))
    return codes


def _numeric(crit: Criterion, values: list[object], who: list[int]) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for pos, value in enumerate(values):
        if value is None:
            continue
        if not _is_number(value) or not math.isfinite(float(value)):  # type: ignore[arg-type]
            raise ValueError(f"{crit.key!r} answer of {who[pos]} must be a finite number, got {value!r}")
        out[pos] = float(value)  # type: ignore[arg-type]
    return out


def _choices(
    crit: Criterion, values: list[object], table: dict[Hashable, int], who: list[int]
) -> tuple[list[list[int]], np.ndarray]:
    rows: list[list[int]] = []
    present = np.zeros(len(values), dtype=bool)
    for pos, value in enumerate(values):
        if value is None:
            rows.append([])
            continue
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise ValueError(f"{crit.key!r} answer of {who[pos]} must be a set of values, got {value!r}")
        present[pos] = True
        rows.append([table.setdefault(item, len(table)) for item in value])
    return rows, present


def _onehot(rows: list[list[int]], width: int) -> np.ndarray:
    out = np.zeros((len(rows), width), dtype=bool)
    for pos, cols in enumerate(rows):
        out[pos, cols] = True
    return out


def encode(problem: Problem) -> Encoded:
    """Validate a :class:`Problem` and turn it into arrays."""
    crits = _validate_criteria(problem.criteria)
    e_ids = [int(p.id) for p in problem.mentees]
    m_ids = [int(p.id) for p in problem.mentors]
    _ids(np.asarray(e_ids, dtype=np.int64), "mentee")
    _ids(np.asarray(m_ids, dtype=np.int64), "mentor")
    for p in problem.mentors:
        if isinstance(p.capacity, bool) or not isinstance(p.capacity, (int, np.integer)):
            raise ValueError(f"mentor {p.id} capacity must be an integer, got {p.capacity!r}")
    e_answers: dict[str, ArrayLike] = {}
    m_answers: dict[str, ArrayLike] = {}
    e_present: dict[str, ArrayLike] = {}
    m_present: dict[str, ArrayLike] = {}
    for crit in crits:
        ev = [p.answers.get(crit.key) for p in problem.mentees]
        mv = [p.answers.get(crit.key) for p in problem.mentors]
        if crit.kind in CATEGORICAL_KINDS:
            table: dict[Hashable, int] = {}
            e_answers[crit.key] = _categorical(crit, ev, table, e_ids)
            m_answers[crit.key] = _categorical(crit, mv, table, m_ids)
        elif crit.kind in NUMERIC_KINDS:
            e_answers[crit.key] = _numeric(crit, ev, e_ids)
            m_answers[crit.key] = _numeric(crit, mv, m_ids)
        else:
            options: dict[Hashable, int] = {}
            e_rows, e_present[crit.key] = _choices(crit, ev, options, e_ids)
            m_rows, m_present[crit.key] = _choices(crit, mv, options, m_ids)
            e_answers[crit.key] = _onehot(e_rows, len(options))
            m_answers[crit.key] = _onehot(m_rows, len(options))
    e_index = {pid: pos for pos, pid in enumerate(e_ids)}
    m_index = {pid: pos for pos, pid in enumerate(m_ids)}
    excluded = [(e_index[a], m_index[b]) for a, b in problem.excluded if a in e_index and b in m_index]
    fixed = []
    for a, b in problem.fixed:
        if a not in e_index or b not in m_index:
            raise ValueError(f"fixed pair ({a}, {b}) names an unknown mentee or mentor")
        fixed.append((e_index[a], m_index[b]))
    return encode_arrays(
        crits,
        np.asarray(e_ids, dtype=np.int64),
        np.asarray(m_ids, dtype=np.int64),
        np.asarray([int(p.capacity) for p in problem.mentors], dtype=np.int64),
        e_answers,
        m_answers,
        mentee_present=e_present,
        mentor_present=m_present,
        excluded=np.asarray(excluded, dtype=np.int64).reshape(-1, 2),
        fixed=np.asarray(fixed, dtype=np.int64).reshape(-1, 2),
    )
