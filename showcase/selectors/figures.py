"""The figures of the outcomes report: plain data, computed by ``selectors.outcomes``."""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from cohorts.models import Cohort
from questionnaires.enums import QuestionType

from .checkins import CheckIn


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Figures ------------------------------------------------------------------------------


@dataclass
class RoleTraining:
    accepted: int = 0
    trained: int = 0
    required: int = 0

    @property
    def share(self) -> float | None:
        return percent(self.trained, self.accepted)


@dataclass
class StatusScores:
    status: str
    label: str
    count: int
    mean: float | None


@dataclass
class MatchingFigures:
    """``pairs`` made in the cohort (any status now) and the ``people`` in them; of the
    proposals, how many were ``published`` as pairs and their scores; every proposal by
    status."""

    statuses: list[StatusScores]
    scores: list[float] = field(default_factory=list)
    pairs: int = 0
    people: int = 0
    published: int = 0
    published_scores: list[float] = field(default_factory=list)

    @property
    def published_mean(self) -> float | None:
        return round(statistics.fmean(self.published_scores), 3) if self.published_scores else None

    @property
    def unproposed(self) -> int:
        """Pairs made without a proposal recorded here (brought in, or made before)."""
        return max(self.pairs - self.published, 0)

    @property
    def proposals(self) -> int:
        return sum(s.count for s in self.statuses)

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 3) if self.scores else None


@dataclass
class MeetingFigures:
    pairs: int = 0
    kept: int = 0
    held: Counter = field(default_factory=Counter)

    @property
    def kept_share(self) -> float | None:
        return percent(self.kept, self.pairs)

    @property
    def never_met(self) -> int:
        return self.held.get(0, 0)

    @property
    def held_total(self) -> int:
        return sum(n * pairs for n, pairs in self.held.items())

    @property
    def held_mean(self) -> float | None:
        return round(self.held_total / self.pairs, 1) if self.pairs else None

    def distribution(self) -> list[tuple[int, int]]:
        top = max(self.held, default=0)
        return [(n, self.held.get(n, 0)) for n in range(top + 1)]


@dataclass
class ProjectFigures:
    mentees: int = 0
    created: int = 0
    updated: int = 0
    submitted: int = 0
    in_programme: int = 0


@dataclass
class GraduationFigures:
    pairs: int = 0
    graduated: int = 0
    overridden: int = 0
    active: int = 0
    ended_early: int = 0
    ended_at_term: int = 0
    rematched: int = 0
    continued: int = 0
    rematch_requests: int = 0
    accepted: int = 0
    withdrawn: int = 0

    @property
    def graduated_share(self) -> float | None:
        return percent(self.graduated, self.pairs)

    @property
    def retention(self) -> float | None:
        """Of the people accepted, the share who did not withdraw."""
        return percent(self.accepted, self.accepted + self.withdrawn)


@dataclass
class Aggregate:
    """Answers to one question in one check-in: the mean of numbers and scales, the share
    of yes, or the count of each choice."""

    count: int = 0
    total: float = 0.0
    yes: int = 0
    choices: Counter = field(default_factory=Counter)

    def add(self, kind: str, value: object, *, times: int = 1) -> None:
        """Count ``value`` as answered ``times`` times."""
        if kind in (QuestionType.SCALE, QuestionType.NUMBER):
            try:
                number = float(value)
            except (TypeError, ValueError):
                return
            self.total += number * times
        elif kind == QuestionType.YES_NO:
            self.yes += times if value is True else 0
        else:
            for item in value if isinstance(value, list) else [value]:
                self.choices[item] += times
        self.count += times

    @property
    def mean(self) -> float | None:
        return round(self.total / self.count, 2) if self.count else None

    @property
    def yes_share(self) -> float | None:
        return percent(self.yes, self.count)


@dataclass
class SurveyQuestion:
    key: str
    text: str
    type: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    by_months: dict[int, Aggregate] = field(default_factory=dict)

    def point(self, months: int) -> float | None:
        aggregate = self.by_months.get(months)
        if aggregate is None:
            return None
        return aggregate.yes_share if self.type == QuestionType.YES_NO else aggregate.mean


SUMMARISED_TYPES = {
    QuestionType.SCALE,
    QuestionType.NUMBER,
    QuestionType.YES_NO,
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTIPLE_CHOICE,
}


@dataclass
class SurveyFigures:
    checkins: dict[int, CheckIn]
    questions: list[SurveyQuestion] = field(default_factory=list)

    @property
    def has_any(self) -> bool:
        return any(c.questionnaire is not None for c in self.checkins.values())


@dataclass
class CohortOutcomes:
    cohort: Cohort | None
    funnel: dict[str, int]
    training: dict[str, RoleTraining]
    meetings: MeetingFigures
    projects: ProjectFigures
    graduation: GraduationFigures
    surveys: SurveyFigures
    matching: MatchingFigures | None = None


@dataclass
class Outcomes:
    per_cohort: list[CohortOutcomes]
    total: CohortOutcomes
    as_of: datetime.date
