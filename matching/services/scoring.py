"""The bridge between stored criteria and answers and the engine (matching.engine).

Everything here works on a run's criteria snapshot (see ``criteria_snapshot``), so that a
score computed for a swap on an old run means what that run's scores mean.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from questionnaires.enums import QuestionType

from ..engine import Criterion, Mentee, Mentor, Problem, Result, solve
from ..enums import CriterionKind
from ..models import MatchingCriterion
from ..selectors import RoundPeople

# Time-zone answers are UTC offsets: 24 hours around, so UTC-11 and UTC+12 are an hour apart.
DAY_HOURS = 24.0


def criteria_snapshot(criteria: list[MatchingCriterion]) -> list[dict]:
    """What a run keeps of the criteria it used: enough to score again and to explain."""
    return [
        {
            "key": c.key,
            "label": c.label,
            "kind": c.kind,
            "weight": c.weight,
            "hard": c.hard,
            "scale": c.scale,
            "wraparound": c.mentee_question.type == QuestionType.TIME_ZONE,
            # What a number answer counts ("years in tech"), to say so beside the numbers.
            "unit": c.mentee_question.unit or c.mentor_question.unit,
            "mentee_key": c.mentee_question.matching_key,
            "mentor_key": c.mentor_question.matching_key,
            # A criterion on a sensitive question must never be named to the pair itself:
            # "the same answer on <a demographic question>" would tell each one the other's answer.
            "sensitive": c.mentee_question.sensitive or c.mentor_question.sensitive,
        }
        for c in criteria
    ]


def engine_criteria(snapshot: list[dict], *, hard: bool = True) -> list[Criterion]:
    return [
        Criterion(
            key=c["key"],
            kind=c["kind"],
            weight=float(c["weight"]),
            hard=bool(c["hard"]) and hard,
            scale=float(c.get("scale") or 12.0),
            wraparound=bool(c.get("wraparound")),
            period=DAY_HOURS,
        )
        for c in snapshot
    ]


def same_text(value: str) -> str:
    """How two typed answers are compared: "  Data Platform " and "data  platform" are the
    same answer (surrounding space trimmed, runs of space made one, case folded)."""
    return " ".join(value.split()).casefold()


def _usable(kind: str, value: object) -> object:
    """The answer in the form the engine expects for ``kind``, or None (a skipped question)
    when a question's type no longer fits its criterion."""
    if value is None:
        return None
    if kind in (CriterionKind.SAME, CriterionKind.DIFFERENT):
        if isinstance(value, str):
            # Choice values and country codes are unchanged by this; typed text is not.
            return same_text(value) or None
        return None if isinstance(value, (set, frozenset, list, dict)) else value
    if kind in (CriterionKind.DISTANCE, CriterionKind.ORDINAL):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        return float(value)
    if isinstance(value, (set, frozenset, list, tuple)):
        return frozenset(value)
    return None


def side_answers(snapshot: list[dict], answers: dict | None, side: str) -> dict:
    """One person's answers keyed by criterion key; ``side`` is "mentee" or "mentor"."""
    if not answers:
        return {}
    out = {}
    for c in snapshot:
        value = _usable(c["kind"], answers.get(c[f"{side}_key"]))
        if value is not None:
            out[c["key"]] = value
    return out


def build_problem(*, snapshot: list[dict], people: RoundPeople, answers: dict[int, dict]) -> Problem:
    """The engine problem of a round. Approved, unpublished proposals are not part of it:
    their mentees are settled and their seats are already taken off ``people.capacity``."""
    mentees = [Mentee(id=pk, answers=side_answers(snapshot, answers.get(pk), "mentee")) for pk in people.mentee_ids]
    mentors = [
        Mentor(id=pk, capacity=people.capacity[pk], answers=side_answers(snapshot, answers.get(pk), "mentor"))
        for pk in people.mentor_ids
    ]
    return Problem(
        mentees=mentees,
        mentors=mentors,
        criteria=engine_criteria(snapshot),
        excluded=frozenset(people.excluded),
    )


def run_engine(problem: Problem) -> Result:
    return solve(problem)


@dataclass
class PairScore:
    score: float
    breakdown: dict[str, float]
    # Keys of the hard criteria the pair fails.
    failed: list[str] = field(default_factory=list)

    @property
    def score_percent(self) -> int:
        return round(100 * self.score)


def pair_score(*, snapshot: list[dict], mentee_answers: dict | None, mentor_answers: dict | None) -> PairScore:
    """The engine's score of one mentee with one mentor, and which hard criteria they fail.

    The score is computed as if no criterion were hard (so that a refused swap still shows
    what it would have scored); each hard criterion is then tried on its own.
    """
    mentee = Mentee(id=1, answers=side_answers(snapshot, mentee_answers, "mentee"))
    mentor = Mentor(id=2, capacity=1, answers=side_answers(snapshot, mentor_answers, "mentor"))
    result = solve(Problem(mentees=[mentee], mentors=[mentor], criteria=engine_criteria(snapshot, hard=False)))
    pair = result.pairs[0]
    failed = []
    for criterion in engine_criteria(snapshot):
        if criterion.hard:
            alone = solve(Problem(mentees=[mentee], mentors=[mentor], criteria=[criterion]))
            if not alone.pairs:
                failed.append(criterion.key)
    return PairScore(score=pair.score, breakdown=dict(pair.breakdown), failed=failed)


REASON_TEXTS = {
    CriterionKind.SAME: _("the same answer on “%(label)s”"),
    CriterionKind.DIFFERENT: _("different backgrounds in “%(label)s”, for a fresh perspective"),
    CriterionKind.DISTANCE: _("close on “%(label)s”"),
    CriterionKind.OVERLAP: _("shared choices in “%(label)s”"),
    CriterionKind.ORDINAL: _("a mentor further along in “%(label)s”"),
}
# Reasons on number criteria whose question names a unit.
REASON_TEXTS_WITH_UNIT = {
    CriterionKind.DISTANCE: _("close on “%(label)s” (%(unit)s)"),
    CriterionKind.ORDINAL: _("a mentor further along in “%(label)s” (more %(unit)s)"),
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    kind: str
    weight: float
    hard: bool
    contribution: float
    # How well the pair meets this criterion alone, 0..1 (the contribution without the weight).
    fit: float

    @property
    def fit_percent(self) -> int:
        return round(100 * self.fit)

    @property
    def points(self) -> int:
        return round(100 * self.contribution)

    @property
    def kind_label(self) -> str:
        return CriterionKind(self.kind).label if self.kind in CriterionKind.values else self.kind


def breakdown_rows(snapshot: list[dict], breakdown: dict) -> list[BreakdownRow]:
    """The breakdown of a score, criterion by criterion in the run's order, for display."""
    total = sum(float(c["weight"]) for c in snapshot)
    rows = []
    for c in snapshot:
        contribution = float(breakdown.get(c["key"], 0.0))
        weight = float(c["weight"])
        fit = contribution * total / weight if weight and total else 0.0
        rows.append(
            BreakdownRow(
                key=c["key"],
                label=c["label"],
                kind=c["kind"],
                weight=weight,
                hard=bool(c["hard"]),
                contribution=contribution,
                fit=min(1.0, max(0.0, fit)),
            )
        )
    return rows


def top_reasons(snapshot: list[dict], breakdown: dict, limit: int = 3) -> list[str]:
    """Plain-language reasons for a match, for the two people matched: the criteria that added
    most to its score, leaving out those on sensitive questions (only coordinators and the
    subcommittee may learn anything of those answers)."""
    sensitive = {c["key"] for c in snapshot if c.get("sensitive")}
    rows = [r for r in breakdown_rows(snapshot, breakdown) if r.contribution > 0 and r.key not in sensitive]
    rows.sort(key=lambda r: -r.contribution)
    units = {c["key"]: c.get("unit") or "" for c in snapshot}
    texts = []
    for row in rows[:limit]:
        unit = units.get(row.key, "")
        template = (unit and REASON_TEXTS_WITH_UNIT.get(row.kind)) or REASON_TEXTS.get(row.kind, _("“%(label)s”"))
        texts.append(str(template) % {"label": row.label, "unit": unit})
    return texts
