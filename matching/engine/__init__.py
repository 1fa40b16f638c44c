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
* ``verify_certificate(encoded, mentor_of, certificate) -> CertificateReport`` - an
  independent check, pair by pair, of an assignment's optimality certificate.
* ``dense_solve(encoded)`` - the reference solution (:mod:`.baseline`).

How: three strategies, picked from the instance
------------------------------------------------
``solve_encoded`` looks at the instance and runs one of three strategies. Each returns an
optimal assignment; they differ only in how much work that takes. ``SolverOptions.strategy``
forces one (the tests run all three on the same problems).

1. **dense** - when active mentees x free seats is small (``dense_cells``, 250,000 by
   default). Every pair is scored exactly, each mentor's column is repeated once per free seat,
   and SciPy's ``linear_sum_assignment`` solves it with cost ``-(C + score)`` for a feasible
   pair and 0 otherwise (``C`` above any total score, so one more matched mentee always
   outweighs score). Optimal because it is the textbook exact solve of that matrix; on small
   instances nothing is cheaper (one mentor, a few hundred pairs: the work is the scoring
   itself, which any method must do), and the pairs' scores and the alternatives are read
   straight from the score matrix, so it costs no more than the dense solve alone.

Otherwise people are first merged into **classes** (:mod:`.classes`): mentees whose answers are
the same on every criterion that counts (weight above 0 or hard) score the same with everyone,
so the optimisation needs one node per answer profile with a count, and one per mentor profile
with its free seats. A person named in an exclusion keeps a class of their own, so that
exclusions stay pairs of classes. Pairs per class arc are handed back to people in input
order, which keeps the result deterministic.

2. **complete** - when mentee classes x mentor classes is small (``complete_pairs``, 150,000):
   heavy ties, few answer options, all scores equal, all weights zero, one mentor. Every class
   pair is scored exactly and OR-Tools' min-cost flow (``solve_max_flow_with_min_cost``: the
   largest flow and, among those, the cheapest) solves the whole network: most mentees matched,
   then highest total score. Optimal because the network holds every pair.

3. **sparse** - everything else (answers that rarely repeat, large cohorts). Every class pair
   is scored once in fast float32 row blocks (on the calling thread below 4,000,000 class pairs,
   on a small pool above), and each mentee class keeps its ``top_k`` best
   mentor classes plus a few random feasible ones, each mentor class its best mentee classes
   per seat (``top_k_abundant`` instead of ``top_k`` when there are at least 1.5 free seats per
   mentee to place: the first network then usually holds the optimum, which saves a round);
   the other scores are kept as 16-bit upper bounds when they fit in memory. The
   flow is solved on that small network, then node potentials of its residual graph are
   computed (:func:`.flow.potentials`) and **every** pair left out is checked against them: a
   pair can only improve the solution if its score exceeds what the potentials allow.
   Screening uses the stored upper bounds with a margin above the float32 error; the few pairs
   it flags are scored exactly, those that break the bound (and those within ``near_slack`` of
   it) join the network, and the flow is solved again, until no pair breaks it. Optimal because
   potentials that hold on every residual arc of the complete network mean that no exchange of
   pairs (no negative cycle) can match one more mentee or add score: the potentials are the
   linear-programming dual of the whole problem, and the proof covers the pairs never put in the
   network. ``verify_certificate`` re-checks that proof independently, pair by pair.

Exactness: the flow works on integer scores, ``round(score * 2**36)``; its optimum is exact for
those and within ``matched / 2**36`` (about 1e-11 per pair, ``stats["gap_bound"]``) of the best
total on the real scores. Reported scores and totals are always the exact float64 ones.

Alternatives come from each mentee class's best mentor classes, kept in the first pass with a
bound on everything dropped; a class whose list cannot be proven complete from that bound is
scored again in full. ``stats`` tells the strategy, the number of classes, arcs, the rounds of
the sparse proof and the seconds each part took.
"""

from .baseline import Baseline, dense_solve
from .certificate import CertificateReport, verify_certificate
from .encoding import Encoded, encode, encode_arrays
from .scoring import FastScorer, block_scores, pair_scores, pair_shares
from .solver import Assignment, Certificate, solve, solve_encoded, unmatched_reasons
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
    "pair_scores",
    "pair_shares",
    "solve",
    "solve_encoded",
    "unmatched_reasons",
    "verify_certificate",
]
