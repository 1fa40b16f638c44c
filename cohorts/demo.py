"""The demo cohort: its subcommittee and its participants."""

import datetime

from django.utils import timezone

from .enums import CohortPhase, EnrollmentStatus, ParticipantRole
from .models import Cohort, Enrollment, SubcommitteeMember

DEMO_COHORT_NAME = "Spring 2027 cohort"


def seed(context: dict) -> None:
    today = timezone.localdate()
    cohort, _ = Cohort.objects.get_or_create(
        program=context["program"],
        name=DEMO_COHORT_NAME,
        defaults={
            "description": "Twenty mentees and ten mentors, meeting every two weeks for three months.",
            "phase": CohortPhase.ENROLLMENT,
            "enrollment_opens_on": today - datetime.timedelta(days=14),
            "enrollment_closes_on": today + datetime.timedelta(days=14),
            "training_due_on": today + datetime.timedelta(days=28),
            "launch_on": today + datetime.timedelta(days=35),
            "showcase_on": today + datetime.timedelta(days=35 + 84),
            "ends_on": today + datetime.timedelta(days=35 + 92),
            "mentor_default_capacity": 2,
            "mentor_max_capacity": 3,
        },
    )
    for reviewer in context["reviewers"]:
        SubcommitteeMember.objects.get_or_create(cohort=cohort, user=reviewer)
    for mentor in context["mentors"]:
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=mentor,
            defaults={"role": ParticipantRole.MENTOR, "status": EnrollmentStatus.ACCEPTED, "capacity": 2},
        )
    for mentee in context["mentees"]:
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=mentee,
            defaults={"role": ParticipantRole.MENTEE, "status": EnrollmentStatus.ACCEPTED},
        )
    context["cohort"] = cohort
