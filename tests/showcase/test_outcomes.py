import datetime

import pytest
from django.utils import timezone

from cohorts.enums import CohortPhase, EnrollmentStatus
from cohorts.models import PairStatus, TrainingCompletion, TrainingModule
from questionnaires.enums import Audience, Kind, QuestionType, ResponseStatus
from showcase.enums import TermChoice
from showcase.selectors.outcomes import outcomes
from tests.factories import (
    AnswerFactory,
    ChoiceFactory,
    CohortFactory,
    DeliveryFactory,
    EnrollmentFactory,
    GraduationFactory,
    MeetingFactory,
    PairFactory,
    ProgramFactory,
    ProjectFactory,
    ProjectUpdateFactory,
    ProposalFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SendRuleFactory,
    ShowcaseFactory,
    SubmissionFactory,
    TermChoiceFactory,
    TermDecisionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _held(pair, days_after_match: list[int]):
    for days in days_after_match:
        MeetingFactory(pair=pair, status="held", starts_at=pair.matched_at + datetime.timedelta(days=days))


@pytest.fixture
def cohort(organization):
    return CohortFactory(program=ProgramFactory(organization=organization), phase=CohortPhase.CLOSED)


def test_meetings_graduation_and_retention(cohort):
    matched = NOW - datetime.timedelta(days=100)
    graduated = PairFactory(cohort=cohort, matched_at=matched, status=PairStatus.GRADUATED)
    _held(graduated, [5, 19, 33, 47, 61, 75])
    GraduationFactory(pair=graduated, graduated_at=matched + datetime.timedelta(days=80))
    by_exception = PairFactory(cohort=cohort, matched_at=matched, status=PairStatus.GRADUATED)
    _held(by_exception, [5, 60])
    GraduationFactory(pair=by_exception, graduated_at=matched + datetime.timedelta(days=80), override_reason="Yes")
    early = PairFactory(
        cohort=cohort, matched_at=matched, status=PairStatus.ENDED, ended_at=matched + datetime.timedelta(days=20)
    )
    _held(early, [5])
    at_term = PairFactory(
        cohort=cohort, matched_at=matched, status=PairStatus.ENDED, ended_at=matched + datetime.timedelta(days=95)
    )
    TermDecisionFactory(pair=at_term, decision=TermChoice.REMATCH)
    TermChoiceFactory(pair=at_term, user=at_term.mentee.user, choice=TermChoice.REMATCH)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)

    figures = outcomes(cohorts=[cohort]).per_cohort[0]

    # Kept: the graduated pair (every two weeks) and the pair that ended on day 20 after a
    # meeting on day 5; not the pair with a 55-day gap, nor the one that never met in 95 days.
    assert (figures.meetings.pairs, figures.meetings.kept, figures.meetings.held_total) == (4, 2, 9)
    assert figures.meetings.distribution() == [(0, 1), (1, 1), (2, 1), (3, 0), (4, 0), (5, 0), (6, 1)]
    grad = figures.graduation
    assert (grad.pairs, grad.graduated, grad.overridden, grad.active) == (4, 2, 1, 0)
    assert (grad.ended_early, grad.ended_at_term, grad.rematched, grad.rematch_requests) == (1, 1, 1, 1)
    # Eight people in pairs, all accepted, and one withdrawn.
    assert (grad.accepted, grad.withdrawn, grad.retention) == (8, 1, 88.9)
    assert figures.funnel["graduated"] == 4
    assert figures.funnel["withdrawn"] == 1


def test_training_and_projects(cohort):
    module = TrainingModule.objects.create(cohort=cohort, title="Welcome", content="Hi", audience="mentee")
    pairs = [PairFactory(cohort=cohort) for _ in range(3)]
    TrainingCompletion.objects.create(module=module, enrollment=pairs[0].mentee)
    showcase = ShowcaseFactory(cohort=cohort)
    with_update = ProjectFactory(enrollment=pairs[0].mentee)
    ProjectUpdateFactory(project=with_update)
    SubmissionFactory(showcase=showcase, project=with_update, position=1)
    SubmissionFactory(showcase=showcase, project=ProjectFactory(enrollment=pairs[1].mentee))
    EnrollmentFactory(cohort=cohort)  # a mentee without a mentor is not counted for projects

    figures = outcomes(cohorts=[cohort]).per_cohort[0]

    mentees, mentors = figures.training["mentee"], figures.training["mentor"]
    assert (mentees.accepted, mentees.trained, mentees.required, mentees.share) == (4, 1, 1, 25.0)
    # Mentors have no required module: all count as trained.
    assert (mentors.accepted, mentors.trained, mentors.share) == (3, 3, 100.0)
    projects = figures.projects
    assert (projects.mentees, projects.created, projects.updated, projects.submitted, projects.in_programme) == (
        3,
        2,
        1,
        2,
        1,
    )


def _survey(cohort, months):
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM, audience=Audience.BOTH)
    SendRuleFactory(questionnaire=questionnaire, anchor="ends_on", offset=months, unit="months")
    return questionnaire


def _question(questionnaire, key, kind, **extra):
    return QuestionFactory(questionnaire=questionnaire, key=key, type=kind, text=f"{key}?", **extra)


def test_checkins_over_time(cohort):
    cohort.ends_on = datetime.date(2025, 8, 31)
    cohort.save()
    pair = PairFactory(cohort=cohort, status=PairStatus.GRADUATED)
    people = [pair.mentee, pair.mentor]
    six, twelve = _survey(cohort, 6), _survey(cohort, 12)
    for survey, scores, yes in ((six, [4, 5], [True, True]), (twelve, [3], [False])):
        scale = _question(survey, "goals_reached", QuestionType.SCALE)
        yes_no = _question(survey, "still_in_touch", QuestionType.YES_NO)
        choice = _question(survey, "track", QuestionType.SINGLE_CHOICE)
        backend = ChoiceFactory(question=choice, value="backend", label="Backend")
        ChoiceFactory(question=choice, value="data", label="Data")
        _question(survey, "gender", QuestionType.SINGLE_CHOICE, sensitive=True)
        _question(survey, "current_role", QuestionType.SHORT_TEXT)
        for person in people:
            DeliveryFactory(questionnaire=survey, enrollment=person)
        for index, score in enumerate(scores):
            response = ResponseFactory(questionnaire=survey, enrollment=people[index], status=ResponseStatus.SUBMITTED)
            AnswerFactory(response=response, question=scale, value=score)
            AnswerFactory(response=response, question=yes_no, value=yes[index])
            AnswerFactory(response=response, question=choice, value=backend.value)
    draft = ResponseFactory(questionnaire=twelve, enrollment=people[1], status=ResponseStatus.DRAFT)
    AnswerFactory(response=draft, question=twelve.questions.get(key="goals_reached"), value=1)

    surveys = outcomes(cohorts=[cohort]).per_cohort[0].surveys

    assert {m: (c.delivered, c.submitted, c.rate) for m, c in surveys.checkins.items()} == {
        6: (2, 2, 100.0),
        12: (2, 1, 50.0),
        18: (0, 0, None),
    }
    assert surveys.checkins[6].send_on == datetime.date(2026, 2, 28)
    by_key = {q.key: q for q in surveys.questions}
    assert sorted(by_key) == ["goals_reached", "still_in_touch", "track"]
    assert [by_key["goals_reached"].point(m) for m in (6, 12, 18)] == [4.5, 3.0, None]
    assert [by_key["still_in_touch"].point(m) for m in (6, 12, 18)] == [100.0, 0.0, None]
    assert dict(by_key["track"].by_months[6].choices) == {"backend": 2}
    assert by_key["track"].choices == [("backend", "Backend"), ("data", "Data")]


def test_program_totals_add_up_the_cohorts(organization):
    program = ProgramFactory(organization=organization)
    first, second = CohortFactory(program=program), CohortFactory(program=program)
    PairFactory(cohort=first, status=PairStatus.GRADUATED)
    PairFactory(cohort=second, status=PairStatus.GRADUATED)
    PairFactory(cohort=second)

    report = outcomes(cohorts=[first, second])

    assert [o.graduation.graduated for o in report.per_cohort] == [1, 1]
    assert (report.total.graduation.pairs, report.total.graduation.graduated) == (3, 2)
    assert report.total.funnel["matched"] == 6
    assert report.total.cohort is None


def test_matching_scores_by_status(cohort):
    ProposalFactory(run__cohort=cohort, score=0.8, status="approved")
    ProposalFactory(run__cohort=cohort, score=0.6, status="approved")
    ProposalFactory(run__cohort=cohort, score=0.2, status="rejected")
    ProposalFactory(score=0.9, status="approved")  # another cohort's

    report = outcomes(cohorts=[cohort])

    matching = report.per_cohort[0].matching
    assert [(s.status, s.label, s.count, s.mean) for s in matching.statuses] == [
        ("approved", "Approved", 2, 0.7),
        ("rejected", "Rejected", 1, 0.2),
    ]
    assert (matching.proposals, matching.mean) == (3, round((0.8 + 0.6 + 0.2) / 3, 3))


def test_matching_figures_start_from_the_pairs_made(cohort):
    published = ProposalFactory(run__cohort=cohort, score=0.8, status="approved")
    published.pair = PairFactory(cohort=cohort, mentee=published.mentee, mentor=published.mentor)
    published.save()
    ProposalFactory(run__cohort=cohort, score=0.4, status="rejected")
    PairFactory(cohort=cohort)  # made without a proposal (brought in with the cohort)

    report = outcomes(cohorts=[cohort, CohortFactory(program=cohort.program)])

    matching = report.per_cohort[0].matching
    assert (matching.pairs, matching.people, matching.published, matching.unproposed) == (2, 4, 1, 1)
    assert (matching.published_mean, matching.proposals) == (0.8, 2)
    assert report.per_cohort[1].matching.pairs == 0
    assert (report.total.matching.pairs, report.total.matching.published_mean) == (2, 0.8)


def test_a_pair_that_never_met_did_not_keep_its_cadence_however_young(cohort):
    young = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=3))
    met = PairFactory(cohort=cohort, matched_at=NOW - datetime.timedelta(days=10))
    _held(met, [2])

    meetings = outcomes(cohorts=[cohort]).per_cohort[0].meetings

    assert (meetings.pairs, meetings.kept, meetings.never_met) == (2, 1, 1)
    assert not young.meetings.exists()


def test_the_funnel_starts_at_the_invitations_only_when_some_were_sent(cohort):
    from cohorts.models import Invitation
    from cohorts.selectors import cohort_funnel, funnel_stages

    EnrollmentFactory(cohort=cohort)
    assert funnel_stages(cohort_funnel(cohort=cohort))[0] == "applied"

    Invitation.objects.create(cohort=cohort, email="ada@example.org", role="mentee")
    assert funnel_stages(cohort_funnel(cohort=cohort))[:2] == ["invited", "applied"]
