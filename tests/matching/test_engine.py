"""The matching engine: every strategy against brute force and the dense solve, optimality
certificates, classes, scoring, alternatives, reasons and validation. Pure Python and NumPy: no
database."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import (
    CAPACITY,
    DIFFERENT,
    DISTANCE,
    NO_FEASIBLE_MENTOR,
    ORDINAL,
    OVERLAP,
    SAME,
    Certificate,
    Criterion,
    Mentee,
    Mentor,
    Problem,
    SolverOptions,
    block_scores,
    dense_solve,
    encode,
    encode_arrays,
    solve,
    solve_encoded,
    verify_certificate,
)
from matching.engine.classes import mentee_classes, mentor_classes
from matching.engine.sparse import SERIAL_PAIRS, worker_count

# ---------------------------------------------------------------------------------------------
# An independent, plain-Python reading of the scoring rules.


def ref_criterion(crit: Criterion, a: object, b: object) -> tuple[float, bool]:
    """(score in 0..1, hard criterion failed) for one pair of answers."""
    if a is None or b is None:
        return 0.0, False
    if crit.kind == SAME:
        ok = a == b
        return float(ok), crit.hard and not ok
    if crit.kind == DIFFERENT:
        ok = a != b
        return float(ok), crit.hard and not ok
    if crit.kind == DISTANCE:
        gap = abs(float(a) - float(b))
        if crit.wraparound:
            gap = gap % crit.period
            gap = min(gap, crit.period - gap)
        score = max(0.0, 1.0 - gap / crit.scale)
        return score, crit.hard and score <= 0
    if crit.kind == OVERLAP:
        sa, sb = set(a), set(b)
        union = sa | sb
        score = len(sa & sb) / len(union) if union else 0.0
        return score, crit.hard and not (sa & sb)
    assert crit.kind == ORDINAL
    score = 1.0 if b > a else 0.5 if b == a else 0.0
    return score, crit.hard and not b > a


def ref_pair(problem: Problem, mentee: Mentee, mentor: Mentor) -> tuple[float, bool, dict[str, float]]:
    total = sum(c.weight for c in problem.criteria)
    shares: dict[str, float] = {}
    feasible = (mentee.id, mentor.id) not in problem.excluded
    for crit in problem.criteria:
        s, fail = ref_criterion(crit, mentee.answers.get(crit.key), mentor.answers.get(crit.key))
        shares[crit.key] = crit.weight * s / total if total > 0 else 0.0
        feasible &= not fail
    return sum(shares.values()), feasible, shares


def brute_force(problem: Problem) -> tuple[int, float]:
    """Best (matched count, total score) over every assignment, fixed pairs included."""
    fixed = dict(problem.fixed)
    free = [p for p in problem.mentees if p.id not in fixed]
    seats = {m.id: m.capacity - sum(1 for b in fixed.values() if b == m.id) for m in problem.mentors}
    by_id = {m.id: m for m in problem.mentors}
    base = sum(ref_pair(problem, p, by_id[fixed[p.id]])[0] for p in problem.mentees if p.id in fixed)
    options = []
    for p in free:
        row = [(None, 0.0)]
        for m in problem.mentors:
            s, ok, _ = ref_pair(problem, p, m)
            if ok and seats[m.id] > 0:
                row.append((m.id, s))
        options.append(row)
    best = (len(fixed), base)
    for combo in itertools.product(*options):
        used: dict[int, int] = {}
        matched, score = len(fixed), base
        for mentor_id, s in combo:
            if mentor_id is None:
                continue
            used[mentor_id] = used.get(mentor_id, 0) + 1
            matched += 1
            score += s
        if any(used[j] > seats[j] for j in used):
            continue
        if matched > best[0] or (matched == best[0] and score > best[1] + 1e-12):
            best = (matched, score)
    return best


def ref_alternatives(problem: Problem, mentee: Mentee, mentor_id: int | None) -> list[tuple[int, float]]:
    """The three best feasible mentors other than one's own (capacity above 0), ties in input order."""
    options = []
    for pos, m in enumerate(problem.mentors):
        s, ok, _ = ref_pair(problem, mentee, m)
        if ok and m.capacity > 0 and m.id != mentor_id:
            options.append((-s, pos, m.id, s))
    return [(mid, s) for _, _, mid, s in sorted(options)[:3]]


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


# ---------------------------------------------------------------------------------------------
# Random small problems of every shape, under every strategy

CATS = ["a", "b", "c"]
SETS = ["x", "y", "z", "w"]

# Each strategy forced, the sparse one with a tiny first graph so that its proof has to grow it.
STRATEGIES = {
    "auto": SolverOptions(),
    "dense": SolverOptions(strategy="dense"),
    "complete": SolverOptions(strategy="complete"),
    "sparse": SolverOptions(strategy="sparse", top_k=1, top_k_per_seat=0, random_extra=0, add_per_round=1),
}


@st.composite
def criteria_st(draw: st.DrawFn, zero_weights: bool) -> list[Criterion]:
    kinds = draw(st.lists(st.sampled_from([SAME, DIFFERENT, DISTANCE, OVERLAP, ORDINAL]), min_size=1, max_size=4))
    out = []
    for pos, kind in enumerate(kinds):
        weight = 0.0 if zero_weights else draw(st.sampled_from([0.0, 1.0, 2.5, 5.0, 10.0]))
        hard = draw(st.booleans()) and draw(st.booleans())
        scale = draw(st.sampled_from([3.0, 6.0, 12.0]))
        wrap = draw(st.booleans())
        out.append(Criterion(f"q{pos}", kind, weight, hard=hard, scale=scale, wraparound=wrap))
    return out


def answer_st(kind: str, tied: bool) -> st.SearchStrategy[object]:
    """An answer; ``tied`` keeps one or two values per question, so many pairs score alike."""
    if kind in (SAME, DIFFERENT):
        value: st.SearchStrategy[object] = st.sampled_from(CATS[:1] if tied else CATS)
    elif kind == DISTANCE:
        value = st.sampled_from([0.0, 5.0] if tied else [-11.0, -5.0, -3.5, 0.0, 1.0, 5.5, 12.0])
    elif kind == OVERLAP:
        value = st.frozensets(st.sampled_from(SETS[:2] if tied else SETS), max_size=3)
    else:
        value = st.integers(1, 2 if tied else 4)
    return value if tied else st.one_of(st.none(), value, value, value)


SHAPES = {
    # (mentees, mentors, capacities)
    "any": (st.integers(0, 6), st.integers(0, 4), st.integers(0, 2)),
    "scarce": (st.integers(4, 6), st.integers(1, 2), st.integers(1, 2)),
    "abundant": (st.integers(1, 4), st.integers(2, 4), st.integers(2, 3)),
}


@st.composite
def problem_st(draw: st.DrawFn) -> Problem:
    shape = draw(st.sampled_from(sorted(SHAPES)))
    tied = draw(st.booleans())
    crits = draw(criteria_st(zero_weights=draw(st.integers(0, 5)) == 0))
    count_n, count_m, capacity = SHAPES[shape]
    n, m = draw(count_n), draw(count_m)
    mentees = [Mentee(i + 1, {c.key: draw(answer_st(c.kind, tied)) for c in crits}) for i in range(n)]
    mentors = [Mentor(100 + j, draw(capacity), {c.key: draw(answer_st(c.kind, tied)) for c in crits}) for j in range(m)]
    pairs = [(e.id, t.id) for e in mentees for t in mentors]
    # Forbidden pairs: none, a few, or about a third of them.
    share = draw(st.sampled_from([0, 0.1, 0.35]))
    excluded = frozenset(pairs[k] for k in range(len(pairs)) if draw(st.floats(0, 1)) < share)
    fixed: list[tuple[int, int]] = []
    if pairs and draw(st.booleans()):
        left = {t.id: t.capacity for t in mentors}
        for e, t in draw(st.lists(st.sampled_from(pairs), max_size=2)):
            if (e, t) not in excluded and left[t] > 0 and e not in dict(fixed):
                fixed.append((e, t))
                left[t] -= 1
    return Problem(mentees, mentors, crits, excluded=excluded, fixed=fixed)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem_st(), st.sampled_from(sorted(STRATEGIES)))
def test_every_strategy_matches_brute_force(problem: Problem, strategy: str) -> None:
    result = solve(problem, STRATEGIES[strategy])
    if strategy != "auto":
        assert result.stats["strategy"] == strategy
    best_matched, best_score = brute_force(problem)
    assert result.matched_count == best_matched
    assert close(result.total_score, best_score)

    by_mentee = {p.id: p for p in problem.mentees}
    by_mentor = {m.id: m for m in problem.mentors}
    fixed = dict(problem.fixed)
    load: dict[int, int] = {}
    got = {}
    for pair in result.pairs:
        got[pair.mentee_id] = pair.mentor_id
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
        s, feasible, shares = ref_pair(problem, by_mentee[pair.mentee_id], by_mentor[pair.mentor_id])
        assert close(pair.score, s, 1e-12)
        assert pair.fixed == (pair.mentee_id in fixed)
        if not pair.fixed:
            assert feasible, "a proposed pair breaks a hard criterion or an exclusion"
        assert math.fsum(pair.breakdown.values()) == pytest.approx(pair.score, abs=1e-12)
        assert pair.breakdown == pytest.approx(shares, abs=1e-12)
    assert all(load[j] <= by_mentor[j].capacity for j in load)
    for mentee_id, mentor_id in problem.fixed:
        assert got.get(mentee_id) == mentor_id
    assert set(result.unmatched) == set(by_mentee) - set(got)
    for mentee in problem.mentees:
        want = ref_alternatives(problem, mentee, got.get(mentee.id))
        assert [j for j, _ in result.alternatives[mentee.id]] == [j for j, _ in want]
        assert [s for _, s in result.alternatives[mentee.id]] == pytest.approx([s for _, s in want], abs=1e-12)
        if mentee.id in result.unmatched:
            anyone = any(ref_pair(problem, mentee, m)[1] and m.capacity > 0 for m in problem.mentors)
            assert result.unmatched[mentee.id] == (CAPACITY if anyone else NO_FEASIBLE_MENTOR)

    again = solve(problem, STRATEGIES[strategy])
    assert again.pairs == result.pairs
    assert again.alternatives == result.alternatives
    assert again.unmatched == result.unmatched


# ---------------------------------------------------------------------------------------------
# Medium random problems against the dense solve, with their certificates


def random_encoded(n: int, m: int, seed: int, *, fixed: int = 0, options: int = 5, forbidden: float = 0.0):
    rng = np.random.default_rng(seed)
    crits = [
        Criterion("track", SAME, 5.0),
        Criterion("tz", DISTANCE, 3.0),
        Criterion("values", OVERLAP, 4.0),
        Criterion("dept", DIFFERENT, 2.0),
        Criterion("level", ORDINAL, 1.0, hard=True),
    ]

    def side(count: int, levels: list[float]) -> dict[str, np.ndarray]:
        track = rng.integers(0, options, count)
        track[rng.random(count) < 0.05] = -1
        tz = rng.choice([-8.0, -5.0, 0.0, 1.0, 5.5, 9.0, 12.0][:options], count)
        tz[rng.random(count) < 0.05] = np.nan
        return {
            "track": track,
            "tz": tz,
            "values": rng.random((count, min(8, options))) < 0.3,
            "dept": rng.integers(0, options, count),
            "level": rng.choice(5, count, p=levels).astype(float) + 1,
        }

    excluded = np.column_stack([rng.integers(0, n, n // 10), rng.integers(0, m, n // 10)])
    if forbidden:
        keys = np.flatnonzero(rng.random(n * m) < forbidden)
        excluded = np.column_stack([keys // m, keys % m])
    fixed_pairs = np.zeros((0, 2), dtype=np.int64)
    cap = rng.integers(1, 4, m)
    if fixed:
        mentees = rng.choice(n, fixed, replace=False)
        mentors = rng.choice(np.flatnonzero(cap > 0), fixed, replace=False)
        fixed_pairs = np.column_stack([mentees, mentors])
        keys = set((excluded[:, 0] * m + excluded[:, 1]).tolist()) - set((mentees * m + mentors).tolist())
        excluded = np.array([(k // m, k % m) for k in sorted(keys)]).reshape(-1, 2)
    return encode_arrays(
        crits,
        np.arange(n),
        np.arange(1000, 1000 + m),
        cap,
        side(n, [0.35, 0.3, 0.2, 0.1, 0.05]),
        side(m, [0.05, 0.1, 0.25, 0.3, 0.3]),
        excluded=excluded,
        fixed=fixed_pairs,
    )


@pytest.mark.parametrize(
    ("n", "m", "seed", "kwargs", "options"),
    [
        (300, 150, 1, {}, SolverOptions(strategy="sparse")),
        (300, 150, 2, {"fixed": 10}, SolverOptions(strategy="sparse", score_cache_bytes=0, top_k=2)),
        (400, 60, 3, {}, SolverOptions(strategy="sparse", threads=2, block_rows=32)),  # scarce seats
        (120, 200, 4, {"fixed": 5}, SolverOptions(strategy="sparse", random_extra=0)),  # abundant seats
        (300, 150, 5, {"forbidden": 0.3}, SolverOptions(strategy="sparse")),
        (800, 400, 6, {"options": 2}, None),  # heavy ties: few classes
        (300, 150, 7, {"options": 2, "fixed": 8}, SolverOptions(strategy="complete")),
        (60, 40, 8, {"fixed": 3}, None),  # small: dense
    ],
)
def test_agrees_with_dense_solve(n: int, m: int, seed: int, kwargs: dict, options: SolverOptions | None) -> None:
    enc = random_encoded(n, m, seed, **kwargs)
    got = solve_encoded(enc, options)
    dense = dense_solve(enc)
    assert got.matched == dense.matched
    assert close(got.total_score, dense.total_score)
    if got.certificate is not None:
        report = verify_certificate(enc, got.mentor_of, got.certificate)
        assert report.ok, report.problems
        assert report.gap_bound < 1e-7


def test_strategy_follows_the_instance() -> None:
    assert solve_encoded(random_encoded(60, 40, 1)).stats["strategy"] == "dense"
    tied = solve_encoded(random_encoded(800, 400, 2, options=2))
    assert tied.stats["strategy"] == "complete"
    assert tied.stats["mentee_classes"] < 800 and tied.stats["mentor_classes"] < 400
    spread = solve_encoded(random_encoded(600, 300, 3))
    assert spread.stats["strategy"] == "sparse"
    with pytest.raises(ValueError, match="unknown strategy"):
        solve_encoded(random_encoded(10, 5, 4), SolverOptions(strategy="fastest"))


def test_sparse_proof_grows_the_graph_when_the_first_one_is_too_thin() -> None:
    # Every mentee's favourite is the same one-seat mentor, so keeping only each mentee's best
    # pair leaves everybody but one unmatched; the proof must bring the rest in.
    crits = [Criterion("track", SAME, 5.0), Criterion("tz", DISTANCE, 1.0, wraparound=False)]
    mentees = [Mentee(i, {"track": "a", "tz": float(i)}) for i in range(4)]
    mentors = [Mentor(10, 1, {"track": "a", "tz": 1.5})] + [
        Mentor(11 + j, 1, {"track": "b", "tz": float(j)}) for j in range(4)
    ]
    problem = Problem(mentees, mentors, crits)
    result = solve(problem, SolverOptions(strategy="sparse", top_k=1, top_k_per_seat=0, random_extra=0))
    matched, score = brute_force(problem)
    assert result.matched_count == matched == 4
    assert close(result.total_score, score)
    assert len(result.stats["rounds"]) > 1
    assert result.stats["rounds"][-1]["arcs"] > result.stats["rounds"][0]["arcs"]


# ---------------------------------------------------------------------------------------------
# Certificates and classes


@pytest.mark.parametrize("strategy", ["sparse", "complete"])
def test_certificate_rejects_a_worse_assignment(strategy: str) -> None:
    enc = random_encoded(120, 60, 7)
    got = solve_encoded(enc, SolverOptions(strategy=strategy))
    assert verify_certificate(enc, got.mentor_of, got.certificate).ok
    worse = got.mentor_of.copy()
    worse[int(np.flatnonzero(worse >= 0)[0])] = -1
    assert not verify_certificate(enc, worse, got.certificate).ok
    # Swapping two mentees' mentors keeps the count but loses score or feasibility.
    swapped = got.mentor_of.copy()
    scores, _ = block_scores(enc, np.arange(enc.n_mentees))
    a, b = np.flatnonzero(got.mentor_of >= 0)[:2]
    swapped[a], swapped[b] = swapped[b], swapped[a]
    if scores[a, swapped[a]] + scores[b, swapped[b]] < scores[a, got.mentor_of[a]] + scores[b, got.mentor_of[b]]:
        assert not verify_certificate(enc, swapped, got.certificate).ok


def test_certificate_rejects_potentials_that_undercut_a_pair() -> None:
    enc = random_encoded(120, 60, 8)
    got = solve_encoded(enc, SolverOptions(strategy="sparse"))
    cert = got.certificate
    # Lowering one matched mentee's potential makes its own pair's back arc break.
    i = int(np.flatnonzero(got.mentor_of >= 0)[0])
    mentee = cert.mentee.copy()
    mentee[i] += int(0.5 * cert.scale)
    tampered = Certificate(mentee=mentee, mentor=cert.mentor, reservoir=cert.reservoir, big=cert.big)
    report = verify_certificate(enc, got.mentor_of, tampered)
    assert not report.ok and report.violations > 0


def test_identical_profiles_share_a_class_and_excluded_people_stand_alone() -> None:
    crits = [Criterion("track", SAME, 1.0), Criterion("note", SAME, 0.0)]
    mentees = [Mentee(i, {"track": "a", "note": str(i)}) for i in range(4)] + [Mentee(9, {"track": "b"})]
    mentors = [Mentor(10, 2, {"track": "a"}), Mentor(11, 1, {"track": "a"}), Mentor(12, 0, {"track": "a"})]
    enc = encode(Problem(mentees, mentors, crits, excluded=frozenset({(3, 11)})))
    rows, cols = mentee_classes(enc), mentor_classes(enc)
    # An answer to a criterion of weight 0 does not split a class; an exclusion does.
    assert rows.of.tolist() == [0, 0, 0, 1, 2]
    assert rows.size.tolist() == [3, 1, 1]
    assert cols.of.tolist() == [0, 1, -1]  # mentor 11 is excluded by one mentee; 12 takes nobody
    assert cols.size.tolist() == [2, 1]


# ---------------------------------------------------------------------------------------------
# Scoring of each criterion kind


def one_pair(crit: Criterion, a: object, b: object) -> tuple[float, bool]:
    problem = Problem([Mentee(1, {crit.key: a})], [Mentor(2, 1, {crit.key: b})], [crit])
    result = solve(problem)
    if result.pairs:
        return result.pairs[0].score, True
    return 0.0, False


@pytest.mark.parametrize(
    ("crit", "a", "b", "score", "feasible"),
    [
        (Criterion("t", SAME, 1.0), "eng", "eng", 1.0, True),
        (Criterion("t", SAME, 1.0), "eng", "ops", 0.0, True),
        (Criterion("t", SAME, 1.0, hard=True), "eng", "ops", 0.0, False),
        (Criterion("t", SAME, 1.0, hard=True), None, "ops", 0.0, True),
        (Criterion("d", DIFFERENT, 1.0), "hr", "it", 1.0, True),
        (Criterion("d", DIFFERENT, 1.0), "hr", "hr", 0.0, True),
        (Criterion("d", DIFFERENT, 1.0, hard=True), "hr", "hr", 0.0, False),
        (Criterion("z", DISTANCE, 1.0), -11.0, 12.0, 1.0 - 1.0 / 12.0, True),
        (Criterion("z", DISTANCE, 1.0), 0.0, 6.0, 0.5, True),
        (Criterion("z", DISTANCE, 1.0, wraparound=False), -11.0, 12.0, 0.0, True),
        (Criterion("z", DISTANCE, 1.0, scale=4.0), 1.0, 2.0, 0.75, True),
        (Criterion("z", DISTANCE, 1.0, hard=True, scale=4.0), 1.0, 5.0, 0.0, False),
        (Criterion("z", DISTANCE, 1.0, hard=True, scale=4.0), 1.0, None, 0.0, True),
        (Criterion("v", OVERLAP, 1.0), frozenset({"a", "b"}), frozenset({"b", "c"}), 1.0 / 3.0, True),
        (Criterion("v", OVERLAP, 1.0), frozenset(), frozenset(), 0.0, True),
        (Criterion("v", OVERLAP, 1.0), frozenset({"a"}), frozenset({"a"}), 1.0, True),
        (Criterion("v", OVERLAP, 1.0, hard=True), frozenset({"a"}), frozenset({"b"}), 0.0, False),
        (Criterion("v", OVERLAP, 1.0, hard=True), None, frozenset({"b"}), 0.0, True),
        (Criterion("s", ORDINAL, 1.0), 2, 4, 1.0, True),
        (Criterion("s", ORDINAL, 1.0), 3, 3, 0.5, True),
        (Criterion("s", ORDINAL, 1.0), 3, 1, 0.0, True),
        (Criterion("s", ORDINAL, 1.0, hard=True), 3, 3, 0.0, False),
        (Criterion("s", ORDINAL, 1.0, hard=True), 3, None, 0.0, True),
    ],
)
def test_criterion_scores(crit: Criterion, a: object, b: object, score: float, feasible: bool) -> None:
    got, ok = one_pair(crit, a, b)
    assert ok == feasible
    if feasible:
        assert got == pytest.approx(score, abs=1e-12)


def test_breakdown_shares_add_up_and_weights_normalise() -> None:
    crits = [
        Criterion("track", SAME, 5.0),
        Criterion("tz", DISTANCE, 3.0),
        Criterion("values", OVERLAP, 2.0),
        Criterion("level", ORDINAL, 0.0, hard=True),
    ]
    mentee = Mentee(1, {"track": "x", "tz": 0.0, "values": {"a", "b"}, "level": 1})
    mentor = Mentor(2, 1, {"track": "x", "tz": 3.0, "values": ["b"], "level": 3})
    result = solve(Problem([mentee], [mentor], crits))
    pair = result.pairs[0]
    assert pair.breakdown == pytest.approx({"track": 0.5, "tz": 0.3 * 0.75, "values": 0.2 * 0.5, "level": 0.0})
    assert math.fsum(pair.breakdown.values()) == pytest.approx(pair.score, abs=1e-15)
    assert result.total_score == pytest.approx(pair.score)


def test_all_weights_zero_scores_zero_but_still_matches() -> None:
    crits = [Criterion("track", SAME, 0.0, hard=True)]
    mentees = [Mentee(i, {"track": "a"}) for i in range(3)]
    mentors = [Mentor(10, 2, {"track": "a"}), Mentor(11, 5, {"track": "b"})]
    result = solve(Problem(mentees, mentors, crits))
    assert result.matched_count == 2
    assert result.total_score == 0.0
    assert all(p.score == 0.0 and p.mentor_id == 10 for p in result.pairs)
    assert list(result.unmatched.values()) == [CAPACITY]


# ---------------------------------------------------------------------------------------------
# Alternatives and unmatched reasons


def test_alternatives_are_the_three_best_other_feasible_mentors() -> None:
    crits = [Criterion("tz", DISTANCE, 1.0, wraparound=False), Criterion("lvl", ORDINAL, 0.0, hard=True)]
    mentee = Mentee(1, {"tz": 0.0, "lvl": 1})
    zones = [0.0, 1.0, 2.0, 2.0, 3.0, 0.5, 1.0]
    levels = [5, 5, 5, 5, 5, 1, 5]  # the 0.5 h mentor is too junior
    mentors = [Mentor(10 + j, 1, {"tz": z, "lvl": lv}) for j, (z, lv) in enumerate(zip(zones, levels, strict=True))]
    mentors.append(Mentor(30, 0, {"tz": 0.0, "lvl": 5}))  # takes nobody this round
    excluded = frozenset({(1, 11)})
    for options in (None, SolverOptions(strategy="sparse", top_k=1, top_k_per_seat=1, random_extra=0)):
        result = solve(Problem([mentee], mentors, crits, excluded=excluded), options)
        assert result.pairs[0].mentor_id == 10
        alts = result.alternatives[1]
        # Mentor 11 (1 h) is excluded; 16 (1 h) comes next, then the two at 2 h in input order.
        assert [a for a, _ in alts] == [16, 12, 13]
        assert [s for _, s in alts] == pytest.approx([1 - 1 / 12, 1 - 2 / 12, 1 - 2 / 12])


def test_alternatives_match_brute_force_on_random_problems() -> None:
    enc = random_encoded(80, 40, 11)
    scores, feasible = block_scores(enc, np.arange(enc.n_mentees))
    for options in (None, SolverOptions(strategy="sparse", top_k=2, top_k_per_seat=1, random_extra=0)):
        got = solve_encoded(enc, options)
        for i in range(enc.n_mentees):
            ok = feasible[i] & (enc.capacity > 0)
            if got.mentor_of[i] >= 0:
                ok[got.mentor_of[i]] = False
            cand = np.flatnonzero(ok)
            want = cand[np.lexsort((cand, -scores[i, cand]))][:3]
            assert got.alternatives[i][: want.size].tolist() == want.tolist()
            assert (got.alternatives[i][want.size :] == -1).all()


def test_unmatched_reasons() -> None:
    crits = [Criterion("lvl", ORDINAL, 1.0, hard=True)]
    mentees = [Mentee(1, {"lvl": 5}), Mentee(2, {"lvl": 1}), Mentee(3, {"lvl": 1}), Mentee(4, {"lvl": 2})]
    mentors = [Mentor(10, 1, {"lvl": 3})]
    result = solve(Problem(mentees, mentors, crits, excluded=frozenset({(4, 10)})))
    assert result.matched_count == 1
    assert result.unmatched[1] == NO_FEASIBLE_MENTOR
    assert result.unmatched[4] == NO_FEASIBLE_MENTOR  # its only senior mentor is excluded
    assert sorted(result.unmatched[i] for i in (2, 3) if i in result.unmatched) == [CAPACITY]


def test_fixed_pairs_are_kept_and_use_capacity() -> None:
    crits = [Criterion("track", SAME, 1.0, hard=True)]
    mentees = [Mentee(1, {"track": "a"}), Mentee(2, {"track": "a"}), Mentee(3, {"track": "b"})]
    mentors = [Mentor(10, 1, {"track": "a"}), Mentor(11, 1, {"track": "a"})]
    # Mentee 3 fails the hard criterion with mentor 10, but the pair was approved earlier.
    result = solve(Problem(mentees, mentors, crits, fixed=[(3, 10)]))
    pairs = {p.mentee_id: p for p in result.pairs}
    assert pairs[3].mentor_id == 10 and pairs[3].fixed and pairs[3].score == 0.0
    assert len(pairs) == 2 and not any(p.fixed for i, p in pairs.items() if i != 3)
    assert {pairs[i].mentor_id for i in pairs if i != 3} == {11}
    assert list(result.unmatched.values()) == [CAPACITY]
    assert all(m != 10 for m, _ in result.alternatives[3])


def test_empty_problems() -> None:
    crits = [Criterion("t", SAME, 1.0)]
    assert solve(Problem([], [], crits)).pairs == []
    result = solve(Problem([Mentee(1, {"t": "a"})], [], crits))
    assert result.unmatched == {1: NO_FEASIBLE_MENTOR}
    result = solve(Problem([], [Mentor(1, 2, {"t": "a"})], crits))
    assert result.pairs == [] and result.total_score == 0.0


# ---------------------------------------------------------------------------------------------
# Validation


def base_problem(**changes: object) -> Problem:
    fields = {
        "mentees": [Mentee(1, {"t": "a"}), Mentee(2, {"t": "b"})],
        "mentors": [Mentor(10, 1, {"t": "a"})],
        "criteria": [Criterion("t", SAME, 1.0)],
    }
    fields.update(changes)
    return Problem(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (base_problem(criteria=[Criterion("t", SAME, 11.0)]), "outside 0..10"),
        (base_problem(criteria=[Criterion("t", SAME, -1.0)]), "outside 0..10"),
        (base_problem(criteria=[Criterion("t", SAME, float("nan"))]), "finite"),
        (base_problem(criteria=[Criterion("t", "similar", 1.0)]), "unknown kind"),
        (
            base_problem(criteria=[Criterion("t", SAME, 1.0), Criterion("t", DIFFERENT, 1.0)]),
            "duplicate criterion",
        ),
        (base_problem(criteria=[Criterion("z", DISTANCE, 1.0, scale=0.0)]), "scale"),
        (base_problem(mentors=[Mentor(10, -1, {})]), "negative capacity"),
        (base_problem(mentees=[Mentee(1, {}), Mentee(1, {})]), "duplicate mentee id"),
        (base_problem(mentors=[Mentor(10, 1, {}), Mentor(10, 2, {})]), "duplicate mentor id"),
        (base_problem(fixed=[(1, 10), (2, 10)]), "capacity"),
        (base_problem(mentors=[Mentor(10, 2, {})], fixed=[(1, 10), (1, 10)]), "fixed more than once"),
        (base_problem(fixed=[(1, 10)], excluded=frozenset({(1, 10)})), "both fixed and excluded"),
        (base_problem(fixed=[(9, 10)]), "unknown"),
        (base_problem(mentees=[Mentee(1, {"t": {"a"}})]), "single value"),
        (base_problem(criteria=[Criterion("t", OVERLAP, 1.0)]), "set of values"),
        (base_problem(criteria=[Criterion("t", DISTANCE, 1.0)]), "finite number"),
        (base_problem(mentors=[Mentor(10, 1.5, {})]), "capacity must be an integer"),  # type: ignore[arg-type]
    ],
)
def test_invalid_input_is_rejected(problem: Problem, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        solve(problem)


def test_excluded_pairs_with_unknown_ids_are_ignored() -> None:
    problem = base_problem(excluded=frozenset({(99, 10), (1, 99)}))
    assert solve(problem).matched_count == 1
    assert encode(problem).excluded.size == 0


def test_small_instances_score_on_the_calling_thread_large_ones_on_a_pool():
    """Handing a few milliseconds of row blocks to a thread pool costs more than it saves on a
    busy machine; an explicit ``threads`` always wins."""
    assert worker_count(SolverOptions(), 1200 * 700) == 1
    assert worker_count(SolverOptions(), SERIAL_PAIRS) >= 1
    assert worker_count(SolverOptions(threads=3), 10) == 3
    assert worker_count(SolverOptions(threads=1), 20_000 * 10_000) == 1


def test_the_serial_and_threaded_first_pass_give_the_same_solution():
    enc = random_encoded(300, 150, 11, fixed=5)
    serial = solve_encoded(enc, SolverOptions(strategy="sparse", threads=1, block_rows=32))
    pooled = solve_encoded(enc, SolverOptions(strategy="sparse", threads=2, block_rows=32))
    assert serial.stats["strategy"] == pooled.stats["strategy"] == "sparse"
    assert np.array_equal(serial.mentor_of, pooled.mentor_of)
    assert np.array_equal(serial.alternatives, pooled.alternatives)
    assert serial.total_score == pooled.total_score


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_abundant_seats_keep_more_candidates_and_stay_exact(seed: int) -> None:
    """Two free seats per mentee: "auto" runs the sparse strategy with top_k_abundant candidates
    per mentee class, and agrees with the dense solve and with the narrower first network."""
    enc = random_encoded(200, 200, seed, fixed=4)
    assert int(enc.remaining_capacity().sum()) >= 1.5 * (200 - 4)
    auto = SolverOptions(dense_cells=0, complete_pairs=0)
    got = solve_encoded(enc, auto)
    narrow = solve_encoded(enc, SolverOptions(dense_cells=0, complete_pairs=0, top_k_abundant=0))
    dense = dense_solve(enc)
    assert got.stats["strategy"] == narrow.stats["strategy"] == "sparse"
    assert got.stats["rounds"][0]["arcs"] > narrow.stats["rounds"][0]["arcs"]
    assert got.matched == narrow.matched == dense.matched
    assert close(got.total_score, dense.total_score) and close(narrow.total_score, dense.total_score)
    report = verify_certificate(enc, got.mentor_of, got.certificate)
    assert report.ok, report.problems
