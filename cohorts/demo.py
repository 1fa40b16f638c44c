"""The demo cohorts.

- ``context["cohort"]``: "Spring 2027 cohort", launched ten weeks ago: the reviewers are its
  subcommittee; mentor1..mentor9 each mentor two of mentee1..mentee18 (pairs published at
  launch); mentor10 has room for two, and mentee19 and mentee20 wait for the second
  matching round.
- ``context["enrolling_cohort"]``: "Autumn 2027 cohort", in enrollment: applicants in every
  state the coordinator deals with (invited, applied, waitlisted, accepted, declined).
"""

import datetime

from django.utils import timezone

from mentorship.demo import demo_user

from .enums import Audience, CohortPhase, EnrollmentStatus, InvitationRole, ParticipantRole
from .guidelines import GUIDELINES_TEMPLATE
from .models import (
    Cohort,
    Enrollment,
    Invitation,
    Pair,
    PairStatus,
    SubcommitteeMember,
    TrainingCompletion,
    TrainingModule,
)
from .services.announcements import announcement_create, announcement_send

DEMO_COHORT_NAME = "Spring 2027 cohort"
ENROLLING_COHORT_NAME = "Autumn 2027 cohort"

# Spread across continents so that matching on time zones means something.
DEMO_TIME_ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/Chicago",
    "Europe/Madrid",
]

APPLICANTS = [
    ("applicant1@demo.test", "Adaeze Nwosu", ParticipantRole.MENTEE, EnrollmentStatus.APPLIED),
    ("applicant2@demo.test", "Beatriz Santos", ParticipantRole.MENTEE, EnrollmentStatus.APPLIED),
    ("applicant3@demo.test", "Camille Laurent", ParticipantRole.MENTOR, EnrollmentStatus.APPLIED),
    ("applicant4@demo.test", "Divya Menon", ParticipantRole.MENTEE, EnrollmentStatus.WAITLISTED),
    ("applicant5@demo.test", "Emma Schulz", ParticipantRole.MENTOR, EnrollmentStatus.ACCEPTED),
    ("applicant7@demo.test", "Gulnara Abenova", ParticipantRole.MENTEE, EnrollmentStatus.DECLINED),
]


def seed(context: dict) -> None:
    today = timezone.localdate()
    for i, user in enumerate(context["mentors"] + context["mentees"]):
        if not user.time_zone:
            user.time_zone = DEMO_TIME_ZONES[i % len(DEMO_TIME_ZONES)]
            user.save(update_fields=["time_zone"])

    launch = today - datetime.timedelta(weeks=10)
    cohort, _ = Cohort.objects.get_or_create(
        program=context["program"],
        name=DEMO_COHORT_NAME,
        defaults={
            "description": "Twenty mentees and ten mentors, meeting every two weeks for three months.",
            "phase": CohortPhase.LAUNCH,
            "enrollment_opens_on": launch - datetime.timedelta(weeks=8),
            "enrollment_closes_on": launch - datetime.timedelta(weeks=5),
            "training_due_on": launch - datetime.timedelta(weeks=1),
            "launch_on": launch,
            "showcase_on": launch + datetime.timedelta(weeks=12),
            "ends_on": launch + datetime.timedelta(weeks=13),
            "mentor_default_capacity": 2,
            "mentor_max_capacity": 3,
            "guidelines": GUIDELINES_TEMPLATE,
        },
    )
    for reviewer in context["reviewers"]:
        SubcommitteeMember.objects.get_or_create(cohort=cohort, user=reviewer)
    mentor_enrollments = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=mentor,
            defaults={"role": ParticipantRole.MENTOR, "status": EnrollmentStatus.ACCEPTED, "capacity": 2},
        )[0]
        for mentor in context["mentors"]
    ]
    mentee_enrollments = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=mentee,
            defaults={"role": ParticipantRole.MENTEE, "status": EnrollmentStatus.ACCEPTED},
        )[0]
        for mentee in context["mentees"]
    ]
    matched_at = timezone.make_aware(datetime.datetime.combine(launch, datetime.time(9, 0)))
    for index, mentee in enumerate(mentee_enrollments[:18]):
        Pair.objects.get_or_create(
            cohort=cohort,
            mentee=mentee,
            defaults={"mentor": mentor_enrollments[index // 2], "status": PairStatus.ACTIVE, "matched_at": matched_at},
        )

    enrolling, _ = Cohort.objects.get_or_create(
        program=context["program"],
        name=ENROLLING_COHORT_NAME,
        defaults={
            "description": "Applications are open for the autumn cohort.",
            "phase": CohortPhase.ENROLLMENT,
            "enrollment_opens_on": today - datetime.timedelta(days=10),
            "enrollment_closes_on": today + datetime.timedelta(days=20),
            "training_due_on": today + datetime.timedelta(days=35),
            "launch_on": today + datetime.timedelta(days=42),
            "showcase_on": today + datetime.timedelta(days=42 + 84),
            "ends_on": today + datetime.timedelta(days=42 + 91),
            "mentor_default_capacity": 1,
            "mentor_max_capacity": 3,
            "guidelines": GUIDELINES_TEMPLATE,
        },
    )
    for reviewer in context["reviewers"]:
        SubcommitteeMember.objects.get_or_create(cohort=enrolling, user=reviewer)
    applicants = []
    for email, name, role, status in APPLICANTS:
        user = demo_user(email, name)
        applicants.append(user)
        Enrollment.objects.get_or_create(cohort=enrolling, user=user, defaults={"role": role, "status": status})

    acknowledged = timezone.now() - datetime.timedelta(weeks=14)
    Enrollment.objects.filter(cohort=cohort, guidelines_acknowledged_at__isnull=True).update(
        guidelines_acknowledged_at=acknowledged
    )
    modules = _seed_training(cohort)
    # Everyone in the launched cohort finished the required training, some also the optional module.
    for enrollment in mentor_enrollments + mentee_enrollments:
        for module in modules:
            if module.is_for(enrollment.role) and (module.required or enrollment.pk % 3 == 0):
                TrainingCompletion.objects.get_or_create(module=module, enrollment=enrollment)

    enrolling_modules = _seed_training(enrolling)
    accepted_applicant = Enrollment.objects.filter(cohort=enrolling, status=EnrollmentStatus.ACCEPTED).first()
    if accepted_applicant is not None:
        TrainingCompletion.objects.get_or_create(module=enrolling_modules[0], enrollment=accepted_applicant)
    Invitation.objects.get_or_create(
        cohort=enrolling,
        email="applicant6@demo.test",
        defaults={
            "full_name": "Folake Adeyemi",
            "role": InvitationRole.MENTEE,
            "invited_by": context["coordinator"],
            "sent_at": timezone.now(),
        },
    )

    context["cohort"] = cohort
    context["enrolling_cohort"] = enrolling
    _seed_announcement(cohort, context["coordinator"])
    context["applicants"] = applicants


TRAINING_MODULES = [
    (
        "Welcome to the program",
        "## What the next three months look like\n\nYou meet every two weeks. Each meeting has an agenda you "
        "prepare together beforehand, and one of you logs it afterwards.\n\n- Read the participant guidelines\n"
        "- Fill in your application questionnaire\n- Meet your match within two weeks of launch",
        "",
        Audience.BOTH,
        True,
    ),
    (
        "Being a great mentee",
        "## Own your mentorship\n\nYou set the agenda. Come with a goal for each meeting, write down what you "
        "agreed, and follow up on your action items.",
        "",
        Audience.MENTEE,
        True,
    ),
    (
        "Mentoring across difference",
        "## Listen first\n\nYour mentee may face barriers you have not. Ask before advising; share how you "
        "learned rather than what to do; respect confidentiality.",
        "",
        Audience.MENTOR,
        True,
    ),
    (
        "Setting SMART goals",
        "A short course on goals that are specific, measurable, achievable, relevant and time-bound.",
        "https://example.org/smart-goals",
        Audience.BOTH,
        False,
    ),
]


def _seed_training(cohort: Cohort) -> list[TrainingModule]:
    modules = []
    for position, (title, content, url, audience, required) in enumerate(TRAINING_MODULES, start=1):
        module, _ = TrainingModule.objects.get_or_create(
            cohort=cohort,
            title=title,
            defaults={"content": content, "url": url, "audience": audience, "required": required, "position": position},
        )
        modules.append(module)
    return modules


def _seed_announcement(cohort: Cohort, coordinator) -> None:
    """One announcement to the whole launched cohort, sent at once (the job runs here)."""
    if cohort.announcements.exists():
        return
    announcement = announcement_create(
        cohort=cohort,
        by=coordinator,
        subject="Mid-program get-together on Thursday",
        body=(
            "Dear mentors and mentees,\n\nhalfway through the program, we meet **online on Thursday at 18:00 "
            "(UTC)** for an hour: three pairs share what worked, then open questions.\n\n"
            "- Bring one thing you learnt\n- Bring one question for the others\n\n"
            "The link is on [the cohort page](/). See you there!"
        ),
        segment="everyone",
    )
    announcement_send(announcement_id=announcement.pk)
