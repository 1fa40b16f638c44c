from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a questionnaire is for. Other apps rely on these values."""

    APPLICATION = "application", _("Application")
    PRE_PROGRAM = "pre_program", _("Pre-program survey")
    CHECK_IN = "check_in", _("Check-in")
    MATCH_FEEDBACK = "match_feedback", _("Match feedback")
    POST_PROGRAM = "post_program", _("Post-program survey")
    # Not a survey so much as the agenda of the first meeting: the meetings app reads its questions.
    FIRST_MEETING = "first_meeting", _("First-meeting guiding questions")


class Audience(models.TextChoices):
    BOTH = "both", _("Mentors and mentees")
    MENTOR = "mentor", _("Mentors")
    MENTEE = "mentee", _("Mentees")


def audience_roles(audience: str) -> tuple[str, ...]:
    """The participant roles (cohorts.enums.ParticipantRole values) an audience reaches."""
    return ("mentor", "mentee") if audience == Audience.BOTH else (audience,)


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SCALE = "scale", _("Scale 1 to 5")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes / no")
    DATE = "date", _("Date")
    TIME_ZONE = "time_zone", _("Time zone")
    COUNTRY = "country", _("Country")


CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE})
TEXT_TYPES = frozenset({QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT})


class MatchingKey(models.TextChoices):
    """The criteria the matching engine knows by name; coordinators may name others."""

    CAREER_TRACK = "career_track", _("Career track")
    GEOGRAPHY = "geography", _("Geography / time zone")
    VALUES = "values", _("Values")
    DEPARTMENT = "department", _("Department")
    SENIORITY = "seniority", _("Seniority")


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class SendTrigger(models.TextChoices):
    PHASE = "phase", _("When a phase starts")
    DATE = "date", _("On a date relative to the cohort's dates")
    RECURRING = "recurring", _("Again and again: every few weeks or months between two moments")


class RepeatUnit(models.TextChoices):
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")


class RepeatBound(models.TextChoices):
    """Where a recurring rule starts or stops: a date of the cohort, the day the cohort
    entered a phase, or a date the coordinator gives."""

    ENROLLMENT_OPENS = "enrollment_opens_on", _("the day enrollment opens")
    ENROLLMENT_CLOSES = "enrollment_closes_on", _("the day enrollment closes")
    TRAINING_DUE = "training_due_on", _("the day training is due")
    LAUNCH = "launch_on", _("the launch date")
    SHOWCASE = "showcase_on", _("the showcase date")
    END = "ends_on", _("the end of the program")
    ENTERS_TRAINING = "phase:training", _("the day the cohort enters training")
    ENTERS_LAUNCH = "phase:launch", _("the day the cohort launches")
    ENTERS_SHOWCASE = "phase:showcase", _("the day the cohort enters the showcase")
    ENTERS_CLOSED = "phase:closed", _("the day the cohort closes")
    FIXED = "fixed", _("a date I give")


class DateAnchor(models.TextChoices):
    """Cohort date fields a send rule may count from."""

    ENROLLMENT_OPENS = "enrollment_opens_on", _("enrollment opens")
    ENROLLMENT_CLOSES = "enrollment_closes_on", _("enrollment closes")
    TRAINING_DUE = "training_due_on", _("training is due")
    LAUNCH = "launch_on", _("launch")
    SHOWCASE = "showcase_on", _("the showcase")
    END = "ends_on", _("the end of the program")


class OffsetUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class Direction(models.TextChoices):
    AFTER = "after", _("after")
    BEFORE = "before", _("before")
