import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.models import Enrollment, PairStatus
from cohorts.services.enrollment import (
    enrollment_apply,
    enrollment_decide,
    enrollment_decide_bulk,
    enrollment_set_capacity,
    enrollment_withdraw,
)
from tests.factories import EnrollmentFactory, MentorEnrollmentFactory, PairFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_apply_creates_application_and_emails(cohort, django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_apply(
            cohort=cohort, user=user, role=ParticipantRole.MENTOR, capacity=2, acknowledge_guidelines=True
        )

    assert (enrollment.status, enrollment.role, enrollment.capacity) == ("applied", "mentor", 2)
    assert enrollment.guidelines_acknowledged_at is not None
    assert [m.subject for m in mail.outbox] == [f"We received your application to {cohort.name}"]


@pytest.mark.parametrize("phase", [CohortPhase.DRAFT, CohortPhase.TRAINING, CohortPhase.LAUNCH, CohortPhase.CLOSED])
def test_apply_only_while_enrollment_is_open(cohort, phase):
    cohort.phase = phase
    cohort.save()

    with pytest.raises(ValidationError, match=r"only taken while enrollment is open|cohort is closed"):
        enrollment_apply(cohort=cohort, user=UserFactory(), role="mentee", acknowledge_guidelines=True)

    assert Enrollment.objects.count() == 0


def test_apply_requires_guidelines_acknowledgement(cohort):
    with pytest.raises(ValidationError):
        enrollment_apply(cohort=cohort, user=UserFactory(), role="mentee", acknowledge_guidelines=False)

    assert Enrollment.objects.count() == 0


def test_apply_twice_is_refused(cohort):
    user = UserFactory()
    enrollment_apply(cohort=cohort, user=user, role="mentee", acknowledge_guidelines=True)

    with pytest.raises(ValidationError, match="already applied"):
        enrollment_apply(cohort=cohort, user=user, role="mentor", acknowledge_guidelines=True)

    assert Enrollment.objects.get().role == "mentee"


def test_apply_capacity_above_maximum_is_refused(cohort):
    with pytest.raises(ValidationError):
        enrollment_apply(cohort=cohort, user=UserFactory(), role="mentor", capacity=9, acknowledge_guidelines=True)


def test_withdrawn_person_may_apply_again(cohort, coordinator):
    enrollment = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)

    again = enrollment_apply(cohort=cohort, user=enrollment.user, role="mentor", acknowledge_guidelines=True)

    assert (again.pk, again.status, again.role) == (enrollment.pk, "applied", "mentor")


@pytest.mark.parametrize(
    ("decision", "subject"),
    [
        ("accepted", "Welcome to {}"),
        ("declined", "Your application to {}"),
        ("waitlisted", "You are on the waiting list for {}"),
    ],
)
def test_decide_sets_status_and_emails(cohort, coordinator, decision, subject, django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)

    with django_capture_on_commit_callbacks(execute=True):
        decided = enrollment_decide(enrollment=enrollment, status=decision, by=coordinator)

    assert (decided.status, decided.decided_by) == (decision, coordinator)
    assert [m.subject for m in mail.outbox] == [subject.format(cohort.name)]


def test_decide_same_way_twice_sends_once(cohort, coordinator, django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_decide(enrollment=enrollment, status="accepted", by=coordinator)
        enrollment_decide(enrollment=enrollment, status="accepted", by=coordinator)

    assert len(mail.outbox) == 1


def test_decide_refuses_unknown_decision_and_withdrawn(cohort, coordinator):
    applied = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    withdrawn = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)

    with pytest.raises(ValidationError):
        enrollment_decide(enrollment=applied, status="withdrawn", by=coordinator)
    with pytest.raises(ValidationError, match="has withdrawn"):
        enrollment_decide(enrollment=withdrawn, status="accepted", by=coordinator)


def test_decide_refused_after_launch(cohort, coordinator):
    enrollment = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()

    with pytest.raises(ValidationError):
        enrollment_decide(enrollment=enrollment, status="accepted", by=coordinator)


def test_decide_bulk_changes_each_and_reports_refusals(cohort, coordinator):
    a = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    b = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WAITLISTED)
    gone = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    foreign = EnrollmentFactory(status=EnrollmentStatus.APPLIED)

    changed, problems = enrollment_decide_bulk(
        cohort=cohort, enrollment_ids=[a.pk, b.pk, gone.pk, foreign.pk], status="accepted", by=coordinator
    )

    assert changed == 2
    assert problems == [f"{gone.user} has withdrawn."]
    foreign.refresh_from_db()
    assert foreign.status == "applied"
    assert sorted(Enrollment.objects.filter(status="accepted").values_list("pk", flat=True)) == sorted([a.pk, b.pk])


def test_withdraw_ends_active_pairs(coordinator):
    pair = PairFactory()

    enrollment_withdraw(enrollment=pair.mentee, by=pair.mentee.user)

    pair.refresh_from_db()
    pair.mentee.refresh_from_db()
    assert (pair.mentee.status, pair.status) == ("withdrawn", PairStatus.ENDED)
    assert pair.ended_at is not None


def test_mentor_sets_capacity_within_maximum_and_above_current_pairs(cohort):
    mentor = MentorEnrollmentFactory(cohort=cohort, capacity=None)
    cohort.phase = CohortPhase.LAUNCH
    cohort.save()
    PairFactory(cohort=cohort, mentor=mentor)
    PairFactory(cohort=cohort, mentor=mentor)

    assert enrollment_set_capacity(enrollment=mentor, capacity=3).capacity == 3
    with pytest.raises(ValidationError, match="between 1 and 3"):
        enrollment_set_capacity(enrollment=mentor, capacity=4)
    with pytest.raises(ValidationError, match="already mentor 2"):
        enrollment_set_capacity(enrollment=mentor, capacity=1)
    mentor.refresh_from_db()
    assert mentor.capacity == 3


def test_mentee_has_no_capacity(cohort):
    with pytest.raises(ValidationError, match="Only mentors"):
        enrollment_set_capacity(enrollment=EnrollmentFactory(cohort=cohort), capacity=2)
