"""Public value types of the matching engine: what goes in and what comes out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SAME = "same"
DIFFERENT = "different"
DISTANCE = "distance"
OVERLAP = "overlap"
ORDINAL = "ordinal"
KINDS: tuple[str, ...] = (SAME, DIFFERENT, DISTANCE, OVERLAP, ORDINAL)

MAX_WEIGHT = 10.0

NO_FEASIBLE_MENTOR = "no_feasible_mentor"
CAPACITY = "capacity"

# An ordinal pair where mentor and mentee sit at the same level is a peer match: still useful,
# but worth half of a pairing with a more senior mentor; a more junior mentor is worth nothing.
ORDINAL_EQUAL_SCORE = 0.5


@dataclass(frozen=True)
class Criterion:
    """One question answered by both sides, and how its answers compare.

    ``scale``, ``wraparound`` and ``period`` only matter for ``distance``: two answers
    ``scale`` apart (after wrapping around ``period``, e.g. 24 hours for UTC offsets) score 0.
    """

    key: str
    kind: str
    weight: float
    hard: bool = False
    scale: float = 12.0
    wraparound: bool = True
    period: float = 24.0

    def validate(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ValueError(f"criterion key must be a non-empty string, got {self.key!r}")
        if self.kind not in KINDS:
            raise ValueError(f"criterion {self.key!r}: unknown kind {self.kind!r}, expected one of {KINDS}")
        weight = self.weight
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise ValueError(f"criterion {self.key!r}: weight must be a finite number, got {weight!r}")
        if not 0.0 <= weight <= MAX_WEIGHT:
            raise ValueError(f"criterion {self.key!r}: weight {weight} is outside 0..{MAX_WEIGHT:g}")
        if self.kind == DISTANCE:
            if not (isinstance(self.scale, (int, float)) and math.isfinite(self.scale) and self.scale > 0):
                raise ValueError(f"criterion {self.key!r}: scale must be a positive number, got {self.scale!r}")
            if self.wraparound and not (
                isinstance(self.period, (int, float)) and math.isfinite(self.period) and self.period > 0
            ):
                raise ValueError(f"criterion {self.key!r}: period must be a positive number, got {self.period!r}")


@dataclass(frozen=True)
class Mentee:
    """A mentee and their answers, keyed by criterion key; a missing key means a skipped question."""

    id: int
    answers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Mentor:
    """A mentor, how many mentees they take this round, and their answers."""

    id: int
    capacity: int
    answers: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Everything one matching round needs.

    ``excluded`` holds (mentee_id, mentor_id) pairs that must never be proposed; ids that are not
    part of this round are ignored, so a caller can pass its whole history of rejections.
    ``fixed`` holds pairs approved earlier: they are kept as they are and use up capacity.
    """

    mentees: Sequence[Mentee]
    mentors: Sequence[Mentor]
    criteria: Sequence[Criterion]
    excluded: frozenset[tuple[int, int]] = frozenset()
    fixed: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True)
class SolverOptions:
    """Tuning knobs. None of them changes the matched count or the total score, only how fast
    they are reached (and, among equally good assignments, which one comes back)."""

    # Best mentors kept per mentee before solving.
    top_k: int = 12
    # Best mentees kept per mentor (each from a different block of mentees).
    top_k_mentor: int = 8
    # Random feasible mentors kept per mentee: they make the candidate graph reach far enough
    # that the largest matching is usually found on the first solve.
    random_extra: int = 6
    # Violating pairs added per mentee and per mentor in each certificate round.
    add_per_round: int = 64
    # Pairs within this much of breaking the certificate are added along with the ones that
    # break it, which usually saves a round.
    near_slack: float = 0.03
    # Restart the solver from the previous round's prices when at most this share of mentees
    # got new candidate pairs.
    warm_limit: float = 0.5
    block_rows: int = 256
    # 0 means one worker per available core (at most 4).
    threads: int = 0
    # Pair scores are kept at 16 bits between certificate rounds when they fit in this budget;
    # otherwise every round scores the pairs again.
    score_cache_bytes: int = 1 << 30
    # Dual slack accepted as zero, in score units (a score lies in 0..1).
    tolerance: float = 1e-11
    seed: int = 0
    max_rounds: int = 200


@dataclass(frozen=True)
class PairResult:
    mentee_id: int
    mentor_id: int
    score: float
    # criterion key -> weighted contribution; the values add up to ``score``.
    breakdown: dict[str, float]
    fixed: bool = False


@dataclass(frozen=True)
class Result:
    pairs: list[PairResult]
    # mentee id -> up to three (mentor_id, score), best first, never the mentor they got.
    alternatives: dict[int, list[tuple[int, float]]]
    # mentee id -> NO_FEASIBLE_MENTOR or CAPACITY
    unmatched: dict[int, str]
    total_score: float
    stats: dict[str, object]

    @property
    def matched_count(self) -> int:
        return len(self.pairs)
