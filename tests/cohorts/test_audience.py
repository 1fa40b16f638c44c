import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts.enums import EnrollmentStatus, ParticipantRole
from cohorts.models import TrainingModule
from cohorts.services.audience import audience
from meetings.enums import MeetingStatus
from questionnaires.enums import Kind, ResponseStatus
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MeetingFactory,
    MentorEnrollmentFactory,
    PairFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A launched cohort with one person in each situation an announcement can aim at."""
    now = timezone.now()
    cohort = CohortFactory(phase="launch")
    on_track = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=5))
    at_risk = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=80))
    MeetingFactory(pair=at_risk, status=MeetingStatus.HELD, starts_at=now - datetime.timedelta(days=40))
    silent = PairFactory(cohort=cohort, matched_at=now - datetime.timedelta(days=30))
    unmatched = EnrollmentFactory(cohort=cohort, role=ParticipantRole.MENTEE)
    spare_mentor = MentorEnrollmentFactory(cohort=cohort)
    applicant = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    waiting = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WAITLISTED)
    gone = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    member = SubcommitteeMemberFactory(cohort=cohort, user=UserFactory())
    EnrollmentFactory()  # another cohort's
    return {
        "cohort": cohort,
        "on_track": on_track,
        "at_risk": at_risk,
        "silent": silent,
        "unmatched": unmatched,
        "spare_mentor": spare_mentor,
        "applicant": applicant,
        "waiting": waiting,
        "gone": gone,
        "member": member,
    }


def _ids(cohort, segment, option="", role=""):
    return set(audience(cohort=cohort, segment=segment, option=option, role=role).values_list("pk", flat=True))


def _people(*pairs_or_enrollments):
    ids = set()
    for item in pairs_or_enrollments:
        if hasattr(item, "mentor"):
            ids |= {item.mentor.user_id, item.mentee.user_id}
        else:
            ids.add(item.user_id)
    return ids


def test_everyone_means_every_accepted_participant(world):
    everyone = _people(world["on_track"], world["at_risk"], world["silent"], world["unmatched"], world["spare_mentor"])

    assert _ids(world["cohort"], "everyone") == everyone
    assert _ids(world["cohort"], "everyone", role="mentor") == _people(
        world["on_track"].mentor, world["at_risk"].mentor, world["silent"].mentor, world["spare_mentor"]
    )


def test_stages_of_enrollment(world):
    assert _ids(world["cohort"], "stage", "applied") == _people(world["applicant"])
    assert _ids(world["cohort"], "stage", "waitlisted") == _people(world["waiting"])


def test_pairs_at_risk_and_without_contact_reach_both_people(world):
    assert _ids(world["cohort"], "at_risk") == _people(world["at_risk"])
    assert _ids(world["cohort"], "no_contact") == _people(world["silent"])
    assert _ids(world["cohort"], "no_contact", role="mentee") == _people(world["silent"].mentee)


def test_unmatched_mentees_and_the_subcommittee(world):
    assert _ids(world["cohort"], "unmatched") == _people(world["unmatched"])
    assert _ids(world["cohort"], "subcommittee", role="mentor") == {world["member"].user_id}


def test_people_behind_on_training(world):
    TrainingModule.objects.create(cohort=world["cohort"], title="Basics", content="Read.", audience="mentee")

    behind = _ids(world["cohort"], "training")

    mentees = _people(world["on_track"].mentee, world["at_risk"].mentee, world["silent"].mentee, world["unmatched"])
    assert behind == mentees


def test_people_who_have_not_answered_a_questionnaire(world):
    cohort = world["cohort"]
    questionnaire = QuestionnaireFactory(cohort=cohort, kind=Kind.APPLICATION, audience="mentee")
    ResponseFactory(questionnaire=questionnaire, enrollment=world["unmatched"])
    ResponseFactory(questionnaire=questionnaire, enrollment=world["applicant"], status=ResponseStatus.DRAFT)

    missing = _ids(cohort, "questionnaire", str(questionnaire.pk))

    expected = _people(world["on_track"].mentee, world["at_risk"].mentee, world["silent"].mentee, world["applicant"], world["waiting"])
    assert missing == expected


@pytest.mark.parametrize(
    ("segment", "option", "role", "field"),
    [
        ("nobody", "", "", "segment"),
        ("questionnaire", "999999", "", "option"),
        ("stage", "declined", "", "option"),
        ("everyone", "", "boss", "role"),
    ],
)
def test_unknown_choices_are_refused(world, segment, option, role, field):
    with pytest.raises(ValidationError) as error:
        audience(cohort=world["cohort"], segment=segment, option=option, role=role)

    assert list(error.value.message_dict) == [field]


def test_another_cohorts_questionnaire_is_not_an_option(world):
    foreign = QuestionnaireFactory()

    with pytest.raises(ValidationError):
        audience(cohort=world["cohort"], segment="questionnaire", option=str(foreign.pk))
