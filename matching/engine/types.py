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

    # "auto" picks from the instance (see the package docstring); "complete", "sparse" and
    # "dense" force one strategy.
    strategy: str = "auto"
    # The dense strategy runs while active mentees x free seats stays within this.
    dense_cells: int = 250_000
    # The complete strategy runs while mentee classes x mentor classes stays within this.
    complete_pairs: int = 150_000
    # Sparse strategy: best mentors kept per mentee class, best mentee classes kept per seat of
    # a mentor class, and random feasible mentors per mentee class (they help the largest
    # matching be found on the first solve).
    top_k: int = 6
    # When "auto" picks the sparse strategy and free seats are at least ABUNDANT times the
    # mentees to place, each mentee class keeps this many (if more than top_k): with seats to
    # spare the first network then usually holds the optimum, which saves a second round.
    top_k_abundant: int = 8
    top_k_per_seat: int = 3
    random_extra: int = 1
    # Pairs breaking the optimality proof added per mentee class and per mentor class per round.
    add_per_round: int = 8
    # Pairs within this much of breaking the proof are added along with those that break it,
    # which usually saves a round.
    near_slack: float = 0.02
    block_rows: int = 256
    # 0 means one worker per available core (at most 4), or one when the instance is small.
    threads: int = 0
    # Pair scores are kept at 16 bits between rounds when they fit in this budget; otherwise
    # every round scores the pairs again.
    score_cache_bytes: int = 1 << 30
    seed: int = 0
    max_rounds: int = 100


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
