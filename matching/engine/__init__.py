"""Matching engine: proposes mentor-mentee pairs for a cohort round. Pure Python, NumPy and SciPy.

What it computes
----------------
Given mentees, mentors (each taking ``capacity`` mentees), weighted criteria and constraints,
:func:`solve` returns the assignment that **first matches as many mentees as possible and then
maximises the total score**, exactly (see "How" below), and deterministically: the same input
always gives the same output.

Criteria (:class:`Criterion`) pair a mentee answer with a mentor answer under the same key:

==============  =========================================  ==================================
kind            score in 0..1                              ``hard=True`` requires
==============  =========================================  ==================================
``same``        1 if the answers are equal                 equal answers
``different``   1 if the answers differ                    different answers
``distance``    ``max(0, 1 - gap / scale)``; ``gap`` wraps  ``gap < scale``
                around ``period`` when ``wraparound``
                (time zones: 24 hours, so UTC-11 and
                UTC+12 are 1 hour apart)
``overlap``     Jaccard index of two answer sets;          at least one shared value
                0 when both are empty
``ordinal``     1 if the mentor's level is higher, 0.5 if  a strictly higher mentor level
                equal, 0 if lower
==============  =========================================  ==================================

Answers are ``str`` (or any hashable) for ``same``/``different``, numbers for ``distance``/
``ordinal`` and sets of hashables for ``overlap``. ``None`` (or a missing key) is a skipped
question: the criterion scores 0 for that pair and a hard criterion is *not* failed, so nobody
is excluded for skipping a question. An empty set is an answer, and fails a hard ``overlap``.

Pair score = sum of ``weight * criterion score`` / sum of weights (0 for every pair when all
weights are 0). ``PairResult.breakdown`` gives each criterion's ``weight * score / sum of
weights``; these add up to the pair score.

Constraints: mentor capacity; ``excluded`` pairs (same reporting line, coordinator exclusions,
pairs rejected in an earlier round: the caller merges them) are never proposed, nor are pairs
failing a hard criterion; ``fixed`` pairs (approved earlier) are kept as they are, whatever
their criteria say, use up their mentor's capacity, and come back in ``pairs`` with
``fixed=True``.

Output (:class:`Result`): ``pairs`` in mentee input order with score and breakdown;
``alternatives``: for every mentee, the three best feasible mentors other than the one they
got, by score (ties in mentor input order), counting mentors whose seats are taken but not
mentors with capacity 0; ``unmatched``: mentee id -> ``"no_feasible_mentor"`` when no mentor
at all passes the hard criteria and exclusions, else ``"capacity"``; ``total_score``; ``stats``.

Invalid input (weight outside 0..10, unknown kind, negative capacity, duplicate ids or
criterion keys, fixed pairs over capacity, a mentee fixed twice, a pair both fixed and
excluded, answers of the wrong type) raises ``ValueError``.

API
---
* ``solve(problem: Problem, options: SolverOptions | None = None) -> Result`` - main entry.
* ``encode(problem) -> Encoded`` and ``encode_arrays(criteria, mentee_ids, mentor_ids,
  capacity, mentee_answers, mentor_answers, *, mentee_present=None, mentor_present=None,
  excluded=None, fixed=None) -> Encoded`` - the array form (indices, not ids).
* ``solve_encoded(encoded, options=None) -> Assignment`` - the array-level solve.
* ``verify_certificate(encoded, mentor_of, certificate, tol) -> CertificateReport`` - an
  independent, exact check of an assignment's optimality certificate.
* ``dense_solve(encoded)`` / ``greedy(encoded)`` - reference solutions (:mod:`.baseline`).

How
---
1. Every pair is scored once in float32 row blocks (criteria with few distinct answers are
   folded into a single matrix product). Each mentee keeps its best ``top_k`` mentors and a few
   random feasible ones, each mentor its best mentees; the rest of a row is only remembered as
   a bound (and, when memory allows, as 16-bit upper-bound codes).
2. On that sparse graph a maximum-cardinality matching and its Dulmage-Mendelsohn split turn
   the lexicographic problem into two plain min-cost full matchings, solved exactly by SciPy's
   LAPJVsp on exact float64 scores (from the previous round's prices when there is one).
   Dropped pairs that could match one more mentee are added first, until none is left.
3. Dual prices come from shortest paths in the residual graph. With the cardinality part kept
   as separate 0/1 integers, they certify optimality on all pairs, not only the kept ones:
   every dropped pair is screened against the prices, and any pair that could improve the
   solution is added and the graph solved again, until none is left. The final certificate
   proves the result optimal (``stats["gap_bound"]``: the most the total score could still
   improve, ~1e-7 at 20,000 mentees), without ever holding a dense matrix.
"""

from .baseline import Baseline, dense_solve, greedy
from .certificate import Certificate, CertificateReport, find_violations, verify_certificate
from .encoding import Encoded, encode, encode_arrays
from .scoring import FastScorer, block_scores, pair_scores, pair_shares
from .solver import Assignment, solve, solve_encoded, unmatched_reasons
from .types import (
    CAPACITY,
    DIFFERENT,
    DISTANCE,
    KINDS,
    NO_FEASIBLE_MENTOR,
    ORDINAL,
    OVERLAP,
    SAME,
    Criterion,
    Mentee,
    Mentor,
    PairResult,
    Problem,
    Result,
    SolverOptions,
)

__all__ = [
    "CAPACITY",
    "DIFFERENT",
    "DISTANCE",
    "KINDS",
    "NO_FEASIBLE_MENTOR",
    "ORDINAL",
    "OVERLAP",
    "SAME",
    "Assignment",
    "Baseline",
    "Certificate",
    "CertificateReport",
    "Criterion",
    "Encoded",
    "FastScorer",
    "Mentee",
    "Mentor",
    "PairResult",
    "Problem",
    "Result",
    "SolverOptions",
    "block_scores",
    "dense_solve",
    "encode",
    "encode_arrays",
    "find_violations",
    "greedy",
    "pair_scores",
    "pair_shares",
    "solve",
    "solve_encoded",
    "unmatched_reasons",
    "verify_certificate",
]
