"""The audience segments cohorts itself knows (the other apps register theirs in their
AppConfig.ready()): who an announcement reaches."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .enums import ACTIVE_ENROLLMENT_STATUSES, EnrollmentStatus, ParticipantRole
from .hooks import Segment, register_segment
from .models import Enrollment, Pair, PairStatus
from .selectors import people_behind_on_training


def _enrolled(cohort, *statuses):
    return Enrollment.objects.filter(cohort=cohort, status__in=statuses or ACTIVE_ENROLLMENT_STATUSES).values("user_id")


def everyone(cohort, option=""):
    return _enrolled(cohort, EnrollmentStatus.ACCEPTED)


def by_stage(cohort, option=""):
    stage = option if option in (EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED) else EnrollmentStatus.ACCEPTED
    return _enrolled(cohort, stage)


def stage_options(cohort) -> list[tuple[str, str]]:
    return [
        (EnrollmentStatus.APPLIED.value, _("waiting for a decision on their application")),
        (EnrollmentStatus.WAITLISTED.value, _("on the waiting list")),
        (EnrollmentStatus.ACCEPTED.value, _("accepted")),
    ]


def unmatched_mentees(cohort, option=""):
    paired = Pair.objects.filter(mentee=OuterRef("pk"), status=PairStatus.ACTIVE)
    return (
        Enrollment.objects.filter(cohort=cohort, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED)
        .exclude(Exists(paired))
        .values("user_id")
    )


def behind_on_training(cohort, option=""):
    return {enrollment.user_id for enrollment in people_behind_on_training(cohort=cohort)}


def subcommittee(cohort, option=""):
    return cohort.subcommittee.values("user_id")


def register() -> None:
    register_segment(Segment("everyone", _("Everyone taking part (accepted)"), everyone, order=10))
    register_segment(Segment("stage", _("People at one stage of enrollment"), by_stage, stage_options, order=20))
    register_segment(Segment("unmatched", _("Mentees without a mentor"), unmatched_mentees, by_role=False, order=40))
    register_segment(Segment("training", _("People who have not finished their training"), behind_on_training, order=50))
    register_segment(Segment("subcommittee", _("The matching subcommittee"), subcommittee, by_role=False, order=90))
