"""The rules of graduation and of a pair's term, as plain functions (no queries).

Graduation. A pair has finished what the program asks when (each rule a setting of the
program, which its cohorts follow):

1. it held at least N meetings or contacts (meetings logged as held and past contacts
   recorded, as the meetings app counts them). N is the cohort's setting
   (``GraduationSettings.min_meetings``), else the program's
   (``Program.graduation_min_contacts``), else two thirds of the meetings the term and
   the cadence allow, rounded down and at least one: a three-month term at the default
   two-week cadence allows 6 meetings, so 4 are asked. Two thirds leaves room for holidays
   and a cancelled meeting or two;
2. the mentee's project was submitted to the cohort's showcase, when the program requires
   a project (``Program.graduation_requires_project``; never without a showcase);
3. both people answered the cohort's final survey, when the program requires it
   (``Program.graduation_requires_final_survey``). The questionnaires app has no
   dedicated end-of-program survey, so the final survey is the one the coordinator chose
   in the graduation settings or, by default, the cohort's latest check-in questionnaire
   (kind ``check_in``): the last survey of the pair's time together. Only the roles the
   survey is for must answer it. A cohort without any check-in has no final survey, and
   the criterion does not apply (the graduation page says so).

Term. A pair's first term ends ``term_months`` calendar months after it was matched (its
date in UTC; 31 August + 6 months is 28 or 29 February). Each decision to continue sets
the end of the next term. Both people may choose what they want from
``CHOICE_WINDOW_DAYS`` before the term ends until the coordinator has decided.
"""

import datetime
import itertools
from dataclasses import dataclass

from questionnaires.scheduling import add_months

DAYS_PER_MONTH = 30
SHARE_OF_MEETINGS_ASKED = (2, 3)
CHOICE_WINDOW_DAYS = 14


def default_min_meetings(*, term_months: int, cadence_days: int) -> int:
    possible = (term_months * DAYS_PER_MONTH) // max(cadence_days, 1)
    numerator, denominator = SHARE_OF_MEETINGS_ASKED
    return max(1, possible * numerator // denominator)


def min_meetings_for(cohort, settings=None) -> int:
    if settings is not None and settings.min_meetings is not None:
        return settings.min_meetings
    if cohort.program.graduation_min_contacts is not None:
        return cohort.program.graduation_min_contacts
    return default_min_meetings(term_months=cohort.term_months, cadence_days=cohort.meeting_cadence_days)


@dataclass(frozen=True)
class Criteria:
    """Each criterion of graduation for one pair; ``None`` for a survey answer that is
    not asked (no final survey, or a survey that is not for that role)."""

    meetings_held: int
    meetings_required: int
    project_submitted: bool
    mentee_answered: bool | None
    mentor_answered: bool | None
    project_required: bool = True

    @property
    def meetings_ok(self) -> bool:
        return self.meetings_held >= self.meetings_required

    @property
    def project_ok(self) -> bool:
        return self.project_submitted or not self.project_required

    @property
    def survey_ok(self) -> bool:
        return self.mentee_answered is not False and self.mentor_answered is not False

    @property
    def survey_applies(self) -> bool:
        return self.mentee_answered is not None or self.mentor_answered is not None

    @property
    def eligible(self) -> bool:
        return self.meetings_ok and self.project_ok and self.survey_ok

    @property
    def missing(self) -> list[str]:
        """Short names of the criteria not met, in the order of the page's columns."""
        names = []
        if not self.meetings_ok:
            names.append("meetings")
        if not self.project_ok:
            names.append("project")
        if not self.survey_ok:
            names.append("survey")
        return names


def graduation_criteria(
    *,
    meetings_held: int,
    meetings_required: int,
    project_submitted: bool,
    survey_roles: tuple[str, ...],
    mentee_answered: bool,
    mentor_answered: bool,
    project_required: bool = True,
) -> Criteria:
    """``survey_roles`` are the roles the final survey is asked of (empty: no final survey,
    or the program does not require it)."""
    return Criteria(
        meetings_held=meetings_held,
        meetings_required=meetings_required,
        project_submitted=project_submitted,
        mentee_answered=mentee_answered if "mentee" in survey_roles else None,
        mentor_answered=mentor_answered if "mentor" in survey_roles else None,
        project_required=project_required,
    )


# --- Terms ----------------------------------------------------------------------------------


def utc_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def first_term_ends_on(*, matched_at: datetime.datetime, term_months: int) -> datetime.date:
    return add_months(utc_date(matched_at), term_months)


def term_ends_on(
    *, matched_at: datetime.datetime, term_months: int, continued_to: datetime.date | None
) -> datetime.date:
    """The end of the pair's current term: the latest continuation's, else the first."""
    if continued_to is not None:
        return continued_to
    return first_term_ends_on(matched_at=matched_at, term_months=term_months)


def last_matched_on_with_first_term_ended(*, today: datetime.date, term_months: int) -> datetime.date:
    """The latest day a pair can have been matched (in UTC) for its first term to have ended
    by ``today``: a pair's first term has ended exactly when it was matched on or before this
    day, since the end of a term never moves back as the day of matching moves forward. Lets
    the database count such pairs with a plain comparison."""
    day = add_months(today, -term_months)
    # Month ends clamp (31 August and 29 August both end on 28 February): walk forward to the
    # last such day, a few steps at most.
    while add_months(day + datetime.timedelta(days=1), term_months) <= today:
        day += datetime.timedelta(days=1)
    while add_months(day, term_months) > today:
        day -= datetime.timedelta(days=1)
    return day


def choice_window_opens_on(ends_on: datetime.date) -> datetime.date:
    return ends_on - datetime.timedelta(days=CHOICE_WINDOW_DAYS)


def choice_window_open(*, ends_on: datetime.date, today: datetime.date) -> bool:
    return today >= choice_window_opens_on(ends_on)


def suggested_decision(choices: list[str]) -> str | None:
    """What the two choices point to: the same choice when both agree; ending as soon as
    one wants to end (nobody is kept in a mentorship they want to leave); re-matching when
    one asks for it and the other does not want to end. None until both have chosen."""
    if len(choices) < 2:
        return None
    if "end" in choices:
        return "end"
    if "rematch" in choices:
        return "rematch"
    return "continue"


# --- Meeting cadence, for the outcomes report --------------------------------------------


def cadence_kept(
    *,
    matched_on: datetime.date,
    held_on: list[datetime.date],
    cadence_days: int,
    until: datetime.date,
    first_meeting_days: int,
    grace_days: int,
) -> bool:
    """Whether a pair kept its cadence from being matched until ``until`` (the day it
    graduated or ended, or today): the same rule as the pair's health in the meetings app,
    applied over the whole period rather than on one day. The first meeting was held within
    ``first_meeting_days`` of being matched, and no gap between meetings held, nor between
    the last one and ``until``, was longer than the cadence plus ``grace_days``. A pair that
    has not met has not kept it, however recently it was matched: the report counts pairs
    that met on their cadence, not pairs with nothing due yet."""
    days = sorted(d for d in held_on if matched_on <= d <= until)
    if not days:
        return False
    if (days[0] - matched_on).days > first_meeting_days:
        return False
    allowed = cadence_days + grace_days
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
    gaps.append((until - days[-1]).days)
    return all(gap <= allowed for gap in gaps)
