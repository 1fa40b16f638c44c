"""Graduation follows the program's rule: the contacts held (meetings and past contacts), a
project if the program requires one, the final survey if it requires it. Post-program
check-ins go to those who completed under that rule."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts.enums import CohortPhase
from cohorts.models import PairStatus
from questionnaires.enums import Audience, Kind, ResponseStatus
from questionnaires.services.sending import recipients
from showcase.models import GraduationSettings
from showcase.selectors.graduation import completed_enrollment_ids, criteria_of, graduation_pairs, graduation_rule
from showcase.services.graduation import pair_graduate
from tests.factories import PairFactory, QuestionnaireFactory, ResponseFactory

from .conftest import held_meetings, make_eligible

pytestmark = pytest.mark.django_db


def hands_off(program, *, min_contacts=2):
    """No training, no showcase, no project, no final survey: contacts only."""
    program.uses_training = program.uses_showcase = False
    program.graduation_requires_project = program.graduation_requires_final_survey = False
    program.graduation_min_contacts = min_contacts
    program.save()
    return program


def criteria(pair):
    rule = graduation_rule(cohort=pair.cohort)
    annotated = graduation_pairs(cohort=pair.cohort, rule=rule, show="all").get(pk=pair.pk)
    return rule, criteria_of(annotated, rule=rule)


def test_a_hands_off_program_asks_only_for_contacts(cohort, check_in):
    hands_off(cohort.program)
    done, short = PairFactory(cohort=cohort), PairFactory(cohort=cohort)
    held_meetings(done, 2)
    held_meetings(short, 1)

    rule, done_criteria = criteria(done)
    _rule, short_criteria = criteria(short)

    assert (rule.min_meetings, rule.min_meetings_source, rule.project_required, rule.survey_roles) == (
        2,
        "program",
        False,
        (),
    )
    assert (done_criteria.eligible, done_criteria.missing) == (True, [])
    assert (short_criteria.eligible, short_criteria.missing) == (False, ["meetings"])


@pytest.mark.parametrize(
    ("project", "survey", "missing"),
    [
        (True, True, ["project", "survey"]),
        (True, False, ["project"]),
        (False, True, ["survey"]),
        (False, False, []),
    ],
)
def test_project_and_survey_are_asked_only_when_the_program_requires_them(cohort, check_in, project, survey, missing):
    program = cohort.program
    program.graduation_requires_project, program.graduation_requires_final_survey = project, survey
    program.graduation_min_contacts = 1
    program.save()
    pair = PairFactory(cohort=cohort)
    held_meetings(pair, 1)

    _rule, found = criteria(pair)

    assert found.missing == missing


def test_the_cohorts_own_number_wins_over_the_programs(cohort):
    cohort.program.graduation_min_contacts = 2
    cohort.program.save()
    GraduationSettings.objects.create(cohort=cohort, min_meetings=5)

    rule = graduation_rule(cohort=cohort)

    assert (rule.min_meetings, rule.min_meetings_source) == (5, "cohort")


def test_every_rule_on_by_default(cohort, showcase, check_in):
    pair = make_eligible(PairFactory(cohort=cohort), showcase=showcase, survey=check_in)
    bare = PairFactory(cohort=cohort)

    rule, found = criteria(pair)
    _rule, missing = criteria(bare)

    assert (rule.project_required, rule.survey_roles, rule.min_meetings_source) == (
        True,
        ("mentor", "mentee"),
        "default",
    )
    assert found.eligible
    assert missing.missing == ["meetings", "project", "survey"]


def test_a_hands_off_pair_graduates_at_launch_without_a_project_or_an_override(cohort, coordinator):
    hands_off(cohort.program)
    pair = PairFactory(cohort=cohort)
    held_meetings(pair, 2)

    graduation = pair_graduate(pair=pair, by=coordinator)

    pair.refresh_from_db()
    assert pair.status == PairStatus.GRADUATED
    assert (graduation.override_reason, graduation.meetings_held, graduation.project_submitted) == ("", 2, False)


def test_with_a_showcase_pairs_still_wait_for_it_to_graduate(cohort, coordinator):
    pair = PairFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="showcase"):
        pair_graduate(pair=pair, by=coordinator, override_reason="Ready")


def test_post_program_check_ins_go_to_those_who_completed_under_the_rule(cohort, coordinator):
    hands_off(cohort.program)
    graduated, completed, short = (PairFactory(cohort=cohort) for _ in range(3))
    held_meetings(graduated, 2)
    held_meetings(completed, 2)
    pair_graduate(pair=graduated, by=coordinator)
    survey = QuestionnaireFactory(cohort=cohort, kind=Kind.POST_PROGRAM, audience=Audience.BOTH)
    today = timezone.localdate()

    during = set(recipients(questionnaire=survey, today=today).values_list("pk", flat=True))
    cohort.phase = CohortPhase.CLOSED
    cohort.save()
    after = set(recipients(questionnaire=survey, today=today).values_list("pk", flat=True))

    assert during == {graduated.mentor_id, graduated.mentee_id}
    assert after == {graduated.mentor_id, graduated.mentee_id, completed.mentor_id, completed.mentee_id}
    assert short.mentee_id not in after
    assert completed_enrollment_ids(cohort, today) == after


def test_the_graduation_page_shows_the_programs_rule(client, coordinator, cohort):
    hands_off(cohort.program, min_contacts=3)
    PairFactory(cohort=cohort)
    client.force_login(coordinator)

    page = client.get(reverse("showcase:graduation-list", kwargs={"pk": cohort.pk}))

    html = page.content.decode()
    assert "Held at least 3 meetings or contacts" in html
    assert "the program&#x27;s rule" in html or "the program's rule" in html
    assert "Submitted the mentee&#x27;s project" not in html and "Submitted the mentee's project" not in html
    assert "The program does not require a final survey." in html
    assert "Pairs graduate while the cohort is launched." not in html  # launch allows graduating here


def test_the_showcase_links_are_gone_without_a_showcase(client, coordinator, cohort):
    hands_off(cohort.program)
    client.force_login(coordinator)

    html = client.get(cohort.get_absolute_url()).content.decode()

    assert reverse("showcase:showcase-detail", kwargs={"pk": cohort.pk}) not in html
    assert reverse("showcase:project-list", kwargs={"pk": cohort.pk}) not in html
    assert reverse("showcase:graduation-list", kwargs={"pk": cohort.pk}) in html


def test_answered_survey_counts_only_when_required(cohort, check_in):
    program = cohort.program
    program.graduation_requires_project = False
    program.graduation_min_contacts = 0
    program.save()
    pair = PairFactory(cohort=cohort)
    for person in (pair.mentee, pair.mentor):
        ResponseFactory(questionnaire=check_in, enrollment=person, status=ResponseStatus.SUBMITTED)

    _rule, found = criteria(pair)

    assert found.eligible
