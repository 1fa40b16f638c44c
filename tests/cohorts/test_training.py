import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cohorts.enums import CohortPhase, EnrollmentStatus
from cohorts.models import TrainingCompletion, TrainingModule
from cohorts.selectors import people_behind_on_training, required_module_counts
from cohorts.services.training import (
    training_can_complete,
    training_complete,
    training_module_create,
    training_module_delete,
    training_module_move,
    training_remind_behind,
    training_remind_request,
    training_uncomplete,
)
from tests.factories import EnrollmentFactory, MentorEnrollmentFactory

pytestmark = pytest.mark.django_db


def module(cohort, title="M", audience="both", required=True, **extra):
    return training_module_create(
        cohort=cohort, title=title, content="Text", audience=audience, required=required, **extra
    )


def test_module_needs_content_or_link(cohort):
    with pytest.raises(ValidationError, match="content or give a link"):
        training_module_create(cohort=cohort, title="Empty", content=" ", url="", audience="both", required=True)


def test_due_date_defaults_to_the_cohorts_training_date(cohort):
    assert module(cohort).effective_due_on == cohort.training_due_on


def test_required_counts_per_role(cohort):
    module(cohort, "Both")
    module(cohort, "Mentors", audience="mentor")
    module(cohort, "Mentees", audience="mentee")
    module(cohort, "Optional", required=False)

    assert required_module_counts(cohort=cohort) == {"mentor": 2, "mentee": 2}


def test_complete_twice_keeps_one_completion(cohort):
    m = module(cohort)
    enrollment = EnrollmentFactory(cohort=cohort)

    first = training_complete(module=m, enrollment=enrollment)
    second = training_complete(module=m, enrollment=enrollment)

    assert first.pk == second.pk
    assert TrainingCompletion.objects.count() == 1


def test_complete_refuses_module_of_the_other_role_or_cohort(cohort):
    mentor_only = module(cohort, audience="mentor")
    other_cohort_module = module(EnrollmentFactory().cohort)
    mentee = EnrollmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="not part of your training"):
        training_complete(module=mentor_only, enrollment=mentee)
    with pytest.raises(ValidationError, match="not part of your training"):
        training_complete(module=other_cohort_module, enrollment=mentee)


def test_complete_refuses_before_acceptance_and_after_launch(cohort):
    m = module(cohort)
    applied = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    accepted = EnrollmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="once your application is accepted"):
        training_complete(module=m, enrollment=applied)
    cohort.phase = CohortPhase.SHOWCASE
    cohort.save()
    with pytest.raises(ValidationError, match="Training is open"):
        training_complete(module=m, enrollment=accepted)


def test_uncomplete(cohort):
    m = module(cohort)
    enrollment = EnrollmentFactory(cohort=cohort)
    training_complete(module=m, enrollment=enrollment)

    training_uncomplete(module=m, enrollment=enrollment)

    assert TrainingCompletion.objects.count() == 0


def test_people_behind_and_reminder(cohort, django_capture_on_commit_callbacks):
    both = module(cohort, "Both")
    module(cohort, "Optional", required=False)
    mentor_module = module(cohort, "Mentors", audience="mentor")
    done_mentee = EnrollmentFactory(cohort=cohort)
    behind_mentee = EnrollmentFactory(cohort=cohort)
    done_mentor = MentorEnrollmentFactory(cohort=cohort)
    half_mentor = MentorEnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    for enrollment, modules in ((done_mentee, [both]), (done_mentor, [both, mentor_module]), (half_mentor, [both])):
        for m in modules:
            training_complete(module=m, enrollment=enrollment)

    behind = people_behind_on_training(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        told = training_remind_behind(cohort=cohort)

    assert sorted(e.pk for e in behind) == sorted([behind_mentee.pk, half_mentor.pk])
    assert told == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([behind_mentee.user.email, half_mentor.user.email])


def test_nobody_behind_without_required_modules(cohort):
    EnrollmentFactory(cohort=cohort)

    assert people_behind_on_training(cohort=cohort) == []


def test_delete_refused_once_completed_and_reorder(cohort):
    first, _second, third = module(cohort, "1"), module(cohort, "2"), module(cohort, "3")
    training_complete(module=first, enrollment=EnrollmentFactory(cohort=cohort))

    with pytest.raises(ValidationError, match="make it optional"):
        training_module_delete(module=first)
    training_module_move(module=third, direction="up")
    training_module_move(module=first, direction="up")

    assert list(TrainingModule.objects.filter(cohort=cohort).values_list("title", flat=True)) == ["1", "3", "2"]


def test_training_reminder_once_per_twelve_hours(cohort):
    from cohorts.services.training import training_reminder_claim

    training_reminder_claim(cohort=cohort)

    with pytest.raises(ValidationError, match="less than twelve hours ago"):
        training_reminder_claim(cohort=cohort)


@pytest.mark.parametrize(
    ("status", "phase", "expected"),
    [
        (EnrollmentStatus.ACCEPTED, CohortPhase.TRAINING, True),
        (EnrollmentStatus.APPLIED, CohortPhase.TRAINING, False),
        (EnrollmentStatus.WAITLISTED, CohortPhase.TRAINING, False),
        (EnrollmentStatus.ACCEPTED, CohortPhase.CLOSED, False),
    ],
)
def test_training_can_complete_follows_what_training_complete_accepts(cohort, status, phase, expected):
    m = module(cohort)
    cohort.phase = phase
    cohort.save()
    enrollment = EnrollmentFactory(cohort=cohort, status=status)

    offered = training_can_complete(enrollment=enrollment)
    try:
        training_complete(module=m, enrollment=enrollment)
    except ValidationError:
        accepted = False
    else:
        accepted = True

    assert (offered, accepted) == (expected, expected)
    assert training_can_complete(enrollment=None) is False


def test_training_remind_request_queues_the_reminder_after_commit(cohort, django_capture_on_commit_callbacks):
    module(cohort)
    behind = EnrollmentFactory(cohort=cohort)

    with django_capture_on_commit_callbacks() as callbacks:
        training_remind_request(cohort=cohort)
    sent_before_commit = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert (len(callbacks), sent_before_commit) == (1, 0)
    assert [m.to for m in mail.outbox] == [[behind.user.email]]


def test_training_remind_request_refused_again_within_twelve_hours_queues_nothing(
    cohort, django_capture_on_commit_callbacks
):
    training_remind_request(cohort=cohort)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError, match="twelve hours"):
        training_remind_request(cohort=cohort)

    assert callbacks == []


def test_closed_cohort_setup_cannot_change(cohort, coordinator):
    from cohorts.services.cohorts import cohort_guidelines_update, cohort_update

    m = module(cohort)
    cohort.phase = CohortPhase.CLOSED
    cohort.save()

    with pytest.raises(ValidationError, match="cohort is closed"):
        cohort_update(cohort=cohort, name="Renamed")
    with pytest.raises(ValidationError, match="cohort is closed"):
        cohort_guidelines_update(cohort=cohort, guidelines="New")
    with pytest.raises(ValidationError, match="cohort is closed"):
        training_module_delete(module=m)
    cohort.refresh_from_db()
    assert cohort.name != "Renamed"
