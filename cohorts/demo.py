"""The demo cohorts.

- ``context["cohort"]``: "Spring 2027 cohort", launched ten weeks ago: the reviewers are its
  subcommittee; mentor1..mentor9 each mentor two of mentee1..mentee18 (pairs published at
  launch); mentor10 has room for two, and mentee19 and mentee20 wait for the second
  matching round.
- ``context["enrolling_cohort"]``: "Autumn 2027 cohort", in enrollment: applicants in every
  state the coordinator deals with (invited, applied, waitlisted, accepted, declined).
- ``context["hands_off_cohort"]``: "Neighbours 2027 cohort" of the program "Community phone
  mentoring" (``context["hands_off_program"]``), whose settings leave out training and the
  showcase and graduate pairs on contacts alone (3, no project, no final survey): launched
  six weeks ago, volunteer1 mentors member1..member3 and volunteer2 member4 and member5;
  volunteer2's pair with member6 was ended ("end", not re-matched), so member6 stays out of
  later rounds until the coordinator puts her back.
"""

import datetime

from django.utils import timezone

from mentorship.demo import demo_user
from mentorship.models import Program

from .enums import Audience, CohortPhase, EnrollmentStatus, InvitationRole, ParticipantRole
from .guidelines import GUIDELINES_TEMPLATE
from .models import (
    Cohort,
    Enrollment,
    Invitation,
    Pair,
    PairEndKind,
    PairStatus,
    PhaseChange,
    SubcommitteeMember,
    TrainingCompletion,
    TrainingModule,
)
from .services.announcements import announcement_create, announcement_send
from .services.pairs import pair_end

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
    _seed_hands_off(context)


HANDS_OFF_PROGRAM_NAME = "Community phone mentoring"
HANDS_OFF_COHORT_NAME = "Neighbours 2027 cohort"
VOLUNTEERS = [("volunteer1@demo.test", "Valeria Mendes"), ("volunteer2@demo.test", "Walter Okoye")]
MEMBERS = [
    ("member1@demo.test", "Mariam Yusuf"),
    ("member2@demo.test", "Nora Haddad"),
    ("member3@demo.test", "Oksana Melnyk"),
    ("member4@demo.test", "Paula Reyes"),
    ("member5@demo.test", "Qi Zhang"),
    ("member6@demo.test", "Rania Aziz"),
]


def _seed_hands_off(context: dict) -> None:
    """A non-profit's program that bends the rules: no training, no showcase, monthly phone
    check-ins, mentors of two or three, graduation on three contacts."""
    program, _ = Program.objects.get_or_create(
        organization=context["organization"],
        name=HANDS_OFF_PROGRAM_NAME,
        defaults={
            "description": "Three-month terms of monthly phone check-ins between neighbours; no training, no showcase.",
            "uses_training": False,
            "uses_showcase": False,
            "graduation_min_contacts": 3,
            "graduation_requires_project": False,
            "graduation_requires_final_survey": False,
        },
    )
    today = timezone.localdate()
    launch = today - datetime.timedelta(weeks=6)
    cohort, created = Cohort.objects.get_or_create(
        program=program,
        name=HANDS_OFF_COHORT_NAME,
        defaults={
            "description": "Volunteers call their neighbours once a month for three months.",
            "phase": CohortPhase.LAUNCH,
            "enrollment_opens_on": launch - datetime.timedelta(weeks=6),
            "enrollment_closes_on": launch - datetime.timedelta(weeks=2),
            "launch_on": launch,
            "ends_on": launch + datetime.timedelta(weeks=13),
            "meeting_cadence_days": 30,
            "term_months": 3,
            "mentor_default_capacity": 2,
            "mentor_max_capacity": 3,
            "guidelines": GUIDELINES_TEMPLATE,
        },
    )
    if created:
        moments = [(CohortPhase.DRAFT, CohortPhase.ENROLLMENT, launch - datetime.timedelta(weeks=6))]
        moments.append((CohortPhase.ENROLLMENT, CohortPhase.LAUNCH, launch))
        for before, after, day in moments:
            PhaseChange.objects.create(
                cohort=cohort,
                from_phase=before,
                to_phase=after,
                changed_by=context["coordinator"],
                changed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))),
            )
    for reviewer in context["reviewers"]:
        SubcommitteeMember.objects.get_or_create(cohort=cohort, user=reviewer)
    volunteers = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=demo_user(email, name),
            defaults={"role": ParticipantRole.MENTOR, "status": EnrollmentStatus.ACCEPTED, "capacity": 3},
        )[0]
        for email, name in VOLUNTEERS
    ]
    members = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=demo_user(email, name),
            defaults={"role": ParticipantRole.MENTEE, "status": EnrollmentStatus.ACCEPTED},
        )[0]
        for email, name in MEMBERS
    ]
    Enrollment.objects.filter(cohort=cohort, guidelines_acknowledged_at__isnull=True).update(
        guidelines_acknowledged_at=timezone.now() - datetime.timedelta(weeks=7)
    )
    matched_at = timezone.make_aware(datetime.datetime.combine(launch, datetime.time(10, 0)))
    mentors_of = [0, 0, 0, 1, 1]
    for member, mentor_index in zip(members[:5], mentors_of, strict=True):
        Pair.objects.get_or_create(
            cohort=cohort,
            mentee=member,
            defaults={"mentor": volunteers[mentor_index], "status": PairStatus.ACTIVE, "matched_at": matched_at},
        )
    # Rania moved away in the second week; the coordinator ended the mentorship (not a re-match).
    ended, created = Pair.objects.get_or_create(
        cohort=cohort,
        mentee=members[5],
        defaults={"mentor": volunteers[1], "status": PairStatus.ACTIVE, "matched_at": matched_at},
    )
    if created:
        pair_end(
            pair=ended,
            reason="Rania moved to another city; the mentorship ends here.",
            kind=PairEndKind.END,
            by=context["coordinator"],
        )
        Pair.objects.filter(pk=ended.pk).update(ended_at=matched_at + datetime.timedelta(weeks=2))
    context["hands_off_program"] = program
    context["hands_off_cohort"] = cohort


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
