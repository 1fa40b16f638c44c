"""Demo projects, showcases, graduations and post-program check-ins.

- The launched cohort (``context["cohort"]``, ten weeks in): mentee1..mentee14 have started
  their projects, with milestones, progress updates and their mentors' comments; the
  showcase is set up for the cohort's showcase date; mentee1..mentee5 have submitted and
  the first three are in the programme.
- A past cohort, "Autumn 2025 cohort", in the same program: closed, it ended thirteen
  months ago. Its mentees are alumni1..alumni8@demo.test, mentored by mentor1..mentor4.
  Six pairs graduated (one by exception, with the coordinator's reason) after presenting at
  a public showcase with its programme; one pair was re-matched at the end of its term; and
  alumni8 withdrew a month in. The graduates answered the check-in (the final survey) and,
  most of them, the post-program surveys at 6 and 12 months; the 18-month one is still to
  come. So the outcomes report has figures.

Rows are written directly, keyed on natural keys (no emails go out); a second run changes
nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from cohorts.enums import Audience, CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.guidelines import GUIDELINES_TEMPLATE
from cohorts.models import Cohort, Enrollment, Pair, PairStatus, TrainingCompletion, TrainingModule
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from mentorship.demo import demo_user
from questionnaires.enums import ResponseStatus
from questionnaires.models import Answer, Delivery, Questionnaire, Response, SendRule
from questionnaires.scheduling import add_months, rule_send_date
from questionnaires.selectors import ordered_questions
from questionnaires.services.templating import questionnaire_from_template
from questionnaires.validators import clean_answer

from .enums import TermChoice
from .models import (
    Graduation,
    Milestone,
    Project,
    ProjectUpdate,
    Showcase,
    Submission,
    TermChoiceRecord,
    TermDecision,
    UpdateComment,
)
from .selectors.checkins import end_rule

PAST_COHORT_NAME = "Autumn 2025 cohort"
ALUMNI = [
    "Ama Owusu",
    "Beatriz Lima",
    "Catalina Rojas",
    "Dilnoza Karimova",
    "Emeka Obi",
    "Fernanda Alves",
    "Gita Sharma",
    "Hannah Weiss",
]

PROJECTS = [
    ("Study buddy scheduler", "A small web app that matches people who want to study the same topic at the same time."),
    ("Accessible recipes", "A recipe site tested with screen readers from day one, to learn accessibility properly."),
    ("Bus delay predictor", "A model of my city's bus delays from open data, with a simple page to check tomorrow's."),
    (
        "Open source first steps",
        "Three merged pull requests to a documentation tool, and a guide for the next newcomers.",
    ),
    ("Home energy dashboard", "A dashboard for a smart meter's readings, running on a Raspberry Pi."),
    ("Interview prep kit", "A set of system design exercises with worked answers, written while I practise them."),
    ("Community event site", "The website of our local women-in-tech meetup, with sign-ups and a talk archive."),
    ("Plant care bot", "A chat bot that reminds you to water your plants, built to learn webhooks and queues."),
]
MILESTONES = ["Write down the scope", "A first working version", "Feedback from three users"]
UPDATES = [
    "Wrote the scope and the three things I will not build. Set up the repository and the deployment.",
    "The first version works end to end. Stuck on tests for the date handling; reading up on it.",
    "Showed it to three friends: two found the sign-up confusing. Simplifying it this week.",
]
COMMENTS = [
    "Good call to write down what you will not build. Keep the first version small.",
    "For the dates, try testing the pure function first; I can show you how we do it at work.",
    "Great that you asked real users. What will you change first?",
]


def seed(context: dict) -> None:
    with transaction.atomic():
        if context.get("cohort") is not None:
            _seed_current(context)
        _seed_past(context)


# --- The launched cohort --------------------------------------------------------------------------


def _number(user) -> int:
    digits = "".join(c for c in user.email.split("@")[0] if c.isdigit())
    return int(digits or 0)


def _project(enrollment: Enrollment, index: int, now: datetime.datetime, *, milestone_base: datetime.date) -> Project:
    title, summary = PROJECTS[index % len(PROJECTS)]
    project, _ = Project.objects.get_or_create(
        enrollment=enrollment,
        defaults={"title": title, "summary": summary, "goals": "Show a working version at the showcase."},
    )
    for position, name in enumerate(MILESTONES):
        Milestone.objects.get_or_create(
            project=project,
            title=name,
            defaults={
                "due_on": milestone_base + datetime.timedelta(weeks=3 * (position + 1)),
                "done_at": now - datetime.timedelta(weeks=4 - 2 * position) if position < 2 else None,
            },
        )
    return project


def _updates(project: Project, mentor, count: int, first: datetime.datetime) -> None:
    for number in range(count):
        update, _ = ProjectUpdate.objects.get_or_create(
            project=project,
            text=UPDATES[number % len(UPDATES)],
            defaults={"author": project.enrollment.user, "created_at": first + datetime.timedelta(weeks=2 * number)},
        )
        UpdateComment.objects.get_or_create(
            update=update,
            author=mentor,
            text=COMMENTS[number % len(COMMENTS)],
            defaults={"created_at": update.created_at + datetime.timedelta(hours=20)},
        )


def _seed_current(context: dict) -> None:
    cohort = context["cohort"]
    now = timezone.now()
    launch = cohort.launch_on or timezone.localdate() - datetime.timedelta(weeks=10)
    showcase_day = cohort.showcase_on or launch + datetime.timedelta(weeks=12)
    showcase, _ = Showcase.objects.get_or_create(
        cohort=cohort,
        defaults={
            "title": f"{cohort.name} showcase",
            "starts_at": datetime.datetime.combine(showcase_day, datetime.time(17, 0), tzinfo=datetime.UTC),
            "duration_minutes": 150,
            "slot_minutes": 8,
            "location": "Demo Tech Mentoring, Lisbon office, 3rd floor",
            "video_url": "https://meet.example.org/spring-showcase",
            "description": "Each mentee presents their independent project in eight minutes. Friends and colleagues are welcome.",
        },
    )
    pairs = sorted(
        Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE).select_related("mentor__user", "mentee__user"),
        key=lambda p: _number(p.mentee.user),
    )
    for index, pair in enumerate(pairs[:14]):
        project = _project(pair.mentee, index, now, milestone_base=launch)
        _updates(project, pair.mentor.user, 1 + index % 3, now - datetime.timedelta(weeks=6))
        if index < 5:
            Submission.objects.get_or_create(
                project=project,
                defaults={
                    "showcase": showcase,
                    "summary": project.summary,
                    "materials_url": f"https://example.org/projects/{index + 1}",
                    "allow_public": index % 2 == 0,
                    "position": index + 1 if index < 3 else None,
                },
            )


# --- The past cohort ----------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 17) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=datetime.UTC)


def _seed_past(context: dict) -> None:
    today = timezone.localdate()
    ends_on = add_months(today, -13)
    launch = ends_on - datetime.timedelta(weeks=13)
    showcase_day = ends_on - datetime.timedelta(days=7)
    cohort, _ = Cohort.objects.get_or_create(
        program=context["program"],
        name=PAST_COHORT_NAME,
        defaults={
            "description": "Eight mentees and four returning mentors; the cohort before this one.",
            "phase": CohortPhase.CLOSED,
            "enrollment_opens_on": launch - datetime.timedelta(weeks=10),
            "enrollment_closes_on": launch - datetime.timedelta(weeks=5),
            "training_due_on": launch - datetime.timedelta(weeks=1),
            "launch_on": launch,
            "showcase_on": showcase_day,
            "ends_on": ends_on,
            "mentor_default_capacity": 2,
            "mentor_max_capacity": 3,
            "guidelines": GUIDELINES_TEMPLATE,
        },
    )
    # Dates of an existing cohort win: a second run on another day changes nothing.
    launch, showcase_day, ends_on = cohort.launch_on, cohort.showcase_on, cohort.ends_on
    coordinator = context["coordinator"]
    alumni, pairs = _past_people(cohort, context["mentors"][:4])
    held_counts = [6, 6, 6, 6, 6, 3, 4, 1]
    _past_meetings(pairs, held_counts, launch)
    _past_showcase(cohort, pairs, launch, showcase_day)
    surveys = _past_questionnaires(cohort, coordinator)
    rng = random.Random(2025)
    # Everyone still in a pair six weeks in answered the check-in (the final survey).
    check_in_sent = _at(launch + datetime.timedelta(days=42), 8)
    for pair in pairs[:7]:
        for person in (pair.mentee, pair.mentor):
            _deliver(surveys["check_in"], person, check_in_sent, answered=True, rng=rng, optimism=0.7)
    _past_graduations(pairs[:6], held_counts, coordinator, showcase_day)
    _past_endings(cohort, pairs[6], pairs[7], coordinator, launch)
    _past_checkins(cohort, pairs[:6], surveys, rng)
    context["past_cohort"] = cohort
    context["alumni"] = alumni


def _past_people(cohort: Cohort, mentor_users: list) -> tuple[list, list[Pair]]:
    launch = cohort.launch_on
    acknowledged = _at(launch - datetime.timedelta(weeks=4))
    mentors = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=user,
            defaults={
                "role": ParticipantRole.MENTOR,
                "status": EnrollmentStatus.ACCEPTED,
                "capacity": 2,
                "guidelines_acknowledged_at": acknowledged,
            },
        )[0]
        for user in mentor_users
    ]
    alumni = [demo_user(f"alumni{i}@demo.test", name) for i, name in enumerate(ALUMNI, start=1)]
    mentees = [
        Enrollment.objects.get_or_create(
            cohort=cohort,
            user=user,
            defaults={
                "role": ParticipantRole.MENTEE,
                "status": EnrollmentStatus.WITHDRAWN if i == 7 else EnrollmentStatus.ACCEPTED,
                "guidelines_acknowledged_at": acknowledged,
            },
        )[0]
        for i, user in enumerate(alumni)
    ]
    module, _ = TrainingModule.objects.get_or_create(
        cohort=cohort,
        title="Welcome to the program",
        defaults={
            "content": "What the three months look like, and how to get the most out of them.",
            "audience": Audience.BOTH,
            "required": True,
            "position": 1,
        },
    )
    for enrollment in mentors + mentees[:7]:
        TrainingCompletion.objects.get_or_create(
            module=module, enrollment=enrollment, defaults={"completed_at": _at(launch - datetime.timedelta(weeks=2))}
        )

    matched_at = _at(launch, 9)
    pairs = []
    for index, mentee in enumerate(mentees):
        pair, _ = Pair.objects.get_or_create(
            cohort=cohort,
            mentee=mentee,
            defaults={"mentor": mentors[index // 2], "status": PairStatus.ACTIVE, "matched_at": matched_at},
        )
        pairs.append(pair)
    return alumni, pairs


def _past_meetings(pairs: list[Pair], held_counts: list[int], launch: datetime.date) -> None:
    """Meetings held every two weeks: six for most pairs, fewer for the last three."""
    for pair, count in zip(pairs, held_counts, strict=True):
        for number in range(count):
            starts_at = _at(launch + datetime.timedelta(days=3 + 14 * number))
            Meeting.objects.get_or_create(
                pair=pair,
                starts_at=starts_at,
                defaults={
                    "status": MeetingStatus.HELD,
                    "duration_minutes": 60,
                    "held_minutes": 55,
                    "location": "Online",
                    "proposed_by": pair.mentee.user,
                    "proposed_at": starts_at - datetime.timedelta(days=7),
                    "confirmed_by": pair.mentor.user,
                    "confirmed_at": starts_at - datetime.timedelta(days=6),
                    "logged_by": pair.mentor.user,
                    "logged_at": starts_at + datetime.timedelta(hours=3),
                    "shared_notes": "Reviewed the project and the next steps.",
                },
            )


def _past_showcase(cohort: Cohort, pairs: list[Pair], launch: datetime.date, showcase_day: datetime.date) -> None:
    showcase, _ = Showcase.objects.get_or_create(
        cohort=cohort,
        defaults={
            "title": f"{PAST_COHORT_NAME} showcase",
            "starts_at": _at(showcase_day),
            "duration_minutes": 90,
            "slot_minutes": 10,
            "location": "Demo Tech Mentoring, Lisbon office",
            "video_url": "https://meet.example.org/autumn-showcase",
            "description": "Six projects, ten minutes each, then drinks.",
            "is_public": True,
        },
    )
    now = timezone.now()
    for index, pair in enumerate(pairs[:7]):
        project = _project(pair.mentee, index + 3, now, milestone_base=launch)
        _updates(project, pair.mentor.user, 3, _at(launch + datetime.timedelta(weeks=2)))
        if index < 6:
            Submission.objects.get_or_create(
                project=project,
                defaults={
                    "showcase": showcase,
                    "summary": project.summary,
                    "materials_url": f"https://example.org/autumn/{index + 1}",
                    "allow_public": index < 4,
                    "position": index + 1,
                },
            )


def _past_graduations(pairs: list[Pair], held_counts: list[int], coordinator, showcase_day: datetime.date) -> None:
    graduated_at = _at(showcase_day + datetime.timedelta(days=1), 10)
    for index, pair in enumerate(pairs):
        reason = (
            "Presented a strong project; three meetings only because the mentor changed jobs mid-term."
            if index == 5
            else ""
        )
        Graduation.objects.get_or_create(
            pair=pair,
            defaults={
                "graduated_at": graduated_at,
                "graduated_by": coordinator,
                "override_reason": reason,
                "meetings_held": held_counts[index],
                "meetings_required": 4,
                "project_submitted": True,
                "survey_answered": True,
            },
        )
        if pair.status != PairStatus.GRADUATED:
            Pair.objects.filter(pk=pair.pk).update(status=PairStatus.GRADUATED)


def _past_endings(cohort: Cohort, seventh: Pair, eighth: Pair, coordinator, launch: datetime.date) -> None:
    """Pair 7 reached the end of its term and the mentee asked to be re-matched; alumni8
    withdrew a month in."""
    term_end = add_months(launch, cohort.term_months)
    TermChoiceRecord.objects.get_or_create(
        pair=seventh,
        user=seventh.mentee.user,
        term_ends_on=term_end,
        defaults={
            "choice": TermChoice.REMATCH,
            "note": "I would like a mentor in data engineering.",
            "chosen_at": _at(term_end - datetime.timedelta(days=5)),
        },
    )
    TermChoiceRecord.objects.get_or_create(
        pair=seventh,
        user=seventh.mentor.user,
        term_ends_on=term_end,
        defaults={"choice": TermChoice.END, "chosen_at": _at(term_end - datetime.timedelta(days=4))},
    )
    TermDecision.objects.get_or_create(
        pair=seventh,
        term_ends_on=term_end,
        defaults={"decision": TermChoice.REMATCH, "decided_by": coordinator, "decided_at": _at(term_end, 10)},
    )
    if seventh.status == PairStatus.ACTIVE:
        Pair.objects.filter(pk=seventh.pk).update(
            status=PairStatus.ENDED,
            ended_at=_at(term_end, 10),
            end_reason=f"End of term: {seventh.mentee.user} asked to be re-matched in a later round.",
        )
    if eighth.status == PairStatus.ACTIVE:
        Pair.objects.filter(pk=eighth.pk).update(
            status=PairStatus.ENDED,
            ended_at=_at(launch + datetime.timedelta(weeks=4), 10),
            end_reason=f"{eighth.mentee.user} withdrew from the program.",
        )


def _past_checkins(cohort: Cohort, graduated: list[Pair], surveys: dict, rng: random.Random) -> None:
    """The graduates got the 6- and 12-month surveys; the 18-month one is ahead."""
    graduates = [person for pair in graduated for person in (pair.mentee, pair.mentor)]
    for months, answering in ((6, 10), (12, 7)):
        questionnaire = surveys[months]
        rule = end_rule(questionnaire)
        sent_on = rule_send_date(rule, cohort)
        sent_at = _at(sent_on, 8)
        for number, person in enumerate(graduates):
            _deliver(
                questionnaire,
                person,
                sent_at,
                answered=number < answering,
                rng=rng,
                optimism=0.85 if months == 6 else 0.75,
                reminded_at=None
                if number < answering
                else sent_at + datetime.timedelta(days=questionnaire.reminder_days or 14),
            )
        if rule.last_sent_at is None:
            SendRule.objects.filter(pk=rule.pk).update(last_sent_at=sent_at)


def _past_questionnaires(cohort: Cohort, coordinator) -> dict:
    """The check-in and the three post-program surveys, made from the ready templates."""
    wanted = {"check_in": "check_in", 6: "post_program_6m", 12: "post_program_12m", 18: "post_program_18m"}
    surveys = {}
    for key, template_key in wanted.items():
        questionnaire = (
            Questionnaire.objects.filter(cohort=cohort, template_key=template_key)
            .prefetch_related("send_rules")
            .first()
        )
        if questionnaire is None:
            questionnaire = questionnaire_from_template(cohort=cohort, template_key=template_key, by=coordinator)
            questionnaire = Questionnaire.objects.prefetch_related("send_rules").get(pk=questionnaire.pk)
        surveys[key] = questionnaire
    return surveys


ROLES = ["Software engineer", "Senior software engineer", "Data analyst", "Engineering manager", "Product engineer"]


def _raw(question, rng: random.Random, optimism: float):
    by_value = {c.value: str(c.pk) for c in question.offered_choices}
    if question.type == "scale":
        return str(min(5, max(1, round(rng.gauss(1 + 4 * optimism, 0.8)))))
    if question.type == "yes_no":
        return "yes" if rng.random() < optimism else "no"
    if question.type == "number":
        return str(rng.randint(3, 8))
    if question.type == "single_choice" and by_value:
        return rng.choice(list(by_value.values()))
    if question.key == "current_role":
        return rng.choice(ROLES)
    if question.type == "long_text" and question.required:
        return "Going well, thank you."
    return None


def _deliver(questionnaire, enrollment, sent_at, *, answered: bool, rng, optimism: float, reminded_at=None) -> None:
    Delivery.objects.get_or_create(
        questionnaire=questionnaire, enrollment=enrollment, defaults={"sent_at": sent_at, "reminded_at": reminded_at}
    )
    if not answered or Response.objects.filter(questionnaire=questionnaire, enrollment=enrollment).exists():
        return
    response = Response.objects.create(
        questionnaire=questionnaire,
        enrollment=enrollment,
        status=ResponseStatus.SUBMITTED,
        revision=1,
        submitted_at=sent_at + datetime.timedelta(days=rng.randint(1, 6)),
        questionnaire_version=questionnaire.version,
    )
    for question in ordered_questions(questionnaire=questionnaire):
        answer = clean_answer(question, _raw(question, rng, optimism), choices=question.offered_choices)
        if answer is not None:
            Answer.objects.create(
                response=response,
                question=question,
                question_text=question.text,
                value=answer.value,
                display=answer.display,
                utc_offset=answer.utc_offset,
            )
