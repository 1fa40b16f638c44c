import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cohorts import hooks
from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.models import PhaseChange
from cohorts.phases import phase_allows, require_phase
from cohorts.services.cohorts import cohort_dates_check, cohort_move_phase, cohort_phase_blockers
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MentorEnrollmentFactory,
    PairFactory,
    SubcommitteeMemberFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(blockers, warning=False):
    return [b.message for b in blockers if b.warning == warning]


def test_draft_to_enrollment_needs_guidelines_and_closing_date(coordinator, program):
    cohort = CohortFactory(program=program, phase=CohortPhase.DRAFT, guidelines="", enrollment_closes_on=None)

    blockers = cohort_phase_blockers(cohort=cohort, target=CohortPhase.ENROLLMENT)

    assert messages_of(blockers) == ["The cohort has no participant guidelines.", "Set the date enrollment closes."]
    with pytest.raises(ValidationError):
        cohort_move_phase(cohort=cohort, target=CohortPhase.ENROLLMENT, by=coordinator)
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.DRAFT
    assert PhaseChange.objects.count() == 0


def test_small_subcommittee_is_a_warning_not_a_blocker(coordinator, cohort):
    cohort.phase = CohortPhase.DRAFT
    cohort.save()
    SubcommitteeMemberFactory(cohort=cohort)

    blockers = cohort_phase_blockers(cohort=cohort, target=CohortPhase.ENROLLMENT)
    moved = cohort_move_phase(cohort=cohort, target=CohortPhase.ENROLLMENT, by=coordinator)

    assert messages_of(blockers, warning=True) == ["The matching subcommittee has 1 member; three are usual."]
    assert moved.phase == CohortPhase.ENROLLMENT


def test_move_is_recorded_with_who_and_when(coordinator, cohort):
    cohort.phase = CohortPhase.DRAFT
    cohort.save()

    cohort_move_phase(cohort=cohort, target=CohortPhase.ENROLLMENT, by=coordinator)

    change = PhaseChange.objects.get()
    assert (change.from_phase, change.to_phase, change.changed_by) == ("draft", "enrollment", coordinator)
    assert change.changed_at is not None


def test_phase_checks_from_other_apps_block_the_move(coordinator, cohort):
    cohort.phase = CohortPhase.DRAFT
    cohort.save()

    def no_questionnaire(c, target):
        return [hooks.Blocker("No application questionnaire yet.")] if target == CohortPhase.ENROLLMENT else []

    hooks.register_phase_check(no_questionnaire)
    try:
        with pytest.raises(ValidationError) as error:
            cohort_move_phase(cohort=cohort, target=CohortPhase.ENROLLMENT, by=coordinator)
    finally:
        hooks._phase_checks.remove(no_questionnaire)

    assert "No application questionnaire yet." in error.value.messages


def test_enrollment_to_training_needs_accepted_mentor_and_mentee(coordinator, cohort):
    EnrollmentFactory(cohort=cohort, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED)
    EnrollmentFactory(cohort=cohort, role=ParticipantRole.MENTOR, status=EnrollmentStatus.APPLIED)

    blockers = cohort_phase_blockers(cohort=cohort, target=CohortPhase.TRAINING)

    assert messages_of(blockers) == ["Accept at least one mentor and one mentee first."]
    assert messages_of(blockers, warning=True) == ["1 application is still waiting for a decision."]


def test_training_to_launch_blocks_on_unfinished_training_with_count(coordinator, cohort):
    from cohorts.services.training import training_module_create

    cohort.phase = CohortPhase.TRAINING
    cohort.save()
    module = training_module_create(cohort=cohort, title="Welcome", content="Hi", audience="both", required=True)
    done = EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort)
    MentorEnrollmentFactory(cohort=cohort)
    done.training_completions.create(module=module)

    blockers = cohort_phase_blockers(cohort=cohort, target=CohortPhase.LAUNCH)

    blocking = [b for b in blockers if not b.warning]
    assert [(b.message, b.count) for b in blocking] == [("2 people have not finished the required training.", 2)]
    assert blocking[0].url == f"/cohorts/{cohort.pk}/training/grid/?behind=1"


def test_moves_one_phase_at_a_time(coordinator, cohort):
    with pytest.raises(ValidationError, match="one phase at a time"):
        cohort_move_phase(cohort=cohort, target=CohortPhase.LAUNCH, by=coordinator)


def test_unknown_phase_is_refused(coordinator, cohort):
    with pytest.raises(ValidationError, match="Unknown phase"):
        cohort_move_phase(cohort=cohort, target="party", by=coordinator)


def test_back_to_draft_refused_once_people_joined(coordinator, cohort):
    EnrollmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="cannot go back to set-up"):
        cohort_move_phase(cohort=cohort, target=CohortPhase.DRAFT, by=coordinator)


def test_back_to_draft_allowed_when_nobody_joined(coordinator, cohort):
    moved = cohort_move_phase(cohort=cohort, target=CohortPhase.DRAFT, by=coordinator)

    assert moved.phase == CohortPhase.DRAFT


def test_back_before_launch_refused_once_pairs_exist(coordinator):
    pair = PairFactory()

    with pytest.raises(ValidationError, match="cannot go back before launch"):
        cohort_move_phase(cohort=pair.cohort, target=CohortPhase.TRAINING, by=coordinator)


def test_moving_forward_emails_accepted_participants(coordinator, cohort, django_capture_on_commit_callbacks):
    accepted = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.ACCEPTED)
    MentorEnrollmentFactory(cohort=cohort, status=EnrollmentStatus.ACCEPTED)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.DECLINED)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_move_phase(cohort=cohort, target=CohortPhase.TRAINING, by=coordinator)

    assert len(mail.outbox) == 2
    assert accepted.user.email in [m.to[0] for m in mail.outbox]
    assert {m.subject for m in mail.outbox} == {f"Training is open in {cohort.name}"}


@pytest.mark.parametrize(
    ("phase", "action", "allowed"),
    [
        (CohortPhase.ENROLLMENT, "apply", True),
        (CohortPhase.TRAINING, "apply", False),
        (CohortPhase.DRAFT, "apply", False),
        (CohortPhase.TRAINING, "meet", False),
        (CohortPhase.LAUNCH, "meet", True),
        (CohortPhase.CLOSED, "invite", False),
    ],
)
def test_phase_policy(phase, action, allowed):
    cohort = CohortFactory.build(phase=phase)

    assert phase_allows(cohort, action) is allowed
    if not allowed:
        with pytest.raises(ValidationError):
            require_phase(cohort, action)


def test_dates_must_follow_the_life_of_a_cohort():
    import datetime

    errors = cohort_dates_check(
        {"enrollment_opens_on": datetime.date(2027, 3, 10), "enrollment_closes_on": datetime.date(2027, 3, 1)}
    )

    assert errors == {"enrollment_closes_on": "This date must not be before “enrollment opens”."}
