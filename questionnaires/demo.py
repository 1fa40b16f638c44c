"""Demo questionnaires: the demo cohort gets every ready template, and every demo mentor
and mentee has submitted their application, with answers varied enough that matching
means something (career tracks, time zones across continents, values, departments,
seniority: mentors are the more senior). The cohort in enrollment gets the templates too.
Rows are written directly (no emails); running it twice changes nothing.
"""

import datetime
import random

from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from mentorship.zones import site_today

from .enums import Audience, Kind, QuestionType, RepeatBound, RepeatUnit, ResponseStatus, SendTrigger
from .models import Answer, Response
from .selectors import ordered_questions
from .services.builder import question_create, questionnaire_create, send_rule_create
from .services.sending import recurring_rule_send
from .services.templating import questionnaires_set_up
from .validators import clean_answer

TRACKS = ["backend", "frontend", "data", "infrastructure", "mobile", "security", "product", "design"]
VALUE_SETS = [
    ["growth", "craft"],
    ["balance", "inclusion", "community"],
    ["impact", "inclusion"],
    ["leadership", "growth", "entrepreneurship"],
    ["craft", "community"],
]
DEPARTMENTS = ["engineering", "data", "product", "design", "it", "security"]
COUNTRY_BY_ZONE = {
    "Europe/London": "GB",
    "Europe/Berlin": "DE",
    "Africa/Lagos": "NG",
    "Africa/Nairobi": "KE",
    "America/New_York": "US",
    "America/Sao_Paulo": "BR",
    "Asia/Kolkata": "IN",
    "Asia/Tokyo": "JP",
    "America/Chicago": "US",
    "Europe/Madrid": "ES",
}
SUB_DEPARTMENTS = ["payments", "mobile platform", "search", "growth", "internal tools", "observability"]
GOAL_TEXTS = {
    "mentee": [
        "Move from junior to mid-level and lead a feature from design to release.",
        "Get confident speaking up in design reviews and write my first technical proposal.",
        "Switch from support into backend engineering within a year.",
        "Understand how to grow towards a senior role and what is expected there.",
    ],
    "mentor": [
        "Give back what my own mentors gave me, and learn how newer engineers see our field.",
        "Practise coaching before I take on a team of my own.",
        "Help more women into senior engineering roles.",
    ],
}


def _raw(question, role: str, index: int, user, rng: random.Random):
    """The demo answer of person ``index`` of ``role`` to ``question``, as form input."""
    by_value = {c.value: str(c.pk) for c in question.offered_choices}
    key = question.key
    track_shift = 0 if role == "mentor" else 1
    if key == "career_track":
        return by_value[TRACKS[(index // (2 if role == "mentee" else 1) + track_shift) % len(TRACKS)]]
    if key == "time_zone":
        return user.time_zone or "Europe/London"
    if key == "country":
        return COUNTRY_BY_ZONE.get(user.time_zone, "GB")
    if key == "values":
        return [by_value[v] for v in VALUE_SETS[index % len(VALUE_SETS)]]
    if key == "department":
        return by_value[DEPARTMENTS[index % len(DEPARTMENTS)]]
    if key == "sub_department":
        return SUB_DEPARTMENTS[index % len(SUB_DEPARTMENTS)]
    if key == "years_experience":
        return str(rng.randint(8, 20) if role == "mentor" else rng.randint(0, 4))
    if key == "focus":
        values = list(by_value)
        return [by_value[values[index % len(values)]], by_value[values[(index + 2) % len(values)]]]
    if key == "program_goals":
        texts = GOAL_TEXTS[role]
        return texts[index % len(texts)]
    if key == "hours_per_month":
        return str(rng.choice([2, 3, 4, 6]))
    if key == "meeting_times":
        values = list(by_value)
        return [by_value[values[index % len(values)]]]
    if key == "gender":
        return by_value["woman" if index % 5 else "non_binary"]
    if key == "under_represented":
        return by_value["yes" if index % 4 else "prefer_not"]
    if key == "age_range":
        return by_value[["25_34", "35_44", "25_34", "under_25"][index % 4] if role == "mentee" else "35_44"]
    return None


def _submit(questionnaire, enrollment, role: str, index: int, rng: random.Random) -> None:
    if Response.objects.filter(questionnaire=questionnaire, enrollment=enrollment).exists():
        return
    questions = ordered_questions(questionnaire=questionnaire)
    response = Response.objects.create(
        questionnaire=questionnaire,
        enrollment=enrollment,
        status=ResponseStatus.SUBMITTED,
        revision=1,
        submitted_at=timezone.now(),
        questionnaire_version=questionnaire.version,
    )
    for question in questions:
        answer = clean_answer(
            question, _raw(question, role, index, enrollment.user, rng), choices=question.offered_choices
        )
        if answer is not None:
            Answer.objects.create(
                response=response,
                question=question,
                question_text=question.text,
                value=answer.value,
                display=answer.display,
                utc_offset=answer.utc_offset,
            )


def seed(context: dict) -> None:
    cohort = context["cohort"]
    coordinator = context["coordinator"]
    questionnaires_set_up(cohort=cohort, by=coordinator)
    if context.get("enrolling_cohort") is not None:
        questionnaires_set_up(cohort=context["enrolling_cohort"], by=coordinator)
    applications = {q.audience: q for q in cohort.questionnaires.filter(kind=Kind.APPLICATION)}
    rng = random.Random(2027)
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(cohort=cohort).select_related("user")}
    for role, people in (("mentor", context["mentors"]), ("mentee", context["mentees"])):
        questionnaire = applications.get(role) or applications.get("both")
        if questionnaire is None:
            continue
        for index, user in enumerate(people):
            enrollment = enrollments.get(user.pk)
            if enrollment is not None:
                _submit(questionnaire, enrollment, role, index, rng)
    context["questionnaires"] = list(cohort.questionnaires.all())
    context["imported_cohort"] = seed_imported_cohort(context)
    if context.get("hands_off_cohort") is not None:
        _seed_monthly_check_in(context["hands_off_cohort"], coordinator)


# --- An imported cohort ---------------------------------------------------------------------

IMPORTED_COHORT_NAME = "Partner cohort 2027 (imported)"
IMPORT_HEADER = (
    "Full name,Email Address,Role,Capacity,Career track,Time zone,Country,Values,Department,"
    "Team / sub-department,Years of experience,Focus areas,Goals for the program,Hours per month,Meeting times\n"
)
IMPORTED_PEOPLE = [
    # name, role, track, zone, country, values, department, years, focus, meeting times
    (
        "Imani Mwangi",
        "Mentor",
        "Backend engineering",
        "Africa/Nairobi",
        "KE",
        "Technical craft;Leadership",
        "Engineering",
        "14",
        "Technical skills;Leadership",
        "Weekday evenings",
    ),
    (
        "Jonas Berg",
        "Mentor",
        "Data science and machine learning",
        "Europe/Berlin",
        "Germany",
        "Social impact",
        "Data and analytics",
        "11",
        "Career planning and promotion",
        "Weekday mornings;Weekends",
    ),
    (
        "Keiko Sato",
        "Mentor",
        "Product management",
        "Asia/Tokyo",
        "JP",
        "Leadership;Continuous learning",
        "Product",
        "16",
        "Leadership;Building a network",
        "Weekday mornings",
    ),
    (
        "Lina Haddad",
        "Mentee",
        "Backend engineering",
        "Africa/Nairobi",
        "KE",
        "Technical craft",
        "Engineering",
        "2",
        "Technical skills",
        "Weekday evenings",
    ),
    (
        "Mateo Rojas",
        "Mentee",
        "Data science and machine learning",
        "Europe/Madrid",
        "Spain",
        "Social impact;Continuous learning",
        "Data and analytics",
        "1",
        "Career planning and promotion;Confidence and visibility",
        "Weekends",
    ),
    (
        "Nadia Petrova",
        "Mentee",
        "Product management",
        "Asia/Tokyo",
        "JP",
        "Leadership",
        "Product",
        "3",
        "Leadership",
        "Weekday mornings",
    ),
    (
        "Omar Farouk",
        "Mentee",
        "Astrology",
        "Africa/Cairo",
        "EG",
        "Technical craft",
        "Engineering",
        "two",
        "Technical skills",
        "Weekday evenings",
    ),
    (
        "Priya Nair",
        "Mentee",
        "Backend engineering",
        "Asia/Kolkata",
        "India",
        "Technical craft;Social impact",
        "Engineering",
        "4",
        "Technical skills;Building a network",
        "Weekday mornings",
    ),
]
# The imported people who have since chosen a password and joined; the rest have not signed in.
IMPORTED_SIGNED_IN = ("imani.mwangi@partner.demo.test", "lina.haddad@partner.demo.test")


def _import_csv() -> str:
    import csv  # noqa: PLC0415 -- only the demo writes CSV here
    import io  # noqa: PLC0415

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(IMPORT_HEADER.strip().split(","))
    for name, role, track, zone, country, values, department, years, focus, times in IMPORTED_PEOPLE:
        email = name.lower().replace(" ", ".") + "@partner.demo.test"
        goals = f"Grow in {track.lower()}.\nThen share what I learned with my team."
        capacity = "2" if role == "Mentor" else ""
        writer.writerow(
            [name, email, role, capacity, track, zone, country, values, department, "", years, focus, goals, "4", times]
        )
    return "\ufeff" + out.getvalue()


def seed_imported_cohort(context: dict) -> Cohort | None:
    """A partner's cohort whose people came in a form service's export, answers and all,
    through the import (mapping guessed from the headers, as the coordinator would accept
    it): some have since joined, the others have not signed in yet but can be matched; two
    answers did not fit and are listed on the import's report."""
    from cohorts.enums import CohortPhase  # noqa: PLC0415 -- demo only
    from cohorts.models import Invitation  # noqa: PLC0415
    from cohorts.services.import_answers import (  # noqa: PLC0415
        extra_columns,
        import_questions,
        import_upload_confirm,
        import_upload_create,
        mapping_guess,
    )
    from cohorts.services.imports import import_job_run  # noqa: PLC0415
    from cohorts.services.invitations import invitation_accept  # noqa: PLC0415
    from mentorship.demo import DEMO_PASSWORD, demo_user  # noqa: PLC0415

    today = timezone.localdate()
    cohort, _created = Cohort.objects.get_or_create(
        program=context["program"],
        name=IMPORTED_COHORT_NAME,
        defaults={
            "description": "People of a partner organization, brought in from their application form's export.",
            "phase": CohortPhase.TRAINING,
            "enrollment_opens_on": today - datetime.timedelta(days=20),
            "enrollment_closes_on": today - datetime.timedelta(days=2),
            "training_due_on": today + datetime.timedelta(days=12),
            "launch_on": today + datetime.timedelta(days=19),
            "showcase_on": today + datetime.timedelta(days=19 + 84),
            "ends_on": today + datetime.timedelta(days=19 + 91),
            "mentor_default_capacity": 1,
            "mentor_max_capacity": 3,
        },
    )
    questionnaires_set_up(cohort=cohort, by=context["coordinator"])
    if cohort.import_jobs.exists():
        return cohort
    content = _import_csv()
    upload = import_upload_create(
        cohort=cohort, by=context["coordinator"], filename="partner-form-export.csv", content=content
    )
    mapping = mapping_guess(extra_columns(content), import_questions(cohort))
    job = import_upload_confirm(upload=upload, mapping=mapping, by=context["coordinator"])
    import_job_run(import_job_id=job.pk)
    for email in IMPORTED_SIGNED_IN:
        invitation = Invitation.objects.get(cohort=cohort, email=email)
        user = demo_user(email, invitation.full_name)
        user.set_password(DEMO_PASSWORD)
        user.last_login = timezone.now()
        user.save(update_fields=["password", "last_login"])
        invitation_accept(invitation=invitation, user=user, acknowledge_guidelines=True)
    return cohort


def _seed_monthly_check_in(cohort, coordinator) -> None:
    """The hands-off cohort's monthly check-in: a recurring rule (every month from launch to
    the end of the program); its first occurrence went out two weeks ago, and two of the
    neighbours answered it."""
    survey = cohort.questionnaires.filter(title=MONTHLY_TITLE).first()
    if survey is None:
        survey = questionnaire_create(
            cohort=cohort,
            by=coordinator,
            title=MONTHLY_TITLE,
            kind=Kind.CHECK_IN,
            audience=Audience.BOTH,
            intro="Two minutes, once a month: how are the calls going?",
            reminder_days=5,
        )
        question_create(
            questionnaire=survey,
            text="How useful was this month's call?",
            type=QuestionType.SCALE,
            required=True,
            scale_min_label="Not at all",
            scale_max_label="Very",
        )
        question_create(
            questionnaire=survey, text="Anything the coordinators should know?", type=QuestionType.LONG_TEXT
        )
        send_rule_create(
            questionnaire=survey,
            trigger=SendTrigger.RECURRING,
            repeat_every=1,
            repeat_unit=RepeatUnit.MONTHS,
            from_event=RepeatBound.LAUNCH,
            until_event=RepeatBound.END,
        )
    rule = survey.send_rules.get()
    recurring_rule_send(rule=rule, today=site_today())
    occurrence = rule.occurrences.select_related("questionnaire").first()
    if occurrence is None or occurrence.questionnaire is None:
        return
    rng = random.Random(7)
    for delivery in occurrence.questionnaire.deliveries.select_related("enrollment__user")[:2]:
        _answer(occurrence.questionnaire, delivery.enrollment, rng)


MONTHLY_TITLE = "Monthly check-in"


def _answer(questionnaire, enrollment, rng: random.Random) -> None:
    if Response.objects.filter(questionnaire=questionnaire, enrollment=enrollment).exists():
        return
    response = Response.objects.create(
        questionnaire=questionnaire,
        enrollment=enrollment,
        status=ResponseStatus.SUBMITTED,
        revision=1,
        submitted_at=timezone.now(),
        questionnaire_version=questionnaire.version,
    )
    for question in ordered_questions(questionnaire=questionnaire):
        raw = str(rng.randint(3, 5)) if question.type == QuestionType.SCALE else "All good; we talk every month."
        answer = clean_answer(question, raw, choices=question.offered_choices)
        if answer is not None:
            Answer.objects.create(
                response=response,
                question=question,
                question_text=question.text,
                value=answer.value,
                display=answer.display,
                utc_offset=answer.utc_offset,
            )
